// Checks a value against a `SchemaNode` tree (schema.ts) in one walk: every problem, in the order and
// with the codes, paths and messages zod gave for the same definitions, and the parsed value (a fresh
// copy in which unknown keys are kept and URLs are trimmed). test/config/check-shape.test.ts holds
// it to zod's answers — but for one thing done on purpose: only a value's own fields count (zod took
// inherited ones too), and the copy's objects have no prototype, so that nothing planted on
// Object.prototype is ever read as configuration, here or by whatever reads the copy.
import { inheritsFromOwnPrototype } from '../own-data.js';
import type { NumberCheck, SchemaNode, StringCheck } from './schema.js';

/** Why a field inherited from a prototype of the caller's is refused. */
export const INHERITED_FIELD = "inherited from a prototype: only an object's own fields are read; set it on the object itself";

export type ShapeIssueCode =
  | 'invalid_type'
  | 'invalid_value'
  | 'invalid_format'
  | 'invalid_key'
  | 'too_small'
  | 'too_big'
  | 'custom'
  | 'unrecognized_keys';

export interface ShapeIssue {
  code: ShapeIssueCode;
  /** Where, from the checked value's root (a symbol only for a symbol key of a map). */
  path: PropertyKey[];
  /** The message, for every code but `invalid_type` (worded by the caller from `expected` and `input`) and `unrecognized_keys` (`keys`). */
  message: string;
  /** For `invalid_type`: what was expected (`string`, `number`, `int`, `object`, `record`, `array`, ...). */
  expected?: string;
  /** The value found at `path`. */
  input?: unknown;
  /** For `unrecognized_keys`: the keys, in the order met. */
  keys?: string[];
  /** Whether later checks of the same value still run (zod's `continue`). */
  continue?: boolean;
}

export interface ShapeResult {
  issues: ShapeIssue[];
  /** The parsed value: meaningful only when every issue is an `unrecognized_keys` one. */
  value: unknown;
}

/** Checks `input` against `schema`. Never throws for any input (but a getter or Proxy trap in it may). */
export function checkShape(schema: SchemaNode, input: unknown): ShapeResult {
  const walk = new Walk();
  const value = walk.run(schema, input);
  return { issues: walk.issues, value };
}

const hasOwnProperty = Object.prototype.hasOwnProperty;
const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;

class Walk {
  readonly issues: ShapeIssue[] = [];
  private readonly path: PropertyKey[] = [];

  run(node: SchemaNode, value: unknown): unknown {
    switch (node.kind) {
      case 'optional':
        return value === undefined ? undefined : this.run(node.inner, value);
      case 'string':
        return this.string(node.checks, value);
      case 'number':
        return this.number(node.checks, value);
      case 'boolean':
        if (typeof value !== 'boolean') this.invalidType('boolean', value);
        return value;
      case 'enum':
        if (!node.values.includes(value as string)) {
          const message =
            node.values.length === 1
              ? `Invalid input: expected ${quote(node.values[0]!)}`
              : `Invalid option: expected one of ${node.values.map(quote).join('|')}`;
          this.push({ code: 'invalid_value', message, input: value });
        }
        return value;
      case 'array':
        return this.array(node.element, node.minItems, value);
      case 'record':
        return this.record(node, value);
      case 'object':
        return this.object(node.shape, node.open, value);
    }
  }

  private push(issue: Omit<ShapeIssue, 'path'>): void {
    this.issues.push({ ...issue, path: this.path.slice() });
  }

  private invalidType(expected: string, input: unknown, extra?: Partial<ShapeIssue>): void {
    this.push({ code: 'invalid_type', expected, input, message: `expected ${expected}`, ...extra });
  }

  /** Whether an issue raised since `start` stops the checks that follow (zod: `continue` not true). */
  private aborted(start: number): boolean {
    for (let i = start; i < this.issues.length; i++) if (this.issues[i]!.continue !== true) return true;
    return false;
  }

  /** Whether an issue raised since `start` stops even the length checks (zod: `continue: false`). */
  private explicitlyAborted(start: number): boolean {
    for (let i = start; i < this.issues.length; i++) if (this.issues[i]!.continue === false) return true;
    return false;
  }

  /**
   * A minimum length, checked (as zod's `when` did) whenever the value has a `length` — even after
   * the value failed its type: an empty list where a name belongs is also "too small".
   */
  private minLength(minimum: number, value: unknown, start: number): void {
    if (value === null || value === undefined || (value as { length?: unknown }).length === undefined) return;
    if (this.explicitlyAborted(start)) return;
    const units = (value as { length: unknown }).length as number;
    const length = typeof value === 'string' && units >= minimum && units < minimum * 2 ? codePointLength(value) : units;
    if (length >= minimum) return;
    const origin = Array.isArray(value) ? 'array' : typeof value === 'string' ? 'string' : 'unknown';
    const unit = origin === 'array' ? 'items' : origin === 'string' ? 'characters' : undefined;
    const message = unit ? `Too small: expected ${origin} to have >=${minimum} ${unit}` : `Too small: expected ${origin} to be >=${minimum}`;
    this.push({ code: 'too_small', message, input: value, continue: true });
  }

