import { build } from 'esbuild';
import { functionBuildOptions, isInspectionEngine } from '../../bench/bundle-size';

/** What a function's bundle carries follows its imports (esbuild's metafile lists every input it bundled). */
async function bundledInputs(fn: string): Promise<string[]> {
  const result = await build({ ...functionBuildOptions(fn), metafile: true });
  return Object.keys(result.metafile!.inputs);
}

async function bundledPackages(fn: string): Promise<Set<string>> {
  const packages = new Set<string>();
  for (const path of await bundledInputs(fn)) {
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

  it.each(['approval-notify', 'approval-page', 'approval-record-outcome', 'session-sweep', 'authorizer'])(
    'keeps the inspection engine and the detectors out of %s, which never inspects',
    async (fn) => {
      const inputs = await bundledInputs(fn);

      expect(inputs.length).toBeGreaterThan(10);
      expect(inputs.filter(isInspectionEngine)).toEqual([]);
    },
  );

  it.each([
    ['approval-decide', "masks the approver's note with the requester's inspector"],
    ['approval-invoke-upstream', 'masks the approved answer'],
  ])('bundles the inspection engine into %s, which %s', async (fn) => {
    const inputs = await bundledInputs(fn);

    expect(inputs.some((p) => p.includes('lambdas/inspect/engine/'))).toBe(true);
    expect(inputs.some((p) => p.includes('lambdas/inspect/detectors/'))).toBe(true);
  });
});
