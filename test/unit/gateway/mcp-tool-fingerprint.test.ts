import { createHash } from 'node:crypto';
import { canonicalJson, toolFingerprint } from '../../../lambdas/gateway/mcp/tool-fingerprint';
import { reconcileToolSet, type ListedTool } from '../../../lambdas/gateway/mcp/tool-set-reconcile';
import type { UpstreamToolSet } from '../../../lambdas/store/tool-pin-types';

const base = {
  name: 'run_sql',
  description: 'Runs one SQL statement.',
  inputSchema: { type: 'object' as const, properties: { sql: { type: 'string', description: 'The SQL' } }, required: ['sql'] },
};

describe('tool fingerprints', () => {
  it('is SHA-256 over the canonical JSON of the fingerprinted fields', () => {
    const expected = createHash('sha256').update('{"description":"Runs one SQL statement.","inputSchema":{"properties":{"sql":{"description":"The SQL","type":"string"}},"required":["sql"],"type":"object"},"name":"run_sql"}').digest('hex');

    expect(toolFingerprint(base)).toBe(expected);
  });

  it('does not depend on key order, nested keys included', () => {
    const reordered = { inputSchema: { required: ['sql'], properties: { sql: { description: 'The SQL', type: 'string' } }, type: 'object' as const }, description: base.description, name: base.name };

    expect(toolFingerprint(reordered)).toBe(toolFingerprint(base));
  });

  it('changes with any fingerprinted field, and not with others', () => {
    const fp = toolFingerprint(base);
    expect(toolFingerprint({ ...base, description: 'Runs one SQL statement. ' })).not.toBe(fp);
    expect(toolFingerprint({ ...base, description: 'Runs one SQL\u200b statement.' })).not.toBe(fp);
    expect(toolFingerprint({ ...base, title: 'SQL' })).not.toBe(fp);
    expect(toolFingerprint({ ...base, name: 'run_sql2' })).not.toBe(fp);
    expect(toolFingerprint({ ...base, outputSchema: { type: 'object' } })).not.toBe(fp);
    expect(toolFingerprint({ ...base, annotations: { destructiveHint: true } })).not.toBe(fp);
    expect(toolFingerprint({ ...base, inputSchema: { ...base.inputSchema, required: [] } })).not.toBe(fp);
    expect(toolFingerprint({ ...base, _meta: { build: 7 } } as typeof base)).toBe(fp);
    expect(toolFingerprint({ ...base, title: undefined })).toBe(fp);
  });

  it('keeps array order and writes canonical JSON without whitespace', () => {
    expect(canonicalJson({ b: [3, 1, { d: 1, c: 2 }], a: 'x', u: undefined })).toBe('{"a":"x","b":[3,1,{"c":2,"d":1}]}');
    expect(canonicalJson([undefined, Number.NaN, null])).toBe('[null,null,null]');
  });
});

const listed = (name: string, fingerprint: string, poisoning: ListedTool['poisoning'] = []): ListedTool => ({
  name,
  fingerprint,
  poisoned: poisoning.reduce((s, r) => s + r.points, 0) >= 50,
  poisoning,
  score: 0,
  definition: `{"name":"${name}"}`,
});
const fp = (c: string) => c.repeat(64);
const NOW = '2026-12-02T08:00:00.000Z';
const reconcile = (stored: UpstreamToolSet | undefined, tools: ListedTool[], extra: Partial<Parameters<typeof reconcileToolSet>[0]> = {}) =>
  reconcileToolSet({ stored, listed: tools, upstream: { name: 'db' }, now: NOW, approvalStatus: new Map(), approvals: true, ...extra });

