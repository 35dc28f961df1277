// Cards, SSNs and phone numbers are looked for only inside a cluster of digits and separators
// (a maximal run of digits, spaces and `().+-`) that holds enough digits to be one of them and
// contains an anchor: a piece every such number contains (`\d\d[\d ().-]{1,3}\d\d`), or a `+`
// before a digit for international numbers. Ordinary numbers (years, versions, short ids) are
// dropped after counting their digits.
//
// The clusters are found in one of two ways, which examine the same clusters: in ASCII text, from
// the regions the byte pass (number-candidates.ts) points at; in other text, by searching for the
// anchors themselves.
import type { PiiKind } from '../pii-types.js';
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

export type NumberScanners = readonly (readonly [PiiKind, Scanner])[];

function nextNumberAnchor(text: string, from: number): number {
  NUMBER_ANCHOR.lastIndex = from;
  return NUMBER_ANCHOR.exec(text)?.index ?? -1;
}

function nextPlusAnchor(text: string, from: number): number {
  let at = text.indexOf('+', from);
  while (at !== -1 && !isDigit(text.charCodeAt(at + 1))) at = text.indexOf('+', at + 1);
  return at;
}

/** The anchor, tested on one cluster's text alone, so a search never runs past the cluster. */
const HAS_NUMBER_ANCHOR = new RegExp(NUMBER_ANCHOR.source);

/**
 * Runs the scanners over the cluster text[start, end), with the context they read around it, if it
 * has enough digits for them. `anchor` says whether the caller already knows it holds an anchor.
 */
function examineCluster(
  text: string,
  start: number,
  end: number,
  scanners: NumberScanners,
  report: KindReport,
  anchor: boolean,
): boolean {
  let digits = 0;
  let plus = false;
  let plusAnchor = false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (isDigit(code)) digits++;
    else if (code === PLUS) {
      plus = true;
      plusAnchor ||= isDigit(text.charCodeAt(i + 1));
    }
  }
  if (digits < (plus ? MIN_INTERNATIONAL_PHONE_DIGITS : MIN_DIGITS.us_ssn!)) return false;
  let chunk: string | undefined;
  const from = Math.max(0, start - CONTEXT);
  for (const [kind, scan] of scanners) {
    const needed = kind === 'phone' && plus ? MIN_INTERNATIONAL_PHONE_DIGITS : (MIN_DIGITS[kind] ?? 0);
    if (digits < needed) continue;
    if (chunk === undefined) {
      chunk = text.slice(from, Math.min(text.length, end + CONTEXT));
      if (!anchor && !plusAnchor && !HAS_NUMBER_ANCHOR.test(chunk.slice(start - from, end - from))) return false;
    }
    if (scan(chunk, (index, length) => report(kind, from + index, length))) return true;
  }
  return false;
}

/** Every anchored cluster of `text`, found by searching for the anchors. */
export function scanNumberClusters(text: string, scanners: NumberScanners, report: KindReport): boolean {
  let digitAnchor = nextNumberAnchor(text, 0);
  let plusAnchor = nextPlusAnchor(text, 0);
  while (digitAnchor !== -1 || plusAnchor !== -1) {
    const at = digitAnchor === -1 || (plusAnchor !== -1 && plusAnchor < digitAnchor) ? plusAnchor : digitAnchor;
    let start = at;
    while (start > 0 && inTable(CLUSTER, text.charCodeAt(start - 1))) start--;
    let end = at;
    while (end < text.length && inTable(CLUSTER, text.charCodeAt(end))) end++;
    if (examineCluster(text, start, end, scanners, report, true)) return true;
    if (digitAnchor !== -1 && digitAnchor < end) digitAnchor = nextNumberAnchor(text, end);
    if (plusAnchor !== -1 && plusAnchor < end) plusAnchor = nextPlusAnchor(text, end);
  }
  return false;
}

/**
 * Every anchored cluster that starts in one of `regions` (pairs of start and end, increasing), as
 * the byte pass gives them: each cluster is examined once, however many regions it touches.
 */
export function scanNumberRegions(
  text: string,
  regions: readonly number[],
  scanners: NumberScanners,
  report: KindReport,
): boolean {
  let done = 0;
  for (let r = 0; r < regions.length; r += 2) {
    const stop = regions[r + 1]!;
    for (let i = Math.max(regions[r]!, done); i < stop; i++) {
      if (!inTable(CLUSTER, text.charCodeAt(i))) continue;
      let start = i;
      while (start > done && inTable(CLUSTER, text.charCodeAt(start - 1))) start--;
      let end = i + 1;
      while (end < text.length && inTable(CLUSTER, text.charCodeAt(end))) end++;
      if (examineCluster(text, start, end, scanners, report, false)) return true;
      done = i = end;
    }
  }
  return false;
}
