// Reading the host's objects without running the host's code: one reader, used by conditions, the
// privacy scan, request copying and the router's own field reads. A property counts only when it
// is an own *data* property — the descriptor is asked for, so a getter is never invoked.

const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const hasOwn = Object.hasOwn;

/**
 * The value of `target[key]` when it is an own data property holding a non-function, else
 * `undefined`. Throws only what a hostile Proxy's trap throws.
 */
export function readOwn(target: unknown, key: string | number): unknown {
  if (typeof target !== 'object' || target === null) return undefined;
  const descriptor = getOwnPropertyDescriptor(target, key);
  // The descriptor is a fresh ordinary object; `hasOwn` keeps a `value` planted on
  // Object.prototype from answering for an accessor property.
  if (descriptor === undefined || !hasOwn(descriptor, 'value')) return undefined;
  const value: unknown = descriptor.value;
  return typeof value === 'function' ? undefined : value;
}

/** What an own property holds, told apart: absent, an accessor (not run), or data. */
export type OwnSlot = { kind: 'missing' } | { kind: 'accessor' } | { kind: 'data'; value: unknown };

const MISSING: OwnSlot = Object.freeze({ kind: 'missing' });
const ACCESSOR: OwnSlot = Object.freeze({ kind: 'accessor' });

/** Like `readOwn`, but says when a getter stood in the way; a Proxy whose trap throws reads as an accessor. */
export function ownSlot(target: object, key: string | number): OwnSlot {
  let descriptor: PropertyDescriptor | undefined;
  try {
    descriptor = getOwnPropertyDescriptor(target, key);
  } catch {
    return ACCESSOR;
  }
  if (descriptor === undefined) return MISSING;
  if (!hasOwn(descriptor, 'value')) return ACCESSOR;
  return { kind: 'data', value: descriptor.value };
}

/** Own enumerable string keys, or `undefined` when a Proxy's trap throws. */
export function ownKeys(target: object): string[] | undefined {
  try {
    return Object.keys(target);
  } catch {
    return undefined;
  }
}

/** `Array.isArray`, which throws on a revoked Proxy. */
export function isArrayValue(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}
