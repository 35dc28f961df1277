// Reading values out of the host's objects without ever running the host's code.
// A property is read only when it is an own *data* property: the descriptor is asked for, so a
// getter is never invoked (not even one defined by an object literal, which no cheaper test can
// rule out), a function value reads as undefined, and `__proto__` / `constructor` / `prototype`
// are never read at all. A Proxy's traps may run (nothing in the language can prevent that), but
// whatever they return is checked the same way.

import { readOwn } from '../own-data.js';
import { EvaluationFailure } from './evaluation-failure.js';

export { readOwn };

const isArray = Array.isArray;

/** Keys that are never read, whatever the object holds. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** `target[key]` for a key computed at evaluation time: a string, or an integer index into an array. */
export function readComputed(target: unknown, key: unknown): unknown {
  if (typeof key === 'string') return FORBIDDEN_KEYS.has(key) ? undefined : readOwn(target, key);
  if (typeof key === 'number' && Number.isInteger(key) && key >= 0 && isArray(target)) return readOwn(target, key);
  return undefined;
}

/**
 * The length of an array from the scope. A real array's `length` is always an own data property
 * (it cannot be redefined as an accessor); for a Proxy of an array the trap's answer is checked.
 */
export function arrayLength(array: readonly unknown[]): number {
  const length: unknown = array.length;
  return typeof length === 'number' && Number.isInteger(length) && length >= 0 ? length : 0;
}

/**
 * Most elements `in` or `contains()` searches in an array from the scope: like every evaluation,
 * its work is bounded (a sparse array can claim 2^32 - 1 elements it does not hold).
 */
export const MAX_SEARCHED_ELEMENTS = 100_000;

/** Strict membership in an array from the scope: each element is read as an own data property. */
export function hostArrayIncludes(array: readonly unknown[], needle: unknown): boolean {
  const length = arrayLength(array);
  if (length > MAX_SEARCHED_ELEMENTS) throw new EvaluationFailure(`an array of ${length} elements is too long to search (at most ${MAX_SEARCHED_ELEMENTS})`);
  for (let index = 0; index < length; index++) {
    if (readOwn(array, index) === needle) return true;
  }
  return false;
}

/** Strict membership in an array the condition built itself (no host code can be involved). */
export function ownArrayIncludes(array: readonly unknown[], needle: unknown): boolean {
  for (let index = 0; index < array.length; index++) {
    if (array[index] === needle) return true;
  }
  return false;
}

/** `needle in haystack`: array membership, substring of a string, otherwise false. */
export function membership(needle: unknown, haystack: unknown): boolean {
  if (typeof haystack === 'string') return typeof needle === 'string' && haystack.includes(needle);
  if (isArray(haystack)) return hostArrayIncludes(haystack, needle);
  return false;
}

/** A short, value-free description of a value's type, for error messages (values may hold PII). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (isArray(value)) return 'array';
  return typeof value;
}

/** A literal key from the source: a string (already checked), or an index that only arrays answer. */
export function readStatic(target: unknown, key: string | number): unknown {
  if (typeof key === 'number') return isArray(target) ? readOwn(target, key) : undefined;
  return readOwn(target, key);
}
