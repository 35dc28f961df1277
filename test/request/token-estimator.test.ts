import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { charsPerTokenEstimator, createCharsPerTokenEstimator } from '../../src/request/token-estimator.js';

describe('charsPerTokenEstimator', () => {
  it('is 0 for the empty string', () => {
    expect(charsPerTokenEstimator.estimate('')).toBe(0);
  });

  it('rounds up to whole tokens of four characters', () => {
    expect(charsPerTokenEstimator.estimate('a')).toBe(1);
    expect(charsPerTokenEstimator.estimate('abcd')).toBe(1);
    expect(charsPerTokenEstimator.estimate('abcde')).toBe(2);
    expect(charsPerTokenEstimator.estimate('x'.repeat(4096))).toBe(1024);
  });

  it('counts UTF-16 code units, as string length does', () => {
    expect(charsPerTokenEstimator.estimate('😀😀')).toBe(1); // 4 code units
  });

  it('is ceil(length / 4) for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (text) => {
        expect(charsPerTokenEstimator.estimate(text)).toBe(Math.ceil(text.length / 4));
      }),
    );
  });
});

describe('createCharsPerTokenEstimator', () => {
  it('defaults to four characters per token', () => {
    expect(createCharsPerTokenEstimator().estimate('abcdefgh')).toBe(2);
  });

  it('uses the ratio it is given, fractional ones too', () => {
    expect(createCharsPerTokenEstimator(3).estimate('abcdefg')).toBe(3);
    expect(createCharsPerTokenEstimator(2.5).estimate('abcde')).toBe(2);
    expect(createCharsPerTokenEstimator(1).estimate('')).toBe(0);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects %s characters per token', (ratio) => {
    expect(() => createCharsPerTokenEstimator(ratio)).toThrow(RangeError);
  });
});
