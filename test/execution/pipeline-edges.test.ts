// Edges of the attempt pipeline a review found: a late answer from a try that timed out, a ledger
// that throws, a stream resumed after its caller aborted, a half-open trial whose caller vanished.
import { describe, expect, it } from 'vitest';
import { createRouter, MemoryLedger, type ProviderAdapter, type RouterConfigInput } from 'llm-agent-router';
import { createMockProvider } from 'llm-agent-router/test';
import { rejection } from '../helpers/router-outcomes.js';
import { manualClock } from '../helpers/seed.js';

const config: RouterConfigInput = {
  models: {
    first: { provider: 'first', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.03 } },
    second: { provider: 'second', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.03 } },
  },
  agents: { a: { model_preferences: { primary: 'first', fallback: 'second' } } },
  routing: { default_strategy: 'in_order', strategies: { in_order: { rules: [{ dynamic_routing: false }] } }, budget: { daily: 100 } },
};
const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };
const DAY = new Date().toISOString().slice(0, 10);

describe('the attempt pipeline at its edges', () => {
  it('a try that timed out and answers during the next try is booked directly; the next try decides the call', async () => {
    let calls = 0;
    let lateAnswer!: () => void;
    const slowThenFailing: ProviderAdapter = {
      specificationVersion: 'v2',
      provider: 'first',
      complete: () => {
        calls++;
        if (calls === 1) {
          // Answers only when told, long after its try timed out.
          return new Promise((resolve) => (lateAnswer = () => resolve({ content: [{ type: 'text', text: 'late' }], finishReason: 'stop', usage: { inputTokens: 1000, outputTokens: 1000 } })));
        }
        lateAnswer();
        return Promise.reject(Object.assign(new Error('boom'), { status: 500 }));
      },
    };
    const ledger = new MemoryLedger();
    const router = createRouter(config, {
      ledger,
      providers: { first: slowThenFailing, second: createMockProvider({ responses: { text: 'from second', usage: { inputTokens: 10, outputTokens: 10 } } }) },
      timeouts: { attemptMs: 30 },
      retry: { retries: 1, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false },
      logger: {},
    });
    const result = await router.complete('a', ask);
    // Not an abort: nobody aborted. The chain went on to the next model.
    expect(result.modelId).toBe('second');
    // The late answer was billed (1000 + 1000 tokens on `first`), and so was `second`'s answer.
    expect(ledger.report(DAY).byModel['first']).toBe(40_000);
    expect(ledger.openReservations).toBe(0);
  });

  it('a ledger that throws while reserving frees the half-open trial permit', async () => {
    const clock = manualClock();
    class BrokenOnce extends MemoryLedger {
      broken = false;
      override reserve(...args: Parameters<MemoryLedger['reserve']>) {
        if (this.broken) {
          this.broken = false;
          throw new Error('ledger down');
        }
        return super.reserve(...args);
      }
    }
    const ledger = new BrokenOnce();
    const failing = createMockProvider({ responses: { error: { status: 500 } } });
    const router = createRouter(config, { clock, ledger, providers: { first: failing, second: createMockProvider() }, retry: { retries: 0 }, circuitBreaker: { consecutiveFailures: 1, openMs: 1000 }, logger: {} });
    await router.complete('a', ask); // first fails: its circuit opens
    clock.advance(1000); // half-open now
    ledger.broken = true;
    await expect(router.complete('a', ask)).rejects.toThrow('ledger down');
    // The trial this call took is free again: the next call may make it.
    expect(router.modelState('first')).toMatchObject({ available: true });
  });

  it('a stream resumed after its caller aborted reads and bills nothing more', async () => {
    const finishOnly: ProviderAdapter = {
      specificationVersion: 'v2',
      provider: 'first',
      complete: async () => ({ content: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } }),
      async *stream() {
        yield { type: 'finish', finishReason: 'stop', usage: { inputTokens: 100, outputTokens: 0 } };
      },
    };
    const ledger = new MemoryLedger();
    const router = createRouter(config, { ledger, providers: { first: finishOnly, second: createMockProvider() }, logger: {} });
    const controller = new AbortController();
    const stream = router.stream('a', ask, { signal: controller.signal });
    expect((await stream.next()).value).toMatchObject({ type: 'start' });
    controller.abort();
    expect((await rejection(stream.next())).code).toBe('ABORTED');
    expect(ledger.report(DAY).calls).toBe(1);
    expect(ledger.openReservations).toBe(0);
  });

  it('a stream opened on a half-open trial closes the circuit when it opens, even if its consumer walks away', async () => {
    const clock = manualClock();
    let fail = true;
    const flaky = createMockProvider({ responses: () => (fail ? { error: { status: 500 } } : 'ok') });
    const router = createRouter(config, { clock, providers: { first: flaky, second: createMockProvider() }, retry: { retries: 0 }, circuitBreaker: { consecutiveFailures: 1, openMs: 1000, trialTimeoutMs: 5000 }, logger: {} });
    await router.complete('a', ask);
    clock.advance(1000);
    fail = false;
    // A stream opens on the trial, then its consumer walks away without closing it.
    const abandoned = router.stream('a', ask);
    await abandoned.next();
    // Opening counted as the trial's success: the circuit is closed again.
    expect(router.modelState('first')).toMatchObject({ available: true });
  });
});
