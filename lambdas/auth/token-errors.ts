import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  FetchError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwkValidationError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidScopeError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
  JwkInvalidKtyError,
  JwkInvalidUseError,
} from 'aws-jwt-verify/error';
import { AirlockError, invalidToken } from '../shared/errors';
import { DiscoveryError } from './discovery';

/**
 * The issuer's keys could not be obtained: our side (or the issuer) is failing, not the caller's
 * token, so this is a 503 rather than a 401.
 */
export const issuerUnavailable = (cause?: unknown) =>
  new AirlockError('auth_unavailable', "The token issuer's signing keys could not be fetched; try again shortly.", {
    cause,
  });

/**
 * aws-jwt-verify's errors → a 401 with a precise reason. The library's own messages are not
 * passed on: they can quote claim values from the token.
 */
export function toTokenError(err: unknown): AirlockError {
  if (err instanceof AirlockError) return err;
  const reason = reasonFor(err);
  return reason === null ? issuerUnavailable(err) : invalidToken(reason, err);
}

function reasonFor(err: unknown): string | null {
  if (err instanceof JwtExpiredError) return 'The bearer token has expired.';
  if (err instanceof JwtNotBeforeError) return 'The bearer token is not valid yet.';
  if (err instanceof JwtInvalidAudienceError) return 'The bearer token is for another audience.';
  if (err instanceof JwtInvalidIssuerError) return 'The bearer token was issued by an issuer that is not trusted.';
  if (err instanceof CognitoJwtInvalidClientIdError) return 'The bearer token was issued to a client that is not accepted.';
  if (err instanceof CognitoJwtInvalidTokenUseError) return 'The bearer token is of a type (token_use) that is not accepted.';
  if (err instanceof JwtInvalidScopeError) return 'The bearer token lacks the required scope.';
  if (err instanceof JwtInvalidSignatureAlgorithmError) return 'The bearer token is signed with an algorithm that is not allowed.';
  if (err instanceof JwtInvalidSignatureError) return 'The bearer token signature is invalid.';
  if (err instanceof KidNotFoundInJwksError || err instanceof WaitPeriodNotYetEndedJwkError || err instanceof JwksNotAvailableInCacheError) {
    return "The bearer token is signed with a key the issuer does not publish.";
  }
  if (err instanceof JwtWithoutValidKidError) return 'The bearer token names no signing key (kid).';
  if (err instanceof JwkInvalidKtyError || err instanceof JwkInvalidUseError) return 'The bearer token is signed with a key that cannot sign tokens.';
  if (err instanceof JwtParseError) return 'The bearer token is malformed.';
  if (err instanceof FetchError || err instanceof JwksValidationError || err instanceof JwkValidationError || err instanceof DiscoveryError) {
    return null;
  }
  return 'The bearer token could not be verified.';
}
