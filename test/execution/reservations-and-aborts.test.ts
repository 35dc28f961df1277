// Promises of the pipeline that no other test pins down: input the router estimated itself is
// reserved with a margin; an abort — a race the router cancelled, or the caller's — is no failure
// of the model (neither in metrics nor on its circuit); and a try's signal lets go of the caller's
// signal when the try ends, so one long-lived AbortSignal shared by many calls collects nothing; and
// a race ends the other models' calls when one fails outright, but not a win when a loser does.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createRouter, MemoryLedger, type CostLedger, type ProviderAdapter, type RouterConfigInput } from 'llm-agent-router';
import { createMockProvider } from 'llm-agent-router/test';
import { drain, rejection } from '../helpers/router-outcomes.js';

/** `raced`: a fast and a slow cloud model, raced by `parallel_requests`. */
function config(raced = false): RouterConfigInput {
  return {
    models: {
      // $1 per 1k input tokens, output free: what is reserved is the input alone.
      slow: { provider: 'slow', type: 'cloud', cost_per_1k_tokens: { input: 1, output: 0 } },
      fast: { provider: 'fast', type: 'cloud', cost_per_1k_tokens: { input: 1, output: 0 } },
    },
    agents: { a: { model_preferences: raced ? { primary: 'fast', fallback: 'slow' } : { primary: 'slow' } } },
    routing: {
      default_strategy: 'first',
      strategies: { first: { rules: [{ dynamic_routing: false }, ...(raced ? [{ parallel_requests: true }] : [])] } },
      budget: { daily: 100 },
    },
  };
}

const ask = (content = 'hi') => ({ messages: [{ role: 'user' as const, content }], maxTokens: 50 });

/** `ledger` with its own `reserve` in place of the ledger's. */
function withReserve(ledger: MemoryLedger, reserve: CostLedger['reserve']): CostLedger {
  return {
    snapshot: (query) => ledger.snapshot(query),
    record: (day, entry) => ledger.record(day, entry),
    reserve,
    commit: (id, day, entry) => ledger.commit(id, day, entry),
    release: (id) => ledger.release(id),
    report: (day) => ledger.report(day),
  };
}

/** A ledger that notes every amount asked for. */
function spyLedger() {
  const ledger = new MemoryLedger();
  const reserved: number[] = [];
  const spy = withReserve(ledger, (request) => {
    reserved.push(request.amountMicros);
    return ledger.reserve(request);
  });
  return { ledger, spy, reserved };
}

/** A ledger whose reservations for `modelId` fail, `afterMs` after they are asked for. */
function failingFor(modelId: string, afterMs: number) {
  const ledger = new MemoryLedger();
  const failing = withReserve(ledger, async (request) => {
    if (request.modelId === modelId) {
      await new Promise((resolve) => setTimeout(resolve, afterMs));
      throw new Error('ledger down');
    }
    return ledger.reserve(request);
  });
  return { ledger, failing };
}

describe('the input reservation', () => {
  it('input the router estimated is reserved with a margin over its estimate', async () => {
    const { spy, reserved } = spyLedger();
    const slow = createMockProvider({ name: 'slow', responses: { text: 'ok', usage: { inputTokens: 1, outputTokens: 1 } } });
    const router = createRouter(config(), { ledger: spy, providers: { slow }, retry: { retries: 0 }, logger: {} });
    const result = await router.complete('a', ask('Summarise the quarterly report for the board. '.repeat(20)));
    const estimate = result.decision.estimatedTokens.input;
    expect(result.decision.estimatedTokens.inputGiven).toBe(false);
    expect(estimate).toBeGreaterThan(100);
    expect(reserved).toHaveLength(1);
    // At least a fifth over the estimate, $0.001 per token.
    expect(reserved[0]).toBeGreaterThanOrEqual(Math.ceil(estimate * 1.2) * 1_000);
  });

  it('a count the task states is trusted as it is', async () => {
    const { spy, reserved } = spyLedger();
    const slow = createMockProvider({ name: 'slow', responses: { text: 'ok', usage: { inputTokens: 1, outputTokens: 1 } } });
    const router = createRouter(config(), { ledger: spy, providers: { slow }, retry: { retries: 0 }, logger: {} });
    await router.complete('a', ask('x'.repeat(2_000)), { task: { estimated_tokens: 100 } });
    expect(reserved).toEqual([100_000]);
  });
});

