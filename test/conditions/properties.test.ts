// Invariants of the condition language, checked with fast-check: evaluation never throws, it
// agrees with a small reference implementation on random expressions, the boolean laws hold, and
// compiling any string either succeeds or throws ConditionSyntaxError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCondition, type ConditionScope } from '../../src/conditions/index.js';
import { ConditionSyntaxError } from '../../src/errors.js';

const anyValue = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

const CONDITIONS = [
  "task.privacy_level == 'high'",
  'task.complexity > 8',
  'cost_limit_reached',
  'budget_mode == true',
  'daily_cost > budget * 0.8',
  "task.critical and model.type == 'local'",
  "task.type in ['code_generation', 'test_generation'] or not data.contains_pii",
  "len(task.tags) > 1 and contains(task.tags, 'ui') and lower(task.type) != 'x'",
  'task[task.key] == task.items[0] or -task.n < abs(task.m) + max(task.a, 1) % 3',
  "has(task.a.b.c) ? upper(task.s) + 'x' : startsWith(task.s, 'a') or endsWith(task.s, 'z')",
  "'a' in task.s and task.n - 1 / 2 >= min(task.n, 2) and task.x not in task.list",
];

describe('evaluation never throws', () => {
  const compiled = CONDITIONS.map((source) => compileCondition(source));

  it('for arbitrary scopes', () => {
    fc.assert(
      fc.property(anyValue, (scope) => {
        for (const condition of compiled) {
          const result = condition.evaluate(scope as ConditionScope);
          expect(typeof result).toBe('boolean');
          const detailed = condition.evaluateDetailed(scope as ConditionScope);
          expect(detailed.value).toBe(result);
          condition.evaluateValue(scope as ConditionScope);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('for arbitrary values under every root', () => {
    const roots = fc.record(
      {
        task: anyValue,
        context: anyValue,
        model: anyValue,
        data: anyValue,
        daily_cost: anyValue,
        budget: anyValue,
        cost_limit_reached: anyValue,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(roots, (scope) => {
        for (const condition of compiled) {
          expect(() => condition.evaluateDetailed(scope)).not.toThrow();
        }
      }),
      { numRuns: 300 },
    );
  });
});

// A reference implementation of the semantics for comparisons and boolean combinations, written
// directly in JavaScript from the documented rules.
type Primitive = number | string | boolean | undefined;
interface Expression {
  source: string;
  evaluate(task: Record<string, Primitive>): unknown;
}

const FIELDS = ['a', 'b', 'c', 'd'] as const;
const primitive: fc.Arbitrary<Primitive> = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  // -0 would be written as the literal 0, which evaluates to +0: keep the reference's zero positive.
  fc.double({ min: -10, max: 10, noNaN: true }).map((value) => (value === 0 ? 0 : value)),
  fc.constantFrom('', 'a', 'b', 'ab', 'high', '1'),
  fc.boolean(),
  fc.constant(undefined),
);
const literalText = (value: Primitive): string =>
  value === undefined ? 'undefined' : typeof value === 'string' ? `'${value}'` : typeof value === 'number' && value < 0 ? `(${value})` : String(value);

const ordered = (a: unknown, b: unknown, test: (x: number | string, y: number | string) => boolean): boolean =>
  (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string') ? test(a, b) : false;

const { expression } = fc.letrec<{ expression: Expression; operand: Expression }>((tie) => ({
  operand: fc.oneof(
    fc.constantFrom(...FIELDS).map((field): Expression => ({ source: `task.${field}`, evaluate: (task) => task[field] })),
    primitive.map((value): Expression => ({ source: literalText(value), evaluate: () => value })),
  ),
  expression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('operand'),
    fc
      .tuple(tie('operand'), fc.constantFrom('==', '!=', '<', '<=', '>', '>=', '===', '!=='), tie('operand'))
      .map(([left, op, right]): Expression => ({
        source: `${left.source} ${op} ${right.source}`,
        evaluate: (task) => {
          const a = left.evaluate(task);
          const b = right.evaluate(task);
          switch (op) {
            case '==':
            case '===':
              return a === b;
            case '!=':
            case '!==':
              return a !== b;
            case '<':
              return ordered(a, b, (x, y) => x < y);
            case '<=':
              return ordered(a, b, (x, y) => x <= y);
            case '>':
              return ordered(a, b, (x, y) => x > y);
            default:
              return ordered(a, b, (x, y) => x >= y);
          }
        },
      })),
    fc
      .tuple(tie('expression'), fc.constantFrom('and', 'or', '&&', '||'), tie('expression'))
      .map(([left, op, right]): Expression => ({
        source: `(${left.source}) ${op} (${right.source})`,
        evaluate: (task) =>
          op === 'and' || op === '&&'
            ? Boolean(left.evaluate(task)) && Boolean(right.evaluate(task))
            : Boolean(left.evaluate(task)) || Boolean(right.evaluate(task)),
      })),
    fc
      .tuple(fc.constantFrom('not ', '!'), tie('expression'))
      .map(([op, inner]): Expression => ({ source: `${op}(${inner.source})`, evaluate: (task) => !inner.evaluate(task) })),
    fc
      .tuple(tie('operand'), fc.array(primitive, { maxLength: 4 }))
      .map(([needle, list]): Expression => ({
        source: `${needle.source} in [${list.map(literalText).join(', ')}]`,
        evaluate: (task) => list.some((item) => item === needle.evaluate(task)),
      })),
    fc
      .tuple(tie('expression'), tie('operand'), tie('operand'))
      .map(([test, yes, no]): Expression => ({
        source: `(${test.source}) ? ${yes.source} : ${no.source}`,
        evaluate: (task) => (test.evaluate(task) ? yes.evaluate(task) : no.evaluate(task)),
      })),
  ),
}));

const taskArbitrary = fc.record(
  { a: primitive, b: primitive, c: primitive, d: primitive },
  { requiredKeys: [] },
) as fc.Arbitrary<Record<string, Primitive>>;

describe('agrees with a reference implementation', () => {
  it('on random comparisons and boolean combinations', () => {
    fc.assert(
      fc.property(expression, taskArbitrary, (expr, task) => {
        const condition = compileCondition(expr.source);
        const expected = expr.evaluate(task);
        expect(condition.evaluateValue({ task })).toBe(expected);
        expect(condition.evaluate({ task })).toBe(Boolean(expected));
        expect(condition.evaluateDetailed({ task }).error).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});

describe('boolean laws', () => {
  const values = fc.oneof(primitive, fc.constant(null), fc.array(fc.integer()), fc.object(), fc.bigInt());

  it('not not x == Boolean(x), and ! agrees with not', () => {
    const doubleNot = compileCondition('not not task.x');
    const bang = compileCondition('!task.x');
    const not = compileCondition('not task.x');
    fc.assert(
      fc.property(values, (x) => {
        expect(doubleNot.evaluateValue({ task: { x } })).toBe(Boolean(x));
        expect(bang.evaluateValue({ task: { x } })).toBe(!x);
        expect(not.evaluateValue({ task: { x } })).toBe(!x);
      }),
    );
  });

  it("De Morgan's laws and idempotence hold", () => {
    const pairs: Array<[string, string]> = [
      ['not (task.x and task.y)', 'not task.x or not task.y'],
      ['not (task.x or task.y)', 'not task.x and not task.y'],
      ['task.x and task.x', 'not not task.x'],
      ['task.x or task.y', 'task.y or task.x'],
      ['task.x and (task.y or task.z)', '(task.x and task.y) or (task.x and task.z)'],
    ];
    const compiled = pairs.map(([a, b]) => [compileCondition(a), compileCondition(b)] as const);
    fc.assert(
      fc.property(values, values, values, (x, y, z) => {
        const scope = { task: { x, y, z } };
        for (const [a, b] of compiled) expect(a.evaluateValue(scope)).toBe(b.evaluateValue(scope));
      }),
    );
  });

  it('== is strict equality and != its negation', () => {
    const equal = compileCondition('task.x == task.y');
    const different = compileCondition('task.x != task.y');
    fc.assert(
      fc.property(values, values, (x, y) => {
        expect(equal.evaluateValue({ task: { x, y } })).toBe(x === y);
        expect(different.evaluateValue({ task: { x, y } })).toBe(x !== y);
      }),
    );
  });
});

describe('compiling any string', () => {
  const check = (source: string): void => {
    let condition;
    try {
      condition = compileCondition(source);
    } catch (error) {
      expect(ConditionSyntaxError.isInstance(error), `unexpected ${String(error)} for ${JSON.stringify(source)}`).toBe(true);
      const { index } = error as ConditionSyntaxError;
      expect(Number.isInteger(index) && index >= 0 && index <= source.length).toBe(true);
      return;
    }
    expect(() => condition.evaluateDetailed({ task: { a: 1, b: 'x' } })).not.toThrow();
  };

  it('either compiles or throws ConditionSyntaxError, for random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), check), { numRuns: 1000 });
  });

  it('either compiles or throws ConditionSyntaxError, for random token soup', () => {
    const token = fc.constantFrom(
      'task', 'data', 'budget_mode', '.', 'a', '[', ']', '(', ')', '{', '}', ',', ';', ' ', "'", '"', '`', '\\',
      'and', 'or', 'not', 'in', '==', '!=', '===', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '!', '?', ':', '?.',
      '1', '0.5', '1e3', 'true', 'null', 'undefined', 'this', 'has', 'len', 'lower', 'min', '__proto__', 'constructor',
      '=', '=>', '**', '&&', '||', '??', '~', 'new', '$', '_', '#', '@', '\u00a0', '\u2028', 'é',
    );
    fc.assert(fc.property(fc.array(token, { maxLength: 30 }).map((tokens) => tokens.join('')), check), { numRuns: 2000 });
  });
});
