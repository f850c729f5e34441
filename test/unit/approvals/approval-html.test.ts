import { createHash } from 'node:crypto';
import { confirmationPage, HTML_HEADERS, reviewPage } from '../../../lambdas/gateway/approvals/approval-html';
import type { ApprovalRequest } from '../../../lambdas/store/approval-types';

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>`;

function approval(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'abcdefghijklmnop',
    sessionId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    sessionCreatedAt: '2026-11-21T10:00:00.000Z',
    requestHash: 'a'.repeat(64),
    status: 'pending',
    createdAt: '2026-11-21T10:00:00.000Z',
    updatedAt: '2026-11-21T10:00:00.000Z',
    decideBy: '2026-11-21T11:00:00.000Z',
    reuseUntil: '2026-11-21T11:00:00.000Z',
    principal: { issuer: 'https://idp', sub: HOSTILE, email: `a"onmouseover="x@example.com`, groups: ['llm-users'] },
    model: 'gpt',
    format: 'openai',
    stream: false,
    risk: { score: 60, reasons: [{ id: 'x', points: 60, message: HOSTILE }] },
    findingCounts: {},
    approversGroup: 'approvers',
    selfApproval: false,
    timeoutSeconds: 3600,
    promptExcerpt: `user: ${HOSTILE}`,
    requestKey: 'transcripts/2026/11/21/x.json',
    requestSha256: 'b'.repeat(64),
    ...overrides,
  };
}

describe('approval page', () => {
  it('escapes every value that came from a request or a token', () => {
    const html = reviewPage(approval(), 'csrf-token', HOSTILE);

    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('"onmouseover="');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('is served with a CSP that allows no script and only its own stylesheet, by hash', () => {
    const benign = approval({ principal: { issuer: 'https://idp', sub: 'alice', groups: [] }, risk: { score: 60, reasons: [] }, promptExcerpt: 'user: hi' });
    const html = reviewPage(benign, 'csrf-token', 'carol');
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const csp = HTML_HEADERS['content-security-policy']!;

    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(css).digest('base64')}'`);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|script-src/);
    expect(html).not.toMatch(/<script|\son\w+=/i);
    expect(HTML_HEADERS['referrer-policy']).toBe('no-referrer');
    expect(HTML_HEADERS['cache-control']).toBe('no-store');
  });

  it('posts the decision to itself with the CSRF token, and offers approve and deny', () => {
    const html = reviewPage(approval(), 'csrf-token-value', 'carol');

    expect(html).toMatch(/<form class="card" method="post" action="">/);
    expect(html).toContain('name="csrf" value="csrf-token-value"');
    expect(html).toMatch(/value="approve">Approve</);
    expect(html).toMatch(/value="deny">Deny</);
  });

  it('shows a tool change: the tool, both fingerprints, the reasons and both definitions, escaped', () => {
    const toolChange = approval({
      model: 'db.run_sql',
      principal: { issuer: 'airlock', sub: 'mcp-upstream:db', groups: [] },
      risk: { score: 60, reasons: [{ id: 'tool_poisoning.hidden_markup', points: 60, message: 'description holds hidden instruction markup: "<important>"' }] },
      subject: { kind: 'tool-change', upstream: 'db', tool: 'run_sql', change: 'changed', fingerprint: 'c'.repeat(64), previousFingerprint: 'd'.repeat(64), previous: '{"description":"Runs SQL."}', current: `{"description":"${HOSTILE}"}` },
    });

    const html = reviewPage(toolChange, 'csrf-token', 'carol');

    expect(html).toContain('<h1>A tool change needs your approval</h1>');
    expect(html).toContain(`${'d'.repeat(64)} → ${'c'.repeat(64)}`);
    expect(html).toContain('its definition changed');
    expect(html).toContain('Runs SQL.');
    expect(html).toContain('description holds hidden instruction markup: &quot;&lt;important&gt;&quot;');
    expect(html).not.toContain('<script>');
    expect(confirmationPage(toolChange, 'approved')).toContain('Agents see the tool with this definition from their next tools/list on');
  });
});
