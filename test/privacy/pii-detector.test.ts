import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  createRegexPiiDetector,
  defaultPiiDetector,
  type PiiFinding,
  type PiiKind,
} from '../../src/privacy/index.js';
import {
  awsAccessKeyId,
  awsSecretKey,
  base64Url,
  expectNothing,
  expectOnly,
  fakeSecret,
  found,
  jwt,
  luhnCheckDigit,
} from './pii-helpers.js';

const detector = defaultPiiDetector;

/** An IBAN for `country` and `bban` with the mod-97 check digits it needs. */
function withCheckDigits(country: string, bban: string): string {
  const numeric = [...`${bban}${country}00`].map((c) => parseInt(c, 36)).join('');
  const check = 98n - (BigInt(numeric) % 97n);
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}

describe('e-mail addresses', () => {
  it.each([
    'john.doe@example.com',
    'a+tag@sub.example.co.uk',
    'UPPER.Case@EXAMPLE.ORG',
    'x_y-z@my-host.io',
    "o'brien@example.ie",
  ])('finds %s in a sentence', (email) => {
    expectOnly('email', `Please write to ${email}, thanks.`, email);
  });

  it('finds addresses in angle brackets, parentheses and mailto links', () => {
    expectOnly('email', 'Jane <jane@example.com>', 'jane@example.com');
    expectOnly('email', '(jane@example.com)', 'jane@example.com');
    expectOnly('email', 'mailto:jane@example.com', 'jane@example.com');
  });

  it('does not start an address with dots', () => {
    expectOnly('email', 'wait ..john@example.com', 'john@example.com');
  });

  it('stops at the end of the host name', () => {
    expectOnly('email', 'jane@example.com.', 'jane@example.com');
    expectOnly('email', 'jane@example.com...', 'jane@example.com');
  });

  it.each(['@mention in a chat', 'user@localhost', 'foo@bar', 'name@123.45', 'email at example dot com', 'a@-x.com'])(
    'ignores %s',
    (text) => expectNothing(text),
  );

  it.each([
    ['an scp-like git remote', 'git clone git@github.com:org/repo.git'],
    ['an scp-like remote with a path from the root', 'rsync -a deploy@build.example.com:/srv/app .'],
    ['an ssh URL', 'ssh://git@github.com/org/repo'],
    ['a git+ssh URL in package.json', '"repository": "git+ssh://git@github.com/org/repo.git"'],
    ['an ssh URL with a port', 'ssh://git@gitlab.example.com:2222/org/repo.git'],
  ])('ignores %s: a user at a host, not an address', (_name, text) => expectNothing(text));

  it('still finds an address followed by a colon and a space, or ending a line with one', () => {
    expectOnly('email', 'Ask jane@example.com: she knows.', 'jane@example.com');
    expectOnly('email', 'Owner jane@example.com:\nshe knows.', 'jane@example.com');
    expectOnly('email', 'mailto:jane@example.com', 'jane@example.com');
  });
});

