// Where cards, SSNs, phone numbers and IBANs may be, found in one pass over the bytes of an ASCII
// text four at a time. A JavaScript loop over characters costs a nanosecond or more each, several
// regexes over the text cost as much again; this pass reads each 32-bit word of the text's bytes once
// and does a few bitwise operations on it (SWAR), so a 4 KB prompt costs well under a microsecond.
// The precise scanners then run only where it points, and decide everything; this pass only has to
// miss nothing they would find:
//  - digit clusters (runs of digits, spaces and `().+-`, see number-clusters.ts) that could hold
//    9 or more digits, or 8 and a '+' before one of them, as every number the scanners find does.
//    Words are chained while the bytes where they meet could both belong to a cluster, and all
//    digits of a chain are counted: a chain holds every cluster that runs through it, so its count
//    is never below theirs;
//  - IBAN starts: a digit after two bytes that could be letters, the country code and check digits.
// Cluster bytes are tested as "0x20–0x3F" and letters as "0x40–0x7F": wider than the real classes,
// which only adds places to look. The digit test is exact.
//
// The text is encoded to UTF-8 in windows of a scratch buffer; in ASCII text a byte is a character.
// Text with any other character is left to the caller (the pass says so and stops).

/** A region of the text to look for clusters in: [start, end) in UTF-16 units. */
export interface NumberCandidates {
  /** Pairs of start and end. */
  regions: number[];
  /** Where an IBAN may start, increasing. */
  ibanStarts: number[];
}

const WINDOW = 16 * 1024;
const encoder = new TextEncoder();
/** The words are read as little-endian; elsewhere the caller takes the regex path. */
export const CAN_SCAN_BYTES = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

// The masks are written out in the loop: a module constant above 2^31 is a heap number, which the
// loop would load and convert on every use. 0x30303030 is '0' in each byte, 0x0a0a0a0a ten, 0x80808080
// the high bit of each byte, 0xe0e0e0e0 the top three bits, 0x20202020 a space (0x20–0x3F: cluster-like).
/**
 * Fewer digits than this in a cluster: no number of any kind, or one fewer with a '+' in it (an
 * international number has 8 digits after its '+'; an SSN has 9, the other kinds more).
 */
const MIN_DIGITS = 9;

/** What one window of words leaves to the next: its last word, and the chain being counted. */
const LAST = 0;
const CHAIN = 1;
const CHAIN_START = 2;
const CHAIN_LAST = 3;

/**
 * The pass and its buffers. The buffers are constants of this closure, not of the module: bundlers
 * turn a module's `const` into `var`, which the compiled loop then reloads and checks at every word
 * (a third slower); a closure's `const` it holds as it is.
 */
