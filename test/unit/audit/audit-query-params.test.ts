import { fromParam, pageParams, parseQuery, toParam } from '../../../lambdas/gateway/audit/query-params';
import { AirlockError } from '../../../lambdas/shared/errors';

const refusal = (fn: () => unknown): AirlockError => {
  try {
    fn();
  } catch (err) {
    return err as AirlockError;
  }
  throw new Error('expected a refusal');
};

describe('audit query parameters', () => {
  it('reads a bare date as the start of that UTC day for from and its end for to', () => {
    const parsed = parseQuery({ from: '2026-06-01', to: '2026-06-03' }, { from: fromParam, to: toParam });

    expect(parsed).toEqual({ from: '2026-06-01T00:00:00.000Z', to: '2026-06-03T23:59:59.999Z' });
  });

  it('normalises a timestamp with an offset to UTC', () => {
    expect(parseQuery({ from: '2026-06-01T02:00:00+02:00' }, { from: fromParam })).toEqual({ from: '2026-06-01T00:00:00.000Z' });
  });

  it('refuses a timestamp without a zone, which would be read in the server’s local time', () => {
    expect(refusal(() => parseQuery({ from: '2026-06-01T02:00:00' }, { from: fromParam }))).toMatchObject({ status: 400, param: 'from' });
  });

  it('defaults the page size and refuses one over the cap', () => {
    expect(parseQuery({}, pageParams)).toEqual({ limit: 50 });
    expect(refusal(() => parseQuery({ limit: '101' }, pageParams))).toMatchObject({ status: 400, code: 'invalid_request', param: 'limit' });
  });

  it('refuses an unknown parameter by name instead of ignoring it', () => {
    const err = refusal(() => parseQuery({ modle: 'gpt-4o' }, pageParams));

    expect(err).toMatchObject({ status: 400, param: 'modle' });
    expect(err.message).toContain('limit, cursor');
  });
});
