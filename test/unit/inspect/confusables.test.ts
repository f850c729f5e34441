import { readFileSync } from 'node:fs';
import { CONFUSABLES_FILE, confusablesSource } from '../../../scripts/generate-confusables';
import { CONFUSABLES_TO_ASCII } from '../../../lambdas/inspect/engine/confusables';
import { textView } from '../../../lambdas/inspect/engine/normalize';

describe('confusables table', () => {
  it('is what the generator makes of the installed unhomoglyph data (run npm run generate:confusables if not)', () => {
    expect(readFileSync(CONFUSABLES_FILE, 'utf8')).toBe(confusablesSource());
  });

  it('folds the look-alikes attackers use to ASCII, and keeps the rest of a text', () => {
    expect(CONFUSABLES_TO_ASCII.get('\u0430')).toBe('a');
    expect(textView('\u0410KI\u0410 and \u0440\u0430ss')?.text).toBe('AKIA and pass');
    expect(textView('Gr\u00fc\u00dfe')).toBeNull();
  });
});