function createPass() {
  const bytes = new Uint8Array(WINDOW + 4);
  const words = new Int32Array(bytes.buffer, 0, (WINDOW + 4) >> 2);
  const state = new Int32Array(4);

  /** The text whose bytes fill the start of the scratch buffer, all of them, if any. */
  let imaged: string | undefined;

  /** See the export below. */
  function isAsciiText(text: string): boolean {
    imaged = undefined;
    const length = text.length;
    // The first 256 characters, then the rest after them, or window by window from the start of the buffer.
    for (let from = 0, window = 256; from < length; window = WINDOW) {
      const offset = length <= WINDOW ? from : 0;
      const { read, written } = encoder.encodeInto(from === 0 ? text : text.slice(from), bytes.subarray(offset, offset + window));
      if (read !== written || read === 0) return false;
      from += read;
    }
    if (length <= WINDOW) imaged = text;
    return true;
  }

  /** See the export below. */
  function numberCandidates(text: string, out: NumberCandidates): boolean {
    const length = text.length;
    state.fill(0);
    let lastBase = 0;
    if (imaged === text) {
      bytes.fill(0, length, (length + 3) & ~3);
      scanWords((length + 3) >> 2, 0, length, out);
      if (state[CHAIN]! >= MIN_DIGITS - 1) addRegion(out.regions, state[CHAIN]!, state[CHAIN_START]!, state[CHAIN_LAST]!, 0, length);
      return true;
    }
    imaged = undefined;
    // Each window starts on a word boundary of the text, so word w of a window is word base + w of the text.
    // The first window is short, so text that is not ASCII from the start is not encoded at length.
    for (let from = 0, window = 256; from < length; window = WINDOW) {
      const { read, written } = encoder.encodeInto(from === 0 ? text : text.slice(from), bytes.subarray(0, window));
      if (read !== written || read === 0) return false;
      // A window the encoder left mid-word (at a character that did not fit) is taken up again at its word.
      const end = read & 3 && from + read < length ? read & ~3 : read;
      if (end === 0) return false;
      bytes.fill(0, end, (end + 3) & ~3);
      lastBase = from >> 2;
      scanWords((end + 3) >> 2, lastBase, length, out);
      from += end;
    }
    if (state[CHAIN]! >= MIN_DIGITS - 1) addRegion(out.regions, state[CHAIN]!, state[CHAIN_START]!, state[CHAIN_LAST]!, lastBase, length);
    return true;
  }

  /**
   * Adds the region of a chain of words [first, last] that ended with `digits` digits, if that is
   * enough: 9, or 8 with a '+' in the chain or just before it. Words are looked at again for the '+'
   * only here, rarely; `base` says which text word the window's first is, for those still in it.
   */
  function addRegion(regions: number[], digits: number, first: number, last: number, base: number, length: number): void {
    if (digits < MIN_DIGITS) {
      let plus = false;
      for (let w = Math.max(first - 1, base) - base; w <= last - base && !plus; w++) {
        const z = words[w]! ^ 0x2b2b2b2b;
        plus = ((z - 0x01010101) & ~z & 0x80808080) !== 0;
      }
      // A chain that began in an earlier window is not looked at again: it is simply kept.
      if (!plus && first > base) return;
    }
    regions.push(first << 2, Math.min(length, (last + 2) << 2));
  }


  /**
   * The candidates in the first `count` words of the window, word w being word `base + w` of a text of `length`.
   * One loop with no other branches than the ones it needs: a flag per kind here costs a third more.
   */
  function scanWords(count: number, base: number, length: number, out: NumberCandidates): void {
    const { regions, ibanStarts } = out;
    let chain = state[CHAIN]!;
    let chainStart = state[CHAIN_START]!;
    let chainLast = state[CHAIN_LAST]!;
    for (let w = 0; w < count; w++) {
      const x = words[w]!;
      const y = x ^ 0x30303030;
      // Whether any byte is a digit: exact as a yes or no, though not byte by byte.
      if (((y - 0x0a0a0a0a) & ~y & 0x80808080) === 0) {
        if (chain !== 0) {
          if (((x & 0xe0e0e0e0) ^ 0x20202020) === 0) chainLast = base + w;
          else {
            if (chain >= MIN_DIGITS - 1) addRegion(regions, chain, chainStart, chainLast, base, length);
            chain = 0;
          }
        }
        continue;
      }
      // The word before, read again here rather than kept: most words have no digit.
      const previous = w > 0 ? words[w - 1]! : state[LAST]!;
      // The digit bytes, exactly: the high bit of each byte that is one.
      const digits = ~(((y | 0x80808080) - 0x0a0a0a0a) | y) & 0x80808080;
      const ones = (digits >> 7) & 0x01010101;
      const count8 = (ones + (ones >> 8) + (ones >> 16) + (ones >> 24)) & 7;
      if (chain !== 0 && (previous & 0xe0000000) === 0x20000000 && (x & 0xe0) === 0x20) chain += count8;
      else {
        if (chain >= MIN_DIGITS - 1) addRegion(regions, chain, chainStart, chainLast, base, length);
        chain = count8;
        chainStart = base + w;
      }
      chainLast = base + w;
      // A digit after two bytes that could be letters.
      const letters = (x << 1) & 0x80808080;
      const before = (previous << 1) & 0x80808080;
      let starts = digits & ((letters << 8) | (before >>> 24)) & ((letters << 16) | (before >>> 16));
      while (starts !== 0) {
        ibanStarts.push(((base + w) << 2) + ((31 - Math.clz32(starts & -starts)) >> 3) - 2);
        starts &= starts - 1;
      }
    }
    state[LAST] = words[count - 1]!;
    state[CHAIN] = chain;
    state[CHAIN_START] = chainStart;
    state[CHAIN_LAST] = chainLast;
  }

  return { isAsciiText, numberCandidates };
}

const pass = createPass();

/**
 * Whether `text` is all ASCII. Its bytes are left in the scratch buffer, so that `numberCandidates`
 * on the same text (up to 16 K characters) need not encode it again: the detector asks first, runs
 * the scanners that stop at a finding cheaply (an e-mail address costs one indexOf), and then this pass.
 */
export const isAsciiText: (text: string) => boolean = pass.isAsciiText;

/**
 * Whether `text` is all ASCII; when it is, fills `out` with the candidates for numbers and IBANs.
 * Stops at the first non-ASCII character, with `out` then incomplete.
 */
export const numberCandidates: (text: string, out: NumberCandidates) => boolean = pass.numberCandidates;
