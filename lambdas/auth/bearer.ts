import { invalidToken } from '../shared/errors';

/** The token from an `Authorization: Bearer <token>` header value. */
export function bearerToken(authorization: string | undefined | null): string {
  if (!authorization || !authorization.trim()) throw invalidToken('The bearer token is missing.');
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  if (!match?.[1]) throw invalidToken('The Authorization header is not a Bearer token.');
  return match[1];
}
