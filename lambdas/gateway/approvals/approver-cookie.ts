/**
 * The signed-in approver's token travels in an HttpOnly, SameSite=Lax cookie: never readable by
 * script, never sent with a cross-site POST. `Secure` whenever the pages are served over https.
 */
export { APPROVER_COOKIE } from '../../auth/approval-sign-in';

export function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value || undefined;
    }
  }
  return undefined;
}

export function setCookie(name: string, value: string, options: { maxAgeSeconds: number; secure: boolean; path?: string }): string {
  return [
    `${name}=${value}`,
    `Path=${options.path ?? '/'}`,
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
