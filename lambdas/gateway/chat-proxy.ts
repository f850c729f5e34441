import type { ChatInspection, ChatStreamMasker, Finding, Inspector } from '../inspect/types';
import { BINARY_ATTACHMENT } from '../inspect/inspector';
import { assertCanInvoke } from '../auth/access';
import type { Principal } from '../auth/principal';
import { groupRefusal, logSecurityEvent, sourceIpOf } from '../auth/security-event';
import { modelAllowed } from '../inspect/policy';
import { AirlockError, clientDisconnected, inspectionFailed, invalidRequest, modelNotAllowed, promptBlocked, toAirlockError, upstreamError } from '../shared/errors';
import { errorForLog } from '../shared/logger';
import type { SessionStatus, TokenUsage } from '../store/types';
import type { ChatApi } from './chat-api';
import { parseJsonBody, type ChatRequest } from './chat-request';
import { airlockHeaders, sendJson, SSE_HEADERS, type GatewayRequest, type ResponseSink } from './http';
import { withResponseFindings } from './finding-counts';
import type { GatewayDeps } from './ports';
import { modelNotFoundWithChoices } from './models';
import { SessionRecorder } from './session-recorder';
import { callerFacingError } from './upstream-errors';
import { routerOf, type UpstreamChoice } from './upstream-router';
import { spentTokens } from './usage/usage-limits';

/**
 * A chat API through the control point: validate, inspect (mask + score), decide, record, forward
 * the masked request, mask the answer (streamed or not), complete the record. One flow for the
 * OpenAI and Anthropic wire formats; `api` holds what differs.
 */
export function chatProxy(api: ChatApi) {
  return (deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink) => proxyChat(api, deps, req, sink);
}

