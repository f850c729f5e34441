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
    /** Sessions in one status (the pending-approvals queue), newest first. */
    byStatus: { name: 'byStatus', partitionKey: 'status', sortKey: 'createdAt' },
    /** All sessions of one UTC day (`YYYY-MM-DD`), for time-range search without a principal. */
    byDay: { name: 'byDay', partitionKey: 'day', sortKey: 'createdAt' },
  },
} as const;

/** S3 key of a session's transcript. */
export const transcriptKey = (sessionId: string, createdAt: string): string => {
  const [y, m, d] = createdAt.slice(0, 10).split('-');
  return `transcripts/${y}/${m}/${d}/${sessionId}.json`;
};
