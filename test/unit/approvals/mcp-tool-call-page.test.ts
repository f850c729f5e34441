import { confirmationPage, reviewPage } from '../../../lambdas/gateway/approvals/approval-html';
import { approvalMessage } from '../../../lambdas/gateway/approvals/notify-approvers';
import { heldArguments } from '../../../lambdas/gateway/mcp/held-arguments';
import type { ApprovalRequest, McpToolCallSubject } from '../../../lambdas/store/approval-types';

const HOSTILE = `</code></pre><script>alert(1)</script>`;

function toolCallApproval(subject: Partial<McpToolCallSubject> = {}): ApprovalRequest {
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
    principal: { issuer: 'https://idp', sub: 'alice', groups: ['llm-users'] },
    model: 'db.run_sql',
    subject: {
      kind: 'mcp_tool_call',
      upstream: 'db',
      tool: 'run_sql',
      arguments: heldArguments({ sql: 'DROP TABLE customers', options: { cascade: true } }, { sql: 'sql' }).arguments,
      effects: ['DROP TABLE customers on db'],
      masked: false,
      truncated: false,
      ...subject,
    },
    format: 'openai',
    stream: false,
    risk: { score: 90, reasons: [{ id: 'command.sql.drop_table', points: 90, message: 'command effect: DROP TABLE customers' }] },
    findingCounts: {},
    approversGroup: 'approvers',
    selfApproval: false,
    timeoutSeconds: 3600,
    promptExcerpt: 'sql: DROP TABLE customers',
    requestKey: 'transcripts/2026/11/21/x.json',
    requestSha256: 'b'.repeat(64),
  };
}

describe('approval page for a held MCP tool call', () => {
  it('shows the upstream, the tool, the effect, the SQL as code and other arguments as JSON', () => {
    const html = reviewPage(toolCallApproval(), 'csrf', 'carol');

    expect(html).toContain('<h1>A tool call needs your approval</h1>');
    expect(html).toContain('<dt>Upstream</dt><dd>db</dd>');
    expect(html).toContain('<strong>DROP TABLE customers on db</strong>');
    expect(html).toContain('<pre><code class="language-sql">DROP TABLE customers</code></pre>');
    expect(html).toContain('{\n  &quot;cascade&quot;: true\n}');
    expect(html).toContain('command effect: DROP TABLE customers');
    expect(html).toContain('sends exactly these arguments');
  });

  it('says so when masking changed the arguments, and escapes argument text', () => {
    const html = reviewPage(toolCallApproval({ masked: true, arguments: [{ name: 'sql', language: 'sql', text: HOSTILE }] }), 'csrf', 'carol');

    expect(html).toContain('Masking changed these arguments');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;');
  });

  it('tells the approver who sends the approved call', () => {
    expect(confirmationPage(toolCallApproval(), 'approved')).toContain('The gateway sends exactly this tool call, once, when the agent collects it');
  });

  it('mails the approvers the upstream, the tool and the effect', () => {
    const message = approvalMessage(toolCallApproval(), 'https://gw/approvals/abcdefghijklmnop?exp=1&sig=x');

    expect(message.subject).toBe('Airlock: approve a tool call (db.run_sql) from alice (risk 90)');
    expect(message.text).toContain('A tool call sent through Airlock needs approval');
    expect(message.text).toMatch(/Upstream: +db\nTool: +run_sql\nEffect: +DROP TABLE customers on db/);
  });
});

describe('held arguments for the page', () => {
  it('cuts long text and says so', () => {
    const { arguments: args, truncated } = heldArguments({ sql: 'x'.repeat(20_000) }, { sql: 'sql' });

    expect(truncated).toBe(true);
    expect(args[0]!.text.length).toBeLessThan(9_000);
  });
});
