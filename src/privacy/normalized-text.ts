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
// Linear, and one call of the platform's NFKC for the whole text: it is then read once more, run of
// non-ASCII text by run, each character checked against what NFKC makes of it alone (a table, filled
// once per block of 256 characters) at its place in the normalised text. Only what the tables cannot
// say costs a call of its own: a character with the marks that follow it (cached, so a text made of
// the same few costs none), and a piece whose characters merged (Hangul compatibility jamo).
import type { PiiFinding } from './pii-types.js';
import { JOINS_PREVIOUS, nfkcOf, nfkcUnit, nonAsciiRun, ONE_TO_ONE, unicodeClass } from './scanners/unicode-classes.js';

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

const NON_ASCII = /[\x80-\uffff]/g;
const ASCII = /[\x00-\x7f]/g;

/**
 * The runs of non-ASCII text, as [start, end) pairs: found with `test`, which, unlike `exec`,
 * allocates nothing per run (a text of ligatures between spaces has a run every other character).
 */
function nonAsciiRuns(text: string): number[] {
  const runs: number[] = [];
  NON_ASCII.lastIndex = 0;
  while (NON_ASCII.test(text)) {
    const start = NON_ASCII.lastIndex - 1;
    ASCII.lastIndex = start;
    const end = ASCII.test(text) ? ASCII.lastIndex - 1 : text.length;
    runs.push(start, end);
    NON_ASCII.lastIndex = end;
  }
  return runs;
}

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
  const normal = text.normalize('NFKC');
  if (normal === text) return undefined;
  // Between the pieces the two texts are the same: `at` in `normal` is where `copied` in `text` is.
  // ASCII is skipped by a regex; each run of other characters is read here, to its end.
  const map = new SpanMap();
  let copied = 0;
  let at = 0;
  NON_ASCII.lastIndex = 0;
  while (NON_ASCII.test(text)) {
    const run = NON_ASCII.lastIndex - 1;
    // Most runs are of characters that each map to one that merges with nothing (the full-width
    // forms of CJK text): such a piece maps one to one, with nothing to record.
    const endAndKind = nonAsciiRun(text, run);
    const end = endAndKind >> 1;
    const oneToOne = (endAndKind & 1) === 1;
    const start = Math.max(0, run - 1);
    at += start - copied;
    const form = oneToOne ? end - start : map.addPiece(text, start, end, normal, at, false);
    // The pieces always add up to the whole, as NFKC never joins an ASCII character to what is
    // before it (and were a merge missed in a piece taken as one to one, the lengths would not add
    // up in the end); should they not, the slow way is right by construction.
    if (form === -1) return normalizedPieceByPiece(text);
    at += form;
    copied = end;
    NON_ASCII.lastIndex = end;
  }
  if (at + text.length - copied !== normal.length) return normalizedPieceByPiece(text);
  return map.finish(normal, text.length);
}

/** The same, normalising each piece on its own: only for what `normalizedText` cannot account for. */
function normalizedPieceByPiece(text: string): NormalizedText | undefined {
  const map = new SpanMap();
  const parts: string[] = [];
  let copied = 0;
  let at = 0;
  const runs = nonAsciiRuns(text);
  for (let r = 0; r < runs.length; r += 2) {
    const start = Math.max(0, runs[r]! - 1);
    const end = runs[r + 1]!;
    const piece = text.slice(start, end);
    const normal = piece.normalize('NFKC');
    if (normal === piece) continue;
    at += start - copied;
    parts.push(text.slice(copied, start), normal);
    map.addPiece(text, start, end, normal, at, true);
    at += normal.length;
    copied = end;
  }
  if (parts.length === 0) return undefined;
  parts.push(text.slice(copied));
  return map.finish(parts.join(''), text.length);
}

/** The flags of a code unit, ASCII included (one to one, unchanged). */
function classOf(code: number): number {
  return code < 0x80 ? ONE_TO_ONE : unicodeClass(code);
}

/** NFKC of a character with the marks after it, or of a surrogate pair, or of a piece: cached, as text repeats them. */
const forms = new Map<string, string>();
const MAX_FORMS = 4096;

function nfkcOfString(chars: string): string {
  let normal = forms.get(chars);
  if (normal === undefined) {
    normal = chars.normalize('NFKC');
    if (forms.size >= MAX_FORMS) forms.clear();
    forms.set(chars, normal);
  }
  return normal;
}

/**
 * Spans that do not map one to one. Span k is original[origStart(k), origEnd(k)) and
 * normalized[normStart(k), normEnd(k)); between spans, and before the first, the two texts are
 * the same length and positions differ by a constant. Kept four numbers a span in one typed array,
 * which a text of ligatures fills with a span per character.
 */
