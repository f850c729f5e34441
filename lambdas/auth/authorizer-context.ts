import * as z from '../shared/zod';
import { invalidToken } from '../shared/errors';
import type { Principal } from './principal';

/**
 * API Gateway authorizer context values must be strings, numbers or booleans, so the principal
 * travels from the authorizer to the proxy as one JSON string field.
 */
export type AuthorizerContext = { principal: string };

const principalSchema = z.strictObject({
  issuer: z.string().check(z.minLength(1)),
  sub: z.string().check(z.minLength(1)),
  email: z.optional(z.string()),
  groups: z.array(z.string()),
  clientId: z.optional(z.string()),
  claims: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

export function principalToAuthorizerContext(principal: Principal): AuthorizerContext {
  return { principal: JSON.stringify(principal) };
}

/** The proxy's side: no (valid) principal in the context means the request was not authorized. */
export function principalFromAuthorizerContext(context: Record<string, unknown> | null | undefined): Principal {
  const raw = context?.principal;
  if (typeof raw !== 'string') throw invalidToken('The request carries no verified caller identity.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw invalidToken('The request carries an unreadable caller identity.', err);
  }
  const result = principalSchema.safeParse(parsed);
  if (!result.success) throw invalidToken('The request carries an invalid caller identity.', result.error);
  const { email, clientId, ...rest } = result.data;
  return { ...rest, ...(email !== undefined ? { email } : {}), ...(clientId !== undefined ? { clientId } : {}) };
}
