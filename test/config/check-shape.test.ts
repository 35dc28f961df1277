// The hand-written schema checker and JSON Schema generator against zod, the library they replace:
// for random configurations (mostly well-formed, with typos, wrong types, edge numbers, odd keys),
// the same issues in the same order and the same parsed value; the same JSON Schema; the same types.
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { checkShape } from '../../src/config/check-shape.js';
import { toJsonSchema } from '../../src/config/json-schema.js';
import {
  configSchemas,
  type AgentConfig,
  type ExperimentConfig,
  type GlobalOverridesConfig,
  type GlobalRuleConfig,
  type ModelConfig,
  type PrivacyConfig,
  type RoutingConfig,
  type RoutingFactorConfig,
  type RoutingRuleConfig,
  type SchemaNode,
  type StrategyConfig,
  type StrategyRuleConfig,
} from '../../src/config/schema.js';
import { referenceLoose, referenceStrict } from './reference-schema.js';

interface Comparable {
  code: string;
  path: PropertyKey[];
  expected?: string;
  keys?: string[];
  message?: string;
  input?: unknown;
}

function fromZod(input: unknown): { issues: Comparable[]; value: unknown } {
  const result = referenceStrict.config.safeParse(input, { reportInput: true });
  const issues = result.success ? [] : result.error.issues.map((issue) => comparable({ ...issue, path: [...issue.path] } as Comparable));
  const onlyUnknownKeys = issues.every((issue) => issue.code === 'unrecognized_keys');
  const value = onlyUnknownKeys ? referenceLoose.config.safeParse(input).data : undefined;
  return { issues, value };
}

function fromChecker(input: unknown): { issues: Comparable[]; value: unknown } {
  const result = checkShape(configSchemas().config, input);
  const issues = result.issues.map((issue) => comparable(issue));
  return { issues, value: issues.every((issue) => issue.code === 'unrecognized_keys') ? result.value : undefined };
}

/** What validateConfig reads of an issue. */
function comparable(issue: Comparable): Comparable {
  const out: Comparable = { code: issue.code, path: issue.path };
  if (issue.code === 'invalid_type') {
    out.expected = issue.expected;
    out.input = issue.input;
  } else if (issue.code === 'unrecognized_keys') {
    out.keys = issue.keys;
  } else {
    out.message = issue.message;
  }
  return out;
}

/** A key-order-sensitive picture of a value (undefined, NaN, -0 and own __proto__ keys included). */
function picture(value: unknown, seen = new Set<unknown>()): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : Number.isNaN(value) ? 'NaN' : value;
  if (value === undefined) return '(undefined)';
  if (typeof value === 'symbol') return `(symbol ${value.description})`;
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '(cycle)';
  seen.add(value);
  const prototype = Object.getPrototypeOf(value) as unknown;
  // zod's parsed objects have Object.prototype; the checker's copies have none (so that nothing
  // planted on Object.prototype is read through them, test/config/prototype-pollution.test.ts): both
  // are a plain object here.
  const out = Array.isArray(value)
    ? value.map((item) => picture(item, seen))
    : [prototype === Object.prototype || prototype === null ? 'object' : `(prototype ${String(prototype?.constructor?.name)})`, ...Object.keys(value).map((key) => [key, picture((value as Record<string, unknown>)[key], seen)])];
  seen.delete(value);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Random configurations, drawn from the schema itself.

const junk = fc.oneof(
  fc.constantFrom<unknown>(undefined, null, true, false, 0, -0, 1, -1, 0.5, 1.5, 10, 11, NaN, Infinity, -Infinity),
  fc.constantFrom<unknown>(2_147_483_647, 2_147_483_648, 2 ** 53, -(2 ** 53), 1e300),
  fc.constantFrom<unknown>('', 'a', 'cloud', 'gpu', ' http://h.example ', 'http://', 'ftp://x.example', 'HTTPS://X.EXAMPLE/p', 'http:x.example', '(', '[a-z]+', '\u{1F600}', '\uD83D'),
  fc.constantFrom<unknown>([], [1], ['a'], {}, { length: 0 }, { length: 3 }, new Date(0), new Map()),
  fc.string({ maxLength: 6 }),
  fc.double(),
  fc.integer(),
);

const oddKeys = fc.constantFrom('__proto__', 'constructor', 'typo', '0', '', 'toString', 'capabilites', 'weight');

/** Values for `node`: one in `1 + noise` is junk, and noisy maps get odd keys. */
function valueFor(node: SchemaNode, depth: number, noise = 6): fc.Arbitrary<unknown> {
  const good = goodValueFor(node, depth, noise);
  return fc.oneof({ arbitrary: good, weight: noise }, { arbitrary: junk, weight: 1 });
}

