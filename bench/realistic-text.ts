import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../test/support/prng';
import { sensitive } from './inspect';

/**
 * Text as developers paste it, for the masking and scan figures: real prose and code read from the
 * installed packages (the AWS CDK's READMEs: Markdown with code blocks; TypeScript's and Node's
 * declaration files: code with doc comments), application log lines, and a sensitive value every
 * few kilobytes. Built from files, not from a dozen repeated sentences, so the detectors see the
 * variety of anchors (`key`, `token`, `@`, `://`, digits) that real text has.
 */
const ROOT = join(import.meta.dirname, '..', 'node_modules');

function files(dir: string, pick: (name: string) => boolean, depth = 1): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && depth > 0) out.push(...files(path, pick, depth - 1));
    else if (entry.isFile() && pick(entry.name)) out.push(path);
  }
  return out;
}

let sources: string[] | undefined;
function corpus(): string[] {
  sources ??= [
    ...files(join(ROOT, 'aws-cdk-lib'), (n) => n === 'README.md'),
    ...files(join(ROOT, 'typescript', 'lib'), (n) => n.endsWith('.d.ts'), 0),
    ...files(join(ROOT, '@types', 'node'), (n) => n.endsWith('.d.ts'), 0),
  ].map((path) => readFileSync(path, 'utf8'));
  return sources;
}

function logLine(rand: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');
  const paths = ['/v1/chat/completions', '/api/orders/', '/health', '/v2/users/', '/static/app.js'];
  const status = [200, 200, 200, 201, 204, 302, 404, 500][Math.floor(rand() * 8)];
  const ip = `10.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`;
  const path = paths[Math.floor(rand() * paths.length)]! + (rand() < 0.5 ? String(Math.floor(rand() * 100000)) : '');
  return `2026-11-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}T${String(Math.floor(rand() * 24)).padStart(2, '0')}:14:${String(Math.floor(rand() * 60)).padStart(2, '0')}.${Math.floor(rand() * 1000)}Z INFO request_id=${hex(8)}-${hex(4)}-${hex(4)}-${hex(12)} client=${ip} method=GET path=${path} status=${status} duration_ms=${Math.floor(rand() * 900)}\n`;
}

/** `bytes` characters of realistic text, the same for the same seed and installed packages. */
export function realisticText(bytes: number, seed = 5): string {
  const rand = seededRandom(seed);
  const docs = corpus();
  const parts: string[] = [];
  let length = 0;
  let sinceSensitive = 0;
  while (length < bytes) {
    const r = rand();
    let part: string;
    if (r < 0.2) {
      part = Array.from({ length: 3 + Math.floor(rand() * 10) }, () => logLine(rand)).join('');
    } else {
      const doc = docs[Math.floor(rand() * docs.length)]!;
      const size = 1500 + Math.floor(rand() * 4000);
      const at = Math.floor(rand() * Math.max(1, doc.length - size));
      part = doc.slice(at, at + size);
    }
    parts.push(part);
    length += part.length;
    sinceSensitive += part.length;
    if (sinceSensitive > 4000) {
      const s = sensitive(rand);
      parts.push(s);
      length += s.length;
      sinceSensitive = 0;
    }
  }
  return parts.join('').slice(0, bytes);
}
