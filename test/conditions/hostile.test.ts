// Hostile conditions and hostile scopes, after the failures of expr-eval (CVE-2025-12735),
// jsonpath-plus (CVE-2025-1302), filtrex, static-eval and vm2. Each expression is either rejected
// with a ConditionSyntaxError carrying an index, or evaluates harmlessly: false / undefined, no
// host code run, nothing polluted, nothing thrown.
import jsep from 'jsep';
import { afterEach, describe, expect, it } from 'vitest';
import { compileCondition, type ConditionScope } from '../../src/conditions/index.js';
import { ConditionSyntaxError } from '../../src/errors.js';

function expectRejected(source: string, options?: Parameters<typeof compileCondition>[1]): ConditionSyntaxError {
  let caught: unknown;
  try {
    compileCondition(source, options);
  } catch (error) {
    caught = error;
  }
  expect(caught, `"${source.slice(0, 60)}" should be rejected`).toBeInstanceOf(ConditionSyntaxError);
  const error = caught as ConditionSyntaxError;
  expect(error.code).toBe('CONDITION_SYNTAX');
  expect(typeof error.index).toBe('number');
  expect(error.index).toBeGreaterThanOrEqual(0);
  expect(error.index).toBeLessThanOrEqual(source.length);
  return error;
}

/** Evaluates with every entry point; none may throw. */
function evaluateAll(source: string, scope: ConditionScope): { value: unknown; result: boolean; error?: string } {
  const condition = compileCondition(source);
  const result = condition.evaluate(scope);
  const detailed = condition.evaluateDetailed(scope);
  expect(detailed.value).toBe(result);
  const value = condition.evaluateValue(scope);
  return detailed.error === undefined ? { value, result } : { value, result, error: detailed.error };
}

function prototypesClean(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
    [
      '__defineGetter__',
      '__defineSetter__',
      '__lookupGetter__',
      '__lookupSetter__',
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'isPrototypeOf',
      'propertyIsEnumerable',
      'toLocaleString',
      'toString',
      'valueOf',
    ].sort(),
  );
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

afterEach(prototypesClean);

describe('prototype and constructor access', () => {
  it.each([
    'task.__proto__',
    "task['__proto__']",
    'task.constructor',
    "task['constructor']",
    'task.prototype',
    "task.constructor.constructor('return process')()",
    "task.__proto__.polluted == 'yes'",
    '[].constructor',
    "''['constructor']['constructor']('return this')()",
    'task?.constructor',
    '__proto__',
    'constructor',
    "task['__proto__']['polluted']",
  ])('%s is rejected', (source) => {
    expectRejected(source);
  });

  it('computed keys that evaluate to a forbidden name read undefined', () => {
    const scope = { task: { k: 'constructor', p: '__proto__', q: 'prototype', items: ['constructor'] } };
    for (const source of [
      'task[task.k]',
      'task[task.p]',
      'task[task.q]',
      "task['con' + 'structor']",
      "task[['constructor'][0]]",
      'task[task.items[0]]',
      "task[lower('CONSTRUCTOR')]",
      "task[task.k][task.k]",
      "(task.k ? task : task)[task.p]",
      "task[task.p][task.p]",
    ]) {
      expect(evaluateAll(source, scope), source).toEqual({ value: undefined, result: false });
    }
  });

  it('an own __proto__ data property (as JSON.parse makes) is still not read', () => {
    const task = JSON.parse('{"__proto__": {"admin": true}, "k": "__proto__"}') as Record<string, unknown>;
    expect(Object.hasOwn(task, '__proto__')).toBe(true);
    expect(evaluateAll('task[task.k]', { task })).toEqual({ value: undefined, result: false });
  });

  it('nothing reachable is a function, so nothing can be called', () => {
    const scope = { task: { fn: () => 'ran', cls: class {}, bound: Math.max.bind(null) } };
    for (const source of ['task.fn', 'task.cls', 'task.bound', "task['fn']", 'has(task.fn)']) {
      expect(evaluateAll(source, scope).result, source).toBe(false);
    }
  });
});

