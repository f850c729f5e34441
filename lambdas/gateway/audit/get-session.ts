import type { Principal } from '../../auth/principal';
import { notFound } from '../../shared/errors';
import type { SessionRecord } from '../../store/types';
import { sendJson, type GatewayRequest, type ResponseSink } from '../http';
import type { GatewayDeps } from '../ports';
import { auditAccess, mayRead, type AuditAccess } from './access';
import { auditStoreCall, logRecordRead, type AuditDeps } from './audit-deps';
import { parseQuery } from './query-params';
import { streamedText } from './streamed-text';
import { readCheckedTranscript } from './transcript-integrity';

export const INTEGRITY_HEADER = 'x-airlock-integrity';

const SESSION_ID = /^[0-9A-Za-z_-]{1,128}$/;

/**
 * A session the caller may read. Someone else's session answers exactly like one that does not
 * exist, so its existence does not leak.
 */
export async function readableSession(deps: AuditDeps, access: AuditAccess, id: string | undefined): Promise<SessionRecord> {
  const record = id && SESSION_ID.test(id) ? await auditStoreCall(() => deps.sessions.get(id)) : undefined;
  if (!record || !mayRead(access, record)) throw notFound('The session');
  return record;
}

/**
 * `GET /v1/airlock/sessions/{id}`: the record, its masked transcript, findings by type, risk
 * reasons and approval, with the result of checking the transcript against its recorded SHA-256.
 */
export async function getSession(deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink, params: Record<string, string>): Promise<void> {
  auditAccess(deps.policy, req.principal!);
  parseQuery(req.query, {});
  const view = await sessionView(deps, req.principal!, params.id);
  await sendJson(sink, 200, view, { [INTEGRITY_HEADER]: view.integrity });
}

export type SessionView = Awaited<ReturnType<typeof sessionView>>;

/** The session as the API and the console show it; reading it is logged. */
export async function sessionView(deps: AuditDeps, principal: Principal, id: string | undefined) {
  const access = auditAccess(deps.policy, principal);
  const record = await readableSession(deps, access, id);
  const checked = await readCheckedTranscript(deps.transcripts, record);
  logRecordRead(deps, principal, 'show', record.id, checked.integrity);
  const t = checked.transcript;
  const responseText = streamedText(t?.events);

  return {
    object: 'airlock.session',
      id: record.id,
      integrity: checked.integrity,
      session: record,
      findings: findingsBySource(record.findingCounts),
      risk: record.risk ? { score: record.risk.score, decision: record.decision ?? null, reasons: record.risk.reasons } : null,
      approval: record.approval ?? null,
      transcript: t
        ? {
            key: record.transcriptKey,
            sha256: checked.sha256,
            recordedSha256: record.transcriptSha256,
            request: t.request,
            response: t.response ?? null,
            ...(responseText !== undefined ? { responseText } : {}),
            events: t.events ?? [],
            error: t.error ?? null,
          }
        : null,
  };
}

/** Finding counts split into the prompt's and the answer's (the recorder prefixes the latter with `response.`). */
function findingsBySource(counts: Record<string, number>): { request: Record<string, number>; response: Record<string, number> } {
  const request: Record<string, number> = {};
  const response: Record<string, number> = {};
  for (const [type, n] of Object.entries(counts)) {
    if (type.startsWith('response.')) response[type.slice('response.'.length)] = n;
    else request[type] = n;
  }
  return { request, response };
}
