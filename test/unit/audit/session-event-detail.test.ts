import { sessionEventDetail } from '../../../lambdas/store/eventbridge-session-events';
import type { SessionRecord } from '../../../lambdas/store/types';

const record: SessionRecord = {
  id: '01JSESSION',
  createdAt: '2026-06-01T10:00:00.000Z',
  updatedAt: '2026-06-01T10:00:02.000Z',
  principal: { issuer: 'https://issuer.test', sub: 'alice', email: 'alice@example.com', groups: ['llm-users'], clientId: 'web' },
  route: 'POST /v1/chat/completions',
  model: 'gpt-4o',
  stream: true,
  decision: 'review',
  status: 'approved',
  risk: { score: 64, reasons: [{ id: 'keyword.prod', points: 64, message: 'mentions the production database' }] },
  findingCounts: { aws_access_key_id: 1 },
  usage: { promptTokens: 10, completionTokens: 20, totalTokens: 30 },
  costUsd: 0.000225,
  timings: { overheadMs: 1.5, totalMs: 2000 },
  transcriptKey: 'transcripts/2026/06/01/01JSESSION.json',
  transcriptSha256: 'a'.repeat(64),
  approval: { approver: 'carol', decision: 'approved', reason: 'ticket OPS-1: fine', decidedAt: '2026-06-01T10:00:01.000Z' },
  httpStatus: 200,
};

describe('session event detail', () => {
  it('carries the metadata a SIEM correlates on', () => {
    expect(sessionEventDetail(record)).toEqual({
      version: 1,
      id: '01JSESSION',
      time: '2026-06-01T10:00:00.000Z',
      updatedAt: '2026-06-01T10:00:02.000Z',
      principal: { issuer: 'https://issuer.test', sub: 'alice', groups: ['llm-users'], clientId: 'web' },
      route: 'POST /v1/chat/completions',
      model: 'gpt-4o',
      stream: true,
      decision: 'review',
      status: 'approved',
      httpStatus: 200,
      risk: { score: 64, reasonIds: ['keyword.prod'] },
      findingCounts: { aws_access_key_id: 1 },
      usage: { promptTokens: 10, completionTokens: 20, totalTokens: 30 },
      costUsd: 0.000225,
      timings: { overheadMs: 1.5, totalMs: 2000 },
      transcript: { key: 'transcripts/2026/06/01/01JSESSION.json', sha256: 'a'.repeat(64) },
      approval: { approver: 'carol', decision: 'approved', decidedAt: '2026-06-01T10:00:01.000Z' },
    });
  });

  it('leaves out free text: the caller’s email, risk reason messages and the approver’s reason', () => {
    const text = JSON.stringify(sessionEventDetail(record));

    expect(text).not.toContain('alice@example.com');
    expect(text).not.toContain('production database');
    expect(text).not.toContain('OPS-1');
  });

  it('drops fields a record might carry beyond the contract', () => {
    const smuggled = { ...record, prompt: 'secret prompt text', principal: { ...record.principal, claims: { token: 'x' } } } as SessionRecord;

    expect(JSON.stringify(sessionEventDetail(smuggled))).not.toMatch(/secret prompt text|claims/);
  });
});
