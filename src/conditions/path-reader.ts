// Reading a literal path (`task.complexity`) out of the scope at evaluation time, going through
// the per-evaluation memo for any prefix the condition reads in more than one place.
import type { Evaluator } from './evaluator.js';
import { formatPath } from './plan-path-reads.js';
import { readOwn, readStatic } from './safe-read.js';

/**
 * Reads `root.keys...` from the scope, going through the memo for any prefix that is read in more
 * than one place. Short paths get their own closures: they are nearly all of them.
 */
export function pathReader(root: string, keys: readonly (string | number)[], memoSlots: ReadonlyMap<string, number>): Evaluator {
  const build = (length: number): Evaluator => {
    // The longest shorter prefix that is memoised, if any, is where this read starts from.
    let from = length - 1;
    while (from >= 0 && !memoSlots.has(formatPath(root, keys.slice(0, from)))) from--;
    const rest = keys.slice(from < 0 ? 0 : from, length);
    const plain = from < 0 ? readFromScope(root, rest) : readKeys(build(from), rest);
    const slot = memoSlots.get(formatPath(root, keys.slice(0, length)));
    return slot === undefined ? plain : memoised(slot, plain);
  };
  return build(keys.length);
}

function memoised(slot: number, read: Evaluator): Evaluator {
  return (scope, memo) => {
    const cache = memo as unknown[];
    let value = cache[slot];
    if (value === undefined) {
      value = read(scope, memo);
      cache[slot] = value;
    }
    return value;
  };
}

function readFromScope(root: string, keys: readonly (string | number)[]): Evaluator {
  const [first, second] = keys;
  if (first === undefined) return (scope) => readOwn(scope, root);
  if (second === undefined) return (scope) => readStatic(readOwn(scope, root), first);
  if (keys.length === 2) return (scope) => readStatic(readStatic(readOwn(scope, root), first), second);
  return (scope) => {
    let value = readOwn(scope, root);
    for (const key of keys) value = readStatic(value, key);
    return value;
  };
}

function readKeys(base: Evaluator, keys: readonly (string | number)[]): Evaluator {
  const [first] = keys;
  if (first === undefined) return base;
  if (keys.length === 1) return (scope, memo) => readStatic(base(scope, memo), first);
  return (scope, memo) => {
    let value = base(scope, memo);
    for (const key of keys) value = readStatic(value, key);
    return value;
  };
}
