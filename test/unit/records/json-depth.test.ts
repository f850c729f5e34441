import { DEFAULT_MAX_JSON_DEPTH, jsonDepthExceeds } from '../../../lambdas/shared/json-depth';
import { inMemoryGateway, principal } from '../../support/in-memory-gateway';

const alice = principal('alice', ['llm-users']);
const nested = (levels: number, inner = '"x"') => `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;
const chatWith = (extra: string) => `{"model":"echo","messages":[{"role":"user","content":"hi"}],"metadata":${extra}}`;

describe('JSON depth scanner', () => {
  it('accepts nesting up to the limit and refuses one level more', () => {
    expect(jsonDepthExceeds(nested(10), 10)).toBe(false);
    expect(jsonDepthExceeds(nested(11), 10)).toBe(true);
  });

  it('counts objects and arrays alike', () => {
    const objects = `${'{"a":'.repeat(6)}1${'}'.repeat(6)}`;
    expect(jsonDepthExceeds(objects, 5)).toBe(true);
    expect(jsonDepthExceeds(objects, 6)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: '[[[[[[{{{{{{ \\" [[[[[[', t: ['"[[[['] });
    expect(jsonDepthExceeds(text, 2)).toBe(false);
  });

  it('scans 200,000 levels without recursion', () => {
    expect(jsonDepthExceeds(nested(200_000), DEFAULT_MAX_JSON_DEPTH)).toBe(true);
  });
});

describe('the depth limit at the gateway', () => {
  it.each([4_100, 200_000])('answers a body nested %i levels with 400 invalid_request naming the limit, before any forwarding', async (levels) => {
    const gw = inMemoryGateway();

    const reply = await gw.call('/v1/chat/completions', { principal: alice, rawBody: chatWith(nested(levels)) });

    expect(reply.status).toBe(400);
    expect(reply.json().error).toMatchObject({ code: 'invalid_request', type: 'invalid_request_error' });
    expect(reply.json().error.message).toContain(`${DEFAULT_MAX_JSON_DEPTH} levels`);
    expect(gw.provider.calls).toHaveLength(0);
    const [session] = gw.sessions.items.values();
    expect(session).toMatchObject({ status: 'failed', errorCode: 'invalid_request' });
    expect(session?.transcriptKey).toBeDefined();
  });

  it('forwards and records a body nested just within the limit', async () => {
    const gw = inMemoryGateway();

    const reply = await gw.call('/v1/chat/completions', { principal: alice, rawBody: chatWith(nested(DEFAULT_MAX_JSON_DEPTH - 3)) });

    expect(reply.status).toBe(200);
    const [session] = gw.sessions.items.values();
    expect(session).toMatchObject({ status: 'completed' });
    expect(session?.transcriptSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('honours a configured limit', async () => {
    const gw = inMemoryGateway({ overrides: { maxJsonDepth: 8 } });

    const reply = await gw.call('/v1/chat/completions', { principal: alice, rawBody: chatWith(nested(8)) });

    expect(reply.status).toBe(400);
    expect(reply.json().error.message).toContain('8 levels');
  });
});
