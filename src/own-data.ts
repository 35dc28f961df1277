// Reading the host's objects: one place for it, used by conditions, the privacy scan, request
// copying and the router's own field reads. Two kinds of read: `readOwn` / `ownSlot` count a
// property only when it is an own *data* property — the descriptor is asked for, so a getter is
// never invoked (what is copied or scanned); `isOwn` / `ownOption` take an own property whatever it
// is, so the host's own getter may run, but nothing inherited is ever reached (what is decided on).

const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const hasOwn = Object.hasOwn;

/**
 * Whether `key` is `target`'s own property: `Object.hasOwn`, bound once to the builtin
 * `hasOwnProperty` (which `Object.hasOwn` itself calls through) — measurably faster, and later
 * changes to `Function.prototype.call` do not reach it. For reads that may run the host's own getter
 * (conditions, and the router's reads of the fields it decides on) but never reach an inherited one.
 */
export const isOwn = Function.prototype.call.bind(Object.prototype.hasOwnProperty) as (target: object, key: PropertyKey) => boolean;

/**
 * An option's value when `options` holds it as its own property, else undefined: an option bag's
 * missing field is never taken from a polluted Object.prototype (an own getter may run: it is the
 * caller's code).
 */
export function ownOption<T extends object, K extends keyof T>(options: T, key: K): T[K] | undefined {
  return isOwn(options, key) ? options[key] : undefined;
}

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

/**
 * `source[key]` when it is the object's own field (its own getter may run), else undefined: for
 * optional fields of data the router made or parsed (a request's `name`, an answer's `tool_calls`),
 * so that one the object does not hold is never read from Object.prototype.
 */
export function ownValue<T = unknown>(source: object, key: string): T | undefined {
  return hasOwn(source, key) ? ((source as Record<string, unknown>)[key] as T) : undefined;
}

/**
 * Whether `source` inherits `key` from a prototype of the caller's own (a class's getter,
 * `Object.create(base)`), not from Object.prototype (where it is someone else's, maybe planted): a
 * field that reads of own fields alone would drop without a word.
 */
export function inheritsFromOwnPrototype(source: object, key: string): boolean {
  return !hasOwn(source, key) && key in source && !hasOwn(Object.prototype, key);
}

/**
 * `value`'s own enumerable fields, copied into an object without a prototype: for an options bag or
 * a caller's settings, so that a field left out is never read from Object.prototype (where a
 * prototype-pollution bug elsewhere in an application may have planted it). An own getter runs once.
 */
export function ownFields<T extends object>(value: T): T {
  const copy = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) copy[key] = (value as Record<string, unknown>)[key];
  return copy as T;
}

/** Own enumerable string keys, or `undefined` when a Proxy's trap throws. */
export function ownKeys(target: object): string[] | undefined {
  try {
    return Object.keys(target);
  } catch {
    return undefined;
  }
}

/** A non-null object that is not an array (its prototype not checked): a JSON object, a record. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Array.isArray`, which throws on a revoked Proxy. */
export function isArrayValue(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * What a walk visits below `source`: an array's length (its indices), an object's own enumerable
 * keys, or `undefined` when a Proxy's trap refuses. Never runs a getter.
 */
export function ownChildren(source: object): string[] | number | undefined {
  if (isArrayValue(source)) {
    const length = ownSlot(source, 'length');
    return length.kind === 'data' && typeof length.value === 'number' ? length.value : 0;
  }
  return ownKeys(source);
}

/** What kind of object a host value is, told apart without running its code; a revoked Proxy is `unreadable`. */
export function objectKind(value: object): 'bytes' | 'date' | 'url' | 'plain' | 'unreadable' {
  try {
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return 'bytes';
    if (value instanceof Date) return 'date';
    if (value instanceof URL) return 'url';
    return 'plain';
  } catch {
    return 'unreadable';
  }
}

export interface OwnDataVisit {
  /** The object whose property this is. */
  parent: object;
  key: string | number;
  slot: OwnSlot;
  /** `request.messages[2].content`: where the property is, for messages. */
  path: string;
  /** The nesting depth of the property's value (the root is 0). */
  depth: number;
}

export interface OwnDataWalker {
  /** Each own property in document order: `'descend'` into an object or array value, `'next'`, or `'stop'` the walk. */
  visit(visit: OwnDataVisit): 'descend' | 'next' | 'stop';
  /** An object refers back to one it is inside of (JSON cannot carry it); the walk stops. */
  cycle(path: string): void;
  /** A Proxy refused to list its keys; the walk goes on without them. */
  unreadable(path: string): void;
}

/**
 * Walks the own data properties below `root` depth-first, without recursion (deep values cannot
 * overflow the stack), never running a getter. Shared references are walked each time they
 * appear; only a cycle stops the walk.
 */
export function walkOwnData(root: object, rootPath: string, walker: OwnDataWalker): void {
  type Frame = { source: object; keys: string[] | number; next: number; depth: number; path: string };
  const frame = (source: object, depth: number, path: string): Frame => {
    const keys = ownChildren(source);
    if (keys === undefined) walker.unreadable(path);
    return { source, keys: keys ?? [], next: 0, depth, path };
  };
  const open = new Set<object>([root]);
  const stack: Frame[] = [frame(root, 0, rootPath)];
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
    const path = typeof key === 'number' ? `${current.path}[${key}]` : `${current.path}.${key}`;
    const slot = ownSlot(current.source, key);
    const step = walker.visit({ parent: current.source, key, slot, path, depth: current.depth + 1 });
    if (step === 'stop') return;
    if (step === 'next' || slot.kind !== 'data') continue;
    const child = slot.value as object;
    if (open.has(child)) {
      walker.cycle(path);
      return;
    }
    open.add(child);
    stack.push(frame(child, current.depth + 1, path));
  }
}
