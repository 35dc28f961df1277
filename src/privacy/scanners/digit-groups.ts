// Digits with separators, shared by the scanners of cards, phone numbers and SSNs: where the digit
// groups of a span are, and whether a number is part of a longer one.
import { COMMA, DASH, DOT, isDigit, isWord, SPACE } from './char-classes.js';

export interface Span {
  start: number;
  end: number;
}

export function span(s: Span): number {
  return s.end - s.start;
}

/** The digit groups of `text[start, end)`, split at anything that is not a digit. */
export function digitGroups(text: string, start: number, end: number): Span[] {
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
export function gluedBefore(text: string, index: number): boolean {
  const before = text.charCodeAt(index - 1);
  if (isWord(before)) return true;
  return (
    (before === DOT || before === COMMA || before === SPACE || before === DASH) &&
    isDigit(text.charCodeAt(index - 2))
  );
}

/** The same, for digits ending at `index`. */
export function gluedAfter(text: string, index: number): boolean {
  const after = text.charCodeAt(index);
  if (isWord(after)) return true;
  return (
    (after === DOT || after === COMMA || after === SPACE || after === DASH) &&
    isDigit(text.charCodeAt(index + 1))
  );
}
