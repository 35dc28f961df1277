// Classes of non-ASCII characters, for the e-mail scanner (internationalised addresses) and for
// NFKC with a map back. Each block of 256 code units is classified the first time one of its
// characters is asked about, so a test is two table lookups and a text pays only for the blocks it
// uses, once per process.

export const LETTER_OR_DIGIT = 1;
export const LETTER = 2;
/** A script written without spaces between words: a word of it can touch an ASCII address. */
export const UNSPACED = 4;
/** A character NFKC may merge into the one before (a mark, a Hangul vowel jamo ...). */
export const JOINS_PREVIOUS = 8;

const PATTERNS: readonly (readonly [flag: number, pattern: RegExp])[] = [
  [LETTER_OR_DIGIT, /[\p{L}\p{M}\p{N}]/u],
  [LETTER, /[\p{L}\p{M}]/u],
  [UNSPACED, /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u],
  // The half-width kana sound marks become combining ones under NFKC.
  [JOINS_PREVIOUS, /[\p{M}\u1160-\u11ff\uff9e\uff9f]/u],
];

let classes: Uint8Array | undefined;
let nfkcUnits: Uint16Array | undefined;
let classified: Uint8Array | undefined;

function classify(block: number): void {
  classes ??= new Uint8Array(0x10000);
  nfkcUnits ??= new Uint16Array(0x10000);
  classified ??= new Uint8Array(0x100);
  for (let unit = block << 8; unit < (block + 1) << 8; unit++) {
    // A lone surrogate matches no property: characters outside the BMP are never letters here.
    const char = String.fromCharCode(unit);
    let flags = 0;
    for (const [flag, pattern] of PATTERNS) if (pattern.test(char)) flags |= flag;
    classes[unit] = flags;
    const normal = (unit & 0xf800) === 0xd800 ? '' : char.normalize('NFKC');
    nfkcUnits[unit] = normal.length === 1 ? normal.charCodeAt(0) : 0;
  }
  classified[block] = 1;
}

/** The flags above that hold for a UTF-16 code unit; none for ASCII. */
export function unicodeClass(code: number): number {
  if (code < 0x80 || !(code <= 0xffff)) return 0;
  if (classified?.[code >> 8] !== 1) classify(code >> 8);
  return classes![code]!;
}

/**
 * The one code unit NFKC makes of this one alone (`ｊ` gives `j`, `é` itself), or 0 if it makes
 * more or fewer (`ﬁ`, `½`), or the unit is a surrogate.
 */
export function nfkcUnit(code: number): number {
  if (code < 0x80) return code;
  if (!(code <= 0xffff)) return 0;
  if (classified?.[code >> 8] !== 1) classify(code >> 8);
  return nfkcUnits![code]!;
}
