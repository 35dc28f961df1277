// Key names shared by the Redis stores: every key starts with the prefix inside braces, a Redis
// Cluster hash tag, so the keys one script touches live in one slot.
import { InvalidArgumentError } from '../errors.js';

export const DEFAULT_PREFIX = 'llm-router';

export function checkPrefix(prefix: string | undefined): string {
  const value = prefix ?? DEFAULT_PREFIX;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200 || /[{}\s]/.test(value)) {
    throw new InvalidArgumentError('options.prefix', `expected 1 to 200 characters without braces or spaces, got ${JSON.stringify(value)}`);
  }
  return value;
}
