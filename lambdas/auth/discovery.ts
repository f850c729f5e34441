import type { Fetcher } from 'aws-jwt-verify/https';
import * as z from '../shared/zod';

const discoveryDocument = z.object({ issuer: z.string(), jwks_uri: z.url() });

export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
}

/**
 * The JWKS URI from the issuer's OpenID discovery document. The document must name the same
 * issuer (OpenID Connect Discovery §4.3), else a look-alike document could hand us its own keys.
 */
export async function discoverJwksUri(issuer: string, fetcher: Fetcher): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(await fetcher.fetch(url)));
  } catch (err) {
    throw new DiscoveryError(`discovery document of ${issuer} could not be fetched`, { cause: err });
  }
  const doc = discoveryDocument.safeParse(raw);
  if (!doc.success) throw new DiscoveryError(`discovery document of ${issuer} has no valid jwks_uri`);
  if (doc.data.issuer !== issuer) throw new DiscoveryError(`discovery document of ${issuer} names another issuer`);
  if (new URL(doc.data.jwks_uri).protocol !== 'https:') throw new DiscoveryError(`jwks_uri of ${issuer} is not https`);
  return doc.data.jwks_uri;
}
