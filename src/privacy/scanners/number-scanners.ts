// Numbers that identify a person: payment cards, phone numbers and US Social Security numbers.
// They are looked for only inside clusters of digits and separators (`scanNumberClusters`), so
// text without a run of digits costs one regex search and one indexOf, whatever the kinds asked for.
import type { PiiKind } from '../pii-types.js';
import {
  CLOSE_PAREN,
  COMMA,
  DASH,
  DIGITS,
  DOT,
  inTable,
  isDigit,
  isWord,
  only,
  OPEN_PAREN,
  PLUS,
  SPACE,
  ZERO,
} from './char-classes.js';
import type { KindReport, Scanner } from './scanner.js';

// ---------------------------------------------------------------------------------------------
// Digits with separators, shared by cards and phone numbers.

interface Span {
  start: number;
  end: number;
}

/** The digit groups of `text[start, end)`, split at anything that is not a digit. */
function digitGroups(text: string, start: number, end: number): Span[] {
  const groups: Span[] = [];
  let groupStart = -1;
  for (let i = start; i <= end; i++) {
    const digit = i < end && isDigit(text.charCodeAt(i));
    if (digit && groupStart === -1) groupStart = i;
    else if (!digit && groupStart !== -1) {
      groups.push({ start: groupStart, end: i });
      groupStart = -1;
    }
  }
  return groups;
}

/**
 * Whether the digits starting at `index` continue a longer token: a letter, digit or underscore
 * just before, or a digit one separator away (a decimal, thousands, or a longer digit sequence).
 */
function gluedBefore(text: string, index: number): boolean {
  const before = text.charCodeAt(index - 1);
  if (isWord(before)) return true;
  return (
    (before === DOT || before === COMMA || before === SPACE || before === DASH) &&
    isDigit(text.charCodeAt(index - 2))
  );
}

/** The same, for digits ending at `index`. */
function gluedAfter(text: string, index: number): boolean {
  const after = text.charCodeAt(index);
  if (isWord(after)) return true;
  return (
    (after === DOT || after === COMMA || after === SPACE || after === DASH) &&
    isDigit(text.charCodeAt(index + 1))
  );
}

// ---------------------------------------------------------------------------------------------
// Payment cards: 13–19 digits, either in one block or grouped as on the card (4-4-4-4, 4-6-5,
// 4-4-4-4-3), Luhn-checked. A run of digit groups is read from its first group, so a list of
// small numbers is not searched for every window that happens to pass Luhn. No card network
// issues numbers starting with 0 or 1 (ISO/IEC 7812 gives 1 to airlines), while millisecond,
// microsecond and nanosecond timestamps and snowflake ids, common in logs and JSON, do start
// with 1 and have 13, 16 or 19 digits; one in ten would pass Luhn. So a leading 0 or 1 is no card.

// Bounded so a long run of single digits cannot grow the regex backtracking stack; a run longer
// than this is continued by the next match, which then counts as glued to the previous one.
const DIGIT_RUN = /\d+(?:[ -]\d+){0,15}/g;

function issuable(text: string, start: number): boolean {
  const first = text.charCodeAt(start);
  return first !== ZERO && first !== ZERO + 1;
}

function luhnValid(text: string, groups: Span[], first: number, last: number): boolean {
  let sum = 0;
  let double = false;
  for (let g = last; g >= first; g--) {
    const group = groups[g]!;
    for (let i = group.end - 1; i >= group.start; i--) {
      let digit = text.charCodeAt(i) - ZERO;
      if (double) {
        digit *= 2;
        if (digit > 9) digit -= 9;
      }
      sum += digit;
      double = !double;
    }
  }
  return sum % 10 === 0;
}

export const scanCards: Scanner = (text, report) => {
  DIGIT_RUN.lastIndex = 0;
  for (let match = DIGIT_RUN.exec(text); match !== null; match = DIGIT_RUN.exec(text)) {
    const run = match[0];
    if (run.length < 13) continue;
    const start = match.index;
    const end = start + run.length;
    const groups = digitGroups(text, start, end);
    const lastGroup = groups.length - 1;
    const openStart = !gluedBefore(text, start);
    const openEnd = !gluedAfter(text, end);

    // Grouped as printed: the first group has 4 digits, the others 3 to 6.
    if (openStart && groups.length >= 3 && span(groups[0]!) === 4 && issuable(text, start)) {
      let digits = 4;
      let best = -1;
      for (let g = 1; g <= lastGroup; g++) {
        const size = span(groups[g]!);
        if (size < 3 || size > 6) break;
        digits += size;
        if (digits > 19) break;
        if (g >= 2 && digits >= 13 && (g < lastGroup || openEnd) && luhnValid(text, groups, 0, g)) {
          best = g;
        }
      }
      if (best !== -1 && report(start, groups[best]!.end - start)) return true;
    }

    // One unbroken block anywhere in the run (never also a grouped card: its groups are short).
    for (let g = 0; g <= lastGroup; g++) {
      const group = groups[g]!;
      const size = span(group);
      if (size < 13 || size > 19 || !issuable(text, group.start)) continue;
      if ((g === 0 && !openStart) || (g === lastGroup && !openEnd)) continue;
      if (luhnValid(text, groups, g, g) && report(group.start, size)) return true;
    }
  }
  return false;
};