describe('phone numbers', () => {
  it.each([
    '+1 (555) 123-4567',
    '+44 20 7946 0958',
    '+33 1 23 45 67 89',
    '+49 30 12345678',
    '+14155552671',
    '+7 495 123-45-67',
    '(555) 123-4567',
    '(555)123-4567',
    '555-123-4567',
    '555.123.4567',
    '555 123 4567',
    '1-800-555-1234',
  ])('finds %s', (phone) => {
    expectOnly('phone', `Call me on ${phone} tomorrow.`, phone);
  });

  it.each([
    'In 2024 we shipped 3 releases.',
    'Order 123456 shipped.',
    'Order 9876543210 shipped.',
    'Tracking 12345678901',
    'We scored +5 points, then +12.',
    'Math: x = 3+12345678',
    'v1.2.3 and 10.15.7',
    'IP 192.168.100.200',
    'It is 12:30:45 on 2024-01-15.',
    'ISBN 978-3-16-148410-0',
    'between 555-1234 and 555-9876',
    'token +1234567890abcdef',
  ])('ignores "%s"', (text) => expectNothing(text));

  it('does not read a list of small numbers after a plus as a phone number', () => {
    expectNothing('+1 2 3 4 5 6 7 8');
  });

  it('does not take mixed separators for a North-American number', () => {
    expectNothing('555-123.4567');
  });

  it.each([
    '0044 20 7946 0958',
    '0049 30 123456',
    '0033 1 23 45 67 89',
    '001 555 123 4567',
    '001-800-555-1234',
    '00 44 20 7946 0958',
    '0044 (0)20 7946 0958',
    '00353 1 234 5678',
  ])('finds %s, with the 00 international prefix', (phone) => {
    expectOnly('phone', `Call me on ${phone} tomorrow.`, phone);
  });

  it.each([
    ['a zero-padded order id', 'Order 0012345678 shipped.'],
    ['zero-padded ids in a row', 'ids 0012 3456 7890 1234'],
    ['a country code nobody has', 'Call 0099 12 3456 7890.'],
    ['a three-digit code nobody has', 'Call 00123 456 7890.'],
    ['too few digits', 'Call 0049 30 12.'],
    ['zero groups', 'at 00 00 00 00 00 00'],
    ['digits glued before', 'ref A0044 20 7946 0958'],
    ['a longer number before', 'ref 12 0044 20 7946 0958'],
  ])('ignores %s', (_name, text) => expectNothing(text));
});

describe('payment cards', () => {
  it.each([
    ['Visa', '4111111111111111'],
    ['Visa, 13 digits', '4222222222222'],
    ['Mastercard', '5555555555554444'],
    ['Mastercard 2-series', '2223003122003222'],
    ['Amex', '378282246310005'],
    ['Discover', '6011111111111117'],
    ['JCB', '3530111333300000'],
    ['Diners', '30569309025904'],
    ['grouped with spaces', '4111 1111 1111 1111'],
    ['grouped with dashes', '5555-5555-5555-4444'],
    ['Amex grouped 4-6-5', '3782 822463 10005'],
    ['19 digits grouped 4-4-4-4-3', `6011 0000 0000 0000 00${luhnCheckDigit('601100000000000000')}`],
  ])('finds a %s number', (_name, card) => {
    expectOnly('credit_card', `My card is ${card}, thanks.`, card);
  });

  it('finds a card followed by its expiry date', () => {
    expectOnly('credit_card', 'card 4111 1111 1111 1111 12/26 cvv 123', '4111 1111 1111 1111');
  });

  it.each([
    ['a Luhn-invalid number', '4111111111111112'],
    ['a Luhn-invalid grouped number', '4111 1111 1111 1112'],
    ['too short', '411111111111'],
    ['too long', '41111111111111111111'],
    ['a millisecond timestamp', '1718000000003'],
    ['a decimal with many places', '3.14159265358979323846'],
    ['digits glued to letters before', 'id4111111111111111'],
    ['digits glued to letters after', '4111111111111111abc'],
    ['a decimal', '4111111111111111.25'],
    ['a list of years', '2019 2020 2021 2022 2023'],
  ])('ignores %s', (_name, text) => expectNothing(`value: ${text}`));

  it('ignores numbers starting with 0 or 1 even when they pass Luhn (timestamps, snowflake ids)', () => {
    for (const payload of ['171800000000', '171800000000000', '154181560360603648', '000000000000']) {
      const number = payload + luhnCheckDigit(payload);
      expectNothing(`at ${number}`);
    }
  });
});

