// The shape nearly every routing rule is made of — a short literal path tested against a constant
// (`task.complexity > 8`, `task.type in ['a', 'b']`, `not data.contains_pii`, `has(task.x)`),
// joined by `and` / `or` — compiled without a closure per node: a whole chain of such clauses is
// one closure, the test is a comparison of small numbers, and a clause on the same root as the one
// before it (`task`) does not read that root from the scope again. Reads go through `readRoot` /
// `readField`, so the safety rules are those of every other read (safe-read.ts).
import type { Clause, Evaluator, TestCode } from './evaluator.js';

export type { Clause };
import { fieldId, ownArrayIncludes, readField, readRoot, rootId } from './safe-read.js';

/** What a clause tests its value for; `negate` turns each into its opposite. */
export const TEST = Object.freeze({
  truthy: 0,
  equal: 1,
  greater: 2,
  greaterOrEqual: 3,
  less: 4,
  lessOrEqual: 5,
  present: 6,
  inList: 7,
  inSet: 8,
} as const);
export type { TestCode };


export function makeClause(root: string, key: string | undefined, test: TestCode, constant: unknown): Clause {
  return { root, key, test, constant, negate: false, rootId: rootId(root), keyId: key === undefined ? 0 : fieldId(key) };
}

export function negated(clause: Clause): Clause {
  return { ...clause, negate: !clause.negate };
}

/** Longest literal list searched element by element; longer ones become a Set. */
const MAX_LIST_SCAN = 8;

/**
 * The test for `value in list` against a constant list: a scan of a short list, a Set lookup for a
 * long one. Set equality is SameValueZero, which differs from `===` only for NaN (equal to nothing
 * under `===`), so NaN is left out of the Set.
 */
export function membershipTest(list: readonly unknown[]): { test: TestCode; constant: unknown } {
  if (list.length <= MAX_LIST_SCAN) return { test: TEST.inList, constant: list };
  return { test: TEST.inSet, constant: new Set(list.filter((item) => !Number.isNaN(item))) };
}

/**
 * Whether `value` passes the test (before negation). Never calls into `value`. Kept small, so the
 * engine inlines it into every chain; the rarer tests are in `passesOther`.
 */
function passes(test: TestCode, value: unknown, constant: unknown): boolean {
  if (test === TEST.equal) return value === constant;
  if (test === TEST.truthy) return typeof value === 'boolean' ? value : !!value;
  if (test === TEST.greater) return typeof value === 'number' && value > (constant as number);
  return passesOther(test, value, constant);
}

function passesOther(test: TestCode, value: unknown, constant: unknown): boolean {
  switch (test) {
    case TEST.greaterOrEqual:
      return typeof value === 'number' && value >= (constant as number);
    case TEST.less:
      return typeof value === 'number' && value < (constant as number);
    case TEST.lessOrEqual:
      return typeof value === 'number' && value <= (constant as number);
    case TEST.present:
      return value !== undefined && value !== null;
    case TEST.inList:
      return ownArrayIncludes(constant as readonly unknown[], value);
    case TEST.inSet:
      return (constant as ReadonlySet<unknown>).has(value);
    default:
      return false;
  }
}

/** The clause's result, given the value of its root (already read from the scope). */
function holds(root: unknown, clause: Clause): boolean {
  const { key } = clause;
  return passes(clause.test, key === undefined ? root : readField(root, clause.keyId, key), clause.constant) !== clause.negate;
}

/** One clause on its own. */
export function clauseEvaluator(clause: Clause): Evaluator {
  const { root, rootId: id } = clause;
  return (scope) => holds(readRoot(scope, id, root), clause);
}

/**
 * `c1 and c2 and ...` (or `or`): short-circuiting, always a boolean. Two and three clauses (most
 * rules) get closures with every read and test written out, so the engine inlines all of them.
 */