async function proxyChat(api: ChatApi, deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink): Promise<void> {
  const route = api.route;
  const principal = req.principal!;
  const recorder = new SessionRecorder(
    deps,
    { id: deps.newId(), principal, route, createdAt: new Date(deps.clock.now()) },
    req.receivedAt,
    deps.clock.monotonic,
  );
  const meta = { sessionId: recorder.id, decision: 'none', overheadMs: 0 };
  const overheadSoFar = () => deps.clock.monotonic() - req.receivedAt;
  let maskedRequest: unknown;
  let maskedResponse: unknown;
  let upstreamMs = 0;
  let upstreamChoice: UpstreamChoice | undefined;
  const answeredBy = () => (upstreamChoice ? { upstream: upstreamChoice } : {});

  try {
    const body = api.validate(parseJsonBody(req.body, deps.maxJsonDepth));
    const groupPolicy = assertCanInvoke(principal, deps.policy);
    const inspector = deps.inspectorFor(groupPolicy);
    // The model id is echoed in errors and kept in records, so it must not carry a secret either,
    // also after a dash or a slash (`gpt-4o-<key>`), where detectors would not see a token start.
    if (modelCarriesSecret(inspector, body.model)) {
      throw invalidRequest('The model id looks like it contains a secret; the request was not forwarded.', 'model');
    }
    if (!modelAllowed(groupPolicy, body.model)) throw modelNotAllowed(body.model);

    const inspection = inspectRequest(inspector, body, api);
    maskedRequest = inspection.body;
    const decision = inspection.blockedBy.length ? 'block' : inspection.risk.decision;
    meta.decision = decision;
    const stream = body.stream === true;
    await recorder.begin({
      model: body.model,
      stream,
      decision,
      // A held prompt is `pending` only once the approval gate recorded it; until then a crash leaves
      // it `in_progress`, which the sweep closes, rather than a pending session with no approval.
      status: decision === 'block' ? 'blocked' : 'in_progress',
      risk: { score: inspection.risk.score, reasons: inspection.risk.reasons },
      findingCounts: inspection.findingCounts,
    });

    if (decision === 'block' && inspection.blockedBy.includes(BINARY_ATTACHMENT)) {
      throw promptBlocked(['the request carries a binary attachment (image, PDF, audio), which cannot be inspected, and the policy blocks attachments for your group']);
    }
    if (decision === 'block') {
      const reasons = inspection.blockedBy.length
        ? inspection.blockedBy.map((type) => `${type} detected and blocked by policy`)
        : inspection.risk.reasons.map((r) => r.message);
      throw promptBlocked(reasons);
    }
    if (decision === 'review' && api.holdable === false) {
      throw new AirlockError('approval_required', `This request needs human approval; approvals hold chat requests only (POST /v1/chat/completions, POST /v1/messages), so ${route} was not forwarded.`);
    }
    // A held request counts like a forwarded one: the limit is on requests made, whatever their decision.
    const admit = async (options?: { budgets?: boolean }) => {
      if (api.limited !== false) await deps.limits?.admit(principal, options);
    };
    if (decision === 'review') {
      if (!deps.approvals) {
        throw new AirlockError('approval_required', 'This prompt needs human approval, and no approval workflow is configured.');
      }
      await deps.approvals.handleReview({ req, principal, body, api, inspection, groupPolicy, recorder, meta, admit }, sink);
      return;
    }
    await admit();

    const knownSecrets = (await deps.heldCredentials?.()) ?? [];
    const forwardAt = deps.clock.monotonic();
    meta.overheadMs = forwardAt - req.receivedAt;
    const routed = await routerOf(deps).call(body.model, api.format, { path: api.upstreamPath, body: maskedRequest as Record<string, unknown>, stream, signal: sink.signal }, (choice) => {
      upstreamChoice = choice;
    });
    const upstream = routed.result;

    if (upstream.kind === 'json') {
      upstreamMs = deps.clock.monotonic() - forwardAt;
      const masked = inspector.maskChatResponse(upstream.body, api.format, { knownSecrets });
      maskedResponse = masked.body;
      const forCaller = mapStrings(masked.body, inspection.restore);
      meta.overheadMs = overheadSoFar() - upstreamMs;
      await sendJson(sink, 200, forCaller, airlockHeaders(meta));
      await spendTokens(deps, api, principal, api.usageOf(upstream.body));
      await recorder.finish(
        {
          status: 'completed',
          httpStatus: 200,
          ...answeredBy(),
          usage: api.usageOf(upstream.body),
          findingCounts: withResponseFindings(inspection.findingCounts, masked.findings),
          timings: { overheadMs: meta.overheadMs, upstreamMs, totalMs: overheadSoFar() },
        },
        { request: maskedRequest, response: masked.body },
      );
      deps.logger.info('session completed', { sessionId: recorder.id, route, decision, status: 'completed', overheadMs: meta.overheadMs });
      return;
    }

    const result = await relayStream(api, deps, inspector.jsonStreamMasker(api.streamFormat ?? api.format, { knownSecrets }), inspection, upstream.events, sink, recorder, meta, forwardAt, req.receivedAt);
    await spendTokens(deps, api, principal, result.usage);
    const status = result.error ? statusForError(result.error) : 'completed';
    await recorder.finish(
      {
        status,
        httpStatus: 200,
        ...answeredBy(),
        ...(result.error ? { errorCode: result.error.code } : {}),
        usage: result.usage,
        findingCounts: withResponseFindings(inspection.findingCounts, result.responseFindings),
        timings: { overheadMs: meta.overheadMs, upstreamFirstByteMs: result.firstByteMs, totalMs: overheadSoFar() },
      },
      { request: maskedRequest, ...(result.error ? { error: { status: result.error.status, code: result.error.code } } : {}) },
    );
    deps.logger.info('session completed', { sessionId: recorder.id, route, decision, status, overheadMs: meta.overheadMs });
  } catch (thrown) {
    // Only an upstream refusal carries text to mask, and it can only come after the caller's policy resolved.
    let err = callerWentAway(sink, thrown)
      ? clientDisconnected(thrown)
      : callerFacingError(toAirlockError(thrown), (text) => deps.inspectorFor(assertCanInvoke(principal, deps.policy)).maskText(text).masked);
    if (err.code === 'model_not_found' && !sink.started) err = await modelNotFoundWithChoices(err, api.format, deps, principal, sink.signal);
    if (err.code === 'internal_error') deps.logger.error('unexpected error', { sessionId: recorder.id, error: errorForLog(thrown) });
    if (err.code === 'forbidden') logSecurityEvent(deps.logger, groupRefusal(err.code, { issuer: principal.issuer, sourceIp: sourceIpOf(req.headers), route }));
    // The record is finished whatever happens to the answer: a caller who leaves must not escape it.
    try {
      if (sink.signal.aborted) {
        // Nobody to answer.
      } else if (!sink.started) {
        meta.overheadMs = overheadSoFar() - upstreamMs;
        await sendJson(sink, err.status, api.errorBody(err), { ...err.headers, ...airlockHeaders(meta) });
      } else {
        await sink.end();
      }
    } catch (sendFailure) {
      deps.logger.warn('error answer could not be sent', { sessionId: recorder.id, error: errorForLog(sendFailure) });
    }
    // Nothing was recorded if the session could not be begun; once begun, it must end (no orphan `pending`).
    if (err.code === 'record_unavailable' && !recorder.begun) return;
    await recorder.finish(
      { status: statusForError(err), httpStatus: err.status, errorCode: err.code, ...answeredBy(), timings: { overheadMs: meta.overheadMs, totalMs: overheadSoFar() } },
      {
        request: maskedRequest ?? null,
        // An answer that was produced but could not be delivered is kept: the auditor sees what the upstream said.
        ...(maskedResponse !== undefined ? { response: maskedResponse } : {}),
        error: { status: err.status, code: err.code },
      },
    );
    deps.logger.info('session refused', { sessionId: recorder.id, route, decision: meta.decision, code: err.code, httpStatus: err.status });
  }
}

