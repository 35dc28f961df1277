import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isAscii, normalizedText } from '../../src/privacy/normalized-text.js';
import { JOINS_PREVIOUS, nfkcUnit, ONE_TO_ONE, unicodeClass } from '../../src/privacy/scanners/unicode-classes.js';

describe('isAscii', () => {
  const slice = 16 * 1024;

  it.each([
    ['empty text', '', true],
    ['ASCII text longer than the scratch buffer', 'the quick brown fox 12 '.repeat(3000), true],
    ['every ASCII code unit', String.fromCharCode(...Array.from({ length: 128 }, (_, i) => i)), true],
    ['a Latin-1 letter', 'caf\u00e9', false],
    ['U+0080', 'a\u0080b', false],
    ['a lone surrogate', 'a\ud83d', false],
    ['a non-ASCII character at the end of the first slice', `${'x'.repeat(slice - 1)}é`, false],
    ['a non-ASCII character at the start of the second slice', `${'x'.repeat(slice)}é`, false],
    ['a lone surrogate far into the text', `${'x'.repeat(3 * slice + 5)}\udc00 tail`, false],
  ])('%s: %s', (_name, text, expected) => {
    expect(isAscii(text)).toBe(expected);
  });
});

describe('normalizedText', () => {
  it('leaves ASCII text and text already in NFKC alone', () => {
    expect(normalizedText('plain ASCII, 4111 1111')).toBeUndefined();
    expect(normalizedText('Grüße, 東京, é')).toBeUndefined();
  });

  it('maps a finding in the NFKC form back to the characters it came from', () => {
    const text = 'ﬁ ｊａｎｅ＠ｘ．ｉｏ';
    const normalized = normalizedText(text)!;
    expect(normalized.text).toBe('fi jane@x.io');
    const [mapped] = normalized.toOriginal([{ kind: 'email', index: 3, length: 9 }]);
    expect(mapped).toEqual({ kind: 'email', index: 2, length: 9 });
    // A finding that starts inside "fi" covers the whole ligature.
    expect(normalized.toOriginal([{ kind: 'email', index: 1, length: 3 }])).toEqual([{ kind: 'email', index: 0, length: 3 }]);
  });

  it('keeps a piece whole where characters combine across its parts (Hangul compatibility jamo)', () => {
    // ㄱ + ㅏ become the conjoining jamo U+1100 U+1161, which compose into 가.
    const text = 'a ㄱㅏ b';
    const normalized = normalizedText(text)!;
    expect(normalized.text).toBe('a 가 b');
    // The piece is the run of non-ASCII text and the ASCII character before it, which it may combine with.
    expect(normalized.toOriginal([{ kind: 'email', index: 2, length: 1 }])).toEqual([{ kind: 'email', index: 1, length: 3 }]);
    expect(normalized.toOriginal([{ kind: 'email', index: 4, length: 1 }])).toEqual([{ kind: 'email', index: 5, length: 1 }]);
  });

  const pieces = fc.constantFrom(
    'ﬁ', '½', '㈱', 'ｶﾞ', 'ｶ', 'ﾞ', 'e\u0301', '\u0301', '\u0327', 'Å', 'Ω', '①', '²', '\u3000', '\u00a0', '＠', '４', 'ｊ', '…',
    'ㄱ', 'ㅏ', '\u1100', '\u1161', '\u11a8', '가', '\ud83d', '\ude00', '😀', '例', ' ', 'a', 'e', '1', '.', '@', '¨', '\u0344',
  );
  const texts = fc.oneof(
    fc.array(pieces, { maxLength: 40 }).map((parts) => parts.join('')),
    fc.string({ unit: 'binary', maxLength: 60 }),
  );

  it('gives exactly the NFKC form, as String.prototype.normalize does', () => {
    fc.assert(
      fc.property(texts, (text) => {
        expect(normalizedText(text)?.text ?? text).toBe(text.normalize('NFKC'));
      }),
      { numRuns: 2000 },
    );
  });

  it('maps every span back inside the original text, increasing and covering what NFKC made of it', () => {
    fc.assert(
      fc.property(texts, fc.nat(), fc.nat(), (text, a, b) => {
        const normalized = normalizedText(text);
        if (normalized === undefined) return;
        const length = normalized.text.length;
        if (length === 0) return;
        const start = a % length;
        const end = start + 1 + (b % (length - start));
        const [mapped] = normalized.toOriginal([{ kind: 'email', index: start, length: end - start }]);
        expect(mapped!.index).toBeGreaterThanOrEqual(0);
        expect(mapped!.length).toBeGreaterThan(0);
        expect(mapped!.index + mapped!.length).toBeLessThanOrEqual(text.length);
        // The original span, normalised, holds the normalised span.
        const original = text.slice(mapped!.index, mapped!.index + mapped!.length).normalize('NFKC');
        expect(original).toContain(normalized.text.slice(start, end));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the classes that let most characters skip the slow map', () => {
  it('every character that can end a canonical composition joins the one before (so none is ONE_TO_ONE)', () => {
    // NFKC merges two characters only where the second ends some character's canonical decomposition;
    // a ONE_TO_ONE character, and what NFKC makes of it, must be none of those.
    const seconds = new Set<number>();
    for (let code = 0x80; code <= 0xffff; code++) {
      if ((code & 0xf800) === 0xd800) continue;
      const nfd = String.fromCharCode(code).normalize('NFD');
      for (let i = 1; i < nfd.length; i++) seconds.add(nfd.charCodeAt(i));
    }
    // Surrogates (the second half of CJK compatibility ideographs outside the BMP) are never one to one.
    const wrong = [...seconds].filter((code) => code >= 0x80 && (code & 0xf800) !== 0xd800 && (unicodeClass(code) & JOINS_PREVIOUS) === 0);
    expect(wrong.map((code) => code.toString(16))).toEqual([]);
    for (let code = 0x80; code <= 0xffff; code++) {
      if ((unicodeClass(code) & ONE_TO_ONE) === 0) continue;
      expect((code & 0xf800) === 0xd800, code.toString(16)).toBe(false);
      const unit = nfkcUnit(code);
      expect(unit, code.toString(16)).not.toBe(0);
      expect(seconds.has(unit), code.toString(16)).toBe(false);
    }
  });

  it('maps a text of one-to-one characters without a span, and one with ligatures span by span', () => {
    const fullWidth = 'ＡＰＩ　２０２５年３月';
    const normalized = normalizedText(fullWidth)!;
    expect(normalized.text).toBe('API 2025年3月');
    expect(normalized.toOriginal([{ kind: 'email', index: 4, length: 4 }])).toEqual([{ kind: 'email', index: 4, length: 4 }]);
    const ligatures = 'ﬁ'.repeat(1000);
    const mapped = normalizedText(ligatures)!;
    expect(mapped.text).toBe('fi'.repeat(1000));
    // "if" starting inside the first ligature covers it and the next one.
    expect(mapped.toOriginal([{ kind: 'email', index: 1, length: 2 }])).toEqual([{ kind: 'email', index: 0, length: 2 }]);
  });
});