describe('US Social Security numbers', () => {
  it.each(['123-45-6789', '078-05-1120', '899-99-9999'])('finds %s', (ssn) => {
    expectOnly('us_ssn', `SSN: ${ssn}.`, ssn);
  });

  it.each([
    ['area 000', '000-12-3456'],
    ['area 666', '666-12-3456'],
    ['area 9xx', '900-12-3456'],
    ['area 9xx', '987-65-4321'],
    ['group 00', '123-00-4567'],
    ['serial 0000', '123-45-0000'],
    ['inside a longer dashed number', '1-123-45-6789-2'],
    ['a date', '2024-01-15'],
  ])('ignores %s (%s)', (_name, text) => expectNothing(`SSN: ${text}`));

  it.each(['123 45 6789', '078 05 1120', '899 99 9999'])('finds %s, written with spaces', (ssn) => {
    expectOnly('us_ssn', `SSN: ${ssn}.`, ssn);
    expectOnly('us_ssn', `${ssn} is mine`, ssn);
  });

  it.each([
    ['area 000', '000 12 3456'],
    ['area 666', '666 12 3456'],
    ['area 9xx', '900 12 3456'],
    ['group 00', '123 00 4567'],
    ['serial 0000', '123 45 0000'],
    ['after a longer digit group', '12 123 45 6789'],
    ['before a longer digit group', '123 45 6789 12'],
    ['inside a longer run of groups', '1 123 45 6789 2'],
    ['after a decimal', '1.5 123 45 6789'],
    ['glued to letters', 'x123 45 6789'],
    ['mixed separators', '123 45-6789'],
    ['two spaces', '123  45  6789'],
  ])('ignores %s (%s), written with spaces', (_name, text) => expectNothing(`SSN: ${text}`));
});

describe('IBANs', () => {
  it.each([
    'DE89 3704 0044 0532 0130 00',
    'DE89370400440532013000',
    'GB82 WEST 1234 5698 7654 32',
    'GB82WEST12345698765432',
    'FR14 2004 1010 0505 0001 3M02 606',
    'NL91 ABNA 0417 1643 00',
    'BE68 5390 0754 7034',
    'CH93 0076 2011 6238 5295 7',
    'NO93 8601 1117 947',
    'MT84 MALT 0110 0001 2345 MTLC AST0 01S',
    'ES91 2100 0418 4502 0005 1332',
    'IT60 X054 2811 1010 0000 0123 456',
    'gb82 west 1234 5698 7654 32',
  ])('finds %s', (iban) => {
    expectOnly('iban', `Pay to ${iban} today.`, iban);
  });

  it('does not take a following word as the last group', () => {
    expectOnly('iban', 'BE68 5390 0754 7034 for rent', 'BE68 5390 0754 7034');
  });

  it('checks the country code as well as the checksum', () => {
    const bban = '370400440532013000';
    expectOnly('iban', `to ${withCheckDigits('DE', bban)}.`, 'DE89370400440532013000');
    expectNothing(`to ${withCheckDigits('ZZ', bban)}.`);
    expectNothing(`to ${withCheckDigits('US', bban)}.`);
  });

  it.each([
    ['a wrong check digit', 'DE89 3704 0044 0532 0130 01'],
    ['swapped digits', 'GB82WEST12345698765423'],
    ['an unknown country', 'ZZ89 3704 0044 0532 0130 00'],
    ['too short', 'DE89 3704 0044'],
  ])('ignores %s', (_name, text) => expectNothing(`Pay to ${text} today.`));
});

