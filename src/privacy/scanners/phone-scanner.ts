// Phone numbers: international (`+` or `00`, then 8–15 digits, with spaces, dashes, dots or one
// pair of parentheses) and North-American (`(555) 123-4567`, `555-123-4567`, optionally `+1`/`1`
// first). A bare digit run is never a phone number: it could be an order id, a year or a timestamp.
//
// `00` is the international prefix most of the world dials instead of `+`, but zero-padded ids and
// counters start with 00 too. So the `00` form must also name a country and be written in groups:
// the digits after `00` (and an optional space) up to the first separator are a country calling
// code (`0044 20 …`, `00 44 20 …`, `001-800-…`), and the number is not part of a longer one.
// An unbroken `00447946…` is not found: it cannot be told from an id.
import { CLOSE_PAREN, isWord, OPEN_PAREN, PLUS, SPACE } from './char-classes.js';
import { isCallingCode } from './calling-codes.js';
import { digitGroups, gluedBefore, span } from './digit-groups.js';
import type { Scanner } from './scanner.js';

const INTERNATIONAL_PHONE = /\+\d[\d .()-]{6,22}\d/g;
const DOUBLE_ZERO_PHONE = /00 ?([1-9]\d{0,2})[ .(-][\d .()-]{4,22}\d/g;
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
  DOUBLE_ZERO_PHONE.lastIndex = 0;
  for (let m = DOUBLE_ZERO_PHONE.exec(text); m !== null; m = DOUBLE_ZERO_PHONE.exec(text)) {
    if (gluedBefore(text, m.index) || text.charCodeAt(m.index - 1) === PLUS || !isCallingCode(m[1] ?? '')) continue;
    // Digits are counted from the country code, as after a `+`.
    const code = m.index + (text.charCodeAt(m.index + 2) === SPACE ? 3 : 2);
    const length = internationalPhoneLength(text, code, m.index + m[0].length);
    if (length > 0 && report(m.index, code + length - m.index)) return true;
  }
  NORTH_AMERICAN_PHONE.lastIndex = 0;
  for (let m = NORTH_AMERICAN_PHONE.exec(text); m !== null; m = NORTH_AMERICAN_PHONE.exec(text)) {
    if (report(m.index, m[0].length)) return true;
  }
  return false;
};
