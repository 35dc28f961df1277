// Reading values out of the host's objects so that no condition reaches code the host did not
// write. The rule (docs/conditions.md, "Security model"):
//   - only an object's *own* properties are read (`Object.hasOwn` is asked first), so nothing on
//     Object.prototype, Array.prototype, Map.prototype, a class's prototype, ... is ever reached,
//     and a key that names anything on Object.prototype is refused outright (at compile time when
//     it is written literally, check-ast.ts; at evaluation time when it is computed);
//   - a function value reads as `undefined`, and nothing is ever called, so nothing reachable can
//     be invoked;
//   - a property of a primitive (`'abc'.length`) reads as `undefined`.
// An own getter, or a Proxy's traps, are the host's own code: they may run when read (the router
// does not go out of its way to avoid them), and whatever they return is checked the same way.

import { isOwn } from '../own-data.js';
import { EvaluationFailure } from './evaluation-failure.js';

const isArray = Array.isArray;
const hasOwn = isOwn;

/**
 * Keys that are never read, whatever the object holds: every name on Object.prototype (a fixed
 * list, so a polluted prototype cannot forbid ordinary names) plus `prototype`.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'constructor',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
  'prototype',
]);

/**
 * `target[key]` for a literal key already checked against FORBIDDEN_KEYS: the own property's
 * value, `undefined` when it is missing, inherited or a function, or when `target` is not an
 * object. Throws only what the host's own getter or Proxy trap throws.
 */
export function readKey(target: unknown, key: string): unknown {
  if (typeof target !== 'object' || target === null || !hasOwn(target, key)) return undefined;
  const value: unknown = (target as Record<string, unknown>)[key];
  return typeof value === 'function' ? undefined : value;
}

/** `target[index]` for an integer index: only arrays answer. */
export function readIndex(target: unknown, index: number): unknown {
  if (!isArray(target) || !hasOwn(target, index)) return undefined;
  const value: unknown = (target as unknown[])[index];
  return typeof value === 'function' ? undefined : value;
}

/** A literal key from the source: a string (already checked), or an index that only arrays answer. */
export function readStatic(target: unknown, key: string | number): unknown {
  return typeof key === 'number' ? readIndex(target, key) : readKey(target, key);
}

/** `target[key]` for a key computed at evaluation time: a string, or an integer index into an array. */
export function readComputed(target: unknown, key: unknown): unknown {
  if (typeof key === 'string') return FORBIDDEN_KEYS.has(key) ? undefined : readKey(target, key);
  if (typeof key === 'number' && Number.isInteger(key) && key >= 0) return readIndex(target, key);
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

/**
 * Strict membership in an array from the scope. Only own elements are read (a hole is not looked
 * up on Array.prototype: it reads as undefined); `needle` is never a function, so a function
 * element never matches.
 */
export function hostArrayIncludes(array: readonly unknown[], needle: unknown): boolean {
  const length = arrayLength(array);
  if (length > MAX_SEARCHED_ELEMENTS) throw new EvaluationFailure(`an array of ${length} elements is too long to search (at most ${MAX_SEARCHED_ELEMENTS})`);
  for (let index = 0; index < length; index++) {
    // A hole, an inherited element and a function all read as missing, as everywhere else.
    const element: unknown = hasOwn(array, index) ? array[index] : undefined;
    if ((typeof element === 'function' ? undefined : element) === needle) return true;
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

/**
 * Names read through a property access of their own (`scope.task`, `task.complexity`) rather than
 * a computed `target[key]`: each such access only ever sees objects that have that name, which the
 * engine reads several times faster than a computed access shared by every name of every
 * condition. The scope's roots and the fields the router's own rules read most; any other name
 * takes the computed access, with the same checks.
 */
const ROOT_IDS: ReadonlyMap<string, number> = new Map([
  ['task', 1],
  ['data', 2],
  ['context', 3],
  ['model', 4],
]);
const FIELD_IDS: ReadonlyMap<string, number> = new Map([
  ['type', 1],
  ['complexity', 2],
  ['privacy_level', 3],
  ['contains_pii', 4],
]);

/** The id `readRoot` takes for `root` (0: read by a computed access). */
export function rootId(root: string): number {
  return ROOT_IDS.get(root) ?? 0;
}

/** The id `readField` takes for `key` (0: read by a computed access). */
export function fieldId(key: string): number {
  return FIELD_IDS.get(key) ?? 0;
}

type Roots = { task?: unknown; data?: unknown; context?: unknown; model?: unknown; [name: string]: unknown };
type Fields = { type?: unknown; complexity?: unknown; privacy_level?: unknown; contains_pii?: unknown; [name: string]: unknown };

/** `readKey(scope, root)`, for `id = rootId(root)`. */
export function readRoot(scope: unknown, id: number, root: string): unknown {
  if (typeof scope !== 'object' || scope === null || !hasOwn(scope, root)) return undefined;
  const s = scope as Roots;
  const value = id === 1 ? s.task : id === 2 ? s.data : id === 3 ? s.context : id === 4 ? s.model : s[root];
  return typeof value === 'function' ? undefined : value;
}

/** `readKey(target, key)`, for `id = fieldId(key)`. */
export function readField(target: unknown, id: number, key: string): unknown {
  if (typeof target !== 'object' || target === null || !hasOwn(target, key)) return undefined;
  const t = target as Fields;
  const value = id === 2 ? t.complexity : id === 1 ? t.type : id === 3 ? t.privacy_level : id === 4 ? t.contains_pii : t[key];
  return typeof value === 'function' ? undefined : value;
}