describe('API keys and secrets', () => {
  const keys: [string, string][] = [
    ['OpenAI', fakeSecret('sk-', 48)],
    ['OpenAI project', fakeSecret('sk-proj-', 120, 'aB3_dE5-gH7jK9mN1pQ2')],
    ['Anthropic', fakeSecret('sk-ant-api03-', 93, 'aB3_dE5-gH7jK9mN1pQ2')],
    ['AWS access key', fakeSecret('AKIA', 16, 'ABCDEFGHIJ0123456789')],
    ['AWS temporary key', fakeSecret('ASIA', 16, 'QRSTUVWXYZ0123456789')],
    ['GitHub personal token', fakeSecret('ghp_', 36)],
    ['GitHub OAuth token', fakeSecret('gho_', 36)],
    ['GitHub server token', fakeSecret('ghs_', 36)],
    ['GitHub fine-grained token', fakeSecret('github_pat_', 82, 'aB3dE5gH7jK9_mN1pQ2')],
    ['Slack bot token', `xoxb-${fakeSecret('', 12, '0123456789')}-${fakeSecret('', 24)}`],
    ['Slack user token', `xoxp-${fakeSecret('', 12, '0123456789')}-${fakeSecret('', 24)}`],
    ['Google API key', fakeSecret('AIza', 35, 'aB3_dE5-gH7jK9mN1pQ2')],
    ['Stripe live key', fakeSecret('sk_live_', 24)],
    ['Stripe restricted key', fakeSecret('rk_live_', 24)],
  ];
  it.each(keys)('finds a %s', (_name, key) => {
    expectOnly('api_key', `export API_KEY="${key}"`, key);
    expectOnly('api_key', `key=${key}`, key);
  });

  it.each(['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'])(
    'finds a PEM %s block, through its footer',
    (label) => {
      const block = `-----BEGIN ${label}-----\nMIIEowIBAAKCAQEAx4\nQ2hlY2sgbWUgb3V0\n-----END ${label}-----`;
      expectOnly('api_key', `here it is:\n${block}\nbye`, block);
    },
  );

  it('finds a PEM header without a footer', () => {
    expectOnly('api_key', 'truncated: -----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOY', '-----BEGIN PGP PRIVATE KEY BLOCK-----');
  });

  it.each([
    ['scikit-learn', 'pip install sk-learn-contrib-package-name'],
    ['a hyphenated slug', 'sk-this-is-a-long-hyphenated-slug-name'],
    ['a word ending in sk-', `desk-${fakeSecret('', 30)}`],
    ['a short ghp_', 'ghp_short'],
    ['a short AKIA', 'AKIA1234'],
    ['a lower-case aws-like id', fakeSecret('akia', 16, 'abcdefghij0123456789')],
    ['a public key', '-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----'],
    ['a certificate', '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl\n-----END CERTIFICATE-----'],
    ['an AIza of the wrong length', fakeSecret('AIza', 20)],
  ])('ignores %s', (_name, text) => expectNothing(`value: ${text}`));

  describe('AWS secret access keys', () => {
    const secret = awsSecretKey();
    const id = awsAccessKeyId();

    it.each([
      ['an ini file', `[default]\naws_secret_access_key = ${secret}\n`],
      ['an environment variable', `export AWS_SECRET_ACCESS_KEY=${secret}`],
      ['a quoted environment variable', `AWS_SECRET_ACCESS_KEY="${secret}"`],
      ['a short label', `AWS_SECRET=${secret}`],
      ['aws_secret_key', `aws_secret_key: '${secret}'`],
      ['a YAML key', `  secret_access_key: ${secret}`],
      ['a JSON credential', `{"AccessKeyId": "ASIA...", "SecretAccessKey": "${secret}"}`],
      ['an SDK option', `new S3Client({ credentials: { secretAccessKey: '${secret}' } })`],
      ['an STS XML response', `<SecretAccessKey>${secret}</SecretAccessKey>`],
      ['a CLI flag', `--aws-secret-access-key ${secret}`],
      ['a table cell', `| aws_secret_access_key | ${secret} |`],
    ])('finds a key after a label, in %s', (_name, text) => {
      expectOnly('api_key', text, secret);
    });

    it.each([
      ['a CSV row', `jane,${id},${secret},https://console`],
      ['a space', `${id} ${secret}`],
      ['a colon', `${id}:${secret}`],
      ['quotes', `"${id}", "${secret}"`],
    ])('finds a key right after an access key id, separated by %s', (_name, text) => {
      expect(found(text)).toEqual([`api_key:${id}`, `api_key:${secret}`]);
    });

    it.each([
      ['a bare key without context', `value: ${secret}`],
      ['a key far from its label', `aws_secret_access_key is rotated weekly; see ${secret}`],
      ['a key long after an access key id', `${id} was rotated, and this is unrelated: ${secret}`],
      ['a SHA-1 hash after the label', 'aws_secret_access_key = da39a3ee5e6b4b0d3255bfef95601890afd80709'],
      ['an upper-case placeholder', `AWS_SECRET_ACCESS_KEY=${'YOURSECRETACCESSKEY'.padEnd(40, 'X')}`],
      ['a 41-character value', `AWS_SECRET_ACCESS_KEY=${secret}a`],
      ['a 39-character value', `AWS_SECRET_ACCESS_KEY=${secret.slice(1)}`],
      ['a template reference', 'AWS_SECRET_ACCESS_KEY=${{ secrets.AWS_SECRET_ACCESS_KEY }}'],
      ['an unrelated secret label', `client_secret = ${secret}`],
    ])('ignores %s', (_name, text) => {
      // The access key id, where there is one, is a finding of its own; nothing else may be.
      expect(found(text).filter((f) => f !== `api_key:${id}`)).toEqual([]);
    });
  });

  describe('JWTs', () => {
    const token = jwt();

    it.each([
      ['a bearer header', `Authorization: Bearer ${token}`],
      ['JSON', `{"access_token":"${token}","expires_in":3600}`],
      ['a cookie', `Cookie: session=${token}; Path=/`],
      ['a URL fragment', `https://app.example.org/callback#id_token=${token}&state=x`],
    ])('finds a signed token in %s', (_name, text) => {
      expectOnly('api_key', text, token);
    });

    it('finds a token whose header is not the usual one, or that carries no signature', () => {
      const es = jwt({ typ: 'JWT', alg: 'ES256', kid: 'k1' }, { scope: 'read' });
      expectOnly('api_key', `t=${es}`, es);
      const unsigned = jwt({ alg: 'none' }, { sub: 'jane' }, '');
      expectOnly('api_key', `token ${unsigned}. Bye`, unsigned);
      expectOnly('api_key', `token ${unsigned}`, unsigned);
    });

    it.each([
      ['a header without alg', `t=${jwt({ typ: 'JWT' })}`],
      ['a header that is not JSON', `t=eyJ${base64Url('not json at all, really').slice(3)}.${base64Url('{"sub":"1"}')}.abc`],
      ['a header that is a JSON array', `t=${base64Url('[{"alg":"HS256"}]')}.${base64Url('{"sub":"1"}')}.abc`],
      ['a payload that is not a JSON object', `t=${base64Url('{"alg":"HS256"}')}.${base64Url('[1,2,3]')}.abc`],
      ['a payload that is not base64url JSON', `t=${base64Url('{"alg":"HS256"}')}.notjson.abc`],
      ['a header alone', `t=${base64Url('{"alg":"HS256"}')}`],
      ['eyJ glued to a longer token', `t=x${jwt()}`],
      ['dotted eyJ words', 'eyJ.eyJ.eyJ'],
    ])('ignores %s', (_name, text) => expectNothing(text));
  });
});

