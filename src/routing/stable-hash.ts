// The seeded hash that places a task in an experiment's split: the same task id always lands on the
// same point of 0..1.

/**
 * FNV-1a over the string's UTF-16 units, finished with murmur3's avalanche so that ids differing in
 * one digit land far apart; scaled to 0..1. The seeded hash experiments assign variants by.
 */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}
