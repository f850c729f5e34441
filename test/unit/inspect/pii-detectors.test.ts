import { cardNumber, inspector } from './fixtures';

const ins = inspector();
const types = (text: string) => ins.maskText(text).findings.map((f) => f.type);

describe('email detector', () => {
  it.each(['jane.doe@acme.io', 'ops+alerts@mail.example-corp.com', 'J.Smith_1@sub.domain.co.uk'])('masks %s', (address) => {
    expect(ins.maskText(`write to ${address} today`).masked).toBe('write to [REDACTED:email] today');
  });

  it.each([
    ['a git remote', 'git@github.com:acme/app.git'],
    ['a scoped package', 'npm i @types/node@22'],
    ['a retina asset', 'background: url(icon@2x.png)'],
    ['a decorator', '@Component({ selector: "app" })'],
    ['a mention', 'thanks @maria for the review'],
  ])('leaves %s unchanged', (_what, text) => {
    expect(types(text)).toEqual([]);
  });

  it('reads a git remote whose path was masked as a git remote still (masking twice changes nothing)', () => {
    const once = ins.maskText('jane.doe@acme.iomailto:jane.doe@acme.io').masked;

    expect(once).toBe('jane.doe@acme.iomailto:[REDACTED:email]');
    expect(ins.maskText(once)).toEqual({ masked: once, findings: [] });
  });
});

describe('payment card detector', () => {
  it.each([
    ['Visa', cardNumber('4', 16)],
    ['Mastercard', cardNumber('53', 16)],
    ['Mastercard 2-series', cardNumber('2221', 16)],
    ['Amex', cardNumber('37', 15)],
    ['Discover', cardNumber('6011', 16)],
  ])('masks a Luhn-valid %s number, plain and grouped', (_brand, digits) => {
    const grouped = digits.length === 15 ? `${digits.slice(0, 4)} ${digits.slice(4, 10)} ${digits.slice(10)}` : digits.replace(/(\d{4})(?=\d)/g, '$1 ');

    expect(types(`card ${digits}`)).toEqual(['payment_card']);
    expect(types(`card: ${grouped}.`)).toEqual(['payment_card']);
  });

  it('leaves a number that fails the Luhn check unchanged', () => {
    const valid = cardNumber('4', 16);
    const invalid = valid.slice(0, -1) + String((Number(valid.at(-1)) + 1) % 10);

    expect(types(`order ${invalid}`)).toEqual([]);
  });

  it.each([
    ['a millisecond timestamp', 'created_at: 1700000000000'],
    ['a long id outside issuer ranges', 'id 9123456789012345678'],
    ['a repeated digit run', 'code 4444444444444444'],
  ])('leaves %s unchanged', (_what, text) => {
    expect(types(text)).toEqual([]);
  });
});

describe('US SSN detector', () => {
  it('masks an SSN in an issued range', () => {
    expect(ins.maskText('SSN: 123-45-6789').masked).toBe('SSN: [REDACTED:us_ssn]');
  });

  it.each(['000-12-3456', '666-12-3456', '912-34-5678', '123-00-4567', '123-45-0000'])('leaves %s (never issued) unchanged', (ssn) => {
    expect(types(`SSN: ${ssn}`)).toEqual([]);
  });
});

describe('phone number detector', () => {
  it.each(['+1 415 555 0132', '+44 20 7946 0958', '+49 (30) 1234567', '+33 1 23 45 67 89', '(415) 555-0132', '415-555-0132', '020 7946 0958'])(
    'masks %s',
    (phone) => {
      expect(ins.maskText(`call ${phone} now`).masked).toBe('call [REDACTED:phone_number] now');
    },
  );

  it.each([
    ['a date', 'released 2024-03-18'],
    ['a version', 'upgrade to 10.4.12'],
    ['an IP address', 'host 192.168.100.23'],
    ['a price', 'costs 1,299.00 EUR'],
    ['an arithmetic line', 'x = 3 - 4 + 12'],
  ])('leaves %s unchanged', (_what, text) => {
    expect(types(text)).toEqual([]);
  });
});

describe('IBAN detector', () => {
  it.each(['DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432', 'FR14 2004 1010 0505 0001 3M02 606'])('masks the mod-97-valid %s', (iban) => {
    expect(ins.maskText(`pay to ${iban} please`).masked).toBe('pay to [REDACTED:iban] please');
  });

  it('leaves an IBAN with wrong check digits unchanged', () => {
    expect(types('pay to DE88 3704 0044 0532 0130 00')).toEqual([]);
  });
});