describe('things that are not PII', () => {
  it.each([
    ['ISO dates', 'Released 2024-01-15, patched 2024/02/01 and 15.03.2024.'],
    ['years', 'Between 1999 and 2025 the index rose.'],
    ['order ids', 'Orders 948213, 100234 and #552211 were refunded.'],
    ['version numbers', 'Upgrade from v3.7.2 to 10.15.7 or 1.2.3-beta.4.'],
    ['UUIDs', 'Request 550e8400-e29b-41d4-a716-446655440000 and 123e4567-e89b-12d3-a456-426614174000.'],
    ['all-digit UUID-shaped ids', 'Trace 12345678-1234-1234-1234-123456789012.'],
    ['SHA-256 hashes', 'Digest e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.'],
    ['upper-case hex hashes', 'Digest DE3B0C44298FC1C149AFBF4C8996FB92.'],
    ['SHA-1 and MD5 hashes', 'Commit da39a3ee5e6b4b0d3255bfef95601890afd80709, md5 d41d8cd98f00b204e9800998ecf8427e.'],
    ['times and durations', 'Took 12:30:45, p95 240 ms, 3,500 orders, 10000.00 EUR.'],
    ['millisecond timestamps', '{"ts": 1718000000000, "at": 1700000000123}'],
    ['code', 'const total = items.reduce((sum, x) => sum + x.price * 100, 0); // 2 decimals'],
    ['a plain-English paragraph', 'The quick brown fox jumps over the lazy dog; then it naps until noon.'],
  ])('%s', (_name, text) => expectNothing(text));
});

