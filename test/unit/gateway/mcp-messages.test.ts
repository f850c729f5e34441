import { depthExceeds } from '../../../lambdas/gateway/mcp/mcp-route';
import { modernHeaderMismatch, modernResult } from '../../../lambdas/gateway/mcp/modern-revision';
import { splitToolName } from '../../../lambdas/gateway/mcp/tool-names';

describe('MCP message checks', () => {
  it('measures nesting without recursion, so a hostile depth cannot overflow the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];

    expect(depthExceeds(deep, 32)).toBe(true);
    expect(depthExceeds({ a: [{ b: 1 }] }, 32)).toBe(false);
  });

  it('splits prefixed tool names at the first dot only', () => {
    expect(splitToolName('db.run_sql')).toEqual({ upstream: 'db', tool: 'run_sql' });
    expect(splitToolName('db.schema.describe')).toEqual({ upstream: 'db', tool: 'schema.describe' });
    expect(splitToolName('run_sql')).toBeUndefined();
    expect(splitToolName('.x')).toBeUndefined();
  });

  describe('2026-07-28 headers against the body', () => {
    const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'db.run_sql' } };

    it('accepts headers that name what the body runs', () => {
      expect(modernHeaderMismatch({ 'mcp-method': 'tools/call', 'mcp-name': 'db.run_sql' }, call)).toBeUndefined();
    });

    it.each([
      [{}, /Mcp-Method header is required/],
      [{ 'mcp-method': 'tools/list' }, /Mcp-Method header does not match/],
      [{ 'mcp-method': 'tools/call' }, /Mcp-Name header is required/],
      [{ 'mcp-method': 'tools/call', 'mcp-name': 'db.list_tables' }, /Mcp-Name header does not match/],
    ])('refuses %j', (headers, reason) => {
      expect(modernHeaderMismatch(headers as Record<string, string>, call)).toMatch(reason);
    });

    it('marks list results private and uncached, since they depend on the caller', () => {
      expect(modernResult('tools/list', { tools: [] })).toEqual({ tools: [], resultType: 'complete', ttlMs: 0, cacheScope: 'private' });
      expect(modernResult('tools/call', { content: [] })).toEqual({ content: [], resultType: 'complete' });
    });
  });
});