/** The answer's tokens against the caller's day budgets (a route that spends none, token counting, is skipped). */
async function spendTokens(deps: GatewayDeps, api: ChatApi, principal: Principal, usage: TokenUsage | undefined): Promise<void> {
  if (!deps.limits || api.limited === false || !usage) return;
  await deps.limits.spend(principal, spentTokens(usage));
}

/** Inspection must not fail open: an engine error refuses the request. */
function inspectRequest(inspector: Inspector, body: ChatRequest, api: ChatApi): ChatInspection {
  try {
    return inspector.inspectChat(body, api.format);
  } catch (err) {
    throw inspectionFailed(err);
  }
}

interface StreamResult {
  usage?: TokenUsage;
  responseFindings: readonly Finding[];
  firstByteMs?: number;
  error?: AirlockError;
}

/**
 * Relays upstream SSE events through the stream masker as they arrive. Headers go out with the
 * first upstream event, so an upstream that fails before answering still gets a proper status.
 * A failure after that is sent as an OpenAI-style error event (SDKs raise it) and ends the stream.
 */
async function relayStream(
  api: ChatApi,
  deps: GatewayDeps,
  masker: ChatStreamMasker,
  inspection: ChatInspection,
  events: AsyncIterable<string>,
  sink: ResponseSink,
  recorder: SessionRecorder,
  meta: { sessionId: string; decision: string; overheadMs: number },
  forwardAt: number,
  receivedAt: number,
): Promise<StreamResult> {
  const result: StreamResult = { responseFindings: [] };
  const emit = async (event: unknown) => {
    if (api.isEmpty(event)) return;
    await sink.write(api.frame(mapStrings(event, inspection.restore)));
    // Recorded once written: the transcript of a cancelled stream holds what the caller was sent.
    recorder.event(JSON.stringify(event));
  };
  try {
    for await (const data of events) {
      if (!sink.started) {
        result.firstByteMs = deps.clock.monotonic() - forwardAt;
        meta.overheadMs = forwardAt - receivedAt;
        sink.start(200, { ...SSE_HEADERS, ...airlockHeaders(meta) });
      }
      if (data === '[DONE]') break;
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch (err) {
        throw upstreamError('The upstream sent a malformed stream event.', err);
      }
      const usage = api.usageOf(parsed);
      if (usage) result.usage = { ...result.usage, ...usage };
      for (const event of masker.push(parsed)) await emit(event);
    }
    if (!sink.started) throw upstreamError('The upstream closed the stream without sending anything.');
    for (const event of masker.end()) await emit(event);
    if (api.terminator) await sink.write(api.terminator);
  } catch (thrown) {
    if (!sink.started) throw thrown;
    const err = callerWentAway(sink, thrown) ? clientDisconnected(thrown) : toAirlockError(thrown);
    result.error = err;
    if (!sink.signal.aborted) {
      // Flush nothing that is held back: it may be the start of a secret.
      await sink.write(api.errorFrame(err)).catch(() => undefined);
    }
  } finally {
    result.responseFindings = masker.findings;
  }
  await sink.end().catch(() => undefined);
  return result;
}

/** A secret anywhere in a model id: the whole id, and each part between dashes, slashes, colons and dots. */
function modelCarriesSecret(inspector: Inspector, model: string): boolean {
  if (inspector.maskText(model).findings.length) return true;
  const parts = model.split(/[-/:.@]/);
  for (let i = 1; i < parts.length; i++) {
    if (inspector.maskText(parts.slice(i).join('-')).findings.length) return true;
  }
  return false;
}

function statusForError(err: AirlockError): SessionStatus {
  if (err.code === 'prompt_blocked') return 'blocked';
  if (err.code === 'client_disconnected') return 'cancelled';
  return 'failed';
}

/**
 * A failure caused by the caller leaving: the upstream call aborted by the sink's signal, or a
 * write to the closed connection. A policy answer (blocked, refused) keeps its own code.
 */
function callerWentAway(sink: ResponseSink, thrown: unknown): boolean {
  if (!sink.signal.aborted) return false;
  return !(thrown instanceof AirlockError) || thrown.code === 'upstream_error' || thrown.code === 'internal_error';
}

/** Applies `fn` to every string in a JSON value (used to restore reversible placeholders for the caller only). */
function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  }
  return value;
}
