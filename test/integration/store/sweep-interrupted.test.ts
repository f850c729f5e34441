import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sweepInterrupted } from '../../../lambdas/gateway/sessions/sweep-interrupted';
import type { AirlockLogger } from '../../../lambdas/shared/logger';
import { DynamoSessionStore } from '../../../lambdas/store/dynamo-session-store';
import { DynamoSessionQueries } from '../../../lambdas/store/session-queries';
import { createSessionTable } from '../../../lambdas/store/table-definition';
import { localDynamoClient } from '../../../local/embedded-stores';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../support/dynamodb-local';
import { sessionRecord } from './fixtures';

const TABLE = 'sessions-sweep-test';
const MINUTE = 60_000;
const silent: AirlockLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

describe('sweepInterrupted on DynamoDB Local (the real status index)', () => {
  let dynamo: DynamoDbLocal;
  let client: DynamoDBClient;
  const issued: Array<{ command: string; index?: string }> = [];

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = localDynamoClient(dynamo.endpoint);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        issued.push({ command: context.commandName ?? '?', index: (args.input as { IndexName?: string }).IndexName });
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    await createSessionTable(client, TABLE);
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  it('marks old in_progress sessions interrupted through Query on the sharded status index and conditional UpdateItem only', async () => {
    const now = Date.now();
    const at = (ago: number) => new Date(now - ago).toISOString();
    const sessions = new DynamoSessionStore({ tableName: TABLE, client, ttlDays: 3650 });
    const queries = new DynamoSessionQueries({ tableName: TABLE, client });
    const old = [sessionRecord({ createdAt: at(40 * MINUTE) }), sessionRecord({ createdAt: at(30 * MINUTE) })];
    const young = sessionRecord({ createdAt: at(MINUTE) });
    const done = sessionRecord({ createdAt: at(50 * MINUTE), status: 'completed' });
    for (const r of [...old, young, done]) await sessions.create(r);
    issued.length = 0;

    const result = await sweepInterrupted({ queries, sessions, logger: silent, clock: { now: () => now, monotonic: () => 0 } }, { olderThanMs: 16 * MINUTE });

    expect(result).toEqual({ marked: 2 });
    for (const r of old) expect(await sessions.get(r.id)).toMatchObject({ status: 'interrupted', errorCode: 'runtime_interrupted' });
    expect((await sessions.get(young.id))?.status).toBe('in_progress');
    expect((await sessions.get(done.id))?.status).toBe('completed');
    const sweepCalls = issued.filter((c) => c.command !== 'GetItemCommand');
    expect(new Set(sweepCalls.map((c) => `${c.command}${c.index ? `:${c.index}` : ''}`))).toEqual(new Set(['QueryCommand:byStatusShard', 'UpdateItemCommand']));
  });
});
