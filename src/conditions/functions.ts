// The functions a condition may call, by bare name. Each is pure, never calls back into the
// scope's values, and never converts a value implicitly (no toString / valueOf of host objects).
// Predicates answer false for arguments of the wrong type; functions that produce a value raise a
// type error instead, which makes the whole condition false and is reported by evaluateDetailed.
import { EvaluationFailure } from './evaluation-failure.js';
import { arrayLength, describeType, membership } from './safe-read.js';

export { EvaluationFailure } from './evaluation-failure.js';

/** The names conditions may call: `has(task.privacy_level)`, `len(task.tags) > 2`, ... */
export const CONDITION_FUNCTIONS = [
  'has',
  'len',
  'lower',
  'upper',
  'contains',
  'startsWith',
  'endsWith',
  'min',
  'max',
  'abs',
] as const;

export type ConditionFunctionName = (typeof CONDITION_FUNCTIONS)[number];


interface FunctionSpec {
  readonly minArgs: number;
  /** Infinity for variadic functions. */
  readonly maxArgs: number;
  readonly call: (args: readonly unknown[]) => unknown;
}

function expectNumber(name: string, value: unknown): number {
  if (typeof value === 'number') return value;
  throw new EvaluationFailure(`${name}() expects numbers, got ${describeType(value)}`);
}

function expectString(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  throw new EvaluationFailure(`${name}() expects a string, got ${describeType(value)}`);
}

function extreme(name: 'min' | 'max', args: readonly unknown[]): number {
  let result = expectNumber(name, args[0]);
  for (let index = 1; index < args.length; index++) {
    const value = expectNumber(name, args[index]);
    result = name === 'min' ? Math.min(result, value) : Math.max(result, value);
  }
  return result;
}

export const FUNCTION_SPECS: Readonly<Record<ConditionFunctionName, FunctionSpec>> = {
  has: { minArgs: 1, maxArgs: 1, call: ([value]) => value !== undefined && value !== null },
  len: {
    minArgs: 1,
    maxArgs: 1,
    call: ([value]) => {
      if (typeof value === 'string') return value.length;
      if (Array.isArray(value)) return arrayLength(value);
      throw new EvaluationFailure(`len() expects a string or an array, got ${describeType(value)}`);
    },
  },
  lower: { minArgs: 1, maxArgs: 1, call: ([value]) => expectString('lower', value).toLowerCase() },
  upper: { minArgs: 1, maxArgs: 1, call: ([value]) => expectString('upper', value).toUpperCase() },
  contains: { minArgs: 2, maxArgs: 2, call: ([haystack, needle]) => membership(needle, haystack) },
  startsWith: {
    minArgs: 2,
    maxArgs: 2,
    call: ([text, prefix]) => typeof text === 'string' && typeof prefix === 'string' && text.startsWith(prefix),
  },
  endsWith: {
    minArgs: 2,
    maxArgs: 2,
    call: ([text, suffix]) => typeof text === 'string' && typeof suffix === 'string' && text.endsWith(suffix),
  },
  min: { minArgs: 1, maxArgs: Infinity, call: (args) => extreme('min', args) },
  max: { minArgs: 1, maxArgs: Infinity, call: (args) => extreme('max', args) },
  abs: { minArgs: 1, maxArgs: 1, call: ([value]) => Math.abs(expectNumber('abs', value)) },
};

export function isConditionFunction(name: string): name is ConditionFunctionName {
  return Object.hasOwn(FUNCTION_SPECS, name);
}
