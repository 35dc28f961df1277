// E-mail addresses, found from each '@' outwards, so text without an '@' costs one indexOf. The
// domain must have two labels and an alphabetic top-level label, which keeps `@mention`,
// `user@localhost` and `name@123.45` out.
import { alnumAnd, DASH, DOT, inTable, isAlpha } from './char-classes.js';
import type { Scanner } from './scanner.js';

/** RFC 5322 `atext` plus the dot: what an unquoted local part is made of. */
const LOCAL_PART = alnumAnd("!#$%&'*+-/=?^_`{|}~.");
const DOMAIN = alnumAnd('-.');

const MAX_LOCAL_PART = 64;
const MAX_DOMAIN = 255;

export const scanEmails: Scanner = (text, report) => {
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    const floor = Math.max(0, at - MAX_LOCAL_PART);
    while (start > floor && inTable(LOCAL_PART, text.charCodeAt(start - 1))) start--;
    while (start < at && text.charCodeAt(start) === DOT) start++;
    if (start === at) continue;
    const domain = domainLength(text, at + 1);
    if (domain > 0 && report(start, at + 1 + domain - start)) return true;
  }
  return false;
};

/**
 * The length of the longest host name starting at `from` that has at least two labels and an
 * alphabetic top-level label of two or more letters; 0 if there is none.
 */
function domainLength(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_DOMAIN);
  let end = from;
  while (end < limit && inTable(DOMAIN, text.charCodeAt(end))) end++;

  let best = 0;
  let labels = 0;
  let labelStart = from;
  for (let i = from; i <= end; i++) {
    if (i < end && text.charCodeAt(i) !== DOT) continue;
    const length = i - labelStart;
    if (
      length < 1 ||
      length > 63 ||
      text.charCodeAt(labelStart) === DASH ||
      text.charCodeAt(i - 1) === DASH
    ) {
      break;
    }
    if (labels > 0 && length >= 2 && isAlphaSpan(text, labelStart, i)) best = i - from;
    labels++;
    labelStart = i + 1;
  }
  return best;
}

function isAlphaSpan(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isAlpha(text.charCodeAt(i))) return false;
  return true;
}
