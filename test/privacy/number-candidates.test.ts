// The byte pass that points the number and IBAN scanners at the text: whatever else it reports, it
// must miss no cluster that could hold a number and no place an IBAN could start, wherever these
// fall across its 4-byte words and its windows. (That the detector finds the same as before is
// pii-oracle.test.ts; this checks the pass's own promise directly.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { numberCandidates, type NumberCandidates } from '../../src/privacy/scanners/number-candidates.js';

function candidates(text: string): NumberCandidates | undefined {
  const out: NumberCandidates = { regions: [], ibanStarts: [] };
  return numberCandidates(text, out) ? out : undefined;
}

/** The clusters of digits, spaces and `().+-` that the number scanners could look at. */
function clustersNeeded(text: string): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  for (const m of text.matchAll(/[\d ().+-]+/g)) {
    const digits = m[0].replace(/\D/g, '').length;
    if (digits >= 9 || (digits >= 8 && /\+\d/.test(m[0]))) found.push({ start: m.index, end: m.index + m[0].length });
  }
  return found;
}

/** Every place the IBAN pattern could start: two letters and two digits, not after a letter or digit. */
function ibanStartsNeeded(text: string): number[] {
  return [...text.matchAll(/(?<![A-Za-z0-9])[A-Za-z]{2}(?=\d\d)/g)].map((m) => m.index);
}

const piece = fc.oneof(
  fc.constantFrom('1', '12', '123', '4111', '00', '+', '+1', ' ', '-', '.', '(', ')', '  ', ',', 'a', 'DE', 'de89', 'x', '_', '\n', 'é'),
  fc.integer({ min: 0, max: 20 }).map((n) => '7'.repeat(n)),
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
);
const text = fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(''));

function expectCovered(input: string): void {
  const found = candidates(input);
  if (/[^\x00-\x7f]/.test(input)) {
    expect(found).toBeUndefined();
    return;
  }
  expect(found).toBeDefined();
  const { regions, ibanStarts } = found!;
  for (const cluster of clustersNeeded(input)) {
    // Some region must hold a character of the cluster (the scan extends it to the whole).
    let covered = false;
    for (let r = 0; r < regions.length && !covered; r += 2) covered = regions[r]! < cluster.end && regions[r + 1]! > cluster.start;
    expect(covered, `cluster at ${cluster.start} in ${JSON.stringify(input)}`).toBe(true);
  }
  expect(ibanStartsNeeded(input).filter((start) => !ibanStarts.includes(start))).toEqual([]);
  for (let r = 2; r < regions.length; r += 2) expect(regions[r]!).toBeGreaterThanOrEqual(regions[r - 2]!);
  for (let s = 1; s < ibanStarts.length; s++) expect(ibanStarts[s]!).toBeGreaterThan(ibanStarts[s - 1]!);
}

describe('numberCandidates', () => {
  it('says whether the text is ASCII', () => {
    expect(candidates('')).toEqual({ regions: [], ibanStarts: [] });
    expect(candidates('plain text')).toEqual({ regions: [], ibanStarts: [] });
    expect(candidates('café')).toBeUndefined();
    expect(candidates(`${'x'.repeat(300)}é`)).toBeUndefined();
    expect(candidates(`${'x'.repeat(20_000)}\ud83d`)).toBeUndefined();
  });

  it('points at a card number, a phone number and an IBAN', () => {
    const found = candidates('card 4111 1111 1111 1111, call +44 20 7946 0958, pay DE89370400440532013000')!;
    expect(found.regions.length).toBe(6); // the card, the phone number and the IBAN's digits
    expect(found.ibanStarts).toContain('card 4111 1111 1111 1111, call +44 20 7946 0958, pay '.length);
  });

  it('leaves out clusters too short for any number', () => {
    expect(candidates('released 2025-03-14, version 10.15.7, order 948213')!.regions).toEqual([]);
    expect(candidates('+1234567 and 12345678')!.regions).toEqual([]);
  });

  it('misses no cluster and no IBAN start, wherever it falls in the 4-byte words', () => {
    fc.assert(fc.property(fc.nat({ max: 7 }), text, (shift, input) => expectCovered(`${'x'.repeat(shift)}${input}`)), { numRuns: 3000 });
  });

  it('misses none across its windows (the first of 256 bytes, then 16 KB)', () => {
    fc.assert(
      fc.property(fc.constantFrom(240, 250, 253, 254, 255, 256, 16_380, 16_383, 16_384 + 256), text, (at, input) =>
        expectCovered(`${'y '.repeat(at >> 1)}${'y'.repeat(at & 1)}${input}`),
      ),
      { numRuns: 400 },
    );
  });
});
