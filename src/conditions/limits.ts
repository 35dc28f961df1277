// Limits on condition size, and the nesting pre-scan that runs before jsep ever sees the source.
// jsep is a recursive-descent parser: 100 000 nested `(` or `!` would overflow the stack inside
// it. The pre-scan is linear, never recursive, and deliberately errs high: it counts every
// construct that makes jsep recurse (brackets, prefix operators, `not`, `?:`), so anything it
// lets through parses within a small, fixed stack depth.
import { InvalidArgumentError } from '../errors.js';

export interface ConditionLimits {
  readonly maxLength: number;
  readonly maxDepth: number;
  readonly maxNodes: number;
  readonly maxArrayLength: number;
}

export const DEFAULT_LIMITS: ConditionLimits = Object.freeze({
  maxLength: 2000,
  maxDepth: 32,
  maxNodes: 500,
  maxArrayLength: 256,
});

export function resolveLimits(options: Partial<Record<keyof ConditionLimits, unknown>> | undefined): ConditionLimits {
  if (options === undefined) return DEFAULT_LIMITS;
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('condition options', 'expected an object');
  }
  const pick = (name: keyof ConditionLimits): number => {
    const value = options[name];
    if (value === undefined) return DEFAULT_LIMITS[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new InvalidArgumentError(`condition option ${name}`, 'expected a positive integer');
    }
    return value;
  };
  return {
    maxLength: pick('maxLength'),
    maxDepth: pick('maxDepth'),
    maxNodes: pick('maxNodes'),
    maxArrayLength: pick('maxArrayLength'),
  };
}

/** Recursion that is open at one bracket level. */
interface Level {
  /** Prefix operators (`!`, `-`, `+`, `~`) whose operand has not ended yet. */
  prefix: number;
  /** `not`s, whose operand runs to the next `and` / `or`. */
  not: number;
  /** `?` of conditional expressions, which nest until the level closes. */
  conditional: number;
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;
const isWordStart = (code: number): boolean =>
  (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36 || code >= 128;
const isWordPart = (code: number): boolean => isWordStart(code) || isDigit(code);
const isSpace = (code: number): boolean => code === 32 || code === 9 || code === 10 || code === 13;

/**
 * An upper bound of the nesting the scan below can find, in one cheap pass: every level it opens
 * is an opening bracket, a prefix operator, a `?` or a `not`, so their count bounds the depth.
 * Nearly every condition is far below the limit and needs no more than this.
 */
function nestingBound(source: string): number {
  let count = 0;
  for (let i = 0; i < source.length; i++) {
    switch (source.charCodeAt(i)) {
      case 40: // (
      case 91: // [
      case 123: // {
      case 33: // !
      case 45: // -
      case 43: // +
      case 126: // ~
      case 63: // ?
        count++;
        break;
      case 110: // n: `not`
        if (source.charCodeAt(i + 1) === 111 && source.charCodeAt(i + 2) === 116) count++;
        break;
    }
  }
  return count;
}

/**
 * Returns the index at which the nesting of `source` first exceeds `maxDepth`, or -1.
 * Unbalanced or malformed input is left for the parser to report.
 */
export function findExcessiveNesting(source: string, maxDepth: number): number {
  if (nestingBound(source) <= maxDepth) return -1;
  const levels: Level[] = [{ prefix: 0, not: 0, conditional: 0 }];
  let depth = 0;
  let expectOperand = true;
  const top = (): Level => levels[levels.length - 1] as Level;
  const endOperand = (): void => {
    const level = top();
    depth -= level.prefix;
    level.prefix = 0;
  };
  const endClause = (): void => {
    endOperand();
    const level = top();
    depth -= level.not;
    level.not = 0;
  };
  const open = (kind: keyof Level): boolean => {
    top()[kind]++;
    depth++;
    return depth > maxDepth;
  };

  const length = source.length;
  let i = 0;
  while (i < length) {
    const code = source.charCodeAt(i);
    if (isSpace(code)) {
      i++;
      continue;
    }
    if (code === 39 || code === 34) {
      // A string literal; a backslash escapes the next character, as in jsep.
      i++;
      while (i < length && source.charCodeAt(i) !== code) i += source.charCodeAt(i) === 92 ? 2 : 1;
      i++;
      expectOperand = false;
      continue;
    }
    if (isDigit(code) || (code === 46 && expectOperand)) {
      i++;
      while (i < length && (isDigit(source.charCodeAt(i)) || source.charCodeAt(i) === 46)) i++;
      const e = source.charCodeAt(i);
      if (e === 101 || e === 69) {
        i++;
        if (source.charCodeAt(i) === 43 || source.charCodeAt(i) === 45) i++;
        while (i < length && isDigit(source.charCodeAt(i))) i++;
      }
      expectOperand = false;
      continue;
    }
    if (code === 46) {
      // Member access: the word after the dot is a property name, never an operator.
      i++;
      while (i < length && isSpace(source.charCodeAt(i))) i++;
      while (i < length && isWordPart(source.charCodeAt(i))) i++;
      expectOperand = false;
      continue;
    }
    if (isWordStart(code)) {
      const start = i;
      while (i < length && isWordPart(source.charCodeAt(i))) i++;
      const word = source.slice(start, i);
      if (expectOperand) {
        if (word === 'not') {
          if (open('not')) return start;
        } else {
          expectOperand = false;
        }
      } else if (word === 'and' || word === 'or') {
        endClause();
        expectOperand = true;
      } else if (word === 'in' || word === 'not') {
        endOperand();
        expectOperand = true;
      } else {
        expectOperand = false;
      }
      continue;
    }
    switch (code) {
      case 40: // (
      case 91: // [
      case 123: // {
        depth++;
        levels.push({ prefix: 0, not: 0, conditional: 0 });
        if (depth > maxDepth) return i;
        expectOperand = true;
        break;
      case 41: // )
      case 93: // ]
      case 125: // }
        if (levels.length > 1) {
          const level = levels.pop() as Level;
          depth -= level.prefix + level.not + level.conditional + 1;
        }
        expectOperand = false;
        break;
      case 63: // ?
        if (source.charCodeAt(i + 1) === 46 && !isDigit(source.charCodeAt(i + 2))) {
          // Optional member access `?.`: handled like `.` on the next turn.
          i++;
          continue;
        }
        if (source.charCodeAt(i + 1) === 63) {
          i++; // `??`
          endClause();
        } else {
          endClause();
          if (open('conditional')) return i;
        }
        expectOperand = true;
        break;
      case 58: // :
        endClause();
        expectOperand = true;
        break;
      case 44: // ,
      case 59: {
        // ;
        endClause();
        const level = top();
        depth -= level.conditional;
        level.conditional = 0;
        expectOperand = true;
        break;
      }
      case 33: // !
      case 45: // -
      case 43: // +
      case 126: // ~
        if (expectOperand) {
          if (open('prefix')) return i;
        } else {
          endOperand();
          expectOperand = true;
        }
        break;
      case 38: // &
      case 124: // |
        if (!expectOperand) {
          if (source.charCodeAt(i + 1) === code) endClause();
          else endOperand();
          expectOperand = true;
        }
        break;
      default:
        // `=`, `<`, `>`, `*`, `/`, `%`, `^`: a binary operator (or the rest of one).
        if (!expectOperand) {
          endOperand();
          expectOperand = true;
        }
    }
    i++;
  }
  return -1;
}
