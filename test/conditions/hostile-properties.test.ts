// Property tests of the read rule (docs/conditions.md, "Security model"): whatever member chain a
// condition writes, over whatever the scope holds — functions, class instances with getters on
// their prototypes, built-in objects, Proxies, objects that shadow prototype names — evaluation
// never calls a function, never runs a getter that is not the host's own property, never returns a
// function or anything reached through a prototype, and never throws. A condition that names
// something on Object.prototype is refused at compile time with its character index instead.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { compileCondition, type ConditionScope } from '../../src/conditions/index.js';
import { ConditionSyntaxError } from '../../src/errors.js';

/** Calls of anything the scope holds that must never run. */
let forbiddenRuns: string[] = [];
const record = (what: string) => (): string => {
  forbiddenRuns.push(what);
  return 'ran';
};

/** Names that mean something on some prototype, and ordinary ones. */
const KEYS = [
  'a', 'b', 'type', 'complexity', 'items', 'fn', 'lazy', 'nested', '0', 'data',
  'constructor', '__proto__', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf',
  'map', 'push', 'length', 'size', 'get', 'call', 'apply', 'bind', 'then', 'name', 'caller', 'arguments',
  'source', 'global', 'href', 'message', 'stack', 'byteLength', 'buffer', 'description',
] as const;

/** What must never come out of an evaluation: intrinsics and prototypes. */
const INTRINSICS = new Set<unknown>([
  Object.prototype, Function.prototype, Array.prototype, String.prototype, Number.prototype, Boolean.prototype,
  Map.prototype, Set.prototype, RegExp.prototype, Error.prototype, Promise.prototype, Object, Function, Array,
  globalThis, process,
]);

class WithPrototypeGetters {
  own = 1;
  get lazy(): string {
    return record('class getter')();
  }
  get type(): string {
    return record('class getter type')();
  }
  fn(): string {
    return record('class method')();
  }
}

/** A Proxy whose traps are the host's code (they may run); calling it must never happen. */
function proxied(target: object): object {
  const callable = typeof target === 'function';
  return new Proxy(target, {
    ...(callable ? { apply: record('proxy apply'), construct: () => ({ ran: record('proxy construct')() }) } : {}),
  });
}

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(1, 0, -1, 9, 'x', '', 'high', 'constructor', 'toString', '__proto__', true, false, null, undefined, Number.NaN),
  fc.constant(record('function value')),
  fc.constant(class Hidden {}),
  fc.constant(record('bound').bind(null)),
  fc.constant(new Map([['size', 1], ['get', 2]])),
  fc.constant(/x/g),
  fc.constant(new Uint8Array(2)),
  fc.constant(new Error('e')),
  fc.constant(Object.create(Error.prototype) as object),
  fc.constant(new URL('https://example.com/')),
  fc.constant(Promise.resolve(1)),
);

const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    leaf,
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 }).map((entries) => {
      // Own properties named like prototype members are the host's data: readable when written
      // through a computed key, refused when written literally.
      const object: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(entries)) Object.defineProperty(object, key, { value: entry, enumerable: true, writable: true });
      return object;
    }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.constant(new WithPrototypeGetters()),
    tie('value').map((inner) => Object.create({ inherited: inner, lazy: inner }) as object),
    tie('value').map((inner) => proxied(typeof inner === 'object' && inner !== null ? inner : { a: inner })),
    fc.constant(proxied(record('proxied function'))),
  ),
})).value;

const scopeArbitrary = fc.record(
  { task: value, data: value, context: value, model: value, agent: value },
  { requiredKeys: [] },
) as fc.Arbitrary<ConditionScope>;

/** `task.a['b'][task.c]...`, sometimes inside a function, a comparison or `in`. */
const segment = fc.oneof(
  fc.constantFrom(...KEYS).map((key) => (/^[A-Za-z_]\w*$/.test(key) ? `.${key}` : `['${key}']`)),
  fc.constantFrom(...KEYS).map((key) => `['${key}']`),
  fc.constantFrom(...KEYS).map((key) => `?.${key}`),
  fc.nat({ max: 3 }).map((index) => `[${index}]`),
  fc.constantFrom('[task.a]', '[task.type]', "[lower('CONSTRUCTOR')]", "['__pro' + 'to__']", "['to' + 'String']", '[data[0]]'),
);
const chain = fc
  .tuple(fc.constantFrom('task', 'data', 'context', 'model', 'agent', 'a', 'fn', 'constructor', 'toString'), fc.array(segment, { maxLength: 5 }))
  .map(([root, segments]) => root + segments.join(''));
const condition = fc.oneof(
  chain,
  chain.map((path) => `has(${path})`),
  chain.map((path) => `len(${path}) > 0`),
  chain.map((path) => `lower(${path}) == 'x'`),
  fc.tuple(chain, chain).map(([a, b]) => `${a} == ${b}`),
  fc.tuple(chain, chain).map(([a, b]) => `${a} in ${b}`),
  fc.tuple(chain, chain).map(([a, b]) => `contains(${a}, ${b})`),
  fc.tuple(chain, chain).map(([a, b]) => `${a} > 8 and not ${b}`),
  fc.tuple(chain, chain, chain).map(([a, b, c]) => `${a} ? ${b} : ${c}`),
  fc.tuple(chain, chain).map(([a, b]) => `(${a} or ${b})[0]`),
  fc.tuple(chain, chain).map(([a, b]) => `${a} + ${b}`),
);

