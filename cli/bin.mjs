#!/usr/bin/env node
// The `airlock` command. Runs the TypeScript sources directly through tsx's loader.
import { register } from 'tsx/esm/api';

const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(`airlock needs Node.js 22 or later (this is ${process.version}); run it through npm/npx in the project so node_modules/.bin/node is used.\n`);
  process.exit(1);
}
register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
