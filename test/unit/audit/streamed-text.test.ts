import { streamedText } from '../../../lambdas/gateway/audit/streamed-text';

describe('streamed answer text', () => {
  it('joins the content deltas of OpenAI chat completion chunks', () => {
    const events = ['Hel', 'lo', ' world'].map((content, t) => ({ t, data: JSON.stringify({ choices: [{ index: 0, delta: { content } }] }) }));

    expect(streamedText(events)).toBe('Hello world');
  });

  it('joins the text deltas of Anthropic Messages events', () => {
    const events = [
      { t: 0, data: JSON.stringify({ type: 'message_start', message: {} }) },
      { t: 1, data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Bon' } }) },
      { t: 2, data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'jour' } }) },
    ];

    expect(streamedText(events)).toBe('Bonjour');
  });

  it('is undefined for events without text, and skips events that are not JSON', () => {
    expect(streamedText([{ t: 0, data: '{"choices":[{"delta":{"tool_calls":[]}}]}' }, { t: 1, data: 'not json' }])).toBeUndefined();
    expect(streamedText(undefined)).toBeUndefined();
  });
});
