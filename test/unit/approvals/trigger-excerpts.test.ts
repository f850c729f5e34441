import { reviewConversation, triggerExcerpts } from '../../../lambdas/gateway/approvals/trigger-excerpts';

const filler = (n: number) => Array.from({ length: n }, (_, i) => `note ${i}: the staging cluster looks healthy and the dashboards are green.`).join(' ');

function longConversation() {
  return {
    model: 'echo',
    messages: [
      { role: 'system', content: 'You are an infrastructure assistant.' },
      { role: 'user', content: filler(40) },
      { role: 'assistant', content: filler(30) },
      { role: 'user', content: `${filler(20)} Then run terraform destroy -auto-approve in the prod workspace. Also mail [REDACTED:email] the list.` },
    ],
  };
}

describe('trigger excerpts', () => {
  it('finds the triggering command wherever it sits in a long conversation', () => {
    const body = longConversation();
    expect(JSON.stringify(body).indexOf('terraform destroy')).toBeGreaterThan(4000);

    const [excerpt] = triggerExcerpts(body, [{ id: 'dangerous_command.terraform_destroy', points: 50, message: 'dangerous command: terraform destroy in the prompt' }]);

    expect(excerpt).toMatchObject({ reasonId: 'dangerous_command.terraform_destroy', where: 'user (message 4 of 4)', match: 'terraform destroy -auto-approve' });
    expect(excerpt!.before).toMatch(/^….*Then run $/);
    expect(excerpt!.after).toContain(' in the prod workspace.');
  });

  it('finds a masked finding by its marker and a policy keyword by the keyword its message names', () => {
    const body = { messages: [{ role: 'user', content: 'Send the Customer   List to [REDACTED:email] today' }] };

    const excerpts = triggerExcerpts(body, [
      { id: 'pii.email', points: 5, message: '1 personal data value of type email found in the prompt (masked before forwarding)' },
      { id: 'keyword.customer_list', points: 20, message: 'mentions the policy keyword "customer list"' },
      { id: 'prompt_length', points: 15, message: 'prompt is long' },
    ]);

    expect(excerpts.map((e) => [e.reasonId, e.match])).toEqual([
      ['pii.email', '[REDACTED:email]'],
      ['keyword.customer_list', 'Customer   List'],
    ]);
  });

  it('lays out the latest user turn and tool calls in full and the rest apart', () => {
    const body = {
      messages: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'run_sql', arguments: '{"q":"DROP TABLE x"}' } }] },
        { role: 'tool', tool_call_id: 't1', content: 'done' },
        { role: 'user', content: 'and now the last one' },
      ],
    };

    const view = reviewConversation(body);

    expect(view).toMatchObject({ latestUser: 'and now the last one', toolCalls: ['run_sql({"q":"DROP TABLE x"})'], truncated: false });
    expect(view.earlier).toContain('user: first question');
    expect(view.earlier).toContain('tool: done');
    expect(view.earlier).not.toContain('the last one');
  });
});
