import type { Finding } from '../types';
import { redactionMarker } from './mask';

/**
 * Exact-match masking of the credentials the gateway itself holds (its upstream keys): whatever
 * the detectors make of them, they never go back to a caller. Runs after the detectors, on text
 * they have already masked.
 */
export const GATEWAY_CREDENTIAL = 'gateway_credential';

const MIN_SECRET_CHARS = 8;

/** Secrets worth matching: long enough not to hit ordinary words, longest first so none hides another. */
export const usableSecrets = (secrets: readonly string[] | undefined): string[] =>
  [...new Set((secrets ?? []).filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_CHARS))].sort((a, b) => b.length - a.length);

const finding = (start: number, end: number): Finding => ({ type: GATEWAY_CREDENTIAL, category: 'secret', start, end, action: 'mask' });

/** Replaces every occurrence of each secret in a whole text. */
export function maskKnownSecrets(text: string, secrets: readonly string[]): { masked: string; findings: Finding[] } {
  if (!secrets.length) return { masked: text, findings: [] };
  const findings: Finding[] = [];
  let masked = text;
  for (const secret of secrets) {
    if (!masked.includes(secret)) continue;
    let out = '';
    let pos = 0;
    for (let at = masked.indexOf(secret); at !== -1; at = masked.indexOf(secret, pos)) {
      out += masked.slice(pos, at);
      findings.push(finding(out.length, out.length + GATEWAY_MARKER.length));
      out += GATEWAY_MARKER;
      pos = at + secret.length;
    }
    masked = out + masked.slice(pos);
  }
  return { masked, findings };
}

const GATEWAY_MARKER = redactionMarker(GATEWAY_CREDENTIAL);

/**
 * The same for a stream of text pieces: a tail that could be the start of a secret is held back
 * until the next piece shows whether it is one, so a key split across chunks is still caught.
 */
export class KnownSecretStream {
  private held = '';
  readonly findings: Finding[] = [];
  private emitted = 0;

  constructor(private readonly secrets: readonly string[]) {}

  push(piece: string): string {
    if (!this.secrets.length) return piece;
    const text = this.held + piece;
    const { masked, findings } = maskKnownSecrets(text, this.secrets);
    const keep = this.heldTail(masked);
    this.record(findings.filter((f) => f.end <= masked.length - keep));
    this.held = masked.slice(masked.length - keep);
    const out = masked.slice(0, masked.length - keep);
    this.emitted += out.length;
    return out;
  }

  end(): string {
    const out = this.held;
    this.held = '';
    this.emitted += out.length;
    return out;
  }

  private record(findings: Finding[]): void {
    for (const f of findings) this.findings.push({ ...f, start: f.start + this.emitted, end: f.end + this.emitted });
  }

  /** Length of the longest suffix of `text` that is a proper prefix of some secret. */
  private heldTail(text: string): number {
    let best = 0;
    for (const secret of this.secrets) {
      for (let n = Math.min(secret.length - 1, text.length); n > best; n--) {
        if (text.endsWith(secret.slice(0, n))) {
          best = n;
          break;
        }
      }
    }
    return best;
  }
}
