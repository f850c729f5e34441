#!/usr/bin/env node
// The `airlock` command: runs a cached bundle of the TypeScript sources (see compiled-entry.mjs),
// or the sources themselves through tsx's loader when no bundle can be built.
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(`airlock needs Node.js 22 or later (this is ${process.version}); run it through npm/npx in the project so node_modules/.bin/node is used.\n`);
  process.exit(1);
}
// V8's compiled code for the bundle and the packages it loads, kept beside the bundle: start-up then
// skips compiling them.
module.enableCompileCache(fileURLToPath(new URL('../node_modules/.cache/airlock/v8', import.meta.url)));
// node:sqlite (the local runtime's embedded store) is stable enough for us; its warning would only confuse users.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => (String(warning).startsWith('SQLite is an experimental feature') ? undefined : emitWarning(warning, ...rest));
const { compiledEntry } = await import('./compiled-entry.mjs');
const entry = await compiledEntry();
if (!entry) (await import('tsx/esm/api')).register();
const { main } = await import(entry ?? './main.ts');
process.exitCode = await main(process.argv.slice(2), entry ? { bundleEntry: entry } : {});
