import { parseJsonBody, validateChatRequest } from '../../../lambdas/gateway/chat-request';
import { AirlockError } from '../../../lambdas/shared/errors';

function errorOf(fn: () => unknown): AirlockError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AirlockError) return err;
    throw err;
  }
  throw new Error('expected an AirlockError');
}

describe('chat request validation', () => {
  it('accepts a minimal request and keeps unknown fields for the upstream', () => {
    const body = validateChatRequest({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2 });
    expect(body).toMatchObject({ model: 'gpt-4o', temperature: 0.2 });
  });

  it.each([
    [{ messages: [{ role: 'user', content: 'x' }] }, 'model'],
    [{ model: 'm' }, 'messages'],
    [{ model: 'm', messages: [] }, 'messages'],
    [{ model: 'm', messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
    [{ model: 'm', messages: [{ role: 'user', content: 7 }] }, 'messages[0].content'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: 'yes' }, 'stream'],
    [{ model: 'bad model name!', messages: [{ role: 'user', content: 'x' }] }, 'model'],
  ])('refuses %j naming %s', (body, param) => {
    const err = errorOf(() => validateChatRequest(body));
    expect(err.status).toBe(400);
    expect(err.param).toBe(param);
    expect(err.message).toContain(param);
  });

  it('refuses a body that is not an object', () => {
    expect(errorOf(() => validateChatRequest([1, 2])).code).toBe('invalid_request');
  });

  it('answers malformed JSON with invalid_json, without echoing the body', () => {
    const err = errorOf(() => parseJsonBody('{"secret": "hunter2'));
    expect(err.code).toBe('invalid_json');
    expect(JSON.stringify(err.toJSON())).not.toContain('hunter2');
  });

  it('answers an empty body with a clear message', () => {
    expect(errorOf(() => parseJsonBody('  ')).message).toMatch(/empty/);
  });
});
