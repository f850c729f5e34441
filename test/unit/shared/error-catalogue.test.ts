import { AirlockError, ERROR_CATALOGUE, type ErrorCode } from '../../../lambdas/shared/errors';

describe('error catalogue', () => {
  it.each(Object.keys(ERROR_CATALOGUE) as ErrorCode[])('renders %s with the status and type the catalogue gives it', (code) => {
    const err = new AirlockError(code, 'Something precise.', { param: 'model' });

    expect(err.status).toBe(ERROR_CATALOGUE[code].status);
    expect(err.toJSON()).toEqual({ error: { message: 'Something precise.', type: ERROR_CATALOGUE[code].type, code, param: 'model' } });
  });

  it('keeps statuses within HTTP ranges that say whose fault it is', () => {
    for (const [code, { status, type }] of Object.entries(ERROR_CATALOGUE)) {
      if (type === 'server_error' || type === 'upstream_error') expect([code, status >= 500]).toEqual([code, true]);
      else expect([code, status >= 400 && status < 500]).toEqual([code, true]);
    }
  });
});
