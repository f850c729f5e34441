import type { AirlockError } from '../shared/errors';
import type { AirlockLogger } from '../shared/logger';

/**
 * Refused tokens and refused groups, logged for auditors and counted by a CloudWatch metric filter
 * on the fixed message (lib/constructs/observability.ts). Never the token, nor any claim but the
 * issuer (which names a trusted or untrusted identity provider, not a person).
 */
export const SECURITY_EVENT_MESSAGE = 'security event';

export type SecurityEventKind = 'token_refused' | 'group_refused';

export interface SecurityEvent {
  securityEvent: SecurityEventKind;
  /** The error code answered (`invalid_token`, `forbidden`). */
  code: string;
  /** A fixed class of reason (`expired`, `signature`, `untrusted_issuer`, `no_allowed_group`, …), never free text. */
  reason: string;
  /** The token's `iss`, read without trusting it, when it parses as an issuer URL. */
  issuer?: string;
  sourceIp?: string;
  route?: string;
}

export function logSecurityEvent(logger: AirlockLogger, event: SecurityEvent): void {
  logger.warn(SECURITY_EVENT_MESSAGE, { ...event });
}

/** Reason classes by the fixed messages of lambdas/auth/token-errors.ts and bearer.ts. */
const TOKEN_REASONS: Array<[RegExp, string]> = [
  [/has expired/, 'expired'],
  [/not valid yet/, 'not_yet_valid'],
  [/another audience/, 'audience'],
  [/issuer that is not trusted/, 'untrusted_issuer'],
  [/client that is not accepted/, 'client'],
  [/token_use/, 'token_use'],
  [/scope/, 'scope'],
  [/algorithm/, 'algorithm'],
  [/signature is invalid/, 'signature'],
  [/key the issuer does not publish|no signing key/, 'unknown_key'],
  [/missing/i, 'missing'],
];

export function tokenRefusal(err: AirlockError, token: string | undefined, context: { sourceIp?: string; route?: string } = {}): SecurityEvent {
  const reason = TOKEN_REASONS.find(([pattern]) => pattern.test(err.message))?.[1] ?? (token ? 'malformed' : 'missing');
  const issuer = unverifiedIssuer(token);
  return {
    securityEvent: 'token_refused',
    code: err.code,
    reason,
    ...(issuer ? { issuer } : {}),
    ...(context.sourceIp ? { sourceIp: context.sourceIp } : {}),
    ...(context.route ? { route: context.route } : {}),
  };
}

export function groupRefusal(code: string, context: { issuer?: string; sourceIp?: string; route?: string } = {}): SecurityEvent {
  return {
    securityEvent: 'group_refused',
    code,
    reason: 'no_allowed_group',
    ...(context.issuer ? { issuer: context.issuer } : {}),
    ...(context.sourceIp ? { sourceIp: context.sourceIp } : {}),
    ...(context.route ? { route: context.route } : {}),
  };
}

const ISSUER_URL = /^https?:\/\/[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?(\/[A-Za-z0-9._~%/-]{0,200})?$/;
const JWT = /^[A-Za-z0-9_-]{1,4096}\.([A-Za-z0-9_-]{1,12000})\.[A-Za-z0-9_-]{0,4096}$/;

/**
 * The `iss` claim of a bearer value, unverified, or undefined. Only a value shaped like an issuer
 * URL is returned, so a forged token cannot smuggle arbitrary text into the logs.
 */
export function unverifiedIssuer(token: string | undefined): string | undefined {
  const raw = token?.replace(/^Bearer\s+/i, '').trim();
  const payload = raw ? JWT.exec(raw)?.[1] : undefined;
  if (!payload) return undefined;
  try {
    const iss = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown }).iss;
    return typeof iss === 'string' && ISSUER_URL.test(iss) ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** The client address API Gateway saw: the last X-Forwarded-For entry (the one it appended). */
export function sourceIpOf(headers: Record<string, string>): string | undefined {
  const last = headers['x-forwarded-for']?.split(',').at(-1)?.trim();
  return last && /^[0-9A-Fa-f.:]{2,45}$/.test(last) ? last : undefined;
}
