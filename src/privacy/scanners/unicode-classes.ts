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
/**
 * NFKC makes one code unit of it that merges with nothing before it, and neither does it: unless
 * the character after it joins it, it maps one to one (`ｊ` → `j`, `例` itself).
 */
export const ONE_TO_ONE = 16;
/** NFKC changes it (`ｊ`, `ﬁ`); with ONE_TO_ONE, into another single code unit. */
export const CHANGES = 32;
/** Set for every classified code unit, so that 0 in the table means "not classified yet". */
const CLASSIFIED = 64;

// The half-width kana sound marks become combining ones under NFKC.
const JOINS = /[\p{M}\u1160-\u11ff\uff9e\uff9f]/u;
const PATTERNS: readonly (readonly [flag: number, pattern: RegExp])[] = [
  [LETTER_OR_DIGIT, /[\p{L}\p{M}\p{N}]/u],
  [LETTER, /[\p{L}\p{M}]/u],
  [UNSPACED, /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u],
  [JOINS_PREVIOUS, JOINS],
];

/**
 * The tables, 192 KB of zeroed memory, and the functions that read them. They are constants of
 * this closure rather than allocated on first use or held by the module: a lookup then compiles to
 * two loads, where a variable that may still be assigned (as bundlers make a module's `const`) costs
 * a check and a reload each time, a third of a loop over characters.
 */
function createTables() {
  const classes = new Uint8Array(0x10000);
  const nfkcUnits = new Uint16Array(0x10000);
  /** NFKC of the code units that do not stay one code unit (`ﬁ` → `fi`), by code unit. */
  const nfkcForms = new Map<number, string>();
  const classified = new Uint8Array(0x100);

  function classify(block: number): void {
    for (let unit = block << 8; unit < (block + 1) << 8; unit++) {
      // A lone surrogate matches no property: characters outside the BMP are never letters here.
      const char = String.fromCharCode(unit);
      let flags = 0;
      for (const [flag, pattern] of PATTERNS) if (pattern.test(char)) flags |= flag;
      const normal = (unit & 0xf800) === 0xd800 ? '' : char.normalize('NFKC');
      nfkcUnits[unit] = normal.length === 1 ? normal.charCodeAt(0) : 0;
      if (normal.length !== 1 && unit >= 0x80) nfkcForms.set(unit, normal);
      // What it becomes may merge with what is before it (ㅏ becomes a vowel jamo): not one to one.
      if (normal.length === 1 && (flags & JOINS_PREVIOUS) === 0 && !JOINS.test(normal)) flags |= ONE_TO_ONE;
      if (normal !== char) flags |= CHANGES;
      classes[unit] = flags | CLASSIFIED;
    }
    classified[block] = 1;
  }

  function unicodeClass(code: number): number {
    if (code < 0x80 || !(code <= 0xffff)) return 0;
    if (classified[code >> 8] !== 1) classify(code >> 8);
    return classes[code]! & ~CLASSIFIED;
  }

  function nfkcUnit(code: number): number {
    if (code < 0x80) return code;
    if (!(code <= 0xffff)) return 0;
    if (classified[code >> 8] !== 1) classify(code >> 8);
    return nfkcUnits[code]!;
  }

  function nfkcOf(code: number): string {
    const unit = nfkcUnit(code);
    return unit !== 0 ? String.fromCharCode(unit) : (nfkcForms.get(code) ?? '');
  }

  function nonAsciiRun(text: string, start: number): number {
    let oneToOne = 1;
    let end = start;
    for (; end < text.length; end++) {
      const code = text.charCodeAt(end);
      if (code < 0x80) break;
      // The table read in place, 0 meaning its block is not classified yet: a third of a call.
      if (oneToOne === 1 && ((classes[code]! || unicodeClass(code)) & ONE_TO_ONE) === 0) oneToOne = 0;
    }
    return end * 2 + oneToOne;
  }

  return { unicodeClass, nfkcUnit, nfkcOf, nonAsciiRun };
}

const tables = createTables();

/** The flags above that hold for a UTF-16 code unit; none for ASCII. */
export const unicodeClass: (code: number) => number = tables.unicodeClass;

/**
 * The one code unit NFKC makes of this one alone (`ｊ` gives `j`, `é` itself), or 0 if it makes
 * more or fewer (`ﬁ`, `½`), or the unit is a surrogate.
 */
export const nfkcUnit: (code: number) => number = tables.nfkcUnit;

/**
 * NFKC of one code unit alone (`ﬁ` gives `fi`, `½` gives `1⁄2`), from a table filled once per
 * block: NFKC through the platform costs far more per call than per character.
 */
export const nfkcOf: (code: number) => string = tables.nfkcOf;

/**
 * The end of the run of non-ASCII code units from `start` (the first ASCII one after it, or the
 * end of the text), times two, plus one if every unit of it is ONE_TO_ONE.
 */
export const nonAsciiRun: (text: string, start: number) => number = tables.nonAsciiRun;
