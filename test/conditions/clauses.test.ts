// Chains of clauses (`task.complexity > 8 and task.type in [...] and not data.contains_pii`) are
// compiled into one closure each (src/conditions/clauses.ts), and some names are read through
// property accesses of their own (safe-read.ts). Checked here against a reference written from the
// documented rules, for every test, every chain length and every kind of root, and the cache of
// compiled conditions.
import fc from 'fast-check';
import jsep from 'jsep';
import { describe, expect, it } from 'vitest';
import { compileCondition, type ConditionScope } from '../../src/conditions/index.js';
import { ConditionSyntaxError } from '../../src/errors.js';

const ROOTS = ['task', 'data', 'context', 'model', 'agent', 'budget'] as const;
const KEYS = [undefined, 'type', 'complexity', 'privacy_level', 'contains_pii', 'a', 'tier'] as const;

type Primitive = string | number | boolean | null | undefined;
const primitive: fc.Arbitrary<Primitive> = fc.oneof(
  fc.constantFrom<Primitive>(0, 1, 5, 8, 9, -1, 0.5, '', 'a', 'high', 'low', 'code', true, false, null, undefined, Number.NaN),
  fc.integer({ min: -3, max: 12 }),
);
const literal = (value: Primitive): string =>
  value === undefined ? 'undefined' : typeof value === 'string' ? `'${value}'` : Number.isNaN(value) ? '(0 / 0)' : typeof value === 'number' && value < 0 ? `(${value})` : String(value);

/** What a path may hold: data, or things that read as missing (functions), or are not readable into. */
const held: fc.Arbitrary<unknown> = fc.oneof(
  primitive,
  fc.constant(() => 'ran'),
  fc.array(primitive, { maxLength: 3 }),
  fc.constant(new Map([['type', 'x']])),
);

/** The documented read: own properties of objects only; a function reads as missing. */
function read(scope: Record<string, unknown>, root: string, key: string | undefined): unknown {
  const own = (target: unknown, name: string): unknown => {
    if (typeof target !== 'object' || target === null || !Object.hasOwn(target, name)) return undefined;
    const value = (target as Record<string, unknown>)[name];
    return typeof value === 'function' ? undefined : value;
  };
  const base = own(scope, root);
  return key === undefined ? base : own(base, key);
}

interface Clause {
  source: string;
  holds(scope: Record<string, unknown>): boolean;
  /** A bare path: its value is the path's, not a boolean, when it stands alone. */
  bare?: boolean;
}

const path = fc.tuple(fc.constantFrom(...ROOTS), fc.constantFrom(...KEYS));
const pathText = ([root, key]: readonly [string, string | undefined]): string => (key === undefined ? root : `${root}.${key}`);
const number = fc.constantFrom(0, 1, 5, 8, 8.5, -2);
const ordered = (value: unknown, test: (n: number) => boolean): boolean => typeof value === 'number' && test(value);

const clause: fc.Arbitrary<Clause> = fc.oneof(
  path.map((p): Clause => ({ source: pathText(p), holds: (s) => Boolean(read(s, ...p)), bare: true })),
  path.map((p): Clause => ({ source: `not ${pathText(p)}`, holds: (s) => !read(s, ...p) })),
  path.map((p): Clause => ({ source: `has(${pathText(p)})`, holds: (s) => read(s, ...p) !== undefined && read(s, ...p) !== null })),
  fc.tuple(path, primitive, fc.constantFrom('==', '!=', '===', '!=='), fc.boolean()).map(([p, value, op, pathFirst]): Clause => ({
    source: pathFirst ? `${pathText(p)} ${op} ${literal(value)}` : `${literal(value)} ${op} ${pathText(p)}`,
    holds: (s) => (read(s, ...p) === value) === (op === '==' || op === '==='),
  })),
  fc.tuple(path, number, fc.constantFrom('<', '<=', '>', '>=')).map(([p, n, op]): Clause => ({
    source: `${pathText(p)} ${op} ${n < 0 ? `(${n})` : n}`,
    holds: (s) => ordered(read(s, ...p), (v) => (op === '<' ? v < n : op === '<=' ? v <= n : op === '>' ? v > n : v >= n)),
  })),
  fc.tuple(path, number, fc.constantFrom('<', '<=', '>', '>=')).map(([p, n, op]): Clause => ({
    source: `${n < 0 ? `(${n})` : n} ${op} ${pathText(p)}`,
    holds: (s) => ordered(read(s, ...p), (v) => (op === '<' ? n < v : op === '<=' ? n <= v : op === '>' ? n > v : n >= v)),
  })),
  fc.tuple(path, fc.array(primitive, { maxLength: 14 }), fc.boolean()).map(([p, list, negate]): Clause => ({
    source: `${pathText(p)} ${negate ? 'not in' : 'in'} [${list.map(literal).join(', ')}]`,
    holds: (s) => list.some((item) => item === read(s, ...p)) !== negate,
  })),
);

const chain = fc.tuple(fc.array(clause, { minLength: 1, maxLength: 6 }), fc.constantFrom('and', 'or', '&&', '||')).map(([clauses, op]) => ({
  source: clauses.map((c) => c.source).join(` ${op} `),
  boolean: clauses.length > 1 || clauses[0]?.bare !== true,
  holds: (s: Record<string, unknown>) => (op === 'and' || op === '&&' ? clauses.every((c) => c.holds(s)) : clauses.some((c) => c.holds(s))),
}));