describe('calls', () => {
  it.each([
    "eval('1')",
    "require('fs')",
    "Function('return process')()",
    'process.exit(1)',
    "constructor('x')",
    'task.type.toString()',
    'task.type.toUpperCase()',
    "lower(task.type).trim()",
    'task.fn()',
    'task?.fn()',
    '(task.fn)()',
    "[lower][0]('X')",
    'len(task)(1)',
    "globalThis.process.mainModule.require('child_process')",
  ])('%s is rejected', (source) => {
    expectRejected(source);
  });
});

describe('syntax outside the language', () => {
  it.each([
    'this',
    'this.constructor',
    'a = 1',
    'task.x = 1',
    'a += 1',
    'task.n++',
    'a; b',
    'a, b',
    '(a, b)',
    'a b',
    '{a: 1}',
    '`template ${task}`',
    'x => x',
    '(x) => process',
    'new Date()',
    'typeof task',
    'void 0',
    'delete task.x',
    'task.a ?? 1',
    'task.a | 1',
    'task.a & 1',
    'task.a ^ 1',
    'task.a << 1',
    'task.a >>> 1',
    '~task.a',
    '+task.a',
    'task.a ** 2',
    '[1, , 2]',
    '/regex/.test(x)',
    'task.a\u00a0== 1',
    'task.a /* comment */',
  ])('%s is rejected', (source) => {
    expectRejected(source);
  });

  it('does not mutate the scope for any assignment-looking input', () => {
    const task = { x: 0 };
    for (const source of ['task.x = 1', 'task.x += 1', 'task.x++', '++task.x']) {
      try {
        compileCondition(source).evaluate({ task });
      } catch {
        // rejected: fine
      }
    }
    expect(task).toEqual({ x: 0 });
  });
});

