// A minimal JSON Schema (draft-07) checker for the keywords our generated schemas use, so tests can
// validate YAML data against them without a dependency. An unknown keyword is an error, never
// silently ignored: if the generator starts emitting one, this checker must learn it first.
const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default', 'format']);

export interface SchemaProblem {
  path: string;
  message: string;
}

type Schema = Record<string, unknown>;

export function checkAgainstSchema(schema: Schema, value: unknown): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  check(schema, value, '', problems);
  return problems;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function check(schema: Schema, value: unknown, path: string, problems: SchemaProblem[]): void {
  const problem = (message: string) => problems.push({ path: path || '(root)', message });
  for (const [keyword, arg] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    switch (keyword) {
      case 'type': {
        const actual = typeOf(value);
        const allowed = Array.isArray(arg) ? (arg as string[]) : [arg as string];
        const ok = allowed.some((t) => t === actual || (t === 'number' && actual === 'integer'));
        if (!ok) {
          problem(`expected ${allowed.join(' or ')}, got ${actual}`);
          return; // the other keywords would only repeat it
        }
        break;
      }
      case 'enum':
        if (!(arg as unknown[]).includes(value)) problem(`expected one of ${JSON.stringify(arg)}, got ${JSON.stringify(value)}`);
        break;
      case 'minimum':
        if (typeof value === 'number' && value < (arg as number)) problem(`expected >= ${String(arg)}`);
        break;
      case 'maximum':
        if (typeof value === 'number' && value > (arg as number)) problem(`expected <= ${String(arg)}`);
        break;
      case 'exclusiveMinimum':
        if (typeof value === 'number' && value <= (arg as number)) problem(`expected > ${String(arg)}`);
        break;
      case 'exclusiveMaximum':
        if (typeof value === 'number' && value >= (arg as number)) problem(`expected < ${String(arg)}`);
        break;
      case 'minLength':
        if (typeof value === 'string' && value.length < (arg as number)) problem(`expected at least ${String(arg)} characters`);
        break;
      case 'minProperties':
        if (isObject(value) && Object.keys(value).length < (arg as number)) problem(`expected at least ${String(arg)} keys`);
        break;
      case 'required':
        if (isObject(value)) for (const key of arg as string[]) if (!Object.hasOwn(value, key)) problem(`missing required key "${key}"`);
        break;
      case 'properties':
        if (isObject(value)) {
          for (const [key, sub] of Object.entries(arg as Record<string, Schema>)) {
            if (Object.hasOwn(value, key)) check(sub, value[key], join(path, key), problems);
          }
        }
        break;
      case 'additionalProperties':
        if (isObject(value)) {
          const known = (schema.properties ?? {}) as Record<string, unknown>;
          for (const [key, item] of Object.entries(value)) {
            if (Object.hasOwn(known, key)) continue;
            if (arg === false) problem(`unknown key "${key}"`);
            else if (typeof arg === 'object' && arg !== null) check(arg as Schema, item, join(path, key), problems);
          }
        }
        break;
      case 'propertyNames':
        if (isObject(value)) for (const key of Object.keys(value)) check(arg as Schema, key, join(path, key), problems);
        break;
      case 'items':
        if (Array.isArray(value)) value.forEach((item, index) => check(arg as Schema, item, `${path}[${index}]`, problems));
        break;
      default:
        throw new Error(`checkAgainstSchema does not support the keyword "${keyword}" (at ${path || 'the root'})`);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
