// A plain-data copy of a caller's JSON value (tool inputs and results, schemas, provider options).
// The copy is what the privacy scan reads and what the adapter sends, so the two cannot differ:
// no getter runs, and a value that changes after the call began cannot slip past the scan.
import { InvalidArgumentError } from '../errors.js';
import { isArrayValue, ownKeys, ownSlot } from '../own-data.js';

/** An object being copied: its keys, or for an array its length. */
type Frame = { source: object; target: Record<string, unknown> | unknown[]; path: string; keys: string[] | number; next: number };

/** Longer arrays are refused rather than walked (a sparse array can claim 2^32 - 1 elements). */
const MAX_ARRAY_LENGTH = 1_000_000;

/**
 * Copies own enumerable data properties and array elements, iteratively (deep values cannot
 * overflow the stack). What JSON cannot carry is refused with the path: an accessor property, a
 * cycle, a bigint. Functions, symbols and `undefined` are dropped from objects and become `null`
 * in arrays, as `JSON.stringify` does; a Date becomes its ISO string; bytes are kept as bytes.
 */
export function copyJson(value: unknown, path: string): unknown {
  const root = leaf(value, path);
  if (root !== PENDING) return root;
  const top = emptyLike(value as object);
  const stack: Frame[] = [frame(value as object, top, path)];
  const open = new Set<object>([value as object]);
  while (stack.length > 0) {
    const current = stack[stack.length - 1]!;
    const size = typeof current.keys === 'number' ? current.keys : current.keys.length;
    if (current.next >= size) {
      open.delete(current.source);
      stack.pop();
      continue;
    }
    const key = typeof current.keys === 'number' ? current.next : current.keys[current.next]!;
    current.next++;
    const childPath = typeof key === 'number' ? `${current.path}[${key}]` : `${current.path}.${key}`;
    const slot = ownSlot(current.source, key);
    if (slot.kind === 'accessor') throw new InvalidArgumentError(childPath, 'an accessor property (getter) is not read; pass plain data');
    const child = slot.kind === 'data' ? slot.value : undefined;
    const copied = leaf(child, childPath);
    if (copied === PENDING) {
      const object = child as object;
      if (open.has(object)) throw new InvalidArgumentError(childPath, 'a cycle: the value refers to itself, which JSON cannot carry');
      const target = emptyLike(object);
      assign(current.target, key, target);
      open.add(object);
      stack.push(frame(object, target, childPath));
    } else if (copied !== DROP) {
      assign(current.target, key, copied);
    } else if (Array.isArray(current.target)) {
      current.target[key as number] = null;
    }
  }
  return top;
}

const PENDING = Symbol('pending');
const DROP = Symbol('drop');

/** A scalar's copy, `DROP`, or `PENDING` for an object or array still to be walked. */
function leaf(value: unknown, path: string): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      throw new InvalidArgumentError(path, 'a bigint, which JSON cannot carry; pass a number or a string');
    case 'object':
      if (value === null) return null;
      if (value instanceof Uint8Array) return new Uint8Array(value);
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (value instanceof URL) return value.href;
      return PENDING;
    default:
      return DROP;
  }
}

function emptyLike(source: object): Record<string, unknown> | unknown[] {
  return isArrayValue(source) ? [] : {};
}

function frame(source: object, target: Record<string, unknown> | unknown[], path: string): Frame {
  let keys: string[] | number;
  if (Array.isArray(target)) {
    const length = ownSlot(source, 'length');
    keys = length.kind === 'data' && typeof length.value === 'number' ? length.value : 0;
    if (keys > MAX_ARRAY_LENGTH) throw new InvalidArgumentError(path, `an array of ${keys} elements; at most ${MAX_ARRAY_LENGTH} are accepted`);
  } else {
    const names = ownKeys(source);
    if (names === undefined) throw new InvalidArgumentError(path, 'the object could not be read (a Proxy refused)');
    keys = names;
  }
  return { source, target, path, keys, next: 0 };
}

function assign(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  if (Array.isArray(target)) target[key as number] = value;
  // defineProperty: a key named `__proto__` stays a plain own property of the copy.
  else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
