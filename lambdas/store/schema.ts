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

/** S3 key of a session's transcript; `part` names a second transcript of the same session (`approved`). */
export const transcriptKey = (sessionId: string, createdAt: string, part?: 'approved'): string => {
  const [y, m, d] = createdAt.slice(0, 10).split('-');
  return `transcripts/${y}/${m}/${d}/${sessionId}${part ? `.${part}` : ''}.json`;
};

/**
 * Where a transcript is stored. Every TranscriptStore derives its key here: an approved exchange
 * (it carries `approvalId`) lives next to the held request's transcript instead of overwriting it.
 */
export const transcriptKeyFor = (t: { sessionId: string; createdAt: string; approvalId?: string }): string =>
  transcriptKey(t.sessionId, t.createdAt, t.approvalId ? 'approved' : undefined);
