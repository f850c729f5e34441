import { PROXY_USE_CASES, routeKey } from '../../../lambdas/gateway/router';
import { routeNotFound, routeTable, ROUTES, suggestRoute } from '../../../lambdas/gateway/routes';

describe('route table', () => {
  const table = routeTable();

  it('matches a route with a parameter and decodes it', () => {
    const match = table.match('GET', '/v1/airlock/sessions/01J%2DX/replay');

    expect(match).toMatchObject({ spec: { path: '/v1/airlock/sessions/{id}/replay', auth: 'bearer' }, params: { id: '01J-X' } });
  });

  it('prefers a literal segment over a parameter (/approvals/sign-in is not approval "sign-in")', () => {
    expect(table.match('GET', '/approvals/sign-in')).toMatchObject({ spec: { path: '/approvals/sign-in' } });
    expect(table.match('GET', '/approvals/abcdefghijkl')).toMatchObject({ spec: { path: '/approvals/{id}', servedBy: 'approval-page' } });
    expect(table.match('POST', '/approvals/abcdefghijkl')).toMatchObject({ spec: { servedBy: 'approval-decide' } });
  });

  it('tells a missing path from a method the path does not take', () => {
    expect(table.match('GET', '/v2/nothing')).toEqual({ error: 'not_found' });
    expect(table.match('DELETE', '/v1/chat/completions')).toEqual({ error: 'method_not_allowed', allowed: ['POST'] });
  });

  it('answers HEAD like GET and ignores a trailing slash', () => {
    expect(table.match('HEAD', '/health/')).toMatchObject({ spec: { path: '/health' } });
  });

  it('suggests the /v1 route for a path that forgot it, and nothing for a path that exists nowhere', () => {
    expect(suggestRoute('/chat/completions')).toBe('/v1/chat/completions');
    expect(suggestRoute('/v2/models')).toBe('/v1/models');
    expect(suggestRoute('/completely/else')).toBeUndefined();
    expect(routeNotFound('POST', '/chat/completions').message).toBe('There is no route POST /chat/completions. Did you mean /v1/chat/completions?');
  });

  it('gives every route without a bearer token a written reason', () => {
    for (const r of ROUTES.filter((route) => route.auth === 'none')) expect((r as { why: string }).why.length).toBeGreaterThan(20);
  });

  it('has a use case for every route the proxy serves and none for a route it does not', () => {
    const proxied = ROUTES.filter((r) => r.servedBy === 'proxy').map(routeKey).sort();

    expect(Object.keys(PROXY_USE_CASES).sort()).toEqual(proxied);
  });
});
