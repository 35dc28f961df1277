// Reading a literal path (`task.complexity`, `data.items[0]`) out of the scope at evaluation time.
// The keys were checked at compile time; each step reads an own property only (safe-read.ts).
// Short paths get their own closures: they are nearly all of them.
import type { Evaluator } from './evaluator.js';
import { fieldId, readField, readIndex, readKey, readRoot, readStatic, rootId } from './safe-read.js';

export type PathKey = string | number;

/** The closure reading `root.keys...` from the scope. */
export function pathReader(root: string, keys: readonly PathKey[]): Evaluator {
  const id = rootId(root);
  const [first, second] = keys;
  if (first === undefined) return (scope) => readRoot(scope, id, root);
  if (typeof first === 'number') {
    if (keys.length === 1) return (scope) => readIndex(readRoot(scope, id, root), first);
  } else if (keys.length === 1) {
    const key = fieldId(first);
    return (scope) => readField(readRoot(scope, id, root), key, first);
  } else if (keys.length === 2 && typeof second === 'string') {
    const key = fieldId(first);
    return (scope) => readKey(readField(readRoot(scope, id, root), key, first), second);
  }
  const count = keys.length;
  return (scope) => {
    let value = readRoot(scope, id, root);
    for (let index = 0; index < count; index++) value = readStatic(value, keys[index] as PathKey);
    return value;
  };
}

/** The closure reading `key` from what `base` returns (a member of something computed). */
export function memberReader(base: Evaluator, key: PathKey): Evaluator {
  return typeof key === 'string' ? (scope) => readKey(base(scope), key) : (scope) => readIndex(base(scope), key);
}