describe('tool-set reconciliation', () => {
  it('takes the first listing as the baseline, except a poisoned tool', () => {
    const r = reconcile(undefined, [listed('a', fp('a')), listed('b', fp('b'), [{ id: 'tool_poisoning.hidden_markup', points: 60, message: 'x' }])]);

    expect([...r.visible]).toEqual(['a']);
    expect(r.next.tools.a!.accepted).toMatchObject({ fingerprint: fp('a'), by: 'baseline' });
    expect(r.next.tools.b!.quarantined).toMatchObject({ change: 'added', reasons: [{ id: 'tool_poisoning.hidden_markup' }, { id: 'tool_pinning.first_listing_poisoned' }] });
    expect(r.changes.map((c) => `${c.kind}:${c.tool}`)).toEqual(['accepted:a', 'quarantined:b']);
    expect(r.requests.map((q) => q.tool)).toEqual(['b']);
  });

  it('holds a changed tool and asks once for approval, keeping the accepted definition', () => {
    const first = reconcile(undefined, [listed('a', fp('a'))]).next;

    const second = reconcile(first, [listed('a', fp('c'))]);
    const third = reconcile(second.next, [listed('a', fp('c'))], { approvalStatus: new Map([[second.requests[0]!.id, 'pending']]) });

    expect(second.visible.size).toBe(0);
    expect(second.next.tools.a).toMatchObject({ accepted: { fingerprint: fp('a') }, quarantined: { fingerprint: fp('c'), change: 'changed', approvalId: second.requests[0]!.id } });
    expect(second.changes).toEqual([expect.objectContaining({ kind: 'quarantined', previousFingerprint: fp('a'), fingerprint: fp('c') })]);
    expect(third.dirty).toBe(false);
    expect(third.requests).toEqual([]);
  });

  it('accepts a held tool once its approval is approved', () => {
    const held = reconcile(reconcile(undefined, [listed('a', fp('a'))]).next, [listed('a', fp('c'))]);
    const id = held.requests[0]!.id;

    const approved = reconcile(held.next, [listed('a', fp('c'))], { approvalStatus: new Map([[id, 'completed']]) });

    expect([...approved.visible]).toEqual(['a']);
    expect(approved.next.tools.a).toEqual({ accepted: expect.objectContaining({ fingerprint: fp('c'), by: 'approved', approvalId: id }) });
    expect(approved.changes.map((c) => c.kind)).toEqual(['approved']);
  });

  it('keeps a denied tool held without asking again, and asks again after an expiry', () => {
    const held = reconcile(reconcile(undefined, [listed('a', fp('a'))]).next, [listed('a', fp('c'))]);
    const id = held.requests[0]!.id;

    const denied = reconcile(held.next, [listed('a', fp('c'))], { approvalStatus: new Map([[id, 'denied']]) });
    const expired = reconcile(held.next, [listed('a', fp('c'))], { approvalStatus: new Map([[id, 'expired']]) });

    expect(denied.visible.size + denied.requests.length).toBe(0);
    expect(expired.requests.map((q) => q.id)).toEqual([expect.not.stringMatching(id)]);
  });

  it('reports a rename as a removal and a new, held tool', () => {
    const first = reconcile(undefined, [listed('a', fp('a'))]).next;

    const r = reconcile(first, [listed('b', fp('a'))]);

    expect(r.changes.map((c) => `${c.kind}:${c.tool}`)).toEqual(['quarantined:b', 'removed:a']);
    expect(r.next.tools).toEqual({ b: { quarantined: expect.objectContaining({ change: 'added' }) } });
    expect(r.next.tools.b!.quarantined!.reasons.at(-1)!.message).toContain('stopped listing "a"');
  });

  it('accepts a pinned definition without review and holds one that disagrees with its pin', () => {
    const pins = { a: fp('a'), b: fp('9') };

    const r = reconcile(undefined, [listed('a', fp('a')), listed('b', fp('b'))], { upstream: { name: 'db', pins, trustOnFirstUse: false } });

    expect([...r.visible]).toEqual(['a']);
    expect(r.next.tools.a!.accepted!.by).toBe('pinned');
    expect(r.next.tools.b!.quarantined!.reasons[0]!.id).toBe('tool_pinning.pin_mismatch');
    expect(r.requests).toEqual([]);
  });

  it('holds every unpinned tool of an upstream that does not trust its first listing', () => {
    const r = reconcile(undefined, [listed('a', fp('a'))], { upstream: { name: 'db', trustOnFirstUse: false } });

    expect(r.visible.size).toBe(0);
    expect(r.next.tools.a!.quarantined!.reasons.map((x) => x.id)).toEqual(['tool_pinning.not_pinned']);
  });

  it('drops a held definition when the upstream lists the accepted one again', () => {
    const held = reconcile(reconcile(undefined, [listed('a', fp('a'))]).next, [listed('a', fp('c'))]).next;

    const r = reconcile(held, [listed('a', fp('a'))]);

    expect([...r.visible]).toEqual(['a']);
    expect(r.next.tools.a).toEqual({ accepted: expect.objectContaining({ fingerprint: fp('a') }) });
    expect(r.changes.map((c) => c.kind)).toEqual(['restored']);
  });
});