describe('size limits', () => {
  it('rejects a huge input before parsing it', () => {
    const started = performance.now();
    const error = expectRejected('a'.repeat(1_000_000));
    expect(error.index).toBe(2000);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it.each([
    ['parentheses', `${'('.repeat(100_000)}a${')'.repeat(100_000)}`],
    ['brackets', `${'['.repeat(100_000)}a${']'.repeat(100_000)}`],
    ['unclosed brackets', '['.repeat(100_000)],
    ['!', `${'!'.repeat(100_000)}a`],
    ['-', `${'-'.repeat(100_000)}a`],
    ['not', `${'not '.repeat(100_000)}a`],
    ['not after ==', `${'a == not '.repeat(50_000)}a`],
    ['?:', `${'a ? '.repeat(100_000)}a`],
    ['calls', `${'len('.repeat(100_000)}a${')'.repeat(100_000)}`],
    ['braces', '{'.repeat(100_000)],
    ['members', `${'a['.repeat(100_000)}0${']'.repeat(100_000)}`],
  ])('100 000 nested %s give a syntax error with an index, never a RangeError', (_, source) => {
    const error = expectRejected(source, { maxLength: 2_000_000 });
    expect(error.reason).toMatch(/nested/);
    expect(error.index).toBeLessThan(1000);
  });

  it('an operator chain of 100 000 terms is rejected by the node limit', () => {
    expectRejected(`${'a+'.repeat(100_000)}a`, { maxLength: 2_000_000 });
    expectRejected(`${'a and '.repeat(100_000)}a`, { maxLength: 2_000_000 });
  });

  it('even with the limits raised, deep input fails as a syntax error', () => {
    const huge = { maxLength: 2_000_000, maxDepth: 1_000_000, maxNodes: 10_000_000 };
    expectRejected(`${'('.repeat(100_000)}a${')'.repeat(100_000)}`, huge);
    expectRejected(`${'!'.repeat(100_000)}a`, huge);
    expectRejected(`${'a+'.repeat(100_000)}a`, huge);
  });

  it('rejects very long array literals', () => {
    const error = expectRejected(`task.a in [${'1,'.repeat(10_000)}1]`, { maxLength: 100_000 });
    expect(error.reason).toMatch(/more than 256 elements/);
  });
});

describe('hostile scopes', () => {
  // The design (docs/conditions.md, "Security model"): an own getter is the host's own code, so
  // reading it may run it; a getter anywhere else (a class's prototype, a built-in prototype,
  // Object.prototype) is never reached.
  it('runs a getter only when it is an own property of the host\'s object, and checks what it returns', () => {
    let runs = 0;
    const getter = { get: () => (runs++, 9), enumerable: true, configurable: true };
    const task = Object.defineProperty({ type: 'x' }, 'complexity', getter);
    const scope = Object.defineProperty({}, 'task', { get: () => (runs++, { complexity: 9 }), configurable: true });
    const items = Object.defineProperty(['a', 'b'], 0, { get: () => (runs++, 'a'), configurable: true });
    const context = Object.defineProperty({}, 'budget_mode', getter);
    for (const [source, value, expected] of [
      ['task.complexity > 8', { task }, true],
      ["task['complexity']", { task }, 9],
      ['task[task.type]', { task: Object.defineProperty({ type: 'x' }, 'x', getter) }, 9],
      ['has(task.complexity)', { task }, true],
      ['task.complexity', scope, 9],
      ['budget_mode', { context }, 9],
      ["'a' in task.items", { task: { items } }, true],
      ["contains(task.items, 'a')", { task: { items } }, true],
      ['task.items[0]', { task: { items } }, 'a'],
    ] as Array<[string, ConditionScope, unknown]>) {
      runs = 0;
      expect(evaluateAll(source, value).value, source).toEqual(expected);
      expect(runs, source).toBeGreaterThan(0);
    }
    // What an own getter returns is checked like any value: a function reads as missing.
    const returnsFunction = Object.defineProperty({}, 'x', { get: () => () => 'ran', configurable: true });
    expect(evaluateAll('task.x', { task: returnsFunction })).toEqual({ value: undefined, result: false });
  });

  it('never runs a getter that is not an own property', () => {
    let runs = 0;
    class WithGetter {
      get lazy(): number {
        return runs++;
      }
    }
    const inheritedFrom = Object.defineProperty({}, 'lazy', { get: () => runs++, configurable: true });
    const map = new Map([['size', 1]]);
    const typed = new Uint8Array(4);
    const regexp = /x/g;
    const url = new URL('https://example.com/a');
    for (const [source, value] of [
      ['task.lazy', { task: new WithGetter() }],
      ['task.lazy > 0', { task: Object.create(inheritedFrom) as object }],
      ["task['lazy']", { task: Object.create(inheritedFrom) as object }],
      ['task[task.k]', { task: Object.assign(Object.create(inheritedFrom) as object, { k: 'lazy' }) }],
      ['has(task.lazy)', { task: new WithGetter() }],
      ['task.m.size', { task: { m: map } }],
      ['task.t.length', { task: { t: typed } }],
      ['task.t.byteLength', { task: { t: typed } }],
      ['task.r.source', { task: { r: regexp } }],
      ['task.r.global', { task: { r: regexp } }],
      ['task.u.href', { task: { u: url } }],
      ['task.e.message', { task: { e: Object.create(Error.prototype) as object } }],
      ['task.a.length', { task: { a: 'abc' } }],
    ] as Array<[string, ConditionScope]>) {
      const outcome = evaluateAll(source, value);
      expect(outcome.result, source).toBe(false);
      expect(outcome.error, source).toBeUndefined();
      if (!/[>(]/.test(source)) expect(outcome.value, source).toBeUndefined();
    }
    expect(runs).toBe(0);
  });

  it('an accessor is not answered by a `value` planted on Object.prototype', () => {
    let runs = 0;
    const task = Object.defineProperty({}, 'x', { get: () => 'getter', configurable: true });
    const condition = compileCondition('task.x');
    let read: unknown = 'not read';
    Object.defineProperty(Object.prototype, 'value', { get: () => (runs++, 'planted'), configurable: true });
    try {
      read = condition.evaluateValue({ task });
    } finally {
      delete (Object.prototype as Record<string, unknown>).value;
    }
    // The host's own getter answers; nothing planted on Object.prototype is consulted.
    expect(read).toBe('getter');
    expect(runs).toBe(0);
  });

  it('a property planted on Object.prototype is never read', () => {
    const planted = ['complexity', 'type', 'privacy_level', 'contains_pii', 'task', 'data', 'polluted', '0'];
    const conditions = [
      'task.complexity > 8',
      "task.type == 'x'",
      "task.privacy_level != 'high'",
      'not data.contains_pii',
      'has(task)',
      'has(data)',
      'has(task.polluted)',
      "task['polluted']",
      "task[lower('POLLUTED')]",
      'task.items[0]',
      "'x' in task.items",
    ].map((source) => compileCondition(source));
    const scopes = [{}, { task: {}, data: {} }, { task: { items: [] }, data: Object.create(null) as object }];
    const before = conditions.map((condition) => scopes.map((scope) => condition.evaluateValue(scope)));
    for (const name of planted) Object.defineProperty(Object.prototype, name, { value: 'x', configurable: true, writable: true });
    Object.defineProperty(Array.prototype, '0', { value: 'x', configurable: true, writable: true });
    let after: unknown[][];
    try {
      after = conditions.map((condition) => scopes.map((scope) => condition.evaluateValue(scope)));
    } finally {
      for (const name of planted) delete (Object.prototype as Record<string, unknown>)[name];
      delete (Array.prototype as unknown as Record<string, unknown>)['0'];
    }
    expect(after).toEqual(before);
  });

  it('never converts a host object to a primitive', () => {
    let runs = 0;
    const sneaky = {
      valueOf: () => (runs++, 9),
      toString: () => (runs++, 'high'),
      [Symbol.toPrimitive]: () => (runs++, 9),
    };
    const scope = { task: { o: sneaky, s: 'high' } };
    for (const source of [
      'task.o > 8',
      'task.o + 1',
      "task.o + 'x'",
      "task.o == 'high'",
      "task.o in ['high']",
      "task.s in task.o",
      'lower(task.o)',
      'len(task.o)',
      'max(task.o, 1)',
      '-task.o',
      'task[task.o]',
      "startsWith(task.o, 'h')",
    ]) {
      evaluateAll(source, scope);
    }
    expect(runs).toBe(0);
  });

  it('reads a Proxy through its own-property and get traps only, and survives throwing traps', () => {
    // A Proxy's traps are the host's code: they may run; what they answer is checked like any value.
    const calls: string[] = [];
    const handler: ProxyHandler<object> = {
      get: (target, key) => (calls.push(`get ${String(key)}`), Reflect.get(target, key)),
      has: (target, key) => (calls.push('has'), Reflect.has(target, key)),
      getOwnPropertyDescriptor: (target, key) => (calls.push(`own ${String(key)}`), Reflect.getOwnPropertyDescriptor(target, key)),
      getPrototypeOf: (target) => (calls.push('prototype'), Reflect.getPrototypeOf(target)),
    };
    const task = new Proxy({ complexity: 9, fn: () => 'ran' }, handler);
    expect(evaluateAll('task.complexity > 8', { task: task as Record<string, unknown> })).toEqual({ value: true, result: true });
    expect(evaluateAll('task.fn', { task: task as Record<string, unknown> })).toEqual({ value: undefined, result: false });
    expect(evaluateAll('task.missing', { task: task as Record<string, unknown> })).toEqual({ value: undefined, result: false });
    expect(new Set(calls)).toEqual(new Set(['own complexity', 'get complexity', 'own fn', 'get fn', 'own missing']));

    const throwing = new Proxy({}, {
      getOwnPropertyDescriptor() {
        throw new Error('trap says no');
      },
    });
    const outcome = evaluateAll('task.complexity > 8', { task: throwing });
    expect(outcome.result).toBe(false);
    expect(outcome.error).toMatch(/reading the scope failed: trap says no/);

    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(evaluateAll('task.x', { task: proxy }).result).toBe(false);
    expect(evaluateAll("'a' in task", { task: proxy }).result).toBe(false);
    expect(evaluateAll('len(task)', { task: proxy }).result).toBe(false);
  });

  it('a proxied scope whose traps lie about descriptors cannot run a getter', () => {
    let runs = 0;
    const liar = new Proxy({} as Record<string, unknown>, {
      getOwnPropertyDescriptor: () => ({ get: () => (runs++, 1), configurable: true, enumerable: true }),
    });
    expect(evaluateAll('task.x', { task: liar }).result).toBe(false);
    expect(runs).toBe(0);
  });

  it('a thrown value is described without running its getters', () => {
    let runs = 0;
    const thrown = Object.defineProperty({}, 'message', { get: () => (runs++, 'x') });
    const task = new Proxy({}, {
      getOwnPropertyDescriptor() {
        throw thrown;
      },
    });
    expect(evaluateAll('task.a', { task }).error).toBe('reading the scope failed');
    const proxyThrown = new Proxy({}, {
      getOwnPropertyDescriptor() {
        throw new Error('nested');
      },
      getPrototypeOf() {
        throw new Error('nested');
      },
    });
    const task2 = new Proxy({}, {
      getOwnPropertyDescriptor() {
        throw proxyThrown;
      },
    });
    expect(evaluateAll('task.a', { task: task2 }).error).toBe('reading the scope failed');
    expect(runs).toBe(0);
  });

  it('handles cyclic, frozen, symbol, BigInt and odd values', () => {
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    expect(evaluateAll('task.self.self.self.n == 1', { task: cyclic }).result).toBe(true);
    expect(evaluateAll('task.a.b == 1', Object.freeze({ task: Object.freeze({ a: Object.freeze({ b: 1 }) }) })).result).toBe(true);
    const symbol = Symbol('s');
    expect(evaluateAll('task.s == task.s', { task: { s: symbol } }).result).toBe(true);
    expect(evaluateAll("task.s + ''", { task: { s: symbol } }).error).toMatch(/expects/);
    expect(evaluateAll('lower(task.s)', { task: { s: symbol } }).error).toMatch(/expects a string, got symbol/);
    expect(evaluateAll('task.b > 1', { task: { b: 10n } }).result).toBe(false);
    expect(evaluateAll('task.b * 2', { task: { b: 10n } }).error).toMatch(/got bigint and number/);
    expect(evaluateAll('task[task.sym]', { task: { sym: symbol, [symbol]: 1 } }).value).toBeUndefined();
    expect(evaluateAll('task.d > 1', { task: { d: new Date() } }).result).toBe(false);
    expect(evaluateAll('task.m.size', { task: { m: new Map([['size', 1]]) } }).value).toBeUndefined();
    expect(evaluateAll('task.a', { task: Object.create(null) as object }).value).toBeUndefined();
  });

  it('never throws whatever the scope is', () => {
    const condition = compileCondition("task.complexity > 8 and 'x' in task.tags and len(task.type) > 1");
    for (const scope of [null, undefined, 1, 'x', [], () => 1, Symbol('x'), new Proxy({}, { getOwnPropertyDescriptor: () => { throw 1; } })]) {
      expect(() => condition.evaluate(scope as unknown as ConditionScope)).not.toThrow();
      expect(() => condition.evaluateDetailed(scope as unknown as ConditionScope)).not.toThrow();
      expect(() => condition.evaluateValue(scope as unknown as ConditionScope)).not.toThrow();
    }
  });

  it('a trap that evaluates the same condition again does not disturb the outer evaluation', () => {
    const condition = compileCondition('task.a == 1 and task.b == 2');
    const inner = { task: { a: 5, b: 5 } };
    const task = new Proxy({ a: 1, b: 2 } as Record<string, unknown>, {
      getOwnPropertyDescriptor(target, key) {
        condition.evaluate(inner);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    });
    expect(condition.evaluate({ task })).toBe(true);
  });
});

describe('jsep plugins registered by another library', () => {
  const Jsep = (jsep as unknown as { Jsep: { binary_ops: Record<string, number>; this_str: string } }).Jsep;
  const hooks = jsep.hooks as unknown as Record<string, unknown[] | undefined>;

  it('registering the word operators is idempotent', () => {
    compileCondition('task.a and task.b');
    const before = JSON.stringify({ binary: Jsep.binary_ops, unary: jsep.unary_ops });
    for (let i = 0; i < 3; i++) compileCondition("not task.a or task.b in ['x'] and task.c not in ['y']");
    expect(JSON.stringify({ binary: Jsep.binary_ops, unary: jsep.unary_ops })).toBe(before);
    expect(Jsep.binary_ops).toMatchObject({ or: 1, and: 2, in: 7, 'not in': 7 });
  });

  it('a new binary operator does not widen the language', () => {
    jsep.addBinaryOp('~~', 6);
    try {
      expect(jsep('a ~~ b').type).toBe('BinaryExpression');
      expect(expectRejected('task.a ~~ task.b').index).toBe(7);
    } finally {
      jsep.removeBinaryOp('~~');
    }
  });

  it('a new unary operator does not widen the language', () => {
    jsep.addUnaryOp('typeof');
    try {
      expectRejected('typeof task');
    } finally {
      jsep.removeUnaryOp('typeof');
    }
  });

  it('extra identifier characters do not make new names readable', () => {
    jsep.addIdentifierChar('@');
    jsep.addIdentifierChar('#');
    try {
      expectRejected('@task');
      expectRejected('task.#private');
    } finally {
      jsep.removeIdentifierChar('@');
      jsep.removeIdentifierChar('#');
    }
  });

  it('a registered literal cannot inject a host object', () => {
    jsep.addLiteral('process', process);
    jsep.addLiteral('task', { complexity: 100 });
    try {
      expect(jsep('process').type).toBe('Literal');
      expect(evaluateAll('process', {}).value).toBeUndefined();
      expect(evaluateAll('process', { context: { process: 'ctx' } }).value).toBe('ctx');
      expect(evaluateAll('task.complexity', { task: { complexity: 1 } }).value).toBe(1);
    } finally {
      jsep.removeLiteral('process');
      jsep.removeLiteral('task');
    }
  });

  it('another library removing the word operators does not change how conditions parse', () => {
    jsep.removeBinaryOp('and');
    jsep.removeBinaryOp('in');
    jsep.addBinaryOp('or', 9);
    try {
      expect(compileCondition("task.a and task.b or task.c in ['x']").evaluate({ task: { c: 'x' } })).toBe(true);
    } finally {
      compileCondition('true'); // re-registers the words with their usual precedence
    }
    expect(Jsep.binary_ops.or).toBe(1);
  });

  it('a plugin producing new node types (object literals, regex literals) is rejected', () => {
    const before = hooks['gobble-token']?.length ?? 0;
    jsep.hooks.add('gobble-token', function objectLiteral(env) {
      if (this.code === 123) {
        // `{` ... `}` as an ObjectExpression, the way @jsep-plugin/object does it
        this.index++;
        const inner = this.gobbleExpression();
        if (this.expr.charAt(this.index) !== '}') this.throwError('expected }');
        this.index++;
        env.node = { type: 'ObjectExpression', properties: [inner] };
      } else if (this.code === 47) {
        const end = this.expr.indexOf('/', this.index + 1);
        const raw = this.expr.slice(this.index, end + 1);
        this.index = end + 1;
        env.node = { type: 'Literal', value: new RegExp(raw.slice(1, -1)), raw };
      }
    });
    try {
      expect(jsep('{a}').type).toBe('ObjectExpression');
      expect(expectRejected('task.a == {a}').index).toBe(10);
      expect(expectRejected('/x/').reason).toMatch(/unsupported literal/);
    } finally {
      hooks['gobble-token']?.splice(before);
    }
  });

  it('a plugin that makes `this` under another name is still rejected', () => {
    const original = Jsep.this_str;
    Jsep.this_str = 'self';
    try {
      expectRejected('self.x');
    } finally {
      Jsep.this_str = original;
    }
  });

  it('our words and hooks do not change how jsep parses for others', () => {
    compileCondition('not task.a == 1');
    // jsep's own `not` stays a tight unary operator; our Python precedence is private.
    const ast = jsep('not a == 1') as unknown as { type: string; operator: string };
    expect(ast.type).toBe('BinaryExpression');
    expect(ast.operator).toBe('==');
  });
});

describe('bounded work on arrays from the scope', () => {
  it('`in` over a sparse array claiming 2^24 elements is refused at once (false, with the reason), not scanned', () => {
    const sparse: unknown[] = [];
    sparse.length = 2 ** 24;
    const condition = compileCondition("'x' in task.tags");
    // Refused from its length (scanning it took 1.3 s).
    const result = condition.evaluateDetailed({ task: { tags: sparse } });
    expect(result.value).toBe(false);
    expect(result.error).toMatch(/too long to search/);
    // Within the bound, membership works as before.
    expect(condition.evaluate({ task: { tags: Array.from({ length: 100_000 }, (_, i) => (i === 99_999 ? 'x' : 'y')) } })).toBe(true);
  });
});
