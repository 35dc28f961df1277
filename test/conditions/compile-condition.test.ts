// The condition language as a user writes it: the seed's conditions, every operator, name
// resolution, missing fields, strict equality, `in`, the functions, and what a compiled
// condition reports about itself.
import { describe, expect, it } from 'vitest';
import { CONDITION_FUNCTIONS, compileCondition, type ConditionScope } from '../../src/conditions/index.js';
import { ConditionSyntaxError } from '../../src/errors.js';

const value = (source: string, scope: ConditionScope = {}): unknown => compileCondition(source).evaluateValue(scope);
const holds = (source: string, scope: ConditionScope = {}): boolean => compileCondition(source).evaluate(scope);

function syntaxError(source: string): ConditionSyntaxError {
  try {
    compileCondition(source);
  } catch (error) {
    expect(ConditionSyntaxError.isInstance(error)).toBe(true);
    return error as ConditionSyntaxError;
  }
  throw new Error(`expected "${source}" to be rejected`);
}

describe('the seed conditions', () => {
  const cases: Array<[string, ConditionScope, ConditionScope]> = [
    ["task.privacy_level == 'high'", { task: { privacy_level: 'high' } }, { task: { privacy_level: 'low' } }],
    ['task.complexity > 8', { task: { complexity: 9 } }, { task: { complexity: 8 } }],
    ['cost_limit_reached', { cost_limit_reached: true }, { cost_limit_reached: false }],
    ["task.type == 'code_generation'", { task: { type: 'code_generation' } }, { task: { type: 'code_review' } }],
    ['task.complexity > 6', { task: { complexity: 6.5 } }, { task: { complexity: 6 } }],
    ['budget_mode == true', { context: { budget_mode: true } }, { context: { budget_mode: 'true' } }],
    ['task.involves_ui_design', { task: { involves_ui_design: true } }, { task: {} }],
    ["task.type == 'test_generation'", { task: { type: 'test_generation' } }, { task: { type: 'code_generation' } }],
    ['task.requires_reasoning', { task: { requires_reasoning: true } }, { task: { requires_reasoning: false } }],
    ['model.rate_limit_approaching', { model: { rate_limit_approaching: true } }, { model: { rate_limit_approaching: false } }],
    ['daily_cost > budget * 0.8', { daily_cost: 81, budget: 100 }, { daily_cost: 80, budget: 100 }],
    ['data.contains_pii', { data: { contains_pii: true } }, { data: { contains_pii: false } }],
    [
      "task.critical and model.type == 'local'",
      { task: { critical: true }, model: { type: 'local' } },
      { task: { critical: true }, model: { type: 'cloud' } },
    ],
  ];
  for (const [source, whenTrue, whenFalse] of cases) {
    it(`${source} is true and false on the right scopes`, () => {
      const condition = compileCondition(source);
      expect(condition.evaluate(whenTrue)).toBe(true);
      expect(condition.evaluate(whenFalse)).toBe(false);
      expect(condition.evaluate({})).toBe(false);
    });
  }

  it('the example from the design compiles and evaluates', () => {
    const condition = compileCondition('task.complexity > 8 and not data.contains_pii');
    expect(condition.evaluate({ task: { complexity: 9 }, data: {} })).toBe(true);
    expect(condition.evaluate({ task: { complexity: 9 }, data: { contains_pii: true } })).toBe(false);
  });
});

describe('names', () => {
  it('reads the scope roots directly', () => {
    for (const root of ['task', 'context', 'agent', 'model', 'data', 'daily_cost', 'budget', 'cost_limit_reached']) {
      expect(value(root, { [root]: 42 })).toBe(42);
    }
  });

  it('reads any other bare name from the context', () => {
    expect(value('budget_mode', { context: { budget_mode: 'on' } })).toBe('on');
    expect(value('budget_mode', { budget_mode: 'on' })).toBeUndefined();
    expect(value('routing_strategy', { context: { routing_strategy: 'balanced' } })).toBe('balanced');
  });

  it('knows true, false, null and undefined', () => {
    expect(value('true')).toBe(true);
    expect(value('false')).toBe(false);
    expect(value('null')).toBeNull();
    expect(value('undefined', { context: { undefined: 1 } })).toBeUndefined();
  });

  it("rejects Python's True / False / None with a hint instead of reading the context", () => {
    expect(syntaxError('task.critical == True').reason).toMatch(/write true/);
    expect(syntaxError('False').reason).toMatch(/write false/);
    expect(syntaxError('x == None').reason).toMatch(/write null/);
  });
});