const scope = fc
  .record(
    Object.fromEntries(
      ROOTS.map((root) => [
        root,
        fc.oneof(held, fc.record(Object.fromEntries(KEYS.filter((key) => key !== undefined).map((key) => [key, held])), { requiredKeys: [] })),
      ]),
    ),
    { requiredKeys: [] },
  )
  .map((record) => record as Record<string, unknown>);

describe('chains of clauses', () => {
  it('agree with the documented semantics for every test, root, name and length', () => {
    fc.assert(
      fc.property(chain, scope, (expression, values) => {
        const condition = compileCondition(expression.source);
        const expected = expression.holds(values);
        const value = condition.evaluateValue(values as ConditionScope);
        if (expression.boolean) expect(value, expression.source).toBe(expected);
        else expect(Boolean(value), expression.source).toBe(expected);
        expect(condition.evaluate(values as ConditionScope)).toBe(expected);
        expect(condition.evaluateDetailed(values as ConditionScope)).toEqual({ value: expected });
      }),
      { numRuns: 1500 },
    );
  });

  it('mixed with other expressions (arithmetic, ?:, nesting), agree with the same chain written as separate rules', () => {
    fc.assert(
      fc.property(chain, chain, scope, (left, right, values) => {
        const both = compileCondition(`(${left.source}) and not (${right.source})`);
        const expected = left.holds(values) && !right.holds(values);
        expect(both.evaluateValue(values as ConditionScope)).toBe(expected);
        const chosen = compileCondition(`(${left.source}) ? 1 : 2`);
        expect(chosen.evaluateValue(values as ConditionScope)).toBe(left.holds(values) ? 1 : 2);
      }),
      { numRuns: 500 },
    );
  });

  it('read a root once per chain, in order, and stop at the first clause that decides', () => {
    const reads: string[] = [];
    const task = { complexity: 9, type: 'x' };
    const scopeWithGetters = Object.defineProperties({} as Record<string, unknown>, {
      task: { get: () => (reads.push('task'), task), enumerable: true },
      data: { get: () => (reads.push('data'), { contains_pii: true }), enumerable: true },
    });
    const condition = compileCondition("task.complexity > 8 and task.type == 'x' and not data.contains_pii and task.type != 'y'");
    expect(condition.evaluate(scopeWithGetters)).toBe(false);
    expect(reads).toEqual(['task', 'data']);
    reads.length = 0;
    expect(compileCondition('task.complexity > 10 or data.contains_pii').evaluate(scopeWithGetters)).toBe(true);
    expect(reads).toEqual(['task', 'data']);
  });

  it('a clause that throws (a host getter, a Proxy trap) makes the condition false and reports why', () => {
    const task = Object.defineProperty({}, 'complexity', {
      get: () => {
        throw new Error('no complexity here');
      },
      enumerable: true,
    });
    const condition = compileCondition("task.type == 'x' or task.complexity > 8");
    expect(condition.evaluateDetailed({ task })).toEqual({ value: false, error: 'reading the scope failed: no complexity here' });
  });

  it('`in` a long literal list matches exactly what `===` matches (NaN never, -0 and 0 alike)', () => {
    const long = compileCondition(`task.a in [${[...Array.from({ length: 20 }, (_, i) => i), "'x'", 'null', '0 / 0', '-0'].join(', ')}]`);
    expect(long.evaluate({ task: { a: 19 } })).toBe(true);
    expect(long.evaluate({ task: { a: 'x' } })).toBe(true);
    expect(long.evaluate({ task: { a: null } })).toBe(true);
    expect(long.evaluate({ task: { a: Number.NaN } })).toBe(false);
    expect(long.evaluate({ task: { a: -0 } })).toBe(true);
    expect(long.evaluate({ task: {} })).toBe(false);
    expect(long.evaluate({ task: { a: '19' } })).toBe(false);
  });
});

describe('the cache of compiled conditions', () => {
  it('gives the same frozen condition for the same source, and a new one with options', () => {
    const source = "task.complexity > 3 and task.type == 'cache-test'";
    const first = compileCondition(source);
    expect(compileCondition(source)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const withOptions = compileCondition(source, { maxDepth: 10 });
    expect(withOptions).not.toBe(first);
    expect(withOptions.evaluate({ task: { complexity: 4, type: 'cache-test' } })).toBe(true);
    expect(first.evaluate({ task: { complexity: 4, type: 'cache-test' } })).toBe(true);
  });

  it('keeps no failure: a rejected source is rejected again, with its index', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => compileCondition('task.constructor')).toThrow(ConditionSyntaxError);
    }
  });

  it('stays bounded, and a source dropped from it compiles again to an equal condition', () => {
    const source = "task.type == 'evicted'";
    const first = compileCondition(source);
    for (let i = 0; i < 1200; i++) compileCondition(`task.n == ${i}`);
    const again = compileCondition(source);
    expect(again).not.toBe(first);
    expect(again.evaluate({ task: { type: 'evicted' } })).toBe(true);
    expect(again.paths).toEqual(first.paths);
  });

  it('a cached condition still re-asserts the word operators another library removed', () => {
    const Jsep = (jsep as unknown as { Jsep: { binary_ops: Record<string, number> } }).Jsep;
    const source = 'task.a and task.b';
    compileCondition(source);
    jsep.removeBinaryOp('and');
    expect(Object.hasOwn(Jsep.binary_ops, 'and')).toBe(false);
    expect(compileCondition(source).evaluate({ task: { a: 1, b: 1 } })).toBe(true);
    expect(Jsep.binary_ops.and).toBe(2);
  });
});