function goodValueFor(node: SchemaNode, depth: number, noise: number): fc.Arbitrary<unknown> {
  const clean = noise > 20;
  switch (node.kind) {
    case 'optional':
      return fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: valueFor(node.inner, depth, noise), weight: 3 });
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return clean ? fc.constantFrom(...node.values) : fc.oneof(fc.constantFrom(...node.values), fc.constantFrom('Cloud', 'gpu', ''));
    case 'string':
      if (node.checks.some((c) => c.check === 'http_url')) {
        if (clean) return fc.constantFrom('http://10.0.0.5:8080', ' https://api.example/v1 ', 'HTTP://A.B', 'https://ex\tample.com');
        return fc.constantFrom('http://10.0.0.5:8080', ' https://api.example/v1 ', 'http://', 'ftp://x', 'http:x', 'HTTP://A.B', 'http://a b', 'https://ex\tample.com', 'x');
      }
      if (clean) return fc.constantFrom('a', 'gpt-4', 'task.complexity > 8', '\\d+', '\u{1F600}');
      return fc.oneof(fc.constantFrom('', 'a', 'gpt-4', 'task.complexity > 8', '(', '\\d+', '\u{1F600}'), fc.string({ maxLength: 5 }));
    case 'number':
      if (clean) return fc.constant(1);
      return fc.oneof(
        fc.constantFrom(0, -0, 1, -1, 0.5, 1.5, 10, 10.5, 11, 2_147_483_647, 2_147_483_648, 2 ** 53, -(2 ** 53), 2 ** 53 + 2, NaN, Infinity),
        fc.double({ min: -20, max: 20 }),
        fc.integer({ min: -5, max: 5000 }),
      );
    case 'array':
      if (depth > 8) return fc.constant([]);
      return fc.array(valueFor(node.element, depth + 1, noise), { minLength: clean ? 1 : 0, maxLength: 3 });
    case 'record': {
      if (depth > 8) return fc.constant({});
      return fc
        .array(fc.tuple(clean ? fc.constantFrom('primary', 'm1', 'a-b', '0') : fc.oneof(fc.constantFrom('primary', 'm1', 'a-b', '0'), oddKeys), valueFor(node.value, depth + 1, noise)), {
          minLength: clean ? 1 : 0,
          maxLength: 3,
        })
        .map((entries) => build(entries));
    }
    case 'object': {
      const keys = Object.keys(node.shape);
      if (depth > 8) return fc.constant({});
      const fields = keys.map((key) =>
        fc.oneof(
          { arbitrary: fc.constant<[string, unknown] | undefined>(undefined), weight: 1 },
          { arbitrary: valueFor(node.shape[key]!, depth + 1, noise).map((value): [string, unknown] => [key, value]), weight: clean && node.shape[key]!.kind !== 'optional' ? 1000 : 3 },
        ),
      );
      const extra = fc.array(fc.tuple(clean ? fc.constantFrom('__proto__', 'typo', '0') : oddKeys, junk), { maxLength: clean ? 1 : 2 });
      return fc.tuple(fc.tuple(...fields), extra, fc.boolean()).map(([present, more, shuffled]) => {
        const entries = [...present.filter((e): e is [string, unknown] => e !== undefined), ...more];
        return build(shuffled ? entries.reverse() : entries);
      });
    }
  }
}