export function chainEvaluator(operator: 'and' | 'or', clauses: readonly Clause[]): Evaluator {
  // `and` stops at the first clause that does not hold, `or` at the first that does.
  const stop = operator === 'or';
  const [a, b, c] = clauses as [Clause, Clause, Clause];
  if (clauses.length === 2) {
    const { root: ra, rootId: ia, key: ka, keyId: ja, test: ta, constant: ca, negate: na } = a;
    const { root: rb, rootId: ib, key: kb, keyId: jb, test: tb, constant: cb, negate: nb } = b;
    const bFromA = rb === ra;
    return (scope) => {
      const oa = readRoot(scope, ia, ra);
      if ((passes(ta, ka === undefined ? oa : readField(oa, ja, ka), ca) !== na) === stop) return stop;
      const ob = bFromA ? oa : readRoot(scope, ib, rb);
      return passes(tb, kb === undefined ? ob : readField(ob, jb, kb), cb) !== nb;
    };
  }
  if (clauses.length === 3) {
    const { root: ra, rootId: ia, key: ka, keyId: ja, test: ta, constant: ca, negate: na } = a;
    const { root: rb, rootId: ib, key: kb, keyId: jb, test: tb, constant: cb, negate: nb } = b;
    const { root: rc, rootId: ic, key: kc, keyId: jc, test: tc, constant: cc, negate: nc } = c;
    const bFromA = rb === ra;
    const cFromB = rc === rb;
    const cFromA = !cFromB && rc === ra;
    return (scope) => {
      const oa = readRoot(scope, ia, ra);
      if ((passes(ta, ka === undefined ? oa : readField(oa, ja, ka), ca) !== na) === stop) return stop;
      const ob = bFromA ? oa : readRoot(scope, ib, rb);
      if ((passes(tb, kb === undefined ? ob : readField(ob, jb, kb), cb) !== nb) === stop) return stop;
      const oc = cFromB ? ob : cFromA ? oa : readRoot(scope, ic, rc);
      return passes(tc, kc === undefined ? oc : readField(oc, jc, kc), cc) !== nc;
    };
  }
  const all = [...clauses];
  const count = all.length;
  return (scope) => {
    let lastRoot: string | undefined;
    let rootValue: unknown;
    for (let index = 0; index < count; index++) {
      const clause = all[index] as Clause;
      if (clause.root !== lastRoot) {
        lastRoot = clause.root;
        rootValue = readRoot(scope, clause.rootId, lastRoot);
      }
      if (holds(rootValue, clause) === stop) return stop;
    }
    return !stop;
  };
}

/** A chain of clauses tested over values read beforehand: `values[slots[i]]` is what clause i reads. */
export type SlotTest = (values: readonly unknown[]) => boolean;

/**
 * `chainEvaluator` for values already read (path-slots.ts): the same tests, the same
 * short-circuiting, no reads. One to three clauses get closures written out, like chainEvaluator.
 */
export function slotChainEvaluator(operator: 'and' | 'or', clauses: readonly Clause[], slots: readonly number[]): SlotTest {
  const stop = operator === 'or';
  const [a, b, c] = clauses as [Clause, Clause, Clause];
  const [sa, sb, sc] = slots as [number, number, number];
  if (clauses.length === 1) {
    const { test: ta, constant: ca, negate: na } = a;
    return function oneSlotClause(values) {
      return passes(ta, values[sa], ca) !== na;
    };
  }
  if (clauses.length === 2) {
    const { test: ta, constant: ca, negate: na } = a;
    const { test: tb, constant: cb, negate: nb } = b;
    return function twoSlotClauses(values) {
      if ((passes(ta, values[sa], ca) !== na) === stop) return stop;
      return passes(tb, values[sb], cb) !== nb;
    };
  }
  if (clauses.length === 3) {
    const { test: ta, constant: ca, negate: na } = a;
    const { test: tb, constant: cb, negate: nb } = b;
    const { test: tc, constant: cc, negate: nc } = c;
    return function threeSlotClauses(values) {
      if ((passes(ta, values[sa], ca) !== na) === stop) return stop;
      if ((passes(tb, values[sb], cb) !== nb) === stop) return stop;
      return passes(tc, values[sc], cc) !== nc;
    };
  }
  const all = [...clauses];
  const at = [...slots];
  const count = all.length;
  return (values) => {
    for (let index = 0; index < count; index++) {
      const clause = all[index] as Clause;
      if ((passes(clause.test, values[at[index] as number], clause.constant) !== clause.negate) === stop) return stop;
    }
    return !stop;
  };
}
