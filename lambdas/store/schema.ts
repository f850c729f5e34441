import { createHash } from 'node:crypto';

/**
 * Names shared by the store code and the CDK constructs, so the table the stack creates and the
 * queries the functions run cannot drift apart.
 */
export const SESSION_TABLE = {
  partitionKey: 'id',
  ttlAttribute: 'expiresAt',
  indexes: {
    /** Sessions of one caller (`principalSub`), newest first. */
    byPrincipal: { name: 'byPrincipal', partitionKey: 'principalSub', sortKey: 'createdAt' },
    /**
     * Sessions in one status (the pending-approvals queue), newest first, spread over
     * INDEX_WRITE_SHARDS partitions `<status>#<nn>` (`statusShard`). Replaces the unsharded
     * `byStatus` index (keyed on `status`; docs/scale.md says how a table that has it migrates).
     */
    byStatus: { name: 'byStatusShard', partitionKey: 'statusShard', sortKey: 'createdAt' },
    /**
     * All sessions of one UTC day, for time-range search without a principal, spread over
     * INDEX_WRITE_SHARDS partitions `YYYY-MM-DD#<nn>` (`day`); items written before sharding carry
     * the bare `YYYY-MM-DD` and are still read.
     */
    byDay: { name: 'byDay', partitionKey: 'day', sortKey: 'createdAt' },
  },
} as const;

/**
 * Write shards of the byStatus and byDay partitions: a session goes to shard
 * `hash(id) mod INDEX_WRITE_SHARDS` of its status and of its day, so no one partition key takes
 * every write (DynamoDB allows 1,000 write units/s per partition; with an ever-growing sort key a
 * hot key cannot be split). Searches query every shard and merge. 32 shards carry 10,000
 * sessions/s (docs/scale.md). It may be raised (searches then also read the new shards, and the old
 * ones are among them) but never lowered: items in shards above the new count would not be found.
 */
export const INDEX_WRITE_SHARDS = 32;

/** The unsharded status index this table had before INDEX_WRITE_SHARDS, kept only while a deployment migrates (docs/scale.md). */
export const LEGACY_STATUS_INDEX = { name: 'byStatus', partitionKey: 'status', sortKey: 'createdAt' } as const;

/**
 * S3 key of a session's transcript: `transcripts/YYYY/MM/DD/<shard>/{id}.json`; `part` names a
 * second transcript of the same session (`approved`). The shard (two hex digits of the id's
 * SHA-256) spreads one day's PUTs over 256 prefixes: ULIDs begin with the time, so without it
 * concurrent keys are adjacent and one prefix (3,500 PUT/s) takes every write (docs/scale.md).
 * Keys written before the shard (no shard segment) stay readable: the key is kept in the session item.
 */
export const transcriptKey = (sessionId: string, createdAt: string, part?: 'approved'): string => {
  const [y, m, d] = createdAt.slice(0, 10).split('-');
  const shard = createHash('sha256').update(sessionId).digest('hex').slice(0, 2);
  return `transcripts/${y}/${m}/${d}/${shard}/${sessionId}${part ? `.${part}` : ''}.json`;
};

/**
 * Where a transcript is stored. Every TranscriptStore derives its key here: an approved exchange
 * (it carries `approvalId`) lives next to the held request's transcript instead of overwriting it.
 */
export const transcriptKeyFor = (t: { sessionId: string; createdAt: string; approvalId?: string }): string =>
  transcriptKey(t.sessionId, t.createdAt, t.approvalId ? 'approved' : undefined);