describe('missing fields', () => {
  it('read as undefined, through any depth, without an error', () => {
    const condition = compileCondition('task.a.b.c.d');
    expect(condition.evaluateDetailed({})).toEqual({ value: false });
    expect(condition.evaluateDetailed({ task: null })).toEqual({ value: false });
    expect(condition.evaluateValue({ task: { a: 5 } })).toBeUndefined();
    expect(condition.evaluateValue({ task: { a: { b: { c: { d: 'deep' } } } } })).toBe('deep');
  });

  it('compare false with < and >, and are falsy', () => {
    expect(holds('task.complexity > 8')).toBe(false);
    expect(holds('task.complexity < 8')).toBe(false);
    expect(holds('task.complexity >= 0')).toBe(false);
    expect(holds('not task.complexity')).toBe(true);
    expect(holds('task.complexity == undefined')).toBe(true);
    expect(holds('task.complexity == null')).toBe(false);
  });

  it('propagate through arithmetic: a missing operand makes the result missing, not an error', () => {
    const condition = compileCondition('daily_cost > budget * 0.8');
    expect(condition.evaluate({ daily_cost: 90 })).toBe(false);
    expect(condition.evaluateDetailed({ daily_cost: 90 })).toEqual({ value: false });
    expect(condition.evaluateValue({ daily_cost: 90 })).toBe(false);
    expect(value('budget * 0.8', { budget: undefined })).toBeUndefined();
    expect(value('-budget')).toBeUndefined();
    expect(condition.evaluate({ daily_cost: 90, budget: 100 })).toBe(true);
  });

  it('make arithmetic on the wrong types a type error: false, with the reason reported', () => {
    const condition = compileCondition('daily_cost > budget * 0.8');
    const detailed = condition.evaluateDetailed({ daily_cost: 90, budget: '100' });
    expect(detailed.value).toBe(false);
    expect(detailed.error).toMatch(/'\*' expects numbers, got string and number/);
    expect(compileCondition('-task.x').evaluateDetailed({ task: { x: 'a' } }).error).toMatch(/unary '-' expects a number/);
    expect(compileCondition('budget * 2 > 1').evaluateDetailed({ budget: null }).error).toMatch(/expects numbers, got null/);
  });

  it('reading a property of a string or number is undefined (use len)', () => {
    expect(value('task.type.length', { task: { type: 'abc' } })).toBeUndefined();
    expect(value('task.n.toFixed', { task: { n: 1 } })).toBeUndefined();
    expect(value('len(task.type)', { task: { type: 'abc' } })).toBe(3);
  });
});

describe('comparison', () => {
  it('== and != are strict: no coercion', () => {
    expect(holds("task.complexity == '8'", { task: { complexity: 8 } })).toBe(false);
    expect(holds('task.complexity == 8', { task: { complexity: 8 } })).toBe(true);
    expect(holds("task.complexity != '8'", { task: { complexity: 8 } })).toBe(true);
    expect(holds('task.flag == 1', { task: { flag: true } })).toBe(false);
    expect(holds('null == undefined')).toBe(false);
    expect(holds('task.x == 0', { task: { x: '' } })).toBe(false);
  });

  it('=== and !== mean the same as == and !=', () => {
    expect(holds("task.type === 'a'", { task: { type: 'a' } })).toBe(true);
    expect(holds('task.n === 8', { task: { n: '8' } })).toBe(false);
    expect(holds('task.n !== 8', { task: { n: '8' } })).toBe(true);
  });

  it('< <= > >= compare number with number and string with string only', () => {
    expect(holds('task.n < 5', { task: { n: 4 } })).toBe(true);
    expect(holds('task.n <= 5', { task: { n: 5 } })).toBe(true);
    expect(holds('task.n > 5', { task: { n: 5 } })).toBe(false);
    expect(holds('task.n >= 5', { task: { n: 5 } })).toBe(true);
    expect(holds("task.s < 'b'", { task: { s: 'a' } })).toBe(true);
    expect(holds("task.s >= 'b'", { task: { s: 'a' } })).toBe(false);
    expect(holds('task.n > 5', { task: { n: '10' } })).toBe(false);
    expect(holds("task.n < '5'", { task: { n: 4 } })).toBe(false);
    expect(holds('task.n > 5', { task: { n: true } })).toBe(false);
    expect(holds('task.n > task.m', { task: { n: 2, m: 1 } })).toBe(true);
    expect(holds('task.n > task.m', { task: { n: 2, m: '1' } })).toBe(false);
    expect(holds('5 < task.n', { task: { n: 6 } })).toBe(true);
    expect(holds('5 >= task.n', { task: { n: 6 } })).toBe(false);
    expect(holds('task.n > 5', { task: { n: 2n } })).toBe(false);
  });
});

