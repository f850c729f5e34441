import type { Figure } from './stats';

/** `npm run bench`: one JSON line per figure on stdout. `npm run bench -- inspect` runs one group. */
const GROUPS: Record<string, () => Promise<Figure[]>> = {
  gateway: async () => (await import('./gateway-overhead')).runGatewayOverheadBench(),
  bundle: async () => (await import('./bundle-size')).measureFunctionBundles(),
  inspect: async () => (await import('./inspect')).runInspectBench(),
  upstream: async () => (await import('./upstream-client')).runUpstreamClientBench(),
  'aws-sdk': async () => (await import('./aws-sdk-call')).runAwsSdkCallBench(),
  startup: async () => (await import('./startup')).runStartupBench(),
  'fault-run': async () => (await import('./fault-run')).runFaultRun(),
  mcp: async () => (await import('./mcp-overhead')).runMcpOverheadBench(),
  scan: async () => (await import('./scan-cli')).runScanCliBench(),
  'mcp-tokens': async () => (await import('./mcp-call-tokens')).runMcpCallTokenBench(),
  store: async () => (await import('./store-load')).runStoreLoadBench(),
  peer: async () => (await import('./peer')).runPeerBench(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in GROUPS));
if (unknown.length) {
  process.stderr.write(`bench: unknown group ${unknown.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}\n`);
  process.exit(2);
}
const groups = Object.entries(GROUPS).filter(([name]) => !wanted.length || wanted.includes(name));
for (const [i, [name, run]] of groups.entries()) {
  // Progress on stderr, so stdout stays one JSON line per figure.
  const started = performance.now();
  process.stderr.write(`bench: [${i + 1}/${groups.length}] ${name}…\n`);
  for (const figure of await run()) process.stdout.write(`${JSON.stringify(figure)}\n`);
  process.stderr.write(`bench: ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
