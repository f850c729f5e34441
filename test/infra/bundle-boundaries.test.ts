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

  it('leaves the Bedrock runtime client to the Lambda runtime, loaded only on the first Bedrock call', async () => {
    for (const fn of ['proxy', 'approval-invoke-upstream']) {
      const result = await build({ ...functionBuildOptions(fn), metafile: true });
      const imports = Object.values(result.metafile!.outputs).flatMap((o) => o.imports);
      const bedrock = imports.filter((i) => i.path === '@aws-sdk/client-bedrock-runtime');

      expect([fn, bedrock.map((i) => ({ kind: i.kind, external: i.external }))]).toEqual([fn, [{ kind: 'dynamic-import', external: true }]]);
    }
  });

  it('bundles them into the MCP function, which needs them', async () => {
    const mcp = await bundledPackages('mcp');

    expect(mcp.has('@modelcontextprotocol/sdk')).toBe(true);
    expect(mcp.has('node-sql-parser')).toBe(true);
  });
});
