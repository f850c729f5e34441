import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import type { SessionRecord, Transcript } from '../../../lambdas/store/types';

/** A fresh, valid session record; every call gets a new id. */
export function sessionRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const createdAt = overrides.createdAt ?? new Date().toISOString();
  return {
    id: ulid(Date.parse(createdAt)),
    createdAt,
    updatedAt: createdAt,
    principal: { issuer: 'https://issuer.test', sub: `user-${randomUUID()}`, groups: ['llm-users'] },
    route: 'POST /v1/chat/completions',
    model: 'gpt-test',
    stream: false,
    decision: 'allow',
    status: 'in_progress',
    findingCounts: {},
    ...overrides,
  };
}

export function transcriptOf(record: SessionRecord, request: unknown, response?: unknown): Transcript {
  return {
    version: 1,
    sessionId: record.id,
    createdAt: record.createdAt,
    route: record.route,
    model: record.model,
    principal: { issuer: record.principal.issuer, sub: record.principal.sub },
    request,
    response,
    findingCounts: record.findingCounts,
  };
}
