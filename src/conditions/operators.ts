// What the operators of the language do at evaluation time: arithmetic, ordering, `and` / `or`,
// each built once per node as a closure specialised to its operator, so evaluation never
// dispatches on an operator name.
import type { ArithmeticOperator } from './check-ast.js';
import type { Evaluator } from './evaluator.js';
import { EvaluationFailure } from './functions.js';
import { describeType } from './safe-read.js';

/** Raises a type error: the condition is then false, and `evaluateDetailed` reports `reason`. */
export const fail = (reason: string): never => {
  throw new EvaluationFailure(reason);
};

/**
 * A missing operand (undefined) makes the result missing too, the way a missing field compares
 * false: `daily_cost > budget * 0.8` is simply false when no budget is set. Any other mismatch
 * (a string times a number) is a type error.
 */
function arithmeticFailure(operator: ArithmeticOperator, left: unknown, right: unknown): unknown {
  if (left === undefined || right === undefined) return undefined;
  const expected = operator === '+' ? 'two numbers or two strings' : 'numbers';
  return fail(`'${operator}' expects ${expected}, got ${describeType(left)} and ${describeType(right)}`);
}

/** The closure for one arithmetic operator: numbers (or, for `+`, two strings) in, a number out. */
export function arithmetic(operator: ArithmeticOperator): (left: unknown, right: unknown) => unknown {
  switch (operator) {
    case '+':
      return (left, right) => {
        if (typeof left === 'number' && typeof right === 'number') return left + right;
        if (typeof left === 'string' && typeof right === 'string') return left + right;
        return arithmeticFailure('+', left, right);
      };
    case '-':
      return (left, right) =>
        typeof left === 'number' && typeof right === 'number' ? left - right : arithmeticFailure('-', left, right);
    case '*':
      return (left, right) =>
        typeof left === 'number' && typeof right === 'number' ? left * right : arithmeticFailure('*', left, right);
    case '/':
      return (left, right) =>
        typeof left === 'number' && typeof right === 'number' ? left / right : arithmeticFailure('/', left, right);
    case '%':
      return (left, right) =>
        typeof left === 'number' && typeof right === 'number' ? left % right : arithmeticFailure('%', left, right);
  }
}

export type Ordering = '<' | '<=' | '>' | '>=';
/** The same test with its operands swapped: `8 < x` is `x > 8`. */
export const FLIPPED: Readonly<Record<Ordering, Ordering>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** `left <op> right` for two numbers or two strings; anything else is false. */
export function orderingTest(operator: Ordering): (left: unknown, right: unknown) => boolean {
  switch (operator) {
    case '<':
      return (a, b) => (typeof a === 'number' ? typeof b === 'number' && a < b : typeof a === 'string' && typeof b === 'string' && a < b);
    case '<=':
      return (a, b) => (typeof a === 'number' ? typeof b === 'number' && a <= b : typeof a === 'string' && typeof b === 'string' && a <= b);
    case '>':
      return (a, b) => (typeof a === 'number' ? typeof b === 'number' && a > b : typeof a === 'string' && typeof b === 'string' && a > b);
    case '>=':
      return (a, b) => (typeof a === 'number' ? typeof b === 'number' && a >= b : typeof a === 'string' && typeof b === 'string' && a >= b);
  }
}

/** `value <op> constant` with a number constant, fused into one closure (the common rule shape). */
export function compareWithNumber(operator: Ordering, read: Evaluator, constant: number): Evaluator {
  switch (operator) {
    case '<':
      return (scope) => {
        const value = read(scope);
        return typeof value === 'number' && value < constant;
      };
    case '<=':
      return (scope) => {
        const value = read(scope);
        return typeof value === 'number' && value <= constant;
      };
    case '>':
      return (scope) => {
        const value = read(scope);
        return typeof value === 'number' && value > constant;
      };
    case '>=':
      return (scope) => {
        const value = read(scope);
        return typeof value === 'number' && value >= constant;
      };
  }
}

/** `a and b and ...`, short-circuiting, always a boolean; two and three operands (most rules) get their own closures. */
export function allOf(runs: readonly Evaluator[]): Evaluator {
  const [a, b, c] = runs as [Evaluator, Evaluator, Evaluator];
  switch (runs.length) {
    case 2:
      return (s) => (a(s) ? !!b(s) : false);
    case 3:
      return (s) => (a(s) ? (b(s) ? !!c(s) : false) : false);
    default:
      return (s) => {
        for (const run of runs) if (!run(s)) return false;
        return true;
      };
  }
}

/** `a or b or ...`, the same way. */
export function anyOf(runs: readonly Evaluator[]): Evaluator {
  const [a, b, c] = runs as [Evaluator, Evaluator, Evaluator];
  switch (runs.length) {
    case 2:
      return (s) => (a(s) ? true : !!b(s));
    case 3:
      return (s) => (a(s) ? true : b(s) ? true : !!c(s));
    default:
      return (s) => {
        for (const run of runs) if (run(s)) return true;
        return false;
      };
  }
}
