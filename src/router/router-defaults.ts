// What createRouter's options default to, where the execution layer has no default of its own.
import type { RetryOptions } from '../execution/types.js';

/** Retries per model: count, backoff, jitter, and the longest Retry-After waited out. */
export const RETRY_DEFAULTS: Readonly<Required<RetryOptions>> = Object.freeze({
  retries: 2,
  minTimeoutMs: 250,
  maxTimeoutMs: 4000,
  factor: 2,
  randomize: true,
  maxRetryAfterMs: 5000,
});

/** Longer than a call can take (its tries, backoffs and timeouts), so a reservation never expires under a call in flight. */
export const RESERVATION_TTL_MS = 60 * 60_000;

/** One try may run 10 minutes; a stream may go quiet for 1 minute between parts. */
export const TIMEOUT_DEFAULTS: Readonly<{ attemptMs: number; streamIdleMs: number }> = Object.freeze({ attemptMs: 600_000, streamIdleMs: 60_000 });