function span(s: Span): number {
  return s.end - s.start;
}

// ---------------------------------------------------------------------------------------------
// Phone numbers: international (`+` then 8–15 digits, with spaces, dashes, dots or one pair of
// parentheses) and North-American (`(555) 123-4567`, `555-123-4567`, optionally `+1`/`1` first).
// A bare digit run is never a phone number: it could be an order id, a year or a timestamp.

const INTERNATIONAL_PHONE = /\+\d[\d .()-]{6,22}\d/g;
const NORTH_AMERICAN_PHONE =
  /(?<![\w+]|\d[.-])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}([ .-])\d{3}\1\d{4})(?!\w|[.-]\d)/g;

/** The length of the valid international number at the start of `text[start, end)`, or 0. */
function internationalPhoneLength(text: string, start: number, end: number): number {
  // Too many digits usually means a second number follows: retry without the last group.
  for (;;) {
    const groups = digitGroups(text, start, end);
    let digits = 0;
    for (const group of groups) digits += span(group);
    const plausible = digits >= 8 && digits <= 15 && groups.length <= 7 && parensValid(text, start, end);
    if (plausible && !isWord(text.charCodeAt(end))) return end - start;
    if (groups.length < 2) return 0;
    end = groups[groups.length - 2]!.end;
  }
}

function parensValid(text: string, start: number, end: number): boolean {
  let open = -1;
  let close = -1;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === OPEN_PAREN) {
      if (open !== -1) return false;
      open = i;
    } else if (code === CLOSE_PAREN) {
      if (close !== -1 || open === -1) return false;
      close = i;
    }
  }
  return (open === -1) === (close === -1);
}

export const scanPhones: Scanner = (text, report) => {
  INTERNATIONAL_PHONE.lastIndex = 0;
  for (let m = INTERNATIONAL_PHONE.exec(text); m !== null; m = INTERNATIONAL_PHONE.exec(text)) {
    const before = text.charCodeAt(m.index - 1);
    if (isWord(before) || before === PLUS) continue;
    const length = internationalPhoneLength(text, m.index, m.index + m[0].length);
    if (length > 0 && report(m.index, length)) return true;
  }
  NORTH_AMERICAN_PHONE.lastIndex = 0;
  for (let m = NORTH_AMERICAN_PHONE.exec(text); m !== null; m = NORTH_AMERICAN_PHONE.exec(text)) {
    if (report(m.index, m[0].length)) return true;
  }
  return false;
};

// ---------------------------------------------------------------------------------------------
// US Social Security numbers: 123-45-6789, excluding numbers never issued (area 000, 666 or
// 900–999, group 00, serial 0000).

const US_SSN = /(?<![\w-]|\d\.)(\d{3})-(\d{2})-(\d{4})(?!\w|[-.]\d)/g;

export const scanSsns: Scanner = (text, report) => {
  US_SSN.lastIndex = 0;
  for (let m = US_SSN.exec(text); m !== null; m = US_SSN.exec(text)) {
    const [whole, area = '', group = '', serial = ''] = m;
    if (area === '000' || area === '666' || area.startsWith('9') || group === '00' || serial === '0000') continue;
    if (report(m.index, whole.length)) return true;
  }
  return false;
};
// ---------------------------------------------------------------------------------------------
// Cards, SSNs and phone numbers are looked for only inside a cluster of digits and separators
// that holds enough digits to be one of them. Finding the clusters is the one pass over the whole
// text; the anchor regex matches a piece every such number contains (international numbers are
// anchored on their '+' instead), and ordinary numbers (years, versions, short ids) are dropped
// after counting their digits.

// Written without alternation, which lets the regex engine skip ahead rather than try each position.
const NUMBER_ANCHOR = /\d{3}[\d ().-]{1,2}\d\d/g;
const CLUSTER = only(`${DIGITS} ().+-`);
// The fewest digits each kind has: a card 13, an SSN 9, a North-American number 10, and an
// international one 8 (its cluster then holds a '+').
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
