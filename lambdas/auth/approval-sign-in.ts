import { createHash, randomBytes } from 'node:crypto';
import type { ApprovalLinkSigner } from './approval-link';
import type { TokenVerifier } from './verifier';

/**
 * Approver sign-in for the approval pages in AWS: the OIDC authorization-code flow with PKCE
 * against the Cognito hosted UI (or the configured OIDC provider). The round trip's state is
 * sealed with the link key and bound to a short-lived HttpOnly cookie that also holds the PKCE
 * verifier, so a sign-in cannot be started by one browser and finished in another. The result is
 * the verified ID token in the approver cookie; the return path can only be an approval page or the console.
 */
export interface ApproverSignInOptions {
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  scopes: string[];
  /** The gateway's public base URL (with the stage path): the callback is `{base}/approvals/callback`. */
  publicBaseUrl: string;
  links: ApprovalLinkSigner;
  verifier: TokenVerifier;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface SignInRedirect {
  location: string;
  setCookie: { name: string; value: string; maxAgeSeconds: number };
}

export type SignInResult = { ok: true; redirect: SignInRedirect } | { ok: false; reason: 'state' | 'exchange' | 'token' };

export const SIGN_IN_COOKIE = 'airlock_signin';
/** The cookie that carries the signed-in approver's ID token. */
export const APPROVER_COOKIE = 'airlock_approver';
const ROUND_TRIP_SECONDS = 600;
const RETURN_PATH = /^\/approvals\/[A-Za-z0-9_-]{1,64}\?[A-Za-z0-9_=&%.-]{0,300}$/;
/** The console and its pages, with an optional query (search filters): a path on this site, never another origin. */
const CONSOLE_RETURN_PATH = /^\/console(?:\/[A-Za-z0-9_-]{1,128}){0,3}(?:\?[A-Za-z0-9_=&%.+-]{0,600})?$/;

export const isApprovalReturnPath = (path: string | undefined): path is string => !!path && (RETURN_PATH.test(path) || CONSOLE_RETURN_PATH.test(path));

export class ApproverSignIn {
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: ApproverSignInOptions) {
    this.fetchFn = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  get callbackUrl(): string {
    return `${this.options.publicBaseUrl.replace(/\/+$/, '')}/approvals/callback`;
  }

  /**
   * Where the page's "Sign in" button points. `switchUser` asks the provider to sign in afresh
   * (OIDC `prompt=login`) rather than reuse its own session, so another person can sign in.
   */
  signInUrl(returnPath: string, switchUser = false): string {
    return `${this.options.publicBaseUrl.replace(/\/+$/, '')}/approvals/sign-in?return=${encodeURIComponent(returnPath)}${switchUser ? '&prompt=login' : ''}`;
  }

  /** `GET /approvals/sign-in?return=…`: to the provider's authorize endpoint, with a bound state. */
  start(returnPath: string | undefined, prompt?: string): SignInRedirect | undefined {
    if (!isApprovalReturnPath(returnPath)) return undefined;
    const verifier = randomBytes(32).toString('base64url');
    const nonce = randomBytes(16).toString('base64url');
    const expires = Math.floor(this.now() / 1000) + ROUND_TRIP_SECONDS;
    const state = this.options.links.seal('sign-in', `${nonce}~${expires}~${Buffer.from(returnPath).toString('base64url')}`);
    const url = new URL(this.options.authorizeUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.options.clientId,
      redirect_uri: this.callbackUrl,
      scope: this.options.scopes.join(' '),
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...(prompt === 'login' ? { prompt: 'login' } : {}),
    }).toString();
    return { location: url.toString(), setCookie: { name: SIGN_IN_COOKIE, value: `${verifier}~${nonce}`, maxAgeSeconds: ROUND_TRIP_SECONDS } };
  }

  /** `GET /approvals/callback?code=…&state=…`: exchanges the code, verifies the ID token. */
  async finish(query: Record<string, string>, signInCookie: string | undefined): Promise<SignInResult> {
    const opened = this.options.links.unseal('sign-in', query.state);
    const [nonce, expires, encodedReturn] = opened?.split('~') ?? [];
    const [verifier, cookieNonce] = signInCookie?.split('~') ?? [];
    const returnPath = encodedReturn ? Buffer.from(encodedReturn, 'base64url').toString('utf8') : undefined;
    if (!nonce || !verifier || nonce !== cookieNonce || Number(expires) * 1000 <= this.now() || !isApprovalReturnPath(returnPath) || !query.code) {
      return { ok: false, reason: 'state' };
    }
    let idToken: unknown;
    try {
      const response = await this.fetchFn(this.options.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: this.options.clientId,
          code: query.code,
          redirect_uri: this.callbackUrl,
          code_verifier: verifier,
        }).toString(),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) return { ok: false, reason: 'exchange' };
      idToken = ((await response.json()) as { id_token?: unknown }).id_token;
    } catch {
      return { ok: false, reason: 'exchange' };
    }
    if (typeof idToken !== 'string') return { ok: false, reason: 'exchange' };
    try {
      await this.options.verifier.verify(idToken);
    } catch {
      return { ok: false, reason: 'token' };
    }
    const exp = Number((JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown }).exp);
    return {
      ok: true,
      redirect: {
        location: `${this.options.publicBaseUrl.replace(/\/+$/, '')}${returnPath}`,
        setCookie: { name: APPROVER_COOKIE, value: idToken, maxAgeSeconds: Math.max(0, exp - Math.floor(this.now() / 1000)) },
      },
    };
  }
}