/** The keys a guided path may take from `value`: what it holds, and names its prototypes answer. */
function keysOf(value: unknown): string[] {
  const names = ['constructor', 'toString', 'map', 'length', 'size', 'lazy', 'fn', 'type', 'inherited', 'call', 'then', 'message', 'source'];
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return names;
  let own: string[] = [];
  try {
    own = Reflect.ownKeys(value).filter((key): key is string => typeof key === 'string');
  } catch {
    // a revoked Proxy
  }
  return [...own, ...names];
}

/** The value of an own data property, read the way the test itself may (never running a getter). */
function peek(value: unknown, key: string): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  try {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
  } catch {
    return undefined;
  }
}

/** A path that follows what `scope` holds (and steps onto prototype names), in every spelling. */
function guidedPath(scope: ConditionScope): fc.Arbitrary<string> {
  const roots = ['task', 'data', 'context', 'model', 'agent'] as const;
  return fc
    .tuple(fc.nat({ max: roots.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 })), { maxLength: 5 }))
    .map(([rootIndex, steps]) => {
      const root = roots[rootIndex] as string;
      let text = root;
      let current = peek(scope, root);
      for (const [choice, spelling] of steps) {
        const keys = keysOf(current);
        const key = keys[choice % keys.length] as string;
        const index = /^\d+$/.test(key) ? key : undefined;
        if (spelling === 0 && /^[A-Za-z_$][\w$]*$/.test(key)) text += `.${key}`;
        else if (spelling === 1 && index !== undefined) text += `[${index}]`;
        else if (spelling === 2) text += `[${JSON.stringify(`${key.slice(0, 1)}`)} + ${JSON.stringify(key.slice(1))}]`;
        else text += `[${JSON.stringify(key)}]`;
        current = peek(current, key);
      }
      return text;
    });
}

function guidedCondition(scope: ConditionScope): fc.Arbitrary<string> {
  const path = guidedPath(scope);
  return fc.oneof(
    path,
    path.map((p) => `has(${p})`),
    path.map((p) => `not ${p}`),
    path.map((p) => `${p} > 0 and ${p} != 'x'`),
    fc.tuple(path, path).map(([a, b]) => `${a} in ${b}`),
    fc.tuple(path, path).map(([a, b]) => `contains(${a}, ${b}) or len(${b}) > 0`),
    fc.tuple(path, path, path).map(([a, b, c]) => `(${a} ? ${b} : ${c})`),
  );
}

function checkEvaluation(source: string, scope: ConditionScope): void {
  let compiled;
  try {
    compiled = compileCondition(source);
  } catch (error) {
    expect(ConditionSyntaxError.isInstance(error), `${source}: ${String(error)}`).toBe(true);
    const { index } = error as ConditionSyntaxError;
    expect(index >= 0 && index <= source.length).toBe(true);
    return;
  }
  const result = compiled.evaluate(scope);
  const detailed = compiled.evaluateDetailed(scope);
  const raw = compiled.evaluateValue(scope);
  expect(typeof result).toBe('boolean');
  expect(detailed.value).toBe(result);
  expect(typeof raw, source).not.toBe('function');
  expect(INTRINSICS.has(raw), source).toBe(false);
  expect(forbiddenRuns, source).toEqual([]);
}

afterEach(() => {
  forbiddenRuns = [];
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('hostile member chains', () => {
  it('never call, return or reach anything but the host object\'s own properties', () => {
    fc.assert(
      fc.property(condition, scopeArbitrary, (source, scope) => {
        forbiddenRuns = [];
        checkEvaluation(source, scope);
      }),
      { numRuns: 400 },
    );
  });

  it('never call, return or reach anything along paths that follow what the scope holds', () => {
    fc.assert(
      fc.property(
        scopeArbitrary.chain((scope) => fc.tuple(fc.constant(scope), guidedCondition(scope))),
        ([scope, source]) => {
          forbiddenRuns = [];
          checkEvaluation(source, scope);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('see nothing a scope only inherits', () => {
    fc.assert(
      fc.property(
        scopeArbitrary.chain((scope) => fc.tuple(fc.constant(scope), guidedCondition(scope))),
        ([scope, source]) => {
          forbiddenRuns = [];
          let compiled;
          try {
            compiled = compileCondition(source);
          } catch {
            return;
          }
          const inheriting = Object.create(scope) as ConditionScope;
          expect(compiled.evaluateDetailed(inheriting), source).toEqual(compiled.evaluateDetailed({}));
          expect(compiled.evaluateValue(inheriting), source).toEqual(compiled.evaluateValue({}));
          expect(forbiddenRuns, source).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuse every literal name on Object.prototype, at its index, wherever it is written', () => {
    const names = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.constantFrom('task.', 'task?.', "task['", 'data.a.', "context['x']['"), fc.constantFrom('', ' == 1', ' and task.b'), (name, prefix, suffix) => {
        const closing = prefix.endsWith("['") ? "']" : '';
        const source = `${prefix}${name}${closing}${suffix}`;
        let caught: unknown;
        try {
          compileCondition(source);
        } catch (error) {
          caught = error;
        }
        expect(ConditionSyntaxError.isInstance(caught), source).toBe(true);
        const keyAt = prefix.endsWith("['") ? prefix.length - 1 : prefix.length;
        expect((caught as ConditionSyntaxError).index, source).toBe(keyAt);
      }),
    );
  });

  it('read a computed key that names a prototype member as missing, even when the object owns it', () => {
    const names = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'];
    const compiled = compileCondition('task[task.k]');
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.boolean(), (name, own) => {
        const task: Record<string, unknown> = { k: name };
        if (own) Object.defineProperty(task, name, { value: 'own', enumerable: true });
        expect(compiled.evaluateValue({ task })).toBeUndefined();
      }),
    );
  });
});