describe('logic', () => {
  it('and / && and or / || yield booleans by truthiness', () => {
    expect(value("task.a and 'yes'", { task: { a: 1 } })).toBe(true);
    expect(value('task.a && task.b', { task: { a: 1, b: 0 } })).toBe(false);
    expect(value('task.a or task.b', { task: { a: 0, b: 'x' } })).toBe(true);
    expect(value('task.a || task.b', { task: { a: 0, b: '' } })).toBe(false);
    expect(value('task.a and task.b and task.c and task.d', { task: { a: 1, b: 1, c: 1, d: 1 } })).toBe(true);
    expect(value('task.a or task.b or task.c or task.d', { task: { d: 1 } })).toBe(true);
  });

  it('short-circuits: the right side is not evaluated', () => {
    // The right side would be a type error if it ran.
    expect(compileCondition("false and 1 * 'x'").evaluateDetailed({})).toEqual({ value: false });
    expect(compileCondition("true or 1 * 'x'").evaluateDetailed({})).toEqual({ value: true });
    expect(compileCondition("true and 1 * 'x'").evaluateDetailed({}).error).toBeDefined();
  });

  it('not / ! negate', () => {
    expect(value('not task.a', { task: { a: 0 } })).toBe(true);
    expect(value('!task.a', { task: { a: 'x' } })).toBe(false);
    expect(value('not not task.a', { task: { a: 'x' } })).toBe(true);
  });

  it('not binds like Python: looser than comparisons, tighter than and / or', () => {
    expect(holds("not task.type == 'x'", { task: { type: 'y' } })).toBe(true);
    expect(holds("not task.type == 'x'", { task: { type: 'x' } })).toBe(false);
    expect(holds('not task.a and task.b', { task: { a: false, b: true } })).toBe(true);
    expect(holds('not task.a or task.b', { task: { a: true, b: false } })).toBe(false);
    expect(holds("not task.type in ['a', 'b']", { task: { type: 'c' } })).toBe(true);
    expect(holds('not task.n + 1 > 5', { task: { n: 3 } })).toBe(true);
    // `!` keeps JavaScript's binding: (!task.type) == 'x'
    expect(holds("!task.type == 'x'", { task: { type: 'y' } })).toBe(false);
  });

  it('a ? b : c picks by truthiness', () => {
    expect(value("task.critical ? 'cloud' : 'local'", { task: { critical: 1 } })).toBe('cloud');
    expect(value("task.critical ? 'cloud' : 'local'", { task: {} })).toBe('local');
    expect(value('task.a ? 1 : task.b ? 2 : 3', { task: { b: true } })).toBe(2);
  });

  it('operator precedence follows JavaScript for the symbols', () => {
    expect(value('1 + 2 * 3')).toBe(7);
    expect(value('(1 + 2) * 3')).toBe(9);
    expect(value('10 - 4 - 3')).toBe(3);
    expect(value('1 < 2 == true')).toBe(true);
    expect(value('task.a or task.b and task.c', { task: { a: true, b: false } })).toBe(true);
  });
});

