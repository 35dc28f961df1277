// `createRouter`'s options are the caller's own: a value planted on Object.prototype under an
// option's name (or a setting's, inside `retry`, `cache`, `timeouts`, ...) changes nothing a router
// does — its decisions, what its calls send, cost and book, how often it retries.
import { describe, expect, it } from 'vitest';
import { createRouter, MemoryLedger, type RouterConfigInput } from '../../src/index.js';
import { createMockProvider } from '../../src/test.js';

const CONFIG: RouterConfigInput = {
  models: {
    cloud: { provider: 'pc', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.03 } },
    loc: { provider: 'pl', type: 'local' },
  },
  agents: { a: { model_preferences: { primary: 'cloud', fallback: 'loc' } } },
  routing: { budget: { daily: 10 }, strategies: { cached: { rules: [{ cache_responses: true }] } } },
};
const ASK = { messages: [{ role: 'user' as const, content: 'hello' }], maxTokens: 50 };

/** What one router does with a few calls: a failing cloud model retried, then its answer given again from the cache. */
async function behaviour() {
  let now = 1_767_225_600_000;
  const ledger = new MemoryLedger();
  // The cloud model fails twice with a retryable error, then answers.
  const pc = createMockProvider({ name: 'pc', responses: [{ error: { status: 503 } }, { error: { status: 503 } }, 'answer'] });
  const pl = createMockProvider({ name: 'pl', responses: 'local answer' });
  // Backoff of a millisecond (the rest of the retry settings left to their defaults).
  const router = createRouter(CONFIG, { ledger, providers: { pc, pl }, logger: {}, clock: () => (now += 10), sleep: async () => {}, retry: { minTimeoutMs: 1, maxTimeoutMs: 1 } });
  const route = await router.explain('a', { complexity: 5 });
  const first = await router.complete('a', ASK);
  const second = await router.complete('a', ASK, { context: { routing_strategy: 'cached' } });
  const third = await router.complete('a', ASK, { context: { routing_strategy: 'cached' } });
  return {
    route: { modelId: route.modelId, trace: route.trace.length },
    calls: [first, second, third].map((result) => ({ modelId: result.modelId, tries: result.attempts.length, cached: result.cached === true })),
    sent: pc.calls.length + pl.calls.length,
    spent: ledger.report('2026-01-01').totalMicros,
    open: ledger.openReservations,
  };
}

const NAMES = [
  // RouterOptions
  'ledger', 'modelState', 'modelStateTimeoutMs', 'clock', 'piiDetector', 'scanLimits', 'tokenEstimator', 'logger', 'verbose', 'trace', 'providers', 'retry',
  'circuitBreaker', 'reservationTtlMs', 'cache', 'sleep', 'timeouts', 'observer', 'random',
  // the settings inside them
  'retries', 'minTimeoutMs', 'maxTimeoutMs', 'factor', 'randomize', 'consecutiveFailures', 'failureRatio', 'minimumCalls', 'windowMs', 'openMs', 'ttlMs', 'maxEntries',
  'attemptMs', 'streamIdleMs', 'maxDepth', 'maxNodes', 'maxChars',
  // what the router hands an adapter per call
  'signal', 'timeoutMs',
];

describe("createRouter's options and a polluted Object.prototype", () => {
  it('no option or setting planted with a value that would matter changes what a router does', async () => {
    const clean = await behaviour();
    // The scenario exercises what options steer: a call retried twice, an answer from the cache.
    expect(clean.calls.map((call) => call.tries)).toContain(3);
    expect(clean.calls.some((call) => call.cached)).toBe(true);
    const changed: string[] = [];
    for (const name of NAMES) {
      for (const value of [false, true, 0, 1, 1_000_000, {}, { retries: 0, ttlMs: 1, maxChars: 1 }]) {
        const proto = Object.prototype as Record<string, unknown>;
        proto[name] = value;
        let seen: unknown;
        try {
          seen = await behaviour();
        } catch (error) {
          seen = `threw ${(error as Error).message}`;
        } finally {
          delete proto[name];
        }
        if (JSON.stringify(seen) !== JSON.stringify(clean)) changed.push(`${name} = ${JSON.stringify(value)}: ${JSON.stringify(seen)}`);
      }
    }
    expect(changed).toEqual([]);
  });
});
