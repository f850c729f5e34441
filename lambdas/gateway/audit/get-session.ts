import { notFound } from '../../shared/errors';
import type { SessionRecord } from '../../store/types';
import { sendJson, type GatewayRequest, type ResponseSink } from '../http';
import type { GatewayDeps } from '../ports';
import { auditAccess, mayRead, type AuditAccess } from './access';
import { auditStoreCall, logRecordRead } from './audit-deps';
import { parseQuery } from './query-params';
import { streamedText } from './streamed-text';
import { readCheckedTranscript } from './transcript-integrity';

export const INTEGRITY_HEADER = 'x-airlock-integrity';

const SESSION_ID = /^[0-9A-Za-z_-]{1,128}$/;

/**
 * A session the caller may read. Someone else's session answers exactly like one that does not
 * exist, so its existence does not leak.
 */
export async function readableSession(deps: GatewayDeps, access: AuditAccess, id: string | undefined): Promise<SessionRecord> {
  const record = id && SESSION_ID.test(id) ? await auditStoreCall(() => deps.sessions.get(id)) : undefined;
  if (!record || !mayRead(access, record)) throw notFound('The session');
  return record;
}

/**
 * `GET /v1/airlock/sessions/{id}`: the record, its masked transcript, findings by type, risk
 * reasons and approval, with the result of checking the transcript against its recorded SHA-256.
 */
export async function getSession(deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink, params: Record<string, string>): Promise<void> {
  const access = auditAccess(deps.policy, req.principal!);
  parseQuery(req.query, {});
  const record = await readableSession(deps, access, params.id);
  const checked = await readCheckedTranscript(deps.transcripts, record);
  logRecordRead(deps, req.principal!, 'show', record.id, checked.integrity);
  const t = checked.transcript;
  const responseText = streamedText(t?.events);

  await sendJson(
    sink,
    200,
    {
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
    },
    { [INTEGRITY_HEADER]: checked.integrity },
  );
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
