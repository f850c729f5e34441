/** Who is calling, as policy sees it. Built only from a verified token. */
export interface Principal {
  /** The token's `iss`. */
  issuer: string;
  /** The token's `sub`. */
  sub: string;
  email?: string;
  /** Group names from the issuer's groups claim (`cognito:groups` for Cognito). */
  groups: string[];
  /** OAuth client id (`client_id`/`azp`) for machine callers such as CI pipelines. */
  clientId?: string;
  /** Selected non-sensitive claims kept for audit (never the token itself). */
  claims: Record<string, string | number | boolean>;
}

/** A stable key for "the same caller" across issuers. */
export const principalKey = (p: Pick<Principal, 'issuer' | 'sub'>): string => `${p.issuer}|${p.sub}`;