describe('createRegexPiiDetector', () => {
  const mixed = `mail jane@example.com, card 4111 1111 1111 1111, SSN 123-45-6789, call +44 20 7946 0958, IBAN DE89370400440532013000, key ${fakeSecret('ghp_', 36)}`;

  it('reports every kind, sorted by position', () => {
    const findings = detector.detect(mixed);
    expect(findings.map((f) => f.kind)).toEqual(['email', 'credit_card', 'us_ssn', 'phone', 'iban', 'api_key']);
    const indexes = findings.map((f) => f.index);
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
  });

  it('looks only for the kinds asked for', () => {
    const onlyCards = createRegexPiiDetector({ kinds: ['credit_card', 'iban'] });
    expect(onlyCards.detect(mixed).map((f) => f.kind)).toEqual(['credit_card', 'iban']);
    expect(onlyCards.containsPii?.('jane@example.com')).toBe(false);
    expect(createRegexPiiDetector({ kinds: [] }).detect(mixed)).toEqual([]);
  });

  it('rejects an unknown kind', () => {
    expect(() => createRegexPiiDetector({ kinds: ['passport' as PiiKind] })).toThrow(/Unknown PII kind "passport"/);
  });

  it('reports one finding where two patterns match the same text', () => {
    expect(found('+1 555 123 4567')).toEqual(['phone:+1 555 123 4567']);
  });

  it('returns nothing for empty or non-string input', () => {
    expect(detector.detect('')).toEqual([]);
    expect(detector.containsPii?.('')).toBe(false);
    expect(detector.detect(undefined as unknown as string)).toEqual([]);
    expect(detector.containsPii?.(42 as unknown as string)).toBe(false);
  });

  it('gives the same answer on repeated and interleaved calls (no regex state leaks)', () => {
    const text = 'a 4111111111111111 b jane@example.com';
    const first = detector.detect(text);
    detector.detect('x'.repeat(100) + ' 5555555555554444');
    expect(detector.containsPii?.('nothing here')).toBe(false);
    expect(detector.detect(text)).toEqual(first);
  });
});