/** A plain object with these own keys in this order (a "__proto__" key as an own property, as YAML makes it). */
function build(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

describe('checkShape gives what zod gave', () => {
  it('for random configurations: the same issues, in order, and the same parsed value', () => {
    fc.assert(
      fc.property(valueFor(configSchemas().config, 0), (input) => {
        const expected = fromZod(input);
        const actual = fromChecker(input);
        expect(picture(actual.issues)).toEqual(picture(expected.issues));
        expect(picture(actual.value)).toEqual(picture(expected.value));
      }),
      { numRuns: 400 },
    );
  });

  it('for random configurations that are nearly right: the same parsed value', () => {
    let parsed = 0;
    fc.assert(
      fc.property(valueFor(configSchemas().config, 0, 400), (input) => {
        const expected = fromZod(input);
        const actual = fromChecker(input);
        expect(picture(actual.issues)).toEqual(picture(expected.issues));
        expect(picture(actual.value)).toEqual(picture(expected.value));
        if (expected.value !== undefined) parsed++;
      }),
      { numRuns: 200 },
    );
    expect(parsed).toBeGreaterThan(40);
  });

  it('for values that are not configurations at all', () => {
    const inherited = Object.create({ models: {}, agents: {}, extra: 1 }) as object;
    const withSymbol = { models: { [Symbol('s')]: {} }, agents: {} };
    const nonEnumerable = Object.defineProperty({ models: {}, agents: {} }, 'hidden', { value: 1, enumerable: false });
    class Custom {
      models = {};
      agents = {};
    }
    for (const input of [undefined, null, 0, 'x', [], {}, withSymbol, nonEnumerable, new Custom(), { models: new Custom(), agents: [] }]) {
      expect(picture(fromChecker(input))).toEqual(picture(fromZod(input)));
    }
    // Where the checker parts from zod on purpose: a field is the value's own or it is missing (zod
    // took inherited ones), so that nothing planted on Object.prototype is read as configuration; one
    // inherited from a prototype of the caller's is refused, not dropped without a word.
    expect(checkShape(configSchemas().config, inherited).issues.map((issue) => [issue.code, issue.path.join('.')])).toEqual([
      ['custom', 'models'],
      ['invalid_type', 'models'],
      ['custom', 'agents'],
      ['invalid_type', 'agents'],
    ]);
  });

  it('for the edge numbers and strings of each field', () => {
    const model = (fields: Record<string, unknown>) => ({ models: { m: { provider: 'local', type: 'local', ...fields } }, agents: {} });
    const inputs = [
      model({ timeout_ms: 2_147_483_648 }),
      model({ timeout_ms: 1.5 }),
      model({ context_window: 2 ** 53 }),
      model({ context_window: -(2 ** 53) }),
      model({ quality: 1.0000001 }),
      model({ endpoint: '  http://h:1/x\n' }),
      model({ endpoint: 'https://' }),
      model({ provider: [] }),
      model({ provider: '' }),
      model({ capabilities: '' }),
      model({ capabilities: [''] }),
      { models: {}, agents: { a: { model_preferences: {} } } },
      { models: {}, agents: { a: { model_preferences: build([['__proto__', 'm']]) } } },
      { models: {}, agents: { a: { model_preferences: { p: '' } } } },
      { models: {}, agents: {}, routing: { experiments: [{ name: 'e', variants: [] }, { name: 'e', variants: '' }, { name: 'e', variants: { length: 0 } }] } },
      { models: {}, agents: {}, routing: { privacy: { allow_patterns: ['(', 5, '\\p{L}'] } } },
    ];
    for (const input of inputs) expect(picture(fromChecker(input))).toEqual(picture(fromZod(input)));
  });
});

describe('toJsonSchema', () => {
  it('writes what z.toJSONSchema wrote, keyword for keyword and in the same order', () => {
    const zod = z.toJSONSchema(referenceStrict.config, { target: 'draft-07', unrepresentable: 'any' }) as Record<string, unknown>;
    const { $schema, ...expected } = zod;
    expect($schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(JSON.stringify(toJsonSchema(configSchemas().config), null, 1)).toBe(JSON.stringify(expected, null, 1));
  });
});

describe('the configuration types', () => {
  it('are the types zod inferred', () => {
    type Infer<T extends z.ZodType> = z.infer<T>;
    expectTypeOf<ModelConfig>().toEqualTypeOf<Infer<typeof referenceLoose.model>>();
    expectTypeOf<AgentConfig>().toEqualTypeOf<Infer<typeof referenceLoose.agent>>();
    expectTypeOf<RoutingRuleConfig>().toEqualTypeOf<Infer<typeof referenceLoose.routingRule>>();
    expectTypeOf<StrategyConfig>().toEqualTypeOf<Infer<typeof referenceLoose.strategy>>();
    expectTypeOf<StrategyRuleConfig>().toEqualTypeOf<Infer<typeof referenceLoose.strategyRule>>();
    expectTypeOf<GlobalRuleConfig>().toEqualTypeOf<Infer<typeof referenceLoose.globalRule>>();
    expectTypeOf<RoutingFactorConfig>().toEqualTypeOf<Infer<typeof referenceLoose.routingFactor>>();
    expectTypeOf<ExperimentConfig>().toEqualTypeOf<Infer<typeof referenceLoose.experiment>>();
    expectTypeOf<GlobalOverridesConfig>().toEqualTypeOf<Infer<typeof referenceLoose.globalOverrides>>();
    expectTypeOf<RoutingConfig>().toEqualTypeOf<Infer<typeof referenceLoose.routing>>();
    expectTypeOf<PrivacyConfig>().toEqualTypeOf<Infer<typeof referenceLoose.privacy>>();
  });
});
