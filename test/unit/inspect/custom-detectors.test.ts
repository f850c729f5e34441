import { inspector } from './fixtures';

describe('custom detectors from policy', () => {
  const ins = inspector({
    custom: {
      patterns: [{ type: 'customer_id', pattern: 'CUST-[0-9]{8}', max_length: 13 }],
      words: [{ type: 'project_codename', words: ['Bluebird', 'night jar'] }],
    },
  });

  it('masks a policy pattern and names its type', () => {
    expect(ins.maskText('refund CUST-00412345 today').masked).toBe('refund [REDACTED:customer_id] today');
  });

  it('masks listed words in any case, as whole words only', () => {
    const { masked } = ins.maskText('BLUEBIRD ships with Night Jar; bluebirds are birds');

    expect(masked).toBe('[REDACTED:project_codename] ships with [REDACTED:project_codename]; bluebirds are birds');
  });

  it('reports custom findings in the custom category', () => {
    expect(ins.maskText('CUST-12345678').findings).toEqual([{ type: 'customer_id', category: 'custom', start: 0, end: 13, action: 'mask' }]);
  });

  it('honours a per-pattern action', () => {
    const blocking = inspector({ custom: { patterns: [{ type: 'ticket', pattern: 'INC[0-9]{6}', action: 'block' }], words: [] } });

    const inspection = blocking.inspectChat({ messages: [{ role: 'user', content: 'see INC004211' }] }, 'openai');

    expect(inspection.blockedBy).toEqual(['ticket']);
  });
});

describe('detector actions from policy', () => {
  it('turns a detector off by type', () => {
    expect(inspector({ detectors: { email: 'off' } }).maskText('mail a@b.io').findings).toEqual([]);
  });

  it('turns a whole category off, while a type entry still wins over it', () => {
    const ins = inspector({ detectors: { pii: 'off', us_ssn: 'mask' } });

    expect(ins.maskText('a@b.io and 123-45-6789').masked).toBe('a@b.io and [REDACTED:us_ssn]');
  });

  it('marks findings of blocking detectors and lists them in blockedBy', () => {
    const ins = inspector({ detectors: { email: 'block' } });

    const inspection = ins.inspectChat({ messages: [{ role: 'user', content: 'from a@b.io' }] }, 'openai');

    expect(inspection.findings[0]?.action).toBe('block');
    expect(inspection.blockedBy).toEqual(['email']);
    expect(JSON.stringify(inspection.body)).not.toContain('a@b.io');
  });
});
