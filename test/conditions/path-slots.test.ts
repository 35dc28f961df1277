// A set of conditions evaluated together (an agent's routing rules, src/conditions/path-slots.ts):
// the paths its clause chains test are read once, each chain becomes a test over those values, and
// when many chains key on one path the value of that path rules out the others. Checked against
// each condition evaluated on its own, over random rule sets and scopes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCondition, planConditionSet, type ConditionScope } from '../../src/conditions/index.js';
import { ruleCondition as condition, ruleScope as scope } from '../helpers/rule-arbitraries.js';


function check(sources: readonly string[], scopes: readonly ConditionScope[]): void {
  const conditions = sources.map((source) => compileCondition(source));
  const set = planConditionSet(conditions)!;
  for (const s of scopes) {
    const values = set.read(s);
    expect(values).toBeDefined();
    const expected = conditions.map((c) => c.evaluate(s));
    conditions.forEach((_, index) => {
      // `next` over one condition: 0 when it holds (or is not a chain, to be evaluated on the scope), 1 when not.
      if (set.chained(index)) expect(set.next(values!, [index], 0) === 0, `${sources[index]} on ${JSON.stringify(s)}`).toBe(expected[index]);
      else expect(set.next(values!, [index], 0)).toBe(0);
    });
    // Over all of them: the first that holds or is not a chain.
    const all = conditions.map((_, index) => index);
    const firstStop = all.findIndex((index) => !set.chained(index) || expected[index]);
    expect(set.next(values!, all, 0)).toBe(firstStop < 0 ? all.length : firstStop);
    // A condition the index rules out is false; the ones it leaves are in order, each once.
    const inPlay = set.candidates(values!) ?? conditions.map((_, index) => index);
    expect([...inPlay].sort((x, y) => x - y)).toEqual([...new Set(inPlay)]);
    expected.forEach((holds, index) => {
      if (holds) expect(inPlay, `${sources[index]} holds on ${JSON.stringify(s)} but was ruled out`).toContain(index);
    });
  }
}

describe('a set of conditions read once', () => {
  it('every test and every ruled-out condition agrees with the condition evaluated on its own', () => {
    fc.assert(fc.property(fc.array(condition, { minLength: 1, maxLength: 12 }), fc.array(scope, { minLength: 1, maxLength: 6 }), (sources, scopes) => check(sources, scopes)), { numRuns: 400 });
  });

  it('keys on the path most rules test for equality: only the rules naming its value stay in play', () => {
    const sources = ["task.type == 'a' and task.complexity > 3", "task.type == 'b'", 'task.complexity > 8', "task.type in ['a', 'c'] and not data.contains_pii", "task.type == 'c' or task.complexity > 1"];
    const set = planConditionSet(sources.map((source) => compileCondition(source)))!;
    const inPlay = (type: unknown) => set.candidates(set.read({ task: { type, complexity: 5 }, data: {} })!);
    expect(inPlay('a')).toEqual([0, 2, 3, 4]);
    expect(inPlay('b')).toEqual([1, 2, 4]);
    expect(inPlay('c')).toEqual([2, 3, 4]);
    expect(inPlay('z')).toEqual([2, 4]);
    expect(inPlay(undefined)).toEqual([2, 4]);
    // An `or` of clauses and a negated equality never key a rule; NaN is never a key.
    const loose = planConditionSet(["task.type != 'a'", "task.type == 'a' or task.x", 'task.complexity == (0 / 0)'].map((source) => compileCondition(source)))!;
    expect(loose.candidates(loose.read({ task: { type: 'q' } })!)).toBeUndefined();
  });

  it('a read that throws (the host getter or Proxy) leaves each condition to read for itself', () => {
    const set = planConditionSet(["budget_mode == 'a'", "task.type == 'b'"].map((source) => compileCondition(source)))!;
    const context = new Proxy({}, { has: () => true, get: () => { throw new Error('boom'); }, getOwnPropertyDescriptor: () => ({ value: 1, configurable: true, enumerable: true }) });
    expect(set.read({ task: { type: 'b' }, context })).toBeUndefined();
    expect(set.read({ task: { type: 'b' }, context: {} })).toEqual([undefined, 'b']);
  });

  it('reads never reach a prototype and never return a function', () => {
    const set = planConditionSet(["task.type == 'a'", 'task.complexity > 1', 'budget_mode'].map((source) => compileCondition(source)))!;
    const inherited = Object.create({ type: 'a', complexity: 5 }) as object;
    const values = set.read({ task: inherited, context: { budget_mode: () => true } })!;
    expect(values.every((v) => v === undefined)).toBe(true);
    expect(set.next(values, [0, 1, 2], 0)).toBe(3);
  });
});
