// The rebuilt scan against the regex-based detector it replaced (kept as an oracle in ./legacy):
// on every input, the same findings at the same places, and the same containsPii answer. Inputs are
// built from the pieces the patterns are made of, so they reach the edges of every rule (clusters,
// anchors, word boundaries, IBAN groups, NFKC spans) far more often than random text does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createRegexPiiDetector, defaultPiiDetector, type PiiDetector, type PiiKind } from '../../src/privacy/index.js';
import { normalizedText } from '../../src/privacy/normalized-text.js';
import { createRegexPiiDetector as createLegacyDetector } from './legacy/pii-detector.js';
import { normalizedText as legacyNormalizedText } from './legacy/normalized-text.js';
import { awsAccessKeyId, awsSecretKey, fakeSecret, jwt, luhnCheckDigit } from './pii-helpers.js';

const legacy = createLegacyDetector();

function expectSame(text: string, detector: PiiDetector = defaultPiiDetector, oracle: PiiDetector = legacy): void {
  expect(detector.detect(text)).toEqual(oracle.detect(text));
  expect(detector.containsPii?.(text)).toBe(oracle.containsPii?.(text));
}

/** Full-width forms of printable ASCII, as CJK input methods type them. */
function fullWidth(ascii: string): string {
  return ascii.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000');
}

const digit = fc.integer({ min: 0, max: 9 }).map(String);
const digits = (min: number, max: number) => fc.array(digit, { minLength: min, maxLength: max }).map((d) => d.join(''));
const separator = fc.constantFrom(' ', '-', '.', '  ', '(', ')', ') ', ' (', '+', '--', ', ', ':', '/', '_', 'x', '\n');

const card = fc
  .tuple(fc.integer({ min: 2, max: 9 }), digits(11, 17), fc.constantFrom('', ' ', '-'))
  .map(([first, rest, sep]) => {
    const payload = `${first}${rest}`;
    const number = payload + luhnCheckDigit(payload);
    return sep === '' ? number : number.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
  });
const ssn = fc.tuple(digits(3, 3), digits(2, 2), digits(4, 4), fc.constantFrom('-', ' ')).map(([a, g, s, sep]) => `${a}${sep}${g}${sep}${s}`);
const phone = fc.oneof(
  fc.tuple(digits(1, 3), digits(1, 4), digits(2, 4), digits(2, 4)).map(([c, a, b, d]) => `+${c} ${a} ${b} ${d}`),
  fc.tuple(digits(3, 3), digits(3, 3), digits(4, 4), fc.constantFrom('-', '.', ' ')).map(([a, b, c, s]) => `${a}${s}${b}${s}${c}`),
  fc.tuple(digits(3, 3), digits(3, 3), digits(4, 4)).map(([a, b, c]) => `(${a}) ${b}-${c}`),
  fc.tuple(fc.constantFrom('0044', '00 44', '001', '0033', '00353', '0099'), digits(1, 4), digits(2, 4), digits(2, 4)).map((p) => p.join(' ')),
);
/** IBANs with valid check digits for a few countries, compact or grouped, in either case. */
const iban = fc
  .tuple(fc.constantFrom('DE', 'GB', 'FR', 'NL', 'MT', 'ZZ', 'NO'), fc.array(fc.constantFrom(...'0123456789ABCDEFWXYZ'), { minLength: 11, maxLength: 26 }), fc.boolean(), fc.boolean())
  .map(([country, body, grouped, lower]) => {
    const bban = body.join('');
    const numeric = [...`${bban}${country}00`].map((c) => parseInt(c, 36)).join('');
    const check = String(98n - (BigInt(numeric) % 97n)).padStart(2, '0');
    let value = `${country}${check}${bban}`;
    if (grouped) value = value.replace(/(.{4})(?=.)/g, '$1 ');
    return lower ? value.toLowerCase() : value;
  });

const asciiPiece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('4111', '1111', '5555', '0', '1', '12', '123', '45', '6789', '00', '0044', '2025', '987') },
  { weight: 6, arbitrary: separator },
  { weight: 2, arbitrary: digits(1, 20) },
  { weight: 2, arbitrary: fc.constantFrom('a', 'Z', 'DE89', 'GB82', 'WEST', 'de', 'id', 'ab12', 'x.y', '.com', '@', 'jane@example.com', 'SSN') },
  { weight: 2, arbitrary: fc.oneof(card, ssn, phone, iban) },
  { weight: 1, arbitrary: fc.constantFrom('sk-', 'ghp_', 'AKIA', 'eyJ', 'secret', 'aws_secret_access_key=', fakeSecret('ghp_', 36), awsAccessKeyId(), awsSecretKey(), jwt()) },
);
const asciiText = fc.array(asciiPiece, { maxLength: 40 }).map((parts) => parts.join(''));