describe('arithmetic', () => {
  it('works on numbers', () => {
    expect(value('task.n + 2', { task: { n: 1 } })).toBe(3);
    expect(value('task.n - 2', { task: { n: 1 } })).toBe(-1);
    expect(value('task.n * 2', { task: { n: 1.5 } })).toBe(3);
    expect(value('task.n / 2', { task: { n: 1 } })).toBe(0.5);
    expect(value('task.n % 3', { task: { n: 7 } })).toBe(1);
    expect(value('-task.n', { task: { n: 7 } })).toBe(-7);
    expect(value('task.n > -1', { task: { n: 0 } })).toBe(true);
  });

  it('+ also joins two strings', () => {
    expect(value("task.a + '-' + task.b", { task: { a: 'x', b: 'y' } })).toBe('x-y');
  });

  it('anything else is a type error that makes the condition false', () => {
    for (const [source, scope] of [
      ["task.a + 1", { task: { a: '1' } }],
      ['task.a - 1', { task: { a: '3' } }],
      ['task.a * 2', { task: { a: null } }],
      ['task.a / 2', { task: { a: [] } }],
      ['task.a % 2', { task: { a: true } }],
      ['-task.a', { task: { a: '1' } }],
      ['task.a + 1 == 2', { task: { a: 1n } }],
    ] as Array<[string, ConditionScope]>) {
      const condition = compileCondition(source);
      const result = condition.evaluateDetailed(scope);
      expect(result.value, source).toBe(false);
      expect(result.error, source).toMatch(/expects/);
      expect(condition.evaluate(scope)).toBe(false);
    }
  });

  it('error messages name types, never the values (which may hold PII)', () => {
    const error = compileCondition('task.email * 2').evaluateDetailed({ task: { email: 'jane@example.com' } }).error;
    expect(error).toBe("'*' expects numbers, got string and number");
  });
});

describe('in', () => {
  it('tests array membership with strict equality', () => {
    expect(holds("task.type in ['code_generation', 'test_generation']", { task: { type: 'test_generation' } })).toBe(true);
    expect(holds("task.type in ['code_generation', 'test_generation']", { task: { type: 'review' } })).toBe(false);
    expect(holds('task.n in [1, 2, 3]', { task: { n: '2' } })).toBe(false);
    expect(holds("'admin' in task.roles", { task: { roles: ['user', 'admin'] } })).toBe(true);
    expect(holds('task.n in [task.a, task.b]', { task: { n: 2, a: 1, b: 2 } })).toBe(true);
  });

  it('tests substrings when both sides are strings', () => {
    expect(holds("'gen' in task.type", { task: { type: 'code_generation' } })).toBe(true);
    expect(holds("task.word in 'code_generation'", { task: { word: 'code' } })).toBe(true);
    expect(holds("'x' in task.type", { task: { type: 'code' } })).toBe(false);
  });

  it('is false for anything else', () => {
    expect(holds("'a' in task.obj", { task: { obj: { a: 1 } } })).toBe(false);
    expect(holds('1 in task.s', { task: { s: '123' } })).toBe(false);
    expect(holds("'a' in task.missing")).toBe(false);
  });

  it('not in negates', () => {
    expect(holds("task.type not in ['a', 'b']", { task: { type: 'c' } })).toBe(true);
    expect(holds("task.type not   in ['a', 'b']", { task: { type: 'a' } })).toBe(false);
    expect(holds("'x' not in task.s", { task: { s: 'abc' } })).toBe(true);
  });
});

