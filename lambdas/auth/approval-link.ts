import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Approval links and the tokens that guard the approval form, all HMAC-SHA256 under one secret
 * key (Secrets Manager in AWS, a local key file for `npm start`). Each use signs a distinct label,
 * so a link signature can never be replayed as a CSRF token or a sign-in state, and vice versa.
 * Comparisons are constant-time.
 */
export type LinkCheck = 'valid' | 'invalid' | 'expired';

const MIN_KEY_BYTES = 32;
const SIG = /^[A-Za-z0-9_-]{43}$/;
const EXP = /^[0-9]{1,12}$/;

export class ApprovalLinkSigner {
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.byteLength < MIN_KEY_BYTES) throw new RangeError(`the approval link key must have at least ${MIN_KEY_BYTES} bytes`);
    this.key = Buffer.from(key);
  }

  /** `{base}/approvals/{id}?exp=…&sig=…`; `exp` is the decision deadline in epoch seconds. */
  link(baseUrl: string, approvalId: string, expSeconds: number): string {
    const exp = String(Math.floor(expSeconds));
    return `${baseUrl.replace(/\/+$/, '')}/approvals/${encodeURIComponent(approvalId)}?exp=${exp}&sig=${this.mac('approval-link', approvalId, exp)}`;
  }

  /** The signature is checked first, so `expired` is only ever said of an authentic link. */
  verifyLink(approvalId: string, exp: string | undefined, sig: string | undefined, nowMs: number): LinkCheck {
    if (!exp || !sig || !EXP.test(exp) || !SIG.test(sig)) return 'invalid';
    if (!this.equal(sig, this.mac('approval-link', approvalId, exp))) return 'invalid';
    return Number(exp) * 1000 <= nowMs ? 'expired' : 'valid';
  }

  /** The form token: bound to one approver and one approval, so it is useless to anyone else. */
  csrfToken(approvalId: string, approverKey: string): string {
    return this.mac('approval-csrf', approvalId, approverKey);
  }

  verifyCsrf(approvalId: string, approverKey: string, token: string | undefined): boolean {
    return !!token && SIG.test(token) && this.equal(token, this.csrfToken(approvalId, approverKey));
  }

  /** A signed opaque value (the sign-in round trip's `state`): `value.sig`. */
  seal(purpose: string, value: string): string {
    return `${value}.${this.mac(`sealed:${purpose}`, value)}`;
  }

  /** The value of a sealed string, or undefined when it was not sealed by this key for this purpose. */
  unseal(purpose: string, sealed: string | undefined): string | undefined {
    if (!sealed) return undefined;
    const dot = sealed.lastIndexOf('.');
    if (dot < 0) return undefined;
    const value = sealed.slice(0, dot);
    const sig = sealed.slice(dot + 1);
    return SIG.test(sig) && this.equal(sig, this.mac(`sealed:${purpose}`, value)) ? value : undefined;
  }

  private mac(label: string, ...parts: string[]): string {
    // JSON framing keeps the parts unambiguous whatever characters they hold.
    return createHmac('sha256', this.key).update(JSON.stringify([label, ...parts])).digest('base64url');
  }

  private equal(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }
}
