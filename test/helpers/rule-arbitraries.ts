// Routing rules and the scopes they read, for the property tests of rule sets read once
// (test/conditions/path-slots.test.ts, test/routing/rule-plan.test.ts): few paths and few values, so
// rules often share keys and often match.
import fc from 'fast-check';

const PATHS = ['task.type', 'task.complexity', 'data.contains_pii', 'budget_mode', 'task.tier', 'context'] as const;
const VALUES = ["'a'", "'b'", "'c'", '1', '2', 'true', 'false', 'null'] as const;

/** One clause, or (rarely) something that is not a clause, so the set mixes both kinds. */
const clause = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...PATHS), fc.constantFrom(...VALUES), fc.constantFrom('==', '!=')).map(([p, v, op]) => `${p} ${op} ${v}`) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...PATHS), fc.array(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 4 }), fc.boolean()).map(([p, list, not]) => `${p} ${not ? 'not in' : 'in'} [${list.join(', ')}]`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PATHS), fc.integer({ min: 0, max: 3 })).map(([p, n]) => `${p} > ${n}`) },
  { weight: 1, arbitrary: fc.constantFrom(...PATHS).map((p) => `not ${p}`) },
  { weight: 1, arbitrary: fc.constantFrom(...PATHS) },
  { weight: 1, arbitrary: fc.constantFrom('len(task.type) > 0', 'task.complexity + 1 > 2', "task['type'] == 'a'", 'task.nested.deep == 1') },
);
export const ruleCondition = fc.tuple(fc.array(clause, { minLength: 1, maxLength: 4 }), fc.constantFrom(' and ', ' or ')).map(([clauses, op]) => clauses.join(op));

export const ruleValue = fc.constantFrom<unknown>('a', 'b', 'c', 1, 2, true, false, null, undefined, Number.NaN, () => 'a', ['a']);
export const ruleScope = fc.record({
  task: fc.record({ type: ruleValue, complexity: ruleValue, tier: ruleValue, nested: fc.constantFrom<unknown>(undefined, { deep: 1 }) }, { requiredKeys: [] }),
  data: fc.record({ contains_pii: ruleValue }, { requiredKeys: [] }),
  context: fc.oneof(fc.record({ budget_mode: ruleValue }, { requiredKeys: [] }), ruleValue),
});

