// The fields of a task the router itself reads are checked: a wrong type or a value out of range is
// an `InvalidArgumentError` naming the field, never a silent default. A field whose name is one
// typo away from one of them (`complexty`) is noted, since the task is open and it is not an error.
import { closestName } from '../edit-distance.js';
import { InvalidArgumentError } from '../errors.js';
import { ownKeys, ownSlot } from '../own-data.js';
import type { Task } from '../routing/types.js';

type Check = (value: unknown) => string | undefined;

const number = (min: number, max = Number.POSITIVE_INFINITY): Check => (value) =>
  typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? undefined : `expected a number${max === Number.POSITIVE_INFINITY ? ` ≥ ${min}` : ` from ${min} to ${max}`}`;
const string: Check = (value) => (typeof value === 'string' ? undefined : 'expected a string');

/** The fields the router reads, and what each must be. */
const FIELDS = {
  id: (value) => (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? undefined : 'expected a string or a number'),
  type: string,
  complexity: number(0, 10),
  privacy_level: string,
  critical: (value) => (typeof value === 'boolean' ? undefined : 'expected true or false'),
  estimated_tokens: number(0),
  max_output_tokens: number(0),
  max_latency_ms: number(0),
  prompt: string,
  messages: (value) => (Array.isArray(value) ? undefined : 'expected an array'),
  data: (value) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : 'expected an object'),
  force_model: string,
} satisfies Record<string, Check>;
const NAMES = Object.keys(FIELDS);

/**
 * The router's copy of a task starts with every field the router reads as its own, undefined: the
 * router then reads those fields by name (no own-property check), and a polluted `Object.prototype`
 * supplies none of them. Written out, so that every copy starts with the same shape.
 */
function newCopy(): Record<string, unknown> {
  return {
    id: undefined,
    type: undefined,
    complexity: undefined,
    privacy_level: undefined,
    critical: undefined,
    estimated_tokens: undefined,
    max_output_tokens: undefined,
    max_latency_ms: undefined,
    prompt: undefined,
    messages: undefined,
    data: undefined,
    force_model: undefined,
  } satisfies Record<keyof typeof FIELDS, undefined>;
}
/** Most tasks have nothing to note: they share this (never written) empty list. */
const NO_NOTES: string[] = [];

/**
 * Checks the fields the router reads and takes the task's own enumerable data fields, once: routing
 * reads only this copy, so a getter never runs, an inherited field is never taken for the task's,
 * and a field cannot change between its check and its use. A field the router reads must be a
 * plain data field; a getter on one is an `InvalidArgumentError`, as is a task whose keys cannot be
 * listed (a Proxy that refuses). Returns a note for each key that looks like a misspelt one.
 * Every field the router reads is the copy's own (undefined when the task does not hold it).
 */
export function checkTask(task: Task): { task: Task; notes: string[] } {
  const keys = ownKeys(task);
  if (keys === undefined) throw new InvalidArgumentError('task', 'its fields cannot be listed (a Proxy refused)');
  const copy = newCopy();
  let notes: string[] = NO_NOTES;
  for (const key of keys) {
    const slot = ownSlot(task, key);
    // Own fields only: `constructor`, `toString` or `__proto__` are a task's own data, not checks.
    const check = CHECKS.get(key);
    if (check === undefined) {
      const near = key.length > 3 ? nearestField(key) : undefined;
      if (near !== undefined) {
        if (notes === NO_NOTES) notes = [];
        notes.push(`task.${key} is not a field the router reads; did you mean task.${near}?`);
      }
    } else if (slot.kind === 'accessor') {
      throw new InvalidArgumentError(`task.${key}`, 'expected a plain value, got a getter (or a Proxy that refused)');
    } else if (slot.kind === 'data' && slot.value !== undefined) {
      const problem = check(slot.value);
      if (problem !== undefined) throw new InvalidArgumentError(`task.${key}`, `${problem}, got ${TEXT_FIELDS.has(key) ? kindOf(slot.value) : describe(slot.value)}`);
    }
    // `__proto__` as an own key would set the copy's prototype, and names nothing the router reads.
    if (slot.kind === 'data' && key !== '__proto__') copy[key] = slot.value;
  }
  return { task: copy as Task, notes };
}

/** The checks by field name, in a Map: a look-up never finds what `Object.prototype` holds. */
const CHECKS: ReadonlyMap<string, Check> = new Map(Object.entries(FIELDS));

/** Field names a task's other keys were found near (or not: null): a task's keys repeat from call to call. */
const nearest = new Map<string, string | null>();
const NEAREST_KEPT = 1000;

function nearestField(key: string): string | undefined {
  let near = nearest.get(key);
  if (near === undefined) {
    near = closestName(key, NAMES) ?? null;
    if (nearest.size >= NEAREST_KEPT) nearest.clear();
    nearest.set(key, near);
  }
  return near ?? undefined;
}

/** Fields that carry what is sent: a wrong value there may be the prompt itself, and is never quoted in an error (errors get logged). */
const TEXT_FIELDS = new Set(['prompt', 'messages', 'data']);

function kindOf(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}