const unicodePiece = fc.oneof(
  { weight: 4, arbitrary: asciiPiece },
  { weight: 1, arbitrary: fc.oneof(card, ssn, phone, iban).map(fullWidth) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '４', '１２３', '－', '（', '）', '＋', '\u3000', '\u00a0', 'ＳＳＮ', 'ＴＥＬ', 'Ｖ', 'ｊ', '＠', '．', 'ﬁ', 'ﬃ', '½', '㈱', '①', '²',
      'ｶﾞ', 'e\u0301', '\u0301', 'ㄱㅏ', '가', '例', 'é', 'ü', '\ud83d', '😀', '…', '™', 'Ω', 'Å',
    ),
  },
);
const unicodeText = fc.array(unicodePiece, { maxLength: 40 }).map((parts) => parts.join(''));

describe('the rebuilt scan finds exactly what the regex-based detector found', () => {
  it('in ASCII text built from the pieces of numbers, IBANs and secrets', () => {
    fc.assert(fc.property(asciiText, (text) => expectSame(text)), { numRuns: 3000 });
  });

  it('in text with full-width forms, ligatures and other characters NFKC changes', () => {
    fc.assert(fc.property(unicodeText, (text) => expectSame(text)), { numRuns: 2000 });
  });

  it('in random text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme-ascii', maxLength: 300 })), (text) =>
        expectSame(text),
      ),
      { numRuns: 1000 },
    );
  });

  it('wherever the text is cut: numbers across the 4-byte words and the 256-character first window', () => {
    fc.assert(
      fc.property(fc.nat({ max: 300 }), fc.oneof(card, ssn, phone, iban), fc.nat({ max: 4 }), (offset, value, pad) => {
        const text = `${'x '.repeat(offset >> 1)}${'ab'.slice(0, offset & 1)} ${value}${' '.repeat(pad)}`;
        expectSame(text);
        expectSame(`${text}é`);
      }),
      { numRuns: 500 },
    );
  });

  it('with a subset of the kinds, and with an allow-list', () => {
    const subsets: PiiKind[][] = [['iban'], ['phone'], ['credit_card', 'iban'], ['us_ssn', 'email'], ['api_key']];
    for (const kinds of subsets) {
      const detector = createRegexPiiDetector({ kinds });
      const oracle = createLegacyDetector({ kinds });
      fc.assert(fc.property(fc.oneof(asciiText, unicodeText), (text) => expectSame(text, detector, oracle)), { numRuns: 300 });
    }
    const allow = ['4111 1111 1111 1111', /\d{3}-\d{2}-\d{4}/, 'jane@example.com'];
    const detector = createRegexPiiDetector({ allow });
    const oracle = createLegacyDetector({ allow });
    fc.assert(fc.property(fc.oneof(asciiText, unicodeText), (text) => expectSame(text, detector, oracle)), { numRuns: 500 });
  });

  it('in long texts (several windows of the byte pass)', () => {
    fc.assert(
      fc.property(fc.array(asciiText, { minLength: 50, maxLength: 120 }), (parts) => expectSame(parts.join(' \n'))),
      { numRuns: 30 },
    );
  });
});

describe('the NFKC map is the one the regex-based detector built', () => {
  it('gives the same text and maps every span the same way', () => {
    fc.assert(
      fc.property(unicodeText, fc.nat(), fc.nat(), (text, a, b) => {
        const mine = normalizedText(text);
        const theirs = legacyNormalizedText(text);
        expect(mine?.text).toBe(theirs?.text);
        if (mine === undefined || theirs === undefined || mine.text.length === 0) return;
        const start = a % mine.text.length;
        const end = start + 1 + (b % (mine.text.length - start));
        const finding = [{ kind: 'email' as const, index: start, length: end - start }];
        expect(mine.toOriginal(finding)).toEqual(theirs.toOriginal(finding));
      }),
      { numRuns: 3000 },
    );
  });
});