describe('member access', () => {
  it('by dot, by literal key and by computed key', () => {
    const scope = { task: { type: 'a', 'odd key': 1, items: ['x', 'y'], key: 'type' } };
    expect(value('task.type', scope)).toBe('a');
    expect(value("task['type']", scope)).toBe('a');
    expect(value("task['odd key']", scope)).toBe(1);
    expect(value('task.items[1]', scope)).toBe('y');
    expect(value('task[task.key]', scope)).toBe('a');
    expect(value('task.items[task.i]', { task: { items: ['x', 'y'], i: 0 } })).toBe('x');
    expect(value('task?.type', scope)).toBe('a');
  });

  it('computed keys must evaluate to a string or an array index', () => {
    expect(value('task[task.k]', { task: { k: 1, 1: 'one' } })).toBeUndefined();
    expect(value('task.items[task.k]', { task: { items: ['a', 'b'], k: '1' } })).toBe('b');
    expect(value('task.items[task.k]', { task: { items: ['a', 'b'], k: 0.5 } })).toBeUndefined();
    expect(value('task.items[task.k]', { task: { items: ['a', 'b'], k: -1 } })).toBeUndefined();
    expect(value('task[task.k]', { task: { k: true } })).toBeUndefined();
  });

  it('reads own data properties only', () => {
    class Task {
      own = 'mine';
      inherited(): string {
        return 'no';
      }
    }
    const proto = { fromProto: 'no' };
    expect(value('task.own', { task: new Task() })).toBe('mine');
    expect(value('task.inherited', { task: new Task() })).toBeUndefined();
    expect(value('task.fromProto', { task: Object.create(proto) as object })).toBeUndefined();
    expect(value('task.fn', { task: { fn: () => 1 } })).toBeUndefined();
    // A name on Object.prototype is refused when written (below), and reads undefined when computed.
    expect(value('task[task.k]', { task: { k: 'toString' } })).toBeUndefined();
    expect(value('task[task.k]', { task: { k: 'valueOf', valueOf: 'own' } })).toBeUndefined();
  });

  it('runs an own getter (the host\'s code) but never an inherited one', () => {
    let runs = 0;
    const task = Object.defineProperty({}, 'n', { get: () => (runs++, 3), enumerable: true });
    expect(value('task.n', { task })).toBe(3);
    expect(runs).toBe(1);
    class Lazy {
      get n(): number {
        return runs++;
      }
    }
    expect(value('task.n', { task: new Lazy() })).toBeUndefined();
    expect(runs).toBe(1);
  });

  it('rejects literal keys that are never readable', () => {
    expect(syntaxError('task.__proto__').index).toBe(5);
    expect(syntaxError("task['constructor']").index).toBe(5);
    expect(syntaxError('task.prototype').reason).toMatch(/not allowed/);
  });

  it('rejects, at the key, every name on Object.prototype', () => {
    for (const name of [...Object.getOwnPropertyNames(Object.prototype), 'prototype']) {
      expect(syntaxError(`task.${name} == 1`).index, name).toBe(5);
      expect(syntaxError(`task.a and data['${name}']`).index, name).toBe(16);
      expect(syntaxError(`task.a or ${name}`).index, name).toBe(10);
      expect(syntaxError(`task?.${name}`).index, name).toBe(6);
    }
    expect(syntaxError('task.toString').reason).toMatch(/property "toString" is not allowed/);
    expect(syntaxError('valueOf').reason).toMatch(/name "valueOf" is not allowed/);
  });
});

describe('functions', () => {
  it('lists exactly the allow-listed names', () => {
    expect([...CONDITION_FUNCTIONS]).toEqual(['has', 'len', 'lower', 'upper', 'contains', 'startsWith', 'endsWith', 'min', 'max', 'abs']);
  });

  it('has(x) tests presence, including on a missing path', () => {
    expect(holds('has(task.privacy_level)', { task: { privacy_level: 'low' } })).toBe(true);
    expect(holds('has(task.privacy_level)', { task: { privacy_level: null } })).toBe(false);
    expect(holds('has(task.privacy_level)', { task: {} })).toBe(false);
    expect(compileCondition('has(task.a.b.c)').evaluateDetailed({})).toEqual({ value: false });
    expect(holds('has(task.n)', { task: { n: 0 } })).toBe(true);
  });

  it('len(x) is the length of a string or an array', () => {
    expect(value('len(task.s)', { task: { s: 'abcd' } })).toBe(4);
    expect(value('len(task.tags)', { task: { tags: [1, 2] } })).toBe(2);
    expect(value("len('')")).toBe(0);
    expect(compileCondition('len(task.n) > 1').evaluateDetailed({ task: { n: 5 } }).error).toMatch(/len\(\) expects/);
  });

  it('lower / upper', () => {
    expect(value('lower(task.s)', { task: { s: 'AbC' } })).toBe('abc');
    expect(value('upper(task.s)', { task: { s: 'AbC' } })).toBe('ABC');
    expect(holds("lower(task.level) == 'high'", { task: { level: 'HIGH' } })).toBe(true);
    expect(compileCondition('lower(task.s)').evaluateDetailed({ task: { s: 1 } }).error).toMatch(/lower\(\) expects a string/);
  });

  it('contains(haystack, needle) is substring or membership', () => {
    expect(holds("contains(task.s, 'gen')", { task: { s: 'codegen' } })).toBe(true);
    expect(holds("contains(task.tags, 'ui')", { task: { tags: ['ui', 'api'] } })).toBe(true);
    expect(holds("contains(task.tags, 'db')", { task: { tags: ['ui', 'api'] } })).toBe(false);
    expect(holds('contains(task.s, 1)', { task: { s: '1' } })).toBe(false);
  });

  it('startsWith / endsWith', () => {
    expect(holds("startsWith(task.type, 'code')", { task: { type: 'code_generation' } })).toBe(true);
    expect(holds("endsWith(task.type, 'generation')", { task: { type: 'code_generation' } })).toBe(true);
    expect(holds("startsWith(task.type, 'test')", { task: { type: 'code_generation' } })).toBe(false);
    expect(holds("endsWith(task.n, '1')", { task: { n: 1 } })).toBe(false);
  });

  it('min / max / abs', () => {
    expect(value('min(task.a, task.b, 3)', { task: { a: 5, b: 4 } })).toBe(3);
    expect(value('max(task.a, task.b)', { task: { a: 5, b: 4 } })).toBe(5);
    expect(value('max(1)')).toBe(1);
    expect(value('abs(task.n)', { task: { n: -2.5 } })).toBe(2.5);
    expect(compileCondition('max(task.a, 1)').evaluateDetailed({ task: { a: '9' } }).error).toMatch(/max\(\) expects numbers/);
    expect(compileCondition('abs(task.a)').evaluateDetailed({}).error).toMatch(/abs\(\) expects numbers/);
  });

  it('checks the number of arguments when compiling', () => {
    expect(syntaxError('has()').reason).toMatch(/has\(\) takes 1 argument, got 0/);
    expect(syntaxError('contains(task.a)').reason).toMatch(/takes 2 arguments/);
    expect(syntaxError('min()').reason).toMatch(/at least 1/);
    expect(syntaxError('len(a, b)').index).toBe(0);
  });

  it('names that begin with an operator word are ordinary names', () => {
    const context = { inputs: 1, notes: 2, order: 3, android: 4, index: 5 };
    expect(holds('inputs == 1 and notes == 2 and order == 3 and android == 4 and index == 5', { context })).toBe(true);
    expect(value('task.not + task.in + task.and + task.or', { task: { not: 1, in: 2, and: 3, or: 4 } })).toBe(10);
  });

  it('a function name that is not called is an ordinary context name', () => {
    expect(value('len', { context: { len: 3 } })).toBe(3);
  });
});