describe('linear time on adversarial input', () => {
  const size = 100_000;
  const fill = (unit: string): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  const inputs: [string, string][] = [
    ['letters', fill('a')],
    ['digits', fill('1')],
    ['spaced digits', fill('1 ')],
    ['dashed digits', fill('1-')],
    ['almost an SSN', fill('123-45-')],
    ['almost a card', fill('4111 ')],
    ['almost a phone', fill('+1 (2')],
    ['plus signs', fill('+1 ')],
    ['digit groups', fill('111 11 ')],
    ['at signs', fill('a@')],
    ['a long local part', `${fill('a!')}@`],
    ['a long dotted domain', `x@${fill('a.')}`],
    ['repeated addresses', fill('a.b@c.d')],
    ['almost an IBAN', fill('DE89 ')],
    ['letters and digits', fill('ab12')],
    ['sk- prefixes', fill('sk-')],
    ['ghp_ prefixes', fill('ghp_')],
    ['AIza prefixes', fill('AIza')],
    ['AKIA prefixes', fill('AKIA')],
    ['dashes', fill('-')],
    ['underscores', fill('_')],
    ['PEM headers without footers', fill('-----BEGIN PRIVATE KEY-----')],
    ['hex', fill('0123456789abcdef')],
    ['lone surrogates', fill('\ud83d')],
    ['eyJ prefixes', fill('eyJ')],
    ['dotted eyJ', fill('eyJ.')],
    ['JWT headers', fill(`${base64Url('{"alg":"HS256"}')}.`)],
    ['JWT headers that are almost JSON', fill(`${base64Url('{"alg" "HS256"}')}.`)],
    ['JWT headers with a payload that is no JSON', fill(`${base64Url('{"alg":"HS256"}')}.${'A'.repeat(5000)}.`)],
    ['a JWT header and a long payload', `${base64Url('{"alg":"HS256"}')}.eyJ${fill('A')}`],
    ['AWS secret labels', fill('aws_secret_access_key=')],
    ['AWS labels and almost keys', fill(`AWS_SECRET=${'aB'.repeat(19)}9 `)],
    ['secret words', fill('secret')],
    ['AWS access key ids and almost keys', fill(`${awsAccessKeyId()},${'aB'.repeat(19)}9 `)],
    ['00 prefixes', fill('0044 ')],
    ['zeros', fill('0')],
    ['spaced almost-SSNs', fill('123 45 ')],
    ['full-width letters and at signs', fill('ｊ＠')],
    ['full-width digits', fill('４１１１ ')],
    ['combining marks', fill('e\u0301')],
    ['a long run of combining marks', `e${fill('\u0301')}`],
    ['expanding ligatures', fill('ﬃ ')],
    ['non-ASCII at signs', fill('ü@')],
    ['CJK and ASCII', fill('例a@')],
    ['scp-like remotes', fill('git@a.bc:')],
    ['an address and a long path after a colon', `a@b.cd:${fill('a/')}`],
    ['URL queries with at signs', fill('https://a.io/?e=a@')],
    ['URL users', fill('s://u@h.io/')],
  ];

  it.each(inputs)('%s (100 KB) finishes fast', (_name, text) => {
    const started = performance.now();
    const findings = detector.detect(text);
    detector.containsPii?.(text);
    const elapsed = performance.now() - started;
    // Linear scans take tens of milliseconds here; catastrophic backtracking would take minutes.
    expect(elapsed).toBeLessThan(1_000);
    for (const f of findings) expect(f.index + f.length).toBeLessThanOrEqual(text.length);
  });
});

