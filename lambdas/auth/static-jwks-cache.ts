import { JwtWithoutValidKidError, KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import { findJwkInJwks, type Jwks, type JwksCache, type JwkWithKid } from 'aws-jwt-verify/jwk';

type DecomposedJwt = Parameters<JwksCache['getJwk']>[1];

/**
 * A JWKS handed over in full (the local dev issuer): never fetched, so an unknown `kid` is an
 * unknown key rather than a failed download from an http:// URI aws-jwt-verify refuses anyway.
 */
export class StaticJwksCache implements JwksCache {
  constructor(private readonly jwks: Jwks) {}

  getJwk(_jwksUri: string, decomposedJwt: DecomposedJwt): Promise<JwkWithKid> {
    return Promise.resolve(this.getCachedJwk(_jwksUri, decomposedJwt));
  }

  getCachedJwk(_jwksUri: string, { header }: DecomposedJwt): JwkWithKid {
    if (typeof header.kid !== 'string') throw new JwtWithoutValidKidError('JWT header does not have valid kid claim');
    const jwk = findJwkInJwks(this.jwks, header.kid);
    if (!jwk) throw new KidNotFoundInJwksError('JWK for kid not found in the JWKS');
    return jwk;
  }

  addJwks(): void {}

  getJwks(): Promise<Jwks> {
    return Promise.resolve(this.jwks);
  }
}
