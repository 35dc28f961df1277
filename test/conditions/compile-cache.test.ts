// The compile cache of compileCondition (src/conditions/compile-condition.ts): what one caller does
// to a shared condition reaches no other caller, and a cached condition means what a fresh compile
// of its source means under the grammar in force.
import jsep from 'jsep';
import { describe, expect, it } from 'vitest';
import { compileCondition } from '../../src/conditions/index.js';

describe('review: the compile cache', () => {
  // Every caller compiling the same source gets the same object: it and its functions are frozen,
  // so nothing one caller attaches or overrides (a tag, a spy, `call`) is seen by another.
  it('shares nothing mutable between callers of the same source', () => {
    const source = "task.type == 'review-cache-shared'";
    const mine = compileCondition(source);
    expect(() => Object.defineProperty(mine.evaluate, 'call', { value: () => true })).toThrow(TypeError);
    const theirs = compileCondition(source);
    // Another caller, unaware of the first, uses Function.prototype.call as usual.
    expect(theirs.evaluate.call(undefined, { task: { type: 'other' } })).toBe(false);
  });

  it('freezes the functions of a shared condition', () => {
    const condition = compileCondition("task.type == 'review-cache-frozen'");
    expect(Object.isFrozen(condition.evaluate)).toBe(true);
    expect(Object.isFrozen(condition.evaluateDetailed)).toBe(true);
    expect(Object.isFrozen(condition.evaluateValue)).toBe(true);
  });

  // jsep's grammar is global to the process: another library may re-rank `*`. A source compiled
  // before that is not reused after it — the cache gives what a fresh compile gives.
  it('gives the same meaning to a source whether it comes from the cache or not, after another library re-ranks an operator', () => {
    const source = '2 + 3 * 4 == 14';
    const cached = compileCondition(source);
    expect(cached.evaluate({})).toBe(true);
    jsep.addBinaryOp('*', 1); // another library's choice, on the process-wide jsep
    try {
      const fresh = compileCondition(source, {}); // options bypass the cache
      const again = compileCondition(source);
      expect(again).not.toBe(cached);
      expect(again.evaluateDetailed({})).toEqual(fresh.evaluateDetailed({}));
      expect(fresh.evaluateDetailed({})).not.toEqual(cached.evaluateDetailed({}));
    } finally {
      jsep.addBinaryOp('*', 10);
    }
  });
});