const ORIG_START = 0;
const ORIG_END = 1;
const NORM_START = 2;
const NORM_END = 3;

class SpanMap {
  private spans = new Int32Array(64);
  /** Four times the number of spans. */
  private length = 0;

  /**
   * Maps text[start, end), a piece whose NFKC form goes at `at` in the normalised text, and returns
   * the form's length: the spans of the characters that grow, shrink or merge, none if NFKC leaves
   * the piece alone, or one span for the whole piece if its characters merged across a cut. `target`
   * is the whole normalised text, or, if `own`, the piece's own form; -1 if the piece's form is not
   * where it should be in the first.
   */
  addPiece(text: string, start: number, end: number, target: string, at: number, own: boolean): number {
    const spans = this.length;
    const offset = own ? 0 : at;
    let matched = 0;
    let changed = false;
    let merged = false;
    let next = classOf(text.charCodeAt(start));
    for (let i = start; i < end; ) {
      const from = i;
      const code = text.charCodeAt(i++);
      if ((code & 0xfc00) === 0xd800 && i < end && (text.charCodeAt(i) & 0xfc00) === 0xdc00) i++;
      next = i < end ? classOf(text.charCodeAt(i)) : 0;
      while (i < end && (next & JOINS_PREVIOUS) !== 0) next = ++i < end ? classOf(text.charCodeAt(i)) : 0;
      const unit = i - from === 1 ? nfkcUnit(code) : 0;
      if (unit !== 0) {
        // One code unit, to one: positions map one to one.
        if (target.charCodeAt(offset + matched) !== unit) {
          merged = true;
          break;
        }
        if (unit !== code) changed = true;
        matched++;
        continue;
      }
      const chars = i - from === 1 && (code & 0xf800) !== 0xd800 ? undefined : text.slice(from, i);
      const part = chars === undefined ? nfkcOf(code) : nfkcOfString(chars);
      // The characters' forms, joined, must be the piece's: else they merged across a cut.
      if (!target.startsWith(part, offset + matched)) {
        merged = true;
        break;
      }
      if (part !== chars) changed = true;
      this.add(from, i, at + matched, part.length);
      matched += part.length;
    }
    if (!merged && (!own || matched === target.length)) {
      if (changed) return matched;
      this.truncate(spans);
      return end - start;
    }
    this.truncate(spans);
    const form = own ? target : nfkcOfString(text.slice(start, end));
    if (!own && !target.startsWith(form, offset)) return -1;
    if (form.length === end - start && target.startsWith(text.slice(start, end), offset)) return end - start;
    this.add(start, end, at, form.length);
    return form.length;
  }

  private truncate(spans: number): void {
    this.length = spans;
  }

  finish(normalized: string, originalLength: number): NormalizedText {
    // A sentinel past the end, so lookups need no bounds checks.
    this.add(originalLength + 1, originalLength + 1, normalized.length + 1, 0);
    const spans = this.spans;
    /** The original position of normalised position `at`, which lies before span `k` and after span `k - 1`. */
    const between = (at: number, k: number): number =>
      k === 0 ? at : spans[k - 4 + ORIG_END]! + (at - spans[k - 4 + NORM_END]!);
    return {
      text: normalized,
      toOriginal(findings) {
        const mapped: PiiFinding[] = [];
        // Indexes of spans, times four.
        let first = 0;
        let last = 0;
        for (const finding of findings) {
          const start = finding.index;
          const end = finding.index + finding.length;
          while (spans[first + NORM_END]! <= start) first += 4;
          while (spans[last + NORM_END]! < end) last += 4;
          // Inside a span, a position stands for all of it; before it, it maps one to one.
          const index = spans[first + NORM_START]! <= start ? spans[first + ORIG_START]! : between(start, first);
          const stop = spans[last + NORM_START]! < end ? spans[last + ORIG_END]! : between(end, last);
          mapped.push({ kind: finding.kind, index, length: stop - index });
        }
        return mapped;
      },
    };
  }

  private add(origStart: number, origEnd: number, normStart: number, normLength: number): void {
    if (this.length === this.spans.length) {
      const grown = new Int32Array(this.spans.length * 2);
      grown.set(this.spans);
      this.spans = grown;
    }
    const at = this.length;
    this.spans[at + ORIG_START] = origStart;
    this.spans[at + ORIG_END] = origEnd;
    this.spans[at + NORM_START] = normStart;
    this.spans[at + NORM_END] = normStart + normLength;
    this.length = at + 4;
  }
}
