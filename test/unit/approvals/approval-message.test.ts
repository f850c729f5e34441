import { approvalMessage } from '../../../lambdas/gateway/approvals/notify-approvers';
import { MAX_WAIT_SECONDS, requestedWaitSeconds } from '../../../lambdas/gateway/approvals/outcome-wait';
import { promptExcerpt } from '../../../lambdas/gateway/approvals/prompt-excerpt';
import type { ApprovalRequest } from '../../../lambdas/store/approval-types';

const approval: ApprovalRequest = {
  id: 'abcdefghijklmnop',
  sessionId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  sessionCreatedAt: '2026-11-21T10:00:00.000Z',
  requestHash: 'a'.repeat(64),
  status: 'pending',
  createdAt: '2026-11-21T10:00:00.000Z',
  updatedAt: '2026-11-21T10:00:00.000Z',
  decideBy: '2026-11-21T11:00:00.000Z',
  reuseUntil: '2026-11-21T11:00:00.000Z',
  principal: { issuer: 'https://token.actions.githubusercontent.com', sub: 'repo:example/app:ref:refs/heads/main', groups: ['llm-users'], clientId: 'ci-deploy' },
  model: 'gpt-4o',
  format: 'openai',
  stream: false,
  risk: {
    score: 70,
    reasons: [
      { id: 'dangerous_command.drop_database', points: 50, message: 'dangerous command: DROP DATABASE in the prompt' },
      { id: 'secret.aws_access_key_id', points: 20, message: 'an AWS access key id was masked' },
    ],
  },
  findingCounts: { aws_access_key_id: 1 },
  approversGroup: 'approvers',
  selfApproval: false,
  timeoutSeconds: 3600,
  promptExcerpt: 'user: DROP DATABASE prod with [REDACTED:aws_access_key_id]',
  requestKey: 'transcripts/2026/11/21/x.json',
  requestSha256: 'b'.repeat(64),
};

describe("approvers' message", () => {
  const link = 'https://gw.example.com/prod/approvals/abcdefghijklmnop?exp=1795255200&sig=' + 's'.repeat(43);
  const message = approvalMessage(approval, link);

  it('says who asks, through which client, for which model, the risk score and every reason', () => {
    expect(message.text).toContain('repo:example/app:ref:refs/heads/main');
    expect(message.text).toContain('ci-deploy');
    expect(message.text).toContain('gpt-4o');
    expect(message.text).toContain('70 / 100');
    for (const reason of approval.risk.reasons) expect(message.text).toContain(reason.message);
  });

  it('carries the masked prompt excerpt and the signed link, and says opening it changes nothing', () => {
    expect(message.text).toContain('DROP DATABASE prod with [REDACTED:aws_access_key_id]');
    expect(message.text).toContain(link);
    expect(message.link).toBe(link);
    expect(message.text).toMatch(/opening the link alone changes nothing/);
  });

  it('has a printable subject within the e-mail limit', () => {
    const long = approvalMessage({ ...approval, principal: { ...approval.principal, sub: 'ü'.repeat(200) } }, link);

    expect(long.subject.length).toBeLessThanOrEqual(100);
    expect(long.subject).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('prompt excerpt', () => {
  it('shows each message with its role, tool calls named, and truncates long prompts', () => {
    const excerpt = promptExcerpt(
      {
        messages: [
          { role: 'system', content: 'be terse' },
          { role: 'user', content: [{ type: 'text', text: 'x'.repeat(50) }] },
          { role: 'assistant', content: null, tool_calls: [{ function: { name: 'run_sql', arguments: '{"q":"DROP"}' } }] },
        ],
      },
      80,
    );

    expect(excerpt.startsWith('system: be terse\n\nuser: xxxx')).toBe(true);
    expect(excerpt).toMatch(/… \(\d+ more characters\)$/);
    expect(promptExcerpt({ messages: [{ role: 'assistant', content: null, tool_calls: [{ function: { name: 'run_sql', arguments: '{}' } }] }] })).toBe(
      'assistant: [tool call run_sql] {}',
    );
  });
});

describe('x-airlock-wait', () => {
  it.each([
    [undefined, 0],
    ['10', 10],
    [' 3 ', 3],
    ['600', MAX_WAIT_SECONDS],
    ['-1', 0],
    ['ten', 0],
  ])('%p waits %p seconds', (header, seconds) => {
    expect(requestedWaitSeconds(header === undefined ? {} : { 'x-airlock-wait': header })).toBe(seconds);
  });
});

describe('tool-change mail', () => {
  it('names the tool, the change and the reasons, and links to the page', () => {
    const message = approvalMessage(
      {
        ...approval,
        model: 'db.run_sql',
        principal: { issuer: 'airlock', sub: 'mcp-upstream:db', groups: [] },
        risk: { score: 0, reasons: [{ id: 'tool_pinning.changed', points: 0, message: 'the definition changed since it was accepted' }] },
        subject: { kind: 'tool-change', upstream: 'db', tool: 'run_sql', change: 'changed', fingerprint: 'c'.repeat(64), current: '{}' },
      },
      'https://airlock.example.com/approvals/abcdefghijklmnop?exp=1&sig=s',
    );

    expect(message.subject).toBe('Airlock: approve a changed MCP tool db.run_sql');
    expect(message.text).toContain('Tool:          db.run_sql\nChange:        definition changed');
    expect(message.text).toContain('  - the definition changed since it was accepted (tool_pinning.changed)');
    expect(message.text).toContain('https://airlock.example.com/approvals/abcdefghijklmnop?exp=1&sig=s');
  });
});
