// The text the scanners read: its NFKC form, so full-width and other compatibility characters
// (`ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ`, `４１１１`, a no-break space) become the ASCII they stand for, with a
// map that takes each finding back to the span of the caller's text it came from.
//
// NFKC changes one character into another (ｊ → j), lengthens (ﬁ → fi, ½ → 1⁄2) and merges
// (e + U+0301 → é), so the map is kept per piece. The text is cut before every ASCII character:
// ASCII is its own NFKC form and never merges with what precedes it, so NFKC of the whole is NFKC
// of the pieces, joined. A piece is an ASCII character with the non-ASCII run after it (which may
// merge with it); one that NFKC changes is cut again, into characters with the marks that follow
// them. A character that stays one code unit maps one to one, so positions through it are exact;
// one that grows, shrinks or merges is a span of its own, and a finding that starts or ends inside
// what NFKC made of it covers all of it. Should characters merge across those cuts (Hangul jamo
// pairs), the whole piece is one such span.
//
// Linear: each run of non-ASCII text is normalised once and, if it changed, read once more, a table
// lookup per character and a normalisation per character that does not stay one code unit.
import type { PiiFinding } from '../../../src/privacy/pii-types.js';
import { JOINS_PREVIOUS, nfkcUnit, unicodeClass } from './scanners/unicode-classes.js';

export interface NormalizedText {
  /** The NFKC form of the original text, as `String.prototype.normalize('NFKC')` gives it. */
  readonly text: string;
  /**
   * The findings with their positions in the original text. They must be sorted and not nested,
   * so that their starts and ends both increase; the result then is too, though two findings
   * inside one changed character may come to cover the same span.
   */
  toOriginal(findings: readonly PiiFinding[]): PiiFinding[];
}

const NON_ASCII_RUN = /[\x80-\uffff]+/g;

const encoder = new TextEncoder();
let scratch: Uint8Array | undefined;

/**
 * Whether every code unit of `text` is below 0x80. UTF-8 encoding, which runtimes vectorise, reads
 * one byte per character exactly when all are ASCII: five times faster than a regex for one that is
 * not. The text is encoded in slices of the scratch buffer, so the memory it takes stays small.
 */
export function isAscii(text: string): boolean {
  scratch ??= new Uint8Array(16 * 1024);
  // The first slices are short, so text that is not ASCII from the start is not encoded at length.
  for (let from = 0, slice = 256; from < text.length; slice = Math.min(slice * 8, scratch.length)) {
    const { read, written } = encoder.encodeInto(from === 0 ? text : text.slice(from), scratch.subarray(0, slice));
    if (read !== written || read === 0) return false;
    from += read;
  }
  return true;
}

/** `text` in NFKC with the map back, or undefined when NFKC leaves it as it is (as all ASCII text). */
export function normalizedText(text: string): NormalizedText | undefined {
  if (isAscii(text)) return undefined;
  const map = new SpanMap();
  const parts: string[] = [];
  let copied = 0;
  NON_ASCII_RUN.lastIndex = 0;
  for (let run = NON_ASCII_RUN.exec(text); run !== null; run = NON_ASCII_RUN.exec(text)) {
    const start = Math.max(0, run.index - 1);
    const end = run.index + run[0].length;
    const piece = text.slice(start, end);
    const normal = piece.normalize('NFKC');
    if (normal === piece) continue;
    parts.push(text.slice(copied, start), normal);
    copied = end;
    map.addPiece(text, start, end, normal);
  }
  if (parts.length === 0) return undefined;
  parts.push(text.slice(copied));
  return map.finish(parts.join(''), text.length);
}

/**
 * Spans that do not map one to one. Span k is original[origStarts[k], origEnds[k]) and
 * normalized[normStarts[k], normEnds[k]); between spans, and before the first, the two texts are
 * the same length and positions differ by a constant.
 */
class SpanMap {
  private readonly origStarts: number[] = [];
  private readonly origEnds: number[] = [];
  private readonly normStarts: number[] = [];
  private readonly normEnds: number[] = [];
  /** How much longer the normalised text is than the original so far (negative if shorter). */
  private shift = 0;

  /** text[start, end), which NFKC changes to `normal`: the spans of the characters that grow, shrink or merge. */
  addPiece(text: string, start: number, end: number, normal: string): void {
    const spans = this.origStarts.length;
    const shift = this.shift;
    let matched = 0;
    let next = unicodeClass(text.charCodeAt(start));
    for (let i = start; i < end; ) {
      const from = i;
      const code = text.charCodeAt(i++);
      if ((code & 0xfc00) === 0xd800 && (text.charCodeAt(i) & 0xfc00) === 0xdc00 && i < end) i++;
      next = unicodeClass(text.charCodeAt(i));
      while (i < end && (next & JOINS_PREVIOUS) !== 0) next = unicodeClass(text.charCodeAt(++i));
      const unit = i - from === 1 ? nfkcUnit(code) : 0;
      if (unit !== 0) {
        // One code unit, to one: positions map one to one. Checked as it goes, as below.
        if (normal.charCodeAt(matched) !== unit) break;
        matched++;
        continue;
      }
      const part = text.slice(from, i).normalize('NFKC');
      // The characters' forms, joined, must be the piece's: else they merged across a cut.
      if (!normal.startsWith(part, matched)) break;
      this.add(from, i, start + shift + matched, part.length);
      matched += part.length;
    }
    if (matched !== normal.length) {
      this.origStarts.length = this.origEnds.length = this.normStarts.length = this.normEnds.length = spans;
      this.shift = shift;
      this.add(start, end, start + shift, normal.length);
    }
  }

  finish(normalized: string, originalLength: number): NormalizedText {
    const { origStarts, origEnds, normStarts, normEnds } = this;
    // A sentinel past the end, so lookups need no bounds checks.
    origStarts.push(originalLength + 1);
    origEnds.push(originalLength + 1);
    normStarts.push(normalized.length + 1);
    normEnds.push(normalized.length + 1);
    /** The original position of normalised position `at`, which lies before span `k` and after span `k - 1`. */
    const between = (at: number, k: number): number =>
      k === 0 ? at : origEnds[k - 1]! + (at - normEnds[k - 1]!);
    return {
      text: normalized,
      toOriginal(findings) {
        const mapped: PiiFinding[] = [];
        let first = 0;
        let last = 0;
        for (const finding of findings) {
          const start = finding.index;
          const end = finding.index + finding.length;
          while (normEnds[first]! <= start) first++;
          while (normEnds[last]! < end) last++;
          // Inside a span, a position stands for all of it; before it, it maps one to one.
          const index = normStarts[first]! <= start ? origStarts[first]! : between(start, first);
          const stop = normStarts[last]! < end ? origEnds[last]! : between(end, last);
          mapped.push({ kind: finding.kind, index, length: stop - index });
        }
        return mapped;
      },
    };
  }

  private add(origStart: number, origEnd: number, normStart: number, normLength: number): void {
    this.origStarts.push(origStart);
    this.origEnds.push(origEnd);
    this.normStarts.push(normStart);
    this.normEnds.push(normStart + normLength);
    this.shift += normLength - (origEnd - origStart);
  }
}
