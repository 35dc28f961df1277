// Cards, SSNs and phone numbers are looked for only inside a cluster of digits and separators
// that holds enough digits to be one of them. Finding the clusters is the one pass over the whole
// text; the anchor regex matches a piece every such number contains (international numbers are
// anchored on their '+' instead), and ordinary numbers (years, versions, short ids) are dropped
// after counting their digits.
import type { PiiKind } from '../../../../src/privacy/pii-types.js';
import { DIGITS, inTable, isDigit, only, PLUS } from './char-classes.js';
import type { KindReport, Scanner } from './scanner.js';

// Written without alternation, which lets the regex engine skip ahead rather than try each position.
// Two digits, not three, start it, for numbers grouped in pairs such as `0033 1 23 45 67 89`.
const NUMBER_ANCHOR = /\d\d[\d ().-]{1,3}\d\d/g;
const CLUSTER = only(`${DIGITS} ().+-`);
// The fewest digits each kind has: a card 13, an SSN 9, a North-American number 10, and an
// international one 8 (its cluster then holds a '+'; after '00' it has 10 with those zeros).
const MIN_DIGITS: Partial<Record<PiiKind, number>> = { credit_card: 13, us_ssn: 9, phone: 10 };
const MIN_INTERNATIONAL_PHONE_DIGITS = 8;
/** The lookarounds and glue checks of the number scanners read at most this far past a match. */
const CONTEXT = 2;

function nextNumberAnchor(text: string, from: number): number {
  NUMBER_ANCHOR.lastIndex = from;
  return NUMBER_ANCHOR.exec(text)?.index ?? -1;
}

function nextPlusAnchor(text: string, from: number): number {
  let at = text.indexOf('+', from);
  while (at !== -1 && !isDigit(text.charCodeAt(at + 1))) at = text.indexOf('+', at + 1);
  return at;
}

export function scanNumberClusters(
  text: string,
  scanners: readonly (readonly [PiiKind, Scanner])[],
  report: KindReport,
): boolean {
  let digitAnchor = nextNumberAnchor(text, 0);
  let plusAnchor = nextPlusAnchor(text, 0);
  while (digitAnchor !== -1 || plusAnchor !== -1) {
    const at = digitAnchor === -1 || (plusAnchor !== -1 && plusAnchor < digitAnchor) ? plusAnchor : digitAnchor;
    let start = at;
    while (start > 0 && inTable(CLUSTER, text.charCodeAt(start - 1))) start--;
    let end = at;
    while (end < text.length && inTable(CLUSTER, text.charCodeAt(end))) end++;

    let digits = 0;
    let plus = false;
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      if (isDigit(code)) digits++;
      else if (code === PLUS) plus = true;
    }
    let chunk: string | undefined;
    const from = Math.max(0, start - CONTEXT);
    for (const [kind, scan] of scanners) {
      const needed = kind === 'phone' && plus ? MIN_INTERNATIONAL_PHONE_DIGITS : (MIN_DIGITS[kind] ?? 0);
      if (digits >= needed) {
        chunk ??= text.slice(from, Math.min(text.length, end + CONTEXT));
        if (scan(chunk, (index, length) => report(kind, from + index, length))) return true;
      }
    }
    if (digitAnchor !== -1 && digitAnchor < end) digitAnchor = nextNumberAnchor(text, end);
    if (plusAnchor !== -1 && plusAnchor < end) plusAnchor = nextPlusAnchor(text, end);
  }
  return false;
}
