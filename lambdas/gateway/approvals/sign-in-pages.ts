import { SIGN_IN_COOKIE, type ApproverSignIn } from '../../auth/approval-sign-in';
import { messagePage } from './approval-html';
import type { PageHandler } from './approval-pages';
import { html } from './approval-pages';
import { readCookie, setCookie } from './approver-cookie';

/** `GET /approvals/sign-in` and its callback: the approver's round trip through the sign-in provider. */
export function signInPages(signIn: ApproverSignIn, secureCookies = true): Record<string, PageHandler> {
  return {
    'GET /approvals/sign-in': async (req, sink) => {
      const redirect = signIn.start(req.query.return, req.query.prompt);
      if (!redirect) return html(sink, 400, messagePage('Cannot sign in from here', 'Open the approval link from your mail and sign in from that page.', 'bad'));
      sink.start(302, {
        location: redirect.location,
        'set-cookie': setCookie(redirect.setCookie.name, redirect.setCookie.value, { maxAgeSeconds: redirect.setCookie.maxAgeSeconds, secure: secureCookies }),
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      await sink.end();
    },
    'GET /approvals/callback': async (req, sink) => {
      const result = await signIn.finish(req.query, readCookie(req.headers.cookie, SIGN_IN_COOKIE));
      if (!result.ok) {
        return html(sink, 401, messagePage('Sign-in did not complete', 'The sign-in could not be verified. Open the approval link from your mail again.', 'bad'));
      }
      const { location, setCookie: cookie } = result.redirect;
      sink.start(302, {
        location,
        'set-cookie': setCookie(cookie.name, cookie.value, { maxAgeSeconds: cookie.maxAgeSeconds, secure: secureCookies }),
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      await sink.end();
    },
  };
}
