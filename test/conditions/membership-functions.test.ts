// `in` / `not in` / `contains()` over an array from the scope. The rule (DESIGN.md, "Safety"): a
// function value reads as missing (undefined) — for membership as for `data.list[0] == undefined`.
import { describe, expect, it } from 'vitest';
import { compileCondition } from '../../src/conditions/index.js';

const scope = { task: {}, data: { list: [() => 'host code'] } };

describe('review: membership in a host array holding a function', () => {
  it('reads the function element as missing, like an index read does', () => {
    // Same element, read two ways: these must agree.
    expect(compileCondition('data.list[0] == undefined').evaluate(scope)).toBe(true); // passes
    expect(compileCondition('undefined in data.list').evaluate(scope)).toBe(true); // HEAD: true
  });

  it('`undefined in data.list` is true when the array holds a function (HEAD: true; now false)', () => {
    expect(compileCondition('undefined in data.list').evaluateDetailed(scope)).toEqual({ value: true });
  });

  it('a missing field is `in` such an array (HEAD: true; now false)', () => {
    expect(compileCondition('task.missing in data.list').evaluate(scope)).toBe(true);
  });

  it('`not in` flips accordingly (HEAD: false; now true)', () => {
    expect(compileCondition('task.missing not in data.list').evaluate(scope)).toBe(false);
  });

  it('contains() agrees (HEAD: true; now false)', () => {
    expect(compileCondition('contains(data.list, undefined)').evaluate(scope)).toBe(true);
  });
});
