import { resolveGroupPolicy, type GroupPolicy, type Policy } from '../../inspect/policy';
import type { Inspector } from '../../inspect/types';
import type { ChatProvider } from '../../providers/types';
import { toAirlockError } from '../../shared/errors';
import type { ApprovalRequest } from '../../store/approval-types';
import type { TokenUsage, Transcript } from '../../store/types';
import { withResponseFindings } from '../finding-counts';
import { APPROVAL_ID } from './approval-record';
import { routerOf, type UpstreamRouter } from '../upstream-router';
import { sessionCost, type ModelPrice } from '../usage/prices';
import { spentTokens, type UsageLimiter } from '../usage/usage-limits';
import { CHAT_APIS } from './chat-apis';
import type { ApprovalRecordsDeps } from './ports';
import { settleToolChange } from './tool-change-step';
import { WorkflowError } from './workflow-error';

export interface InvokeApprovedDeps extends ApprovalRecordsDeps {
  policy: Policy;
  inspectorFor(groupPolicy: GroupPolicy): Inspector;
  /** The upstream credentials the gateway holds: masked by exact match in the approved answer too. */
  heldCredentials?: () => Promise<string[]>;
  /** The proxy's upstreams, routed by the held request's model and format. */
  upstreams?: UpstreamRouter;
  /** Without `upstreams`: the OpenAI-compatible upstream, and the Anthropic one where configured. */
  providers?: { openai: ChatProvider; anthropic?: ChatProvider };
  /** The policy's budgets: the answer's tokens are charged to the requester, as on the direct path. */
  limits?: UsageLimiter;
  /** The price table: the answer's cost, recorded on the held session. */
  prices?: readonly ModelPrice[];
}

/**
 * The InvokeUpstream step: sends the stored masked request (checked against its recorded SHA-256)
 * to the upstream, masks the answer with the proxy's inspector and stores the exchange as the
 * approval's transcript, and charges the answer's tokens to the requester's budgets (never the
 * approver's). Idempotent: a retry after success returns the stored result, charged once.
 */
export async function invokeApproved(deps: InvokeApprovedDeps, input: { approvalId: string }): Promise<{ transcriptSha256: string }> {
  if (!APPROVAL_ID.test(String(input?.approvalId))) throw new WorkflowError('Airlock.InvalidInput', 'invoke needs an approval id');
  const approval = await records(() => deps.approvals.get(input.approvalId));
  if (!approval) throw new WorkflowError('Airlock.ApprovalMissing', 'the approval does not exist');
  if (approval.result) {
    // A retry after the result was written: the charge may not have been made yet (a crash in between).
    await chargeRequester(deps, approval, approval.result.usage);
    return { transcriptSha256: approval.result.transcriptSha256 };
  }
  if (approval.status !== 'approved') throw new WorkflowError('Airlock.NotApproved', `the approval is ${approval.status}`);
  if (approval.subject?.kind === 'tool-change') return settleToolChange(deps, approval);
  // Otherwise only chat prompts are sent here; an approved tool call is the MCP gateway's to send.
  if (approval.subject && approval.subject.kind !== 'chat') throw new WorkflowError('Airlock.InvalidInput', 'this approval is not for a chat prompt');

  // The requester must still be allowed to use the gateway when the approved call goes out.
  const groupPolicy = resolveGroupPolicy(deps.policy, approval.principal.groups);
  if (!groupPolicy) throw new WorkflowError('Airlock.AccessRevoked', 'the requester no longer has access');

  const held = await records(() => deps.transcripts.get(approval.requestKey));
  if (!held || held.sha256 !== approval.requestSha256 || !isObject(held.transcript.request)) {
    throw new WorkflowError('Airlock.RequestIntegrity', 'the held request does not match its recorded hash');
  }
  const api = CHAT_APIS[approval.format];
  const router = deps.upstreams ?? routerOf({ ...(deps.providers ? { provider: deps.providers.openai } : {}), ...(deps.providers?.anthropic ? { anthropicProvider: deps.providers.anthropic } : {}) });
  const { stream: _stream, stream_options: _options, ...request } = held.transcript.request;
  const body = { ...request, stream: false };

  const started = deps.clock.monotonic();
  let answer: unknown;
  try {
    const { result: upstream } = await router.call(approval.model, approval.format, { path: api.upstreamPath, body, stream: false });
    if (upstream.kind !== 'json') throw new WorkflowError('Airlock.UpstreamRejected', 'the upstream streamed an answer that was asked for whole');
    answer = upstream.body;
  } catch (err) {
    if (err instanceof WorkflowError) throw err;
    const e = toAirlockError(err);
    const transient = e.status >= 500 || e.status === 429;
    deps.logger.warn('approved upstream call failed', { approvalId: approval.id, code: e.code, status: e.status });
    throw new WorkflowError(transient ? 'Airlock.UpstreamUnavailable' : 'Airlock.UpstreamRejected', `upstream ${e.code} (${e.status})`);
  }
  const upstreamMs = deps.clock.monotonic() - started;

  const knownSecrets = (await deps.heldCredentials?.()) ?? [];
  const masked = deps.inspectorFor(groupPolicy).maskChatResponse(answer, approval.format, { knownSecrets });
  const findingCounts = withResponseFindings(approval.findingCounts, masked.findings);
  const usage = api.usageOf(answer);
  const costUsd = sessionCost(deps.prices ?? [], approval.model, usage);
  const stored = await records(() => deps.transcripts.put(exchangeTranscript(approval, held.transcript, masked.body, findingCounts)));
  await records(() =>
    deps.approvals.transition(approval.id, ['approved'], {
      result: {
        transcriptKey: stored.key,
        transcriptSha256: stored.sha256,
        ...(usage ? { usage } : {}),
        ...(costUsd !== undefined ? { costUsd } : {}),
        upstreamMs: Math.round(upstreamMs),
        findingCounts,
        finishedAt: new Date(deps.clock.now()).toISOString(),
      },
    }),
  );
  await chargeRequester(deps, approval, usage);
  deps.logger.info('approved request answered', { approvalId: approval.id, sessionId: approval.sessionId, upstreamMs: Math.round(upstreamMs) });
  return { transcriptSha256: stored.sha256 };
}

/** The answer's tokens against the day budgets of the principal who asked, once per approval. */
async function chargeRequester(deps: InvokeApprovedDeps, approval: ApprovalRequest, usage: TokenUsage | undefined): Promise<void> {
  if (deps.limits && usage) await deps.limits.spendOnce(approval.principal, spentTokens(usage), `approval|${approval.id}`);
}

/**
 * The approved exchange: the held session's second transcript (next to the held request's), naming
 * the session, the approval and the held transcript's hash, so the audit check covers both.
 */
function exchangeTranscript(approval: ApprovalRequest, held: Transcript, response: unknown, findingCounts: Record<string, number>): Transcript {
  return {
    version: 1,
    sessionId: approval.sessionId,
    approvalId: approval.id,
    held: { key: approval.requestKey, sha256: approval.requestSha256 },
    createdAt: approval.sessionCreatedAt,
    route: held.route,
    model: approval.model,
    principal: { issuer: approval.principal.issuer, sub: approval.principal.sub },
    request: held.request,
    response,
    findingCounts,
    risk: { score: approval.risk.score, decision: 'review', reasons: approval.risk.reasons },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

async function records<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch {
    throw new WorkflowError('Airlock.RecordUnavailable', 'the approval records could not be reached');
  }
}