describe('an abort is no failure of the model', () => {
  // One failure would open a circuit: any that is counted shows.
  const options = { retry: { retries: 1, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false }, circuitBreaker: { consecutiveFailures: 1 }, logger: {} } as const;

  it('a parallel race loser the router cancelled: not in performance_by_model failures, not on its circuit', async () => {
    const fast = createMockProvider({ name: 'fast', responses: 'fast' });
    // Answers after 5 s unless its signal aborts: it loses every race and honours the cancel.
    const slow = createMockProvider({ name: 'slow', responses: { text: 'slow', latencyMs: 5_000 } });
    const ledger = new MemoryLedger();
    const router = createRouter(config(true), { ledger, providers: { fast, slow }, ...options });
    for (let i = 0; i < 3; i++) {
      const result = await router.complete('a', ask());
      expect(result.modelId).toBe('fast');
    }
    expect(slow.calls).toHaveLength(3);
    const metrics = await router.metrics();
    expect(metrics.performance_by_model['slow']?.failures ?? 0).toBe(0);
    expect(router.modelState('slow')).toMatchObject({ available: true });
    expect(ledger.openReservations).toBe(0);
  });

  it("a call the caller aborted: not in performance_by_model failures, not on the model's circuit", async () => {
    const slow = createMockProvider({ name: 'slow', responses: { text: 'slow', latencyMs: 5_000 } });
    const ledger = new MemoryLedger();
    const router = createRouter(config(), { ledger, providers: { slow }, ...options });
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('the user left')), 5);
      expect((await rejection(router.complete('a', ask(), { signal: controller.signal }))).code).toBe('ABORTED');
    }
    const metrics = await router.metrics();
    expect(metrics.performance_by_model['slow']?.failures ?? 0).toBe(0);
    expect(router.modelState('slow')).toMatchObject({ available: true });
    expect(ledger.openReservations).toBe(0);
  });
});

describe("a try's signal lets go of the caller's", () => {
  it('one long-lived AbortSignal shared by 1000 calls holds no listener afterwards', async () => {
    const slow = createMockProvider({ name: 'slow', responses: { text: 'ok', usage: { inputTokens: 1, outputTokens: 1 } } });
    const router = createRouter(config(), { providers: { slow }, retry: { retries: 0 }, logger: {} });
    const controller = new AbortController();
    const { signal } = controller;
    for (let i = 0; i < 1_000; i++) await router.complete('a', ask(), { signal });
    for (let i = 0; i < 100; i++) await router.execute('a', { signal }, async () => ({ value: i, usage: { inputTokens: 1, outputTokens: 1 } }));
    for (let i = 0; i < 100; i++) expect((await drain(router.stream('a', ask(), { signal }))).error).toBeUndefined();
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    // Aborting it now reaches nothing: the router's calls are long over.
    controller.abort();
    expect(slow.calls).toHaveLength(1_100);
  });
});

describe('a race whose attempts fail outright', () => {
  it("a ledger that throws on one model's reservation: the call rejects with it, the other model's call is aborted, nothing is left unhandled", async () => {
    // After the other model's call has started.
    const { ledger, failing } = failingFor('fast', 10);
    const signals: (AbortSignal | undefined)[] = [];
    const slow: ProviderAdapter = {
      specificationVersion: 'v2',
      provider: 'slow',
      complete: (_request, options) =>
        new Promise((_resolve, reject) => {
          signals.push(options?.signal);
          options?.signal?.addEventListener('abort', () => reject(options.signal!.reason), { once: true });
        }),
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const router = createRouter(config(true), { ledger: failing, logger: {}, providers: { fast: createMockProvider(), slow } });
      // The ledger's own error, as without a race.
      const error: unknown = await router.complete('a', ask()).then(() => undefined, (thrown: unknown) => thrown);
      expect(String((error as Error).message)).toContain('ledger down');
      expect(signals).toHaveLength(1);
      expect(signals[0]?.aborted).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
      // The aborted call's reservation is released: nothing stays reserved.
      expect(ledger.openReservations).toBe(0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it("a model that fails outright after another has won does not undo the win", async () => {
    // After the other model has answered.
    const { ledger, failing } = failingFor('slow', 20);
    const router = createRouter(config(true), { ledger: failing, logger: {}, providers: { fast: createMockProvider(), slow: createMockProvider() } });
    const result = await router.complete('a', ask());
    expect(result.modelId).toBe('fast');
    expect(ledger.openReservations).toBe(0);
  });
});
