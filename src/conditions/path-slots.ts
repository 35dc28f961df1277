// Conditions evaluated together on one scope (an agent's routing rules): the short paths their
// clauses read (`task.type`, `data.contains_pii`, `budget_mode`) are read from the scope once per
// evaluation of the set, into an array, and each condition that is a chain of clauses becomes a
// test over that array (no read per clause): a hundred rules about `task.type` read it once, not a
// hundred times. The reads are those of every condition (safe-read.ts): own properties only, a
// function reads as missing.
import { slotChainEvaluator, TEST, type Clause } from './clauses.js';
import { conditionChain, type CompiledCondition } from './compile-condition.js';
import type { ClauseChain } from './evaluator.js';
import { readField, readRoot, rootId } from './safe-read.js';

/** Conditions read as one set; `planConditionSet` gives none when they test more than `MAX_SET_PATHS` paths. */
export interface ConditionSet {
  /**
   * Every value the chains read, from `scope`; undefined when a read threw (a host's getter or
   * Proxy): evaluate each condition on the scope then, so that each reports its own error.
   */
  read(scope: unknown): readonly unknown[] | undefined;
  /**
   * The conditions that can hold, given the values `read` returned: their indexes in order, or
   * undefined for all of them. When many conditions are `and` chains testing one path for equality
   * (`task.type == 'a' and ...`), the value of that path rules out every condition that names
   * another value, without evaluating it — as a hand-written `switch` would.
   */
  candidates(values: readonly unknown[]): readonly number[] | undefined;
  /**
   * The first position, from `from` on, in `inPlay` (condition indexes) whose condition holds on
   * `values` or is not a chain of clauses (evaluate that one on the scope); `inPlay.length` when
   * none is left.
   */
  next(values: readonly unknown[], inPlay: readonly number[], from: number): number;
  /** Whether condition `index` is a chain of clauses, decided by `next` over the values. */
  chained(index: number): boolean;
}

/** One path under a root: its key (none for the root itself) and its place in the values read. */
interface Field {
  readonly slot: number;
  readonly key: string | undefined;
  readonly keyId: number;
}

/**
 * The most paths a set reads before its first rule is tested. Reading them all first pays off when
 * rules share paths (a hundred rules on `task.type`); rules that each test paths of their own would
 * make a decision whose first rule matches read every later rule's paths — those are evaluated one
 * by one instead.
 */
export const MAX_SET_PATHS = 32;

const NOTHING: readonly unknown[] = Object.freeze([]);

export function planConditionSet(conditions: readonly CompiledCondition[]): ConditionSet | undefined {
  const chains = conditions.map(conditionChain);
  // The paths by root, each once (a set may test thousands: found by key, not by a scan).
  const keysByRoot = new Map<string, Map<string | undefined, number>>();
  for (const chain of chains) {
    for (const { root, key, keyId } of chain?.clauses ?? []) {
      let keys = keysByRoot.get(root);
      if (!keys) keysByRoot.set(root, (keys = new Map()));
      if (!keys.has(key)) keys.set(key, keyId);
    }
  }
  // Numbered root by root, so that `read` fills its array in order.
  let size = 0;
  const groups = [...keysByRoot].map(([root, keys]) => ({
    root,
    rootId: rootId(root),
    fields: [...keys].map(([key, keyId]): Field => ({ slot: size++, key, keyId })),
  }));
  if (size > MAX_SET_PATHS) return undefined;
  const slots = new Map(groups.map(({ root, fields }) => [root, new Map(fields.map((field) => [field.key, field.slot]))]));
  const slotOf = (root: string, key: string | undefined): number | undefined => slots.get(root)?.get(key);

  // Plain arrays, not frozen: the engine reads a frozen array more slowly, and none of them leaves the set.
  const tests = chains.map((chain) => chain && slotChainEvaluator(chain.operator, chain.clauses, chain.clauses.map((clause) => slotOf(clause.root, clause.key)!)));

  const read = function read(scope: unknown): readonly unknown[] | undefined {
    if (size === 0) return NOTHING;
    const values: unknown[] = [];
    try {
      for (const { root, rootId: id, fields } of groups) {
        const object = readRoot(scope, id, root);
        for (const { key, keyId } of fields) values.push(key === undefined ? object : readField(object, keyId, key));
      }
    } catch {
      return undefined;
    }
    return values;
  };

  const next = function next(values: readonly unknown[], inPlay: readonly number[], from: number): number {
    const count = inPlay.length;
    for (let position = from; position < count; position++) {
      const test = tests[inPlay[position]!];
      if (test === undefined || test(values)) return position;
    }
    return count;
  };

  return Object.freeze({ read, candidates: indexByKey(chains, slotOf), next, chained: (index: number) => tests[index] !== undefined });
}

