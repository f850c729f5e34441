import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { carriedInputs, functionBuildOptions, isInspectionEngine } from '../../bench/bundle-size';
import { PROJECT_ROOT } from '../../lib/function-bundling';

const FUNCTIONS = readdirSync(join(PROJECT_ROOT, 'lambdas', 'handlers')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));

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
    ['approval-decide', "masks the approver's note with the requester's inspector (approvalDecisions' maskText)"],
    ['approval-invoke-upstream', "masks the approved answer (invokeApproved's maskChatResponse)"],
  ])('bundles the inspection engine into %s, which %s, built by the composition root only', async (fn) => {
    const result = await build({ ...functionBuildOptions(fn), metafile: true });
    const carried = carriedInputs(result.metafile);
    const inspectorImporters = carried.filter((p) => result.metafile.inputs[p]!.imports.some((i) => i.path === 'lambdas/inspect/inspector.ts'));

    expect(carried.some((p) => p.includes('lambdas/inspect/engine/'))).toBe(true);
    expect(carried.some((p) => p.includes('lambdas/inspect/detectors/'))).toBe(true);
    expect(inspectorImporters).toEqual(['lambdas/gateway/compose.ts']);
  });

  it.each(FUNCTIONS.filter((fn) => fn !== 'mcp'))("bundles zod/mini's functions into %s, not the chained zod API (the MCP SDK's, for the MCP function alone)", async (fn) => {
    const inputs = await bundledInputs(fn);

    expect(inputs.some((p) => p.includes('node_modules/zod/v4/mini/'))).toBe(true);
    expect(inputs.filter((p) => p.includes('node_modules/zod/v4/classic/'))).toEqual([]);
  });

  it("keeps zod's English messages in a bundle: lambdas/shared/zod.ts, the one module marked with side effects, sets them", async () => {
    const probe = `import { validateChatRequest } from './lambdas/gateway/chat-request';
try { validateChatRequest({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], n: 0 }); } catch (err) { console.log(err.message); }`;
    const { entryPoints: _entry, ...options } = functionBuildOptions('proxy');
    const result = await build({ ...options, stdin: { contents: probe, resolveDir: PROJECT_ROOT, loader: 'ts' } });
    const dir = mkdtempSync(join(tmpdir(), 'airlock-bundle-'));
    try {
      writeFileSync(join(dir, 'probe.mjs'), result.outputFiles!.find((f) => f.path.endsWith('.mjs'))!.contents);

      expect(execFileSync(process.execPath, [join(dir, 'probe.mjs')], { encoding: 'utf8' })).toBe("'n' is invalid: Too small: expected number to be >=1.\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
