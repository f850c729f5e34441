// Start-up speed: running the TypeScript sources through tsx's loader hooks every module load
// (zod alone took ~1 s to load that way against ~0.1-0.3 s natively). So the CLI runs from an
// esbuild bundle of its own sources (packages stay external, loaded natively), rebuilt whenever a
// source file changes, cached in node_modules/.cache/airlock. The bundle is split at each command's
// dynamic import: a command loads its own code and packages only (`airlock scan` no AWS SDK, no MCP
// SDK, no SQLite). AIRLOCK_CLI_NO_BUNDLE=1 runs the sources through tsx instead (stack traces point
// at the .ts files then).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['cli', 'lambdas', 'local'];

function sourceFingerprint() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mjs|json)$/.test(entry.name)) {
        const { mtimeMs, size } = statSync(path);
        hash.update(`${path}\0${mtimeMs}\0${size}\n`);
      }
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(REPO, dir));
  hash.update(readFileSync(join(REPO, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

/** The bundle's entry path, built first if the sources changed; undefined when it cannot be built (then tsx runs the sources). */
export async function compiledEntry() {
  if (process.env.AIRLOCK_CLI_NO_BUNDLE === '1') return undefined;
  const outDir = join(REPO, 'node_modules', '.cache', 'airlock');
  const bundleDir = join(outDir, `cli-${sourceFingerprint()}`);
  const entry = join(bundleDir, 'main.mjs');
  try {
    statSync(entry);
    return entry;
  } catch {
    // not built yet
  }
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return undefined;
  }
  mkdirSync(outDir, { recursive: true });
  const temp = `${bundleDir}.${process.pid}.tmp`;
  await esbuild.build({
    // The risk rules' worker thread of `airlock scan` (scan-risk.ts) is an entry of its own, beside main.mjs.
    entryPoints: { main: join(REPO, 'cli', 'main.ts'), 'scan-risk-worker': join(REPO, 'cli', 'commands', 'scan-risk-worker.ts') },
    outdir: temp,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    logLevel: 'error',
    plugins: [
      {
        // Each file keeps its own import.meta.url (paths to the ASL file and the store worker are relative to it).
        name: 'source-import-meta-url',
        setup(build) {
          build.onLoad({ filter: /\.ts$/ }, ({ path }) => ({
            contents: readFileSync(path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)),
            loader: 'ts',
          }));
        },
      },
    ],
  });
  try {
    renameSync(temp, bundleDir);
  } catch {
    // Another process built the same sources first: use its bundle.
    rmSync(temp, { recursive: true, force: true });
  }
  // Bundles of earlier sources are not used again; one a day old goes (a younger one may belong to
  // another checkout sharing this node_modules, running now).
  const dayAgo = Date.now() - 86_400_000;
  for (const name of readdirSync(outDir)) {
    const path = join(outDir, name);
    if (/^cli-[0-9a-f]{16}(\.mjs)?$/.test(name) && path !== bundleDir && statSync(path).mtimeMs < dayAgo) rmSync(path, { recursive: true, force: true });
  }
  return entry;
}
