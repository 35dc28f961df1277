// A plain-data copy of a caller's JSON value (tool inputs and results, schemas, provider options).
// The copy is what the privacy scan reads and what the adapter sends, so the two cannot differ:
// no getter runs, and a value that changes after the call began cannot slip past the scan.
import { InvalidArgumentError } from '../errors.js';
import { isArrayValue, objectKind, ownChildren, walkOwnData } from '../own-data.js';

/** Longer arrays are refused rather than walked (a sparse array can claim 2^32 - 1 elements). */
const MAX_ARRAY_LENGTH = 1_000_000;

type Container = Record<string, unknown> | unknown[];

/**
 * Copies own enumerable data properties and array elements. What JSON cannot carry is refused with
 * the path: an accessor property, a cycle, a bigint. Functions, symbols and `undefined` are dropped
 * from objects and become `null` in arrays, as `JSON.stringify` does; a Date becomes its ISO
 * string, a URL its href; bytes are kept as bytes.
 */
export function copyJson(value: unknown, path: string): unknown {
  const root = leaf(value, path);
  if (root !== PENDING) return root;
  const top = emptyLike(value as object, path);
  // Each object being copied, to the copy its properties go into.
  const targets = new Map<object, Container>([[value as object, top]]);
  walkOwnData(value as object, path, {
    visit({ parent, key, slot, path: childPath }) {
      if (slot.kind === 'accessor') throw new InvalidArgumentError(childPath, 'an accessor property (getter) is not read; pass plain data');
      const target = targets.get(parent)!;
      const source = slot.kind === 'data' ? slot.value : undefined;
      const copied = leaf(source, childPath);
      if (copied === PENDING) {
        const child = emptyLike(source as object, childPath);
        targets.set(source as object, child);
        assign(target, key, child);
        return 'descend';
      }
      if (copied !== DROP) assign(target, key, copied);
      else if (Array.isArray(target)) target[key as number] = null;
      return 'next';
    },
    cycle(cyclePath) {
      throw new InvalidArgumentError(cyclePath, 'a cycle: the value refers to itself, which JSON cannot carry');
    },
    unreadable(unreadablePath) {
      throw new InvalidArgumentError(unreadablePath, 'the object could not be read (a Proxy refused)');
    },
  });
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
      switch (objectKind(value)) {
        case 'plain':
          return PENDING;
        case 'bytes':
          return copyBytes(value as ArrayBufferView | ArrayBuffer);
        case 'date':
          return Number.isNaN((value as Date).getTime()) ? null : (value as Date).toISOString();
        case 'url':
          return (value as URL).href;
        case 'unreadable':
          throw new InvalidArgumentError(path, 'the object could not be read (a revoked Proxy)');
      }
      return PENDING;
    default:
      return DROP;
  }
}

/** Bytes as a fresh Uint8Array, whatever view or buffer held them. */
function copyBytes(value: ArrayBufferView | ArrayBuffer): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
}

function emptyLike(source: object, path: string): Container {
  if (!isArrayValue(source)) return {};
  const length = ownChildren(source);
  if (typeof length === 'number' && length > MAX_ARRAY_LENGTH) throw new InvalidArgumentError(path, `an array of ${length} elements; at most ${MAX_ARRAY_LENGTH} are accepted`);
  return [];
}

function assign(target: Container, key: string | number, value: unknown): void {
  if (Array.isArray(target)) target[key as number] = value;
  // defineProperty: a key named `__proto__` stays a plain own property of the copy.
  else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