describe('literals', () => {
  it('numbers, strings, booleans, null and arrays', () => {
    expect(value('1.5e2')).toBe(150);
    expect(value('"double"')).toBe('double');
    expect(value("'it\\'s'")).toBe("it's");
    expect(value("[1, 'a', true, null]")).toEqual([1, 'a', true, null]);
    expect(value('[task.a, 2]', { task: { a: 1 } })).toEqual([1, 2]);
  });

  it('a constant array value cannot be changed by the caller', () => {
    const condition = compileCondition('[1, 2]');
    const first = condition.evaluateValue({}) as number[];
    expect(() => first.push(3)).toThrow(TypeError);
    expect(condition.evaluateValue({})).toEqual([1, 2]);
  });
});

describe('identifiers and paths', () => {
  it('list the root names and literal paths read', () => {
    const condition = compileCondition("task.complexity > 8 and not data.contains_pii or budget_mode == true and model.type == 'local'");
    expect(condition.identifiers).toEqual(['task', 'data', 'budget_mode', 'model']);
    expect(condition.paths).toEqual(['task.complexity', 'data.contains_pii', 'context.budget_mode', 'model.type']);
  });

  it('list each once, keep bare roots, and use brackets for other keys', () => {
    const condition = compileCondition("task.a > 1 and task.a < 5 and cost_limit_reached and task['odd key'] and task.items[0] and has(agent)");
    expect(condition.identifiers).toEqual(['task', 'cost_limit_reached', 'agent']);
    expect(condition.paths).toEqual(['task.a', 'cost_limit_reached', 'task["odd key"]', 'task.items[0]', 'agent']);
  });

  it('name the object a computed key reads from', () => {
    const condition = compileCondition('task[context.field] == 1');
    expect(condition.paths).toEqual(['task', 'context.field']);
  });

  it('are empty for a constant condition, and frozen', () => {
    const condition = compileCondition('1 < 2');
    expect(condition.identifiers).toEqual([]);
    expect(condition.paths).toEqual([]);
    expect(Object.isFrozen(condition.identifiers)).toBe(true);
    expect(Object.isFrozen(condition.paths)).toBe(true);
    expect(condition.source).toBe('1 < 2');
  });
});