const ALL = (): undefined => undefined;

/**
 * The conditions an `and` chain keys on one path: `path == constant` (or `path in [constants]`)
 * among its clauses means it is false for any other value of the path. The path most of them key
 * on is chosen; each value maps to the conditions keyed on it and every condition that is not
 * keyed, in order. Map lookups never call into the value (SameValueZero equals `===` here: NaN is
 * never a key).
 */
function indexByKey(
  chains: readonly (ClauseChain | undefined)[],
  slotOf: (root: string, key: string | undefined) => number | undefined,
): (values: readonly unknown[]) => readonly number[] | undefined {
  /** Per condition, per slot it keys on: the values it allows. */
  const keyed = chains.map((chain) => {
    const keys = new Map<number, readonly unknown[]>();
    if (!chain || (chain.operator === 'or' && chain.clauses.length > 1)) return keys;
    for (const clause of chain.clauses) {
      const allowed = allowedValues(clause);
      if (!allowed) continue;
      const at = slotOf(clause.root, clause.key);
      if (at !== undefined && !keys.has(at)) keys.set(at, allowed);
    }
    return keys;
  });
  const votes = new Map<number, number>();
  for (const keys of keyed) for (const at of keys.keys()) votes.set(at, (votes.get(at) ?? 0) + 1);
  let best: number | undefined;
  for (const [at, n] of votes) if (n >= 2 && (best === undefined || n > votes.get(best)!)) best = at;
  if (best === undefined) return ALL;
  const key = best;
  // Each value's list holds the rules keyed on it and every unkeyed rule: with many values and many
  // unkeyed rules that is a product, so past a bound (in entries, a few per rule) there is no index
  // and every rule stays in play.
  const unkeyedCount = keyed.filter((keys) => !keys.has(key)).length;
  const values = new Set<unknown>();
  for (const keys of keyed) for (const value of keys.get(key) ?? []) values.add(value);
  if ((values.size + 1) * unkeyedCount > MAX_INDEX_ENTRIES_PER_RULE * keyed.length) return ALL;
  const unkeyed: number[] = [];
  const byValue = new Map<unknown, number[]>();
  keyed.forEach((keys, index) => {
    const allowed = keys.get(key);
    if (allowed === undefined) {
      unkeyed.push(index);
      for (const list of byValue.values()) list.push(index);
      return;
    }
    for (const value of new Set(allowed)) {
      let list = byValue.get(value);
      if (!list) byValue.set(value, (list = [...unkeyed]));
      list.push(index);
    }
  });
  return (values) => byValue.get(values[key]) ?? unkeyed;
}

/** The bound on an index's lists, in entries per condition of the set. */
const MAX_INDEX_ENTRIES_PER_RULE = 8;

/** The only values a clause lets its path hold (`== c`, `in [a, b]`), or undefined. */
function allowedValues(clause: Clause): readonly unknown[] | undefined {
  if (clause.negate) return undefined;
  const allowed = clause.test === TEST.equal ? [clause.constant] : clause.test === TEST.inList ? (clause.constant as readonly unknown[]) : undefined;
  return allowed && !allowed.some((value) => Number.isNaN(value)) ? allowed : undefined;
}
