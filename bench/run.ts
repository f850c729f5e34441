import type { Figure } from './stats';

/** `npm run bench`: one JSON line per figure on stdout. `npm run bench -- inspect` runs one group. */
const GROUPS: Record<string, () => Promise<Figure[]>> = {
  gateway: async () => (await import('./gateway-overhead')).runGatewayOverheadBench(),
  bundle: async () => [await (await import('./bundle-size')).measureProxyBundle()],
  inspect: async () => (await import('./inspect')).runInspectBench(),
  mcp: async () => (await import('./mcp-overhead')).runMcpOverheadBench(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const [name, run] of Object.entries(GROUPS)) {
  if (wanted.length && !wanted.includes(name)) continue;
  for (const figure of await run()) process.stdout.write(`${JSON.stringify(figure)}\n`);
}