describe('properties', () => {
  const filler = fc.string({ maxLength: 40 }).map((s) => s.replace(/[\d@+\-_]/g, ' '));

  /** A valid card: random digits (not starting with 0 or 1, see the detector) and a Luhn check digit. */
  const cardNumber = fc
    .tuple(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 13, max: 19 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 17, maxLength: 17 }))
    .map(([first, length, rest]) => {
      const payload = `${first}${rest.slice(0, length - 2).join('')}`;
      return payload + luhnCheckDigit(payload);
    });

  it('finds any valid card number embedded in random text', () => {
    fc.assert(
      fc.property(filler, cardNumber, fc.boolean(), filler, (before, card, grouped, after) => {
        const printed = grouped && card.length === 16 ? card.replace(/(\d{4})(?=\d)/g, '$1 ') : card;
        const text = `${before} ${printed} ${after}`;
        const at = before.length + 1;
        const cards = detector.detect(text).filter((f) => f.kind === 'credit_card');
        expect(cards).toContainEqual({ kind: 'credit_card', index: at, length: printed.length });
        expect(detector.containsPii?.(text)).toBe(true);
      }),
    );
  });

  it('finds any generated e-mail address embedded in random text', () => {
    fc.assert(
      fc.property(filler, fc.emailAddress(), filler, (before, email, after) => {
        const text = `${before} ${email} ${after}`;
        const at = before.length + 1;
        const emails = detector.detect(text).filter((f) => f.kind === 'email');
        expect(emails).toContainEqual({ kind: 'email', index: at, length: email.length });
        expect(detector.containsPii?.(text)).toBe(true);
      }),
    );
  });

  // Strings made of the pieces the patterns are built from reach far more code than random text.
  const piiLike = fc
    .array(
      fc.constantFrom(
        '4111', '1111', '5555', '0', '1', '12', '123', '45', '6789', ' ', '-', '.', '(', ')', '+', '+1', '@',
        'a', 'Z', '.com', 'x.y', 'DE89', 'GB82', 'WEST', 'sk-', 'sk_live_', 'ghp_', 'github_pat_', 'xoxb-',
        'AIza', 'AKIA', '-----BEGIN ', 'PRIVATE KEY-----', '-----END ', '\n', 'é', '\ud83d', '_',
        '00', '0044', ':', '/', 'eyJ', jwt(), 'ü', '例', 'ｊ', '＠', '４', 'ﬁ', 'e\u0301',
      ),
      { maxLength: 60 },
    )
    .map((parts) => parts.join(''));
  const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), piiLike);

  it('never throws, and every finding slices the text it came from', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const findings = detector.detect(text);
        let previousEnd = -1;
        let previousIndex = -1;
        for (const f of findings) {
          expect(Number.isInteger(f.index) && Number.isInteger(f.length)).toBe(true);
          expect(f.index).toBeGreaterThanOrEqual(0);
          expect(f.length).toBeGreaterThan(0);
          expect(f.index + f.length).toBeLessThanOrEqual(text.length);
          // Sorted, and no finding inside another.
          expect(f.index).toBeGreaterThanOrEqual(previousIndex);
          expect(f.index + f.length).toBeGreaterThan(previousEnd);
          previousIndex = f.index;
          previousEnd = f.index + f.length;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a finding, cut out of its text, is found again as the same kind', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const f of detector.detect(text)) {
          const alone = text.slice(f.index, f.index + f.length);
          expect(detector.detect(alone).map((g: PiiFinding) => g.kind)).toContain(f.kind);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('containsPii agrees with detect', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(detector.containsPii?.(text)).toBe(detector.detect(text).length > 0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('e-mail in URLs and before a colon', () => {
  it.each([
    ['a query value', 'https://a.io/?email=jane@example.com'],
    ['a query value before another', 'https://x.io/u?e=jane@example.com&x=1'],
    ['a path segment', 'http://crm.local/users/jane@example.com'],
    ['a fragment', 'see https://a.b/#jane@example.com'],
  ])('finds the address in %s, and only the address', (_where, text) => {
    expectOnly('email', text, 'jane@example.com');
  });

  it.each([
    ['a password', 'login jane@example.com:Secr3t!'],
    ['a word', 'jane@example.com:hunter2'],
    ['a port', 'jane@example.com:8080'],
  ])('finds an address followed by a colon and %s', (_what, text) => {
    expectOnly('email', text, 'jane@example.com');
  });

  it('still takes user@host:path and user@host:repo.git for remotes', () => {
    expectNothing('git@github.com:repo.git');
    expectNothing('deploy@build.example.com:~/app');
  });
});

describe('e-mail: slashes before an address', () => {
  it('finds an address whose local part starts with "//" when no URL scheme comes before it', () => {
    // Found by the normalisation property (fast-check seed 996764497): "//a.a@a.aa" is a valid address.
    expect(defaultPiiDetector.detect(' //a.a@a.aa ')).toEqual([{ kind: 'email', index: 1, length: 10 }]);
    expect(defaultPiiDetector.detect('see //jane@example.com').map((f) => f.kind)).toEqual(['email']);
  });

  it('still takes scheme://user@host for a URL, whatever the scheme', () => {
    for (const url of ['ssh://git@github.com/org/repo', 'https://jane@example.com/x', 's3://jane@example.com', 'git+ssh://git@example.com/r']) {
      expect(defaultPiiDetector.detect(url), url).toEqual([]);
    }
  });
});
