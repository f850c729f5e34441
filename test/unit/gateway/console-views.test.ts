import type { SessionView } from '../../../lambdas/gateway/audit/get-session';
import { CONSOLE_HTML_HEADERS } from '../../../lambdas/gateway/approvals/approval-html';
import { homePage, sessionPage, type Viewer } from '../../../lambdas/gateway/console/console-views';

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
const viewer: Viewer = { name: HOSTILE, groups: ['approvers', 'auditors'], approver: true, auditor: true };

function view(): SessionView {
  return {
    object: 'airlock.session',
    id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    integrity: 'mismatch',
    session: {
      id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      createdAt: '2026-11-21T10:00:00.000Z',
      updatedAt: '2026-11-21T10:00:01.000Z',
      principal: { issuer: 'https://idp', sub: HOSTILE, groups: [HOSTILE] },
      route: 'POST /v1/chat/completions',
      model: HOSTILE,
      stream: true,
      status: 'completed',
      findingCounts: { [HOSTILE]: 1 },
    },
    findings: { request: { [HOSTILE]: 1 }, response: {} },
    risk: { score: 60, decision: 'review', reasons: [{ id: HOSTILE, points: 60, message: HOSTILE }] },
    approval: { approver: HOSTILE, decision: 'approved', reason: HOSTILE, decidedAt: '2026-11-21T10:00:01.000Z' },
    transcript: {
      key: 'k',
      sha256: 'a',
      recordedSha256: 'b',
      request: { messages: [{ role: 'user', content: HOSTILE }] },
      response: null,
      responseText: HOSTILE,
      events: [],
      error: null,
    },
  };
}

describe('console pages', () => {
  it('escape every value from the record, the transcript and the token', () => {
    const pages = [
      sessionPage('', viewer, view()),
      homePage('', viewer, [{ entry: { ...inboxEntry(), principal: { issuer: 'x', sub: HOSTILE, groups: [] } }, link: `/approvals/x?sig="${HOSTILE}` }], []),
    ];

    for (const page of pages) {
      expect(page).not.toContain('<script>alert');
      expect(page).not.toContain('<img');
      expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    }
  });

  it('show a failed integrity check as such', () => {
    expect(sessionPage('', viewer, view())).toMatch(/<span class="badge mismatch" id="integrity">mismatch<\/span>/);
  });

  it('load only the same-origin console script, never inline code', () => {
    const page = sessionPage('/prod', viewer, view());

    expect([...page.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual(['<script src="/prod/console/console.js" defer>']);
    expect(page).not.toMatch(/<[^>]*\son[a-z]+=/);
    expect(CONSOLE_HTML_HEADERS['content-security-policy']).toContain("script-src 'self'");
    expect(CONSOLE_HTML_HEADERS['content-security-policy']).not.toContain('unsafe-inline');
  });
});

function inboxEntry() {
  return {
    id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    createdAt: '2026-11-21T10:00:00.000Z',
    status: 'pending' as const,
    principal: { issuer: 'x', sub: 'alice', groups: [] },
    route: 'POST /v1/chat/completions',
    risk: { score: 50, reasons: [{ id: 'r', points: 50, message: HOSTILE }] },
    findingCounts: {},
    approval: null,
    approvers_group: 'approvers',
    self_approval: false,
    decide_by: '2026-11-21T11:00:00.000Z',
  };
}
