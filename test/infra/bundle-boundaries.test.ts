import { build } from 'esbuild';
import { functionBuildOptions } from '../../bench/bundle-size';

/** What a function's bundle carries follows its imports: the proxy must not carry what only the MCP function uses. */
async function bundledPackages(fn: string): Promise<Set<string>> {
  const result = await build({ ...functionBuildOptions(fn), metafile: true });
  const packages = new Set<string>();
  for (const path of Object.keys(result.metafile!.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    if (m) packages.add(m[1]!);
  }
  return packages;
}

describe('function bundles', () => {
  it('keeps the MCP SDK, its JSON-schema validator and the SQL parser out of the chat proxy', async () => {
    const proxy = await bundledPackages('proxy');

    for (const pkg of ['@modelcontextprotocol/sdk', 'ajv', 'node-sql-parser']) expect([pkg, proxy.has(pkg)]).toEqual([pkg, false]);
  });

  it('bundles them into the MCP function, which needs them', async () => {
    const mcp = await bundledPackages('mcp');

    expect(mcp.has('@modelcontextprotocol/sdk')).toBe(true);
    expect(mcp.has('node-sql-parser')).toBe(true);
  });
});