describe('memoised paths', () => {
  it('read the same value for every use within one evaluation, and afresh on the next', () => {
    const condition = compileCondition('task.n > 1 and task.n < 5 and task.m == 2');
    expect(condition.evaluate({ task: { n: 3, m: 2 } })).toBe(true);
    expect(condition.evaluate({ task: { n: 7, m: 2 } })).toBe(false);
    expect(condition.evaluate({ task: { n: 2, m: 2 } })).toBe(true);
    expect(condition.evaluate({ task: { n: 2 } })).toBe(false);
  });
});

describe('evaluation API', () => {
  it('evaluate, evaluateDetailed and evaluateValue agree', () => {
    const condition = compileCondition("task.type == 'x' and task.n");
    const scope = { task: { type: 'x', n: 2 } };
    expect(condition.evaluate(scope)).toBe(true);
    expect(condition.evaluateDetailed(scope)).toEqual({ value: true });
    expect(condition.evaluateValue(scope)).toBe(true);
    expect(compileCondition('task.n').evaluateValue(scope)).toBe(2);
  });

  it('methods work detached from the object', () => {
    const { evaluate, evaluateDetailed } = compileCondition('task.n > 1');
    expect(evaluate({ task: { n: 2 } })).toBe(true);
    expect(evaluateDetailed({ task: { n: 0 } })).toEqual({ value: false });
  });
});

describe('syntax errors', () => {
  it('carry the code, the source and the character index', () => {
    const error = syntaxError('task.complexity > > 8');
    expect(error.code).toBe('CONDITION_SYNTAX');
    expect(error.source).toBe('task.complexity > > 8');
    expect(error.index).toBe(18);
    expect(error.message).toContain('at character 18');
  });

  it('point at the problem', () => {
    expect(syntaxError("task.type == 'open").index).toBe(18);
    expect(syntaxError('task.a and').index).toBe(10);
    expect(syntaxError('task.a and').reason).toMatch(/after and/);
    expect(syntaxError('task.a and (task.b').index).toBe(18);
    expect(syntaxError('task.a ** 2').index).toBe(7);
    expect(syntaxError('task.a and foo(1)').index).toBe(11);
    expect(syntaxError('task.a and task.b.c()').index).toBe(11);
    expect(syntaxError('task.a; task.b').index).toBe(6);
    expect(syntaxError('task.a task.b').index).toBe(7);
    expect(syntaxError('task.a ?? 1').index).toBe(7);
  });

  it('reject empty and blank conditions', () => {
    expect(syntaxError('').index).toBe(0);
    expect(syntaxError('   \n\t').reason).toMatch(/empty/);
    expect(syntaxError('()').reason).toMatch(/expected an expression/);
  });

  it('reject a non-string source', () => {
    expect(() => compileCondition(42 as unknown as string)).toThrow(ConditionSyntaxError);
  });

  it('apply the limits with their defaults and honour the options', () => {
    expect(syntaxError('a'.repeat(2001)).reason).toMatch(/longer than 2000/);
    expect(() => compileCondition('a'.repeat(2001), { maxLength: 3000 })).not.toThrow();
    expect(syntaxError(`${'('.repeat(33)}a${')'.repeat(33)}`).reason).toMatch(/nested more than 32/);
    expect(() => compileCondition(`${'('.repeat(33)}a${')'.repeat(33)}`, { maxDepth: 40 })).not.toThrow();
    const long = Array.from({ length: 300 }, (_, i) => `task.a == ${i}`).join(' or ');
    expect(() => compileCondition(long, { maxLength: 10_000 })).toThrow(/more than 500 nodes/);
    expect(() => compileCondition(long, { maxLength: 10_000, maxNodes: 2000 })).not.toThrow();
    const array = `task.a in [${Array.from({ length: 257 }, (_, i) => i).join(',')}]`;
    expect(() => compileCondition(array)).toThrow(/more than 256 elements/);
    expect(() => compileCondition(array, { maxArrayLength: 300 })).not.toThrow();
  });

  it('long chains of and / or do not count as nesting', () => {
    const chain = Array.from({ length: 60 }, (_, i) => `task.f${i}`).join(' and ');
    const condition = compileCondition(chain);
    const task = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}`, true]));
    expect(condition.evaluate({ task })).toBe(true);
    expect(condition.evaluate({ task: { ...task, f59: false } })).toBe(false);
  });

  it('reject invalid options', () => {
    expect(() => compileCondition('a', { maxDepth: 0 })).toThrow(/positive integer/);
    expect(() => compileCondition('a', { maxLength: 1.5 })).toThrow(/positive integer/);
  });
});
