import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createRegexPiiDetector, defaultPiiDetector } from '../../src/privacy/index.js';
import { expectNothing, expectOnly, found, luhnCheckDigit } from './pii-helpers.js';

const detector = defaultPiiDetector;

/** Full-width forms (U+FF01–U+FF5E) of printable ASCII, the way CJK input methods type them. */
function fullWidth(ascii: string): string {
  return ascii.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000');
}

describe('compatibility characters (NFKC)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('finds a full-width e-mail address, at its place in the original text', () => {
    const email = fullWidth('jane@example.com');
    expect(email).toBe('ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ');
    expectOnly('email', `連絡先：${email}。`, email);
    expect(detector.detect(`連絡先：${email}。`)).toEqual([{ kind: 'email', index: 4, length: email.length }]);
  });

  it.each([
    ['full-width digits', fullWidth('4111111111111111')],
    ['full-width digits and spaces', fullWidth('4111 1111 1111 1111')],
    ['full-width digits, ASCII spaces', '４１１１ １１１１ １１１１ １１１１'],
    ['full-width digits and dashes', fullWidth('5555-5555-5555-4444')],
  ])('finds a card number in %s', (_name, card) => {
    expectOnly('credit_card', `カード番号 ${card} です`, card);
  });

  it('finds other kinds written in full width', () => {
    expectOnly('us_ssn', `SSN ${fullWidth('123-45-6789')}`, fullWidth('123-45-6789'));
    expectOnly('phone', `電話 ${fullWidth('+44 20 7946 0958')}`, fullWidth('+44 20 7946 0958'));
    expectOnly('iban', `IBAN ${fullWidth('DE89370400440532013000')}`, fullWidth('DE89370400440532013000'));
  });

  it('maps positions back past characters that NFKC lengthens or shortens', () => {
    // ﬁ → fi, ½ → 1⁄2, ㈱ → (株), ｶﾞ → ガ, e + U+0301 → é: each changes the length before the address.
    const before = 'ﬁle ½ ㈱ ｶﾞ Jose\u0301 ';
    const text = `${before}jane@example.com and ${fullWidth('bob@example.org')} ﬃ`;
    expect(found(text)).toEqual(['email:jane@example.com', `email:${fullWidth('bob@example.org')}`]);
    expect(detector.detect(text)[0]).toEqual({ kind: 'email', index: before.length, length: 'jane@example.com'.length });
  });

  it('covers the whole original character when a finding starts or ends inside what NFKC made of it', () => {
    // ½ is "1⁄2" after NFKC, and the address starts at its "2"; ㏘ is "p.m.", and the domain ends after its "p".
    expect(detector.detect('write to ½@example.com')).toEqual([{ kind: 'email', index: 9, length: '½@example.com'.length }]);
    expect(found('write to jane@example.co㏘ now')).toEqual(['email:jane@example.co㏘']);
  });

  it('judges the allow-list on the normalised finding, so an allowed address is allowed in full width too', () => {
    const allowing = createRegexPiiDetector({ allow: ['support@example.com'] });
    const text = `${fullWidth('support@example.com')} or jane@example.org`;
    expect(found(text)).toEqual([`email:${fullWidth('support@example.com')}`, 'email:jane@example.org']);
    expect(found(text, allowing)).toEqual(['email:jane@example.org']);
    expect(allowing.containsPii?.(fullWidth('support@example.com'))).toBe(false);
  });

  it('does not normalise pure-ASCII text', () => {
    const normalize = vi.spyOn(String.prototype, 'normalize');
    detector.detect('mail jane@example.com, card 4111 1111 1111 1111');
    detector.containsPii?.('nothing to see here');
    expect(normalize).not.toHaveBeenCalled();
  });

  it('ignores non-ASCII text without PII, compatibility digits and letters included', () => {
    expectNothing('Grüße aus München, 東京タワー, Ｗｉ－Ｆｉ ５Ｇ, ①②③, x², ½ cup');
  });
});

describe('internationalised e-mail addresses', () => {
  it.each([
    'jürgen@müller.de',
    'user@例え.jp',
    'jane@xn--mller-kva.de',
    'иван@почта.рф',
    'θέμης@παράδειγμα.ελ',
    'josé.garcía@correo.es',
    '田中@例え.日本',
  ])('finds %s in a sentence', (email) => {
    expectOnly('email', `Please write to ${email}, thanks.`, email);
  });

  it('stops where a script written without spaces meets the address', () => {
    expectOnly('email', '请联系jane@example.com谢谢', 'jane@example.com');
    expectOnly('email', 'メールはuser@例え.jpまで', 'user@例え.jp');
  });

  it.each(['jürgen@müller', '@münchen.de', 'user@例え', 'name@１２３.４５'])('ignores %s', (text) => expectNothing(text));
});