  private string(checks: readonly StringCheck[], input: unknown): unknown {
    const start = this.issues.length;
    let value = input;
    if (typeof value !== 'string') this.invalidType('string', value);
    for (const check of checks) {
      if (check.check === 'min_length') {
        this.minLength(check.minimum, value, start);
        continue;
      }
      if (this.aborted(start)) continue;
      const text = value as string;
      if (check.check === 'http_url') {
        const trimmed = text.trim();
        if (isHttpUrl(trimmed)) value = trimmed.replace(/[\t\n\r]/g, '');
        else this.push({ code: 'invalid_format', message: 'Invalid URL', input: text, continue: true });
      } else if (!check.test(text)) {
        this.push({ code: 'custom', message: check.message, input: text, continue: true });
      }
    }
    return value;
  }

  private number(checks: readonly NumberCheck[], value: unknown): unknown {
    const start = this.issues.length;
    if (typeof value !== 'number' || !Number.isFinite(value)) this.invalidType('number', value);
    for (const check of checks) {
      if (this.aborted(start)) continue;
      const n = value as number;
      if (check.check === 'int') {
        if (!Number.isInteger(n)) {
          this.invalidType('int', n, { continue: false });
        } else if (!Number.isSafeInteger(n)) {
          const message =
            n > 0 ? `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}` : `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`;
          this.push({ code: n > 0 ? 'too_big' : 'too_small', message, input: n, continue: true });
        }
      } else if (check.check === 'greater_than') {
        if (check.inclusive ? n >= check.value : n > check.value) continue;
        const message = check.message ?? `Too small: expected number to be ${check.inclusive ? '>=' : '>'}${check.value}`;
        this.push({ code: 'too_small', message, input: n, continue: true });
      } else {
        if (check.inclusive ? n <= check.value : n < check.value) continue;
        const message = check.message ?? `Too big: expected number to be ${check.inclusive ? '<=' : '<'}${check.value}`;
        this.push({ code: 'too_big', message, input: n, continue: true });
      }
    }
    return value;
  }

  private array(element: SchemaNode, minItems: number | undefined, input: unknown): unknown {
    const start = this.issues.length;
    let value = input;
    if (!Array.isArray(input)) {
      this.invalidType('array', input);
    } else {
      const out: unknown[] = new Array(input.length);
      for (let i = 0; i < input.length; i++) {
        this.path.push(i);
        out[i] = this.run(element, input[i]);
        this.path.pop();
      }
      value = out;
    }
    if (minItems !== undefined) this.minLength(minItems, value, start);
    return value;
  }

  private record(node: Extract<SchemaNode, { kind: 'record' }>, input: unknown): unknown {
    const start = this.issues.length;
    if (!isPlainObject(input)) {
      this.invalidType('record', input);
      return input;
    }
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Reflect.ownKeys(input)) {
      if (key === '__proto__' || !propertyIsEnumerable.call(input, key)) continue;
      this.path.push(key);
      if (typeof key === 'symbol') {
        this.push({ code: 'invalid_key', message: 'Invalid key in record', input: key });
      } else {
        out[key] = this.run(node.value, input[key]);
      }
      this.path.pop();
    }
    if (node.refine && !this.aborted(start) && !node.refine.test(out)) {
      this.push({ code: 'custom', message: node.refine.message, input: out, continue: true });
    }
    return out;
  }

  private object(shape: Readonly<Record<string, SchemaNode>>, open: boolean, input: unknown): unknown {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      this.invalidType('object', input);
      return input;
    }
    const source = input as Record<string, unknown>;
    // The input's own fields only, into a copy without a prototype: a field the input does not hold
    // is never taken from Object.prototype, now or when the copy is read later.
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(shape)) {
      const field = shape[key]!;
      const present = hasOwnProperty.call(source, key);
      const before = this.issues.length;
      this.path.push(key);
      // A field the object inherits from a prototype of the caller's (a class's getter,
      // Object.create) is refused rather than dropped without a word; one on Object.prototype is
      // someone else's and is not looked at.
      if (inheritsFromOwnPrototype(source, key)) this.push({ code: 'custom', message: INHERITED_FIELD, input: undefined, continue: true });
      const value = this.run(field, present ? source[key] : undefined);
      this.path.pop();
      if (field.kind !== 'optional' && !present && this.issues.length === before) {
        this.path.push(key);
        this.invalidType('nonoptional', undefined);
        this.path.pop();
      }
      if (present) out[key] = value;
    }
    let unknown: string[] | undefined;
    for (const key of Object.keys(source)) {
      if (hasOwnProperty.call(shape, key)) continue;
      if (!open) (unknown ??= []).push(key);
      // Never copied: assigning it would replace the result's prototype.
      if (key !== '__proto__') out[key] = source[key];
    }
    if (unknown) this.push({ code: 'unrecognized_keys', keys: unknown, message: `unknown keys ${unknown.join(', ')}`, input, continue: true });
    return out;
  }
}

/** What `z.url({ protocol: /^https?$/ })` accepted, given the trimmed text. */
function isHttpUrl(trimmed: string): boolean {
  if (!/^https?:\/\//i.test(trimmed)) return false;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return false;
  }
  const protocol = url.protocol.endsWith(':') ? url.protocol.slice(0, -1) : url.protocol;
  return /^https?$/.test(protocol);
}

function isPlainObject(value: unknown): value is Record<PropertyKey, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const ctor = (value as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== 'function') return true;
  const prototype: unknown = ctor.prototype;
  if (typeof prototype !== 'object' || prototype === null || Array.isArray(prototype)) return false;
  return hasOwnProperty.call(prototype, 'isPrototypeOf');
}

function codePointLength(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

function quote(value: string): string {
  return `"${value}"`;
}
