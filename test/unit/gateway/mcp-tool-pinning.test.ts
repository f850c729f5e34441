import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { workflowToolChangeApprovals } from '../../../lambdas/gateway/mcp/tool-change-approvals';
import { ToolPinning, type ToolPinningPorts } from '../../../lambdas/gateway/mcp/tool-pinning';
import type { ToolSetEvent } from '../../../lambdas/gateway/mcp/tool-set-events';
import { resolveGroupPolicy } from '../../../lambdas/inspect/policy';
import { toolSetEventDetail } from '../../../lambdas/store/eventbridge-tool-set-events';
import { openLocalDatabase } from '../../../local/store/sqlite-database';
import { SqliteToolPinStore } from '../../../local/store/sqlite-tool-pin-store';
import { defaultPolicy, inMemoryGateway, principal } from '../../support/in-memory-gateway';
import { InMemoryApprovalStore } from '../../support/in-memory-stores';

const CANARY = 'canary-description-text';
const tools = (description: string): Tool[] => [
  { name: 'greet', description, inputSchema: { type: 'object', properties: { name: { type: 'string' } } } },
  { name: 'list', description: 'Lists things.', inputSchema: { type: 'object' } },
];
const alice = principal('alice', ['llm-users']);

function setUp() {
  const gateway = inMemoryGateway();
  const db = openLocalDatabase({ path: ':memory:' });
  const events: ToolSetEvent[] = [];
  const approvals = new InMemoryApprovalStore();
  const started: string[] = [];
  const ports: ToolPinningPorts = {
    store: new SqliteToolPinStore({ db }),
    approvals: workflowToolChangeApprovals({ approvals, workflow: { start: async (i) => void started.push(i.approvalId) }, policy: defaultPolicy, clock: gateway.deps.clock, logger: gateway.deps.logger }),
    events: { publish: async (e) => void events.push(e) },
  };
  const inspector = gateway.deps.inspectorFor(resolveGroupPolicy(defaultPolicy, ['llm-users'])!);
  // Two gateway instances over the same records, as two Lambda containers are.
  const instances = [new ToolPinning(gateway.deps, ports, inspector), new ToolPinning(gateway.deps, ports, inspector)] as const;
  return { gateway, db, events, approvals, started, instances };
}

describe('pinned tools (use case)', () => {
  it('publishes each change as a metadata-only event bound to its mcp:tools session', async () => {
    const { gateway, events, instances, db } = setUp();

    await instances[0].admit({ name: 'up' }, tools(`Greets. ${CANARY}`), alice);
    await instances[0].admit({ name: 'up' }, tools(`Greets more. ${CANARY}`), alice);

    expect(events.map((e) => `${e.kind}:${e.tool}`)).toEqual(['accepted:greet', 'accepted:list', 'quarantined:greet']);
    const sessionIds = new Set(events.map((e) => e.sessionId));
    for (const id of sessionIds) expect((await gateway.sessions.get(id))?.route).toBe('mcp:tools');
    const details = events.map(toolSetEventDetail);
    expect(JSON.stringify(details)).not.toContain(CANARY);
    expect(details[2]).toEqual({
      version: 1,
      kind: 'quarantined',
      time: expect.any(String),
      upstream: 'up',
      tool: 'greet',
      sessionId: events[2]!.sessionId,
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      previousFingerprint: events[0]!.fingerprint,
      reasonIds: ['tool_pinning.changed'],
    });
    db.close();
  });

  it('asks for one approval when two instances see the same change at once', async () => {
    const { instances, approvals, started, db } = setUp();
    await instances[0].admit({ name: 'up' }, tools('Greets.'), alice);

    const [a, b] = await Promise.all(instances.map((p) => p.admit({ name: 'up' }, tools('Greets, changed.'), alice)));

    expect(a!.map((t) => t.name)).toEqual(['list']);
    expect(b!.map((t) => t.name)).toEqual(['list']);
    expect(started).toHaveLength(1);
    expect([...approvals.items.values()].map((x) => x.subject)).toEqual([
      expect.objectContaining({ kind: 'tool-change', upstream: 'up', tool: 'greet', change: 'changed', previous: expect.stringContaining('"Greets."'), current: expect.stringContaining('"Greets, changed."') }),
    ]);
    db.close();
  });

  it('refuses a call to a held tool and accepts it once its approval is approved', async () => {
    const { instances, approvals, db } = setUp();
    const pinning = instances[0];
    await pinning.admit({ name: 'up' }, tools('Greets.'), alice);
    await pinning.admit({ name: 'up' }, tools('Greets, changed.'), alice);

    const refused = await pinning.admitCall({ name: 'up' }, 'greet', alice, async () => tools('Greets, changed.'));
    const [approval] = [...approvals.items.values()];
    await approvals.transition(approval!.id, ['pending'], { status: 'approved' });
    const allowed = await pinning.admitCall({ name: 'up' }, 'greet', alice, async () => tools('Greets, changed.'));

    expect(refused).toMatchObject({ allowed: false, head: expect.stringContaining(`waits for an admin's approval (approval ${approval!.id})`) });
    expect(allowed).toEqual({ allowed: true });
    db.close();
  });

  it('lists a never-seen upstream before its first call, and fails closed when the store cannot be read', async () => {
    const { instances, db } = setUp();
    let listed = 0;

    const first = await instances[0].admitCall({ name: 'fresh' }, 'list', alice, async () => (listed++, tools('Greets.')));
    const second = await instances[0].admitCall({ name: 'fresh' }, 'list', alice, async () => (listed++, tools('Greets.')));
    db.close();
    const broken = instances[0].admitCall({ name: 'fresh' }, 'list', alice, async () => tools('Greets.'));

    expect(first).toEqual({ allowed: true });
    expect(second).toEqual({ allowed: true });
    // Only the first call lists the upstream; later ones read the stored set.
    expect(listed).toBe(1);
    await expect(broken).rejects.toThrow();
  });
});