describe('full-width labels glued to ASCII numbers', () => {
  // NFKC turns ＳＳＮ123-45-6789 into SSN123-45-6789, which the word-boundary checks refuse; the
  // text is scanned as it is too, where the full-width label is no ASCII word.
  it.each([
    ['us_ssn', `${fullWidth('SSN')}123-45-6789`, '123-45-6789'],
    ['phone', `${fullWidth('TEL')}555-123-4567`, '555-123-4567'],
    ['credit_card', `${fullWidth('VISA')}4111 1111 1111 1111`, '4111 1111 1111 1111'],
    ['api_key', `${fullWidth('KEY')}AKIAIOSFODNN7EXAMPLE`, 'AKIAIOSFODNN7EXAMPLE'],
  ] as const)('finds the %s', (kind, text, value) => {
    expectOnly(kind, text, value);
  });

  it('applies the allow-list to what the second scan finds', () => {
    const allowing = createRegexPiiDetector({ allow: ['123-45-6789'] });
    const text = `${fullWidth('SSN')}123-45-6789`;
    expect(found(text, allowing)).toEqual([]);
    expect(allowing.containsPii?.(text)).toBe(false);
  });
});

describe('properties of normalisation', () => {
  const compatibility = fc.constantFrom(
    'ﬁ', '½', '㈱', 'ｶﾞ', 'e\u0301', '\u0301', 'Å', 'Ω', '①', '²', '\u3000', '\u00a0', '＠', '．', '４', 'ｊ', '…', '™', '한',
    '\u1100\u1161', 'é', '\ud83d', '😀', '例', ' ', 'a', '1', '.', '@', '-', '+',
  );
  const unicodeText = fc.array(compatibility, { maxLength: 30 }).map((parts) => parts.join(''));

  it('finds an ASCII address at its exact original position, whatever compatibility characters surround it', () => {
    fc.assert(
      fc.property(unicodeText, fc.emailAddress(), unicodeText, (before, email, after) => {
        const text = `${before} ${email} ${after}`;
        const emails = detector.detect(text).filter((f) => f.kind === 'email');
        expect(emails).toContainEqual({ kind: 'email', index: before.length + 1, length: email.length });
      }),
    );
  });

  it('finds a full-width card number at its exact original position', () => {
    const card = fc
      .tuple(fc.integer({ min: 2, max: 9 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 14, maxLength: 14 }))
      .map(([first, rest]) => {
        const payload = `${first}${rest.join('')}`;
        return fullWidth(payload + luhnCheckDigit(payload));
      });
    fc.assert(
      fc.property(unicodeText, card, unicodeText, (before, number, after) => {
        const text = `${before} ${number} ${after}`;
        const cards = detector.detect(text).filter((f) => f.kind === 'credit_card');
        expect(cards).toContainEqual({ kind: 'credit_card', index: before.length + 1, length: number.length });
      }),
    );
  });

  it('every finding slices the original text, sorted and not nested, and containsPii agrees', () => {
    fc.assert(
      fc.property(fc.oneof(unicodeText, fc.string({ unit: 'binary', maxLength: 100 })), (text) => {
        const findings = detector.detect(text);
        let previousEnd = -1;
        let previousIndex = -1;
        for (const f of findings) {
          expect(f.index).toBeGreaterThanOrEqual(0);
          expect(f.length).toBeGreaterThan(0);
          expect(f.index + f.length).toBeLessThanOrEqual(text.length);
          expect(f.index).toBeGreaterThanOrEqual(previousIndex);
          expect(f.index + f.length).toBeGreaterThan(previousEnd);
          previousIndex = f.index;
          previousEnd = f.index + f.length;
        }
        expect(detector.containsPii?.(text)).toBe(findings.length > 0);
      }),
      { numRuns: 1000 },
    );
  });

  it('a finding, cut out of its original text, is found again as the same kind', () => {
    fc.assert(
      fc.property(unicodeText, (text) => {
        for (const f of detector.detect(text)) {
          const alone = text.slice(f.index, f.index + f.length);
          expect(detector.detect(alone).map((g) => g.kind)).toContain(f.kind);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
