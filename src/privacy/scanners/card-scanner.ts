// Payment cards: 13–19 digits, either in one block or grouped as on the card (4-4-4-4, 4-6-5,
// 4-4-4-4-3), Luhn-checked. A run of digit groups is read from its first group, so a list of
// small numbers is not searched for every window that happens to pass Luhn. No card network
// issues numbers starting with 0 or 1 (ISO/IEC 7812 gives 1 to airlines), while millisecond,
// microsecond and nanosecond timestamps and snowflake ids, common in logs and JSON, do start
// with 1 and have 13, 16 or 19 digits; one in ten would pass Luhn. So a leading 0 or 1 is no card.
import { ZERO } from './char-classes.js';
import { digitGroups, gluedAfter, gluedBefore, span, type Span } from './digit-groups.js';
import type { Scanner } from './scanner.js';

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
