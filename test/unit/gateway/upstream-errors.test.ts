import { callerFacingError, MAX_UPSTREAM_MESSAGE_CHARS } from '../../../lambdas/gateway/upstream-errors';
import { AirlockError, upstreamError } from '../../../lambdas/shared/errors';

const refused = (message: string, param: string | null = null) =>
  new AirlockError('upstream_rejected', 'The upstream rejected the request as invalid.', { upstream: { message, param } });

describe('caller-facing upstream errors', () => {
  it('shows the upstream message and param through the mask', () => {
    const err = callerFacingError(refused('Unsupported parameter: foo=SECRET', 'foo'), (t) => t.replace('SECRET', '[MASKED]'));

    expect(err.message).toBe('The upstream rejected the request: Unsupported parameter: foo=[MASKED]');
    expect(err.param).toBe('foo');
    expect(err.status).toBe(400);
  });

  it('masks the whole message before cutting it, so a cut cannot keep half a secret', () => {
    const seen: string[] = [];
    const long = `${'a'.repeat(MAX_UPSTREAM_MESSAGE_CHARS - 5)}SECRETVALUE`;

    const err = callerFacingError(refused(long), (t) => (seen.push(t), t.replace('SECRETVALUE', '*')));

    expect(seen[0]).toBe(long);
    expect(err.message).not.toContain('SECRE');
  });

  it('returns every other error unchanged', () => {
    const generic = upstreamError('The upstream failed with status 500.');

    expect(callerFacingError(generic, () => 'never')).toBe(generic);
  });

  it('falls back to the generic message when masking fails', () => {
    const err = refused('Unsupported parameter: foo');

    const shown = callerFacingError(err, () => {
      throw new Error('mask broke');
    });

    expect(shown.message).toBe('The upstream rejected the request as invalid.');
    expect(JSON.stringify(shown.toJSON())).not.toContain('Unsupported');
  });

  it('never renders the upstream detail of an error that was not passed through it', () => {
    expect(JSON.stringify(refused('Incorrect key sk-abc').toJSON())).not.toContain('sk-abc');
  });
});
