// Character classes shared by the scanners, tested on UTF-16 code units. ASCII only: identifiers
// of these kinds are ASCII, and a lookup table or two comparisons beat a regex class per character.

export const ZERO = 48; // '0'
const NINE = 57; // '9'
export const DOT = 46; // '.'
export const COMMA = 44; // ','
export const SPACE = 32; // space
export const DASH = 45; // '-'
export const PLUS = 43; // '+'
const UNDERSCORE = 95; // '_'
export const OPEN_PAREN = 40; // '('
export const CLOSE_PAREN = 41; // ')'
const UPPER_A = 65; // 'A'
const UPPER_Z = 90; // 'Z'
export const LOWER_A = 97; // 'a'
const LOWER_Z = 122; // 'z'

export function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

export function isAlpha(code: number): boolean {
  return (code >= UPPER_A && code <= UPPER_Z) || (code >= LOWER_A && code <= LOWER_Z);
}

function isAlnum(code: number): boolean {
  return isDigit(code) || isAlpha(code);
}

/** `\w`: letters, digits and underscore. `charCodeAt` past either end is NaN, which is no class. */
export function isWord(code: number): boolean {
  return isAlnum(code) || code === UNDERSCORE;
}

/** A lookup table of the ASCII characters in `chars`. */
export function only(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}

export const DIGITS = '0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A lookup table of ASCII letters, digits and `chars`. */
export function alnumAnd(chars: string): Uint8Array {
  return only(DIGITS + LETTERS + chars);
}

/** Whether `code` is in `table`; anything outside ASCII never is. */
export function inTable(table: Uint8Array, code: number): boolean {
  return code < 128 && table[code] === 1;
}
