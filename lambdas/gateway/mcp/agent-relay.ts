import { randomUUID } from 'node:crypto';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Principal } from '../../auth/principal';
import type { Inspector } from '../../inspect/types';
import { MCP_ERRORS } from './json-rpc-errors';
import type { AgentAnswer, AgentAnswers, UpstreamRequest } from './upstreams';

/**
 * Upstream requests (sampling, elicitation) relayed to the agent. The request goes out on the
 * agent's own `tools/call` answer stream (SSE), under an id of Airlock's making; the agent's SDK
 * client answers it with a POST of its own to `/mcp`, which `deliverAnswers` hands over through
 * `AgentAnswers` to the call waiting here. A POST may reach any instance, hence the port.
 */
const RELAY_ID_PREFIX = 'airlock-relay-';
const RELAY_ID = /^airlock-relay-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Who may answer: the caller the request was sent to. */
export const answerOwner = (principal: Pick<Principal, 'issuer' | 'sub'>): string => `${principal.issuer} ${principal.sub}`;

export async function relayToAgent(
  answers: AgentAnswers,
  transport: Pick<Transport, 'send'>,
  relatedRequestId: string | number,
  owner: string,
  request: UpstreamRequest,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const id = `${RELAY_ID_PREFIX}${randomUUID()}`;
  const pending = await answers.open(owner, id);
  await transport.send({ jsonrpc: '2.0', id, method: request.method, ...(request.params ? { params: request.params } : {}) }, { relatedRequestId });
  const answer = await pending.wait(signal);
  if (!answer) throw Object.assign(new Error(`The agent did not answer ${request.method.slice(0, 64)} before the call's deadline.`), { code: MCP_ERRORS.upstreamTimeout });
  if ('error' in answer) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
  return answer.result;
}

type Message = Record<string, unknown>;

/** A JSON-RPC response to a relayed request (no method; a result or an error; Airlock's id). */
export function isRelayAnswer(message: unknown): message is Message & { id: string } {
  if (!message || typeof message !== 'object' || Array.isArray(message)) return false;
  const m = message as Message;
  return m.method === undefined && typeof m.id === 'string' && RELAY_ID.test(m.id) && ('result' in m || 'error' in m);
}

/**
 * Hands posted answers to the calls waiting for them, masked first (an elicited answer may hold
 * what its user typed: it is stored and sent on masked only). True when every one found its call.
 */
export async function deliverAnswers(answers: AgentAnswers, owner: string, inspector: Inspector, messages: ReadonlyArray<Message & { id: string }>): Promise<boolean> {
  let all = true;
  for (const m of messages) {
    const answer: AgentAnswer =
      'error' in m && m.error && typeof m.error === 'object'
        ? {
            error: {
              code: Number.isSafeInteger((m.error as Message).code) ? ((m.error as Message).code as number) : MCP_ERRORS.internalError,
              message: inspector.maskText(String((m.error as Message).message ?? 'error').slice(0, 500)).masked,
            },
          }
        : { result: inspector.maskJson(m.result && typeof m.result === 'object' ? m.result : {}).value as Record<string, unknown> };
    if (!(await answers.deliver(owner, m.id, answer))) all = false;
  }
  return all;
}
