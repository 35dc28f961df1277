// Calls that cannot hang: the router itself ends a try on the caller's abort and on its timeout,
// and a stream that goes quiet, whatever the adapter does with its signal. A caller's abort
// releases the reservation; a timed-out try keeps its own until its provider call settles (it may
// still answer and bill — see late-answers.test.ts), so a call that never settles holds it until
// the reservation's TTL. Real timers, short timeouts.
import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createRouter, MemoryLedger, ProviderError, type ProviderAdapter, type RouterConfigInput } from 'llm-agent-router';
import { createMockProvider } from 'llm-agent-router/test';
import { drain, rejection } from '../helpers/router-outcomes.js';

const config = (timeout?: number): RouterConfigInput => ({
  models: {
    hung: { provider: 'hung', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.03 }, ...(timeout !== undefined ? { timeout_ms: timeout } : {}) },
    backup: { provider: 'backup', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.03 } },
  },
  agents: { a: { model_preferences: { primary: 'hung', fallback: 'backup' } } },
  routing: { default_strategy: 'first', strategies: { first: { rules: [{ dynamic_routing: false }] } }, budget: { daily: 100 } },
});

/** An adapter that never answers and never looks at its signal. */
const hung: ProviderAdapter = {
  specificationVersion: 'v2',
  provider: 'hung',
  complete: () => new Promise(() => {}),
  async *stream() {
    yield { type: 'text-delta', text: 'Hello' };
    await new Promise(() => {});
  },
};

function setup(options: Parameters<typeof createRouter>[1] = {}, timeout?: number) {
  const ledger = new MemoryLedger();
  const backup = createMockProvider({ name: 'backup', responses: 'from the backup' });
  const router = createRouter(config(timeout), { ledger, providers: { hung, backup }, retry: { retries: 0 }, logger: {}, ...options });
  return { router, ledger, backup };
}

const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

describe('a provider that never answers cannot hang the caller', () => {
  it("the caller's AbortSignal.timeout(100) ends the call in under 200 ms with a typed error; nothing stays reserved", async () => {
    const { router, ledger, backup } = setup();
    const started = performance.now();
    const error = await rejection(router.complete('a', ask, { signal: AbortSignal.timeout(100) }));
    expect(performance.now() - started).toBeLessThan(200);
    expect(error.code).toBe('ABORTED');
    expect((error as unknown as { attempts?: unknown }).attempts).toBeUndefined();
    expect(ledger.openReservations).toBe(0);
    expect(backup.calls).toHaveLength(0);
  });

  it("a model's timeout_ms ends its try as a retryable timeout; the chain moves on; only the hung try stays reserved", async () => {
    const { router, ledger } = setup({}, 50);
    const result = await router.complete('a', ask);
    expect(result.modelId).toBe('backup');
    expect(result.attempts[0]).toMatchObject({ modelId: 'hung', ok: false });
    expect(result.attempts[0]!.error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(ProviderError.isInstance(result.attempts[0]!.error)).toBe(true);
    // The hung call may still answer and bill: its reservation covers it until it settles.
    expect(ledger.openReservations).toBe(1);
    expect(ledger.report(new Date().toISOString().slice(0, 10)).byModel).toEqual({ backup: expect.any(Number) });
  });

  it('the router-wide timeouts.attemptMs applies to models that set none; it is retried like any timeout', async () => {
    const { router, ledger } = setup({ timeouts: { attemptMs: 40 }, retry: { retries: 1, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false } });
    const result = await router.complete('a', ask);
    expect(result.attempts.map((a) => [a.modelId, a.attempt, a.ok])).toEqual([
      ['hung', 1, false],
      ['hung', 2, false],
      ['backup', 1, true],
    ]);
    // Each hung try holds its own reservation (the retry did not reuse the first's).
    expect(ledger.openReservations).toBe(2);
  });

  it('router.execute(): a host call that ignores its signal times out too', async () => {
    const { router, ledger } = setup({ timeouts: { attemptMs: 40 } });
    const result = await router.execute('a', {}, ({ modelId }) =>
      modelId === 'hung' ? new Promise<never>(() => {}) : Promise.resolve({ value: modelId, usage: { inputTokens: 1, outputTokens: 1 } }),
    );
    expect(result.value).toBe('backup');
    expect(ledger.openReservations).toBe(1);
  });

  it('a stream that goes quiet after its first part ends with StreamInterruptedError after streamIdleMs; what was consumed is billed', async () => {
    const { router, ledger } = setup({ timeouts: { streamIdleMs: 50 } });
    const { parts, error } = await drain(router.stream('a', ask));
    expect(parts.map((p) => p.type)).toEqual(['start', 'text-delta']);
    expect(error).toMatchObject({ code: 'STREAM_INTERRUPTED', modelId: 'hung', partialText: 'Hello' });
    expect((error!.cause as ProviderError).kind).toBe('timeout');
    expect(ledger.openReservations).toBe(0);
    expect(ledger.report(new Date().toISOString().slice(0, 10)).calls).toBe(1);
  });

  it('bad timeouts are refused', () => {
    expect(() => setup({ timeouts: { attemptMs: 0 } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => setup({ timeouts: { streamIdleMs: -1 } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('an adapter that ends its own calls on time (honoursTimeoutMs)', () => {
  /** Records what each call was given; never answers unless `answer` says so, and never looks at its options. */
  function recording(answer?: () => Promise<unknown>) {
    const seen: { signal: AbortSignal | undefined; timeoutMs: number | undefined }[] = [];
    const adapter: ProviderAdapter = {
      specificationVersion: 'v2',
      provider: 'hung',
      honoursTimeoutMs: true,
      complete: (_request, options = {}) => {
        seen.push({ signal: options.signal, timeoutMs: options.timeoutMs });
        return (answer?.() ?? new Promise(() => {})) as ReturnType<ProviderAdapter['complete']>;
      },
    };
    return { adapter, seen };
  }

  it('is given the try’s timeout and no signal when the caller gave none; the router still ends a hung try itself', async () => {
    const { adapter, seen } = recording();
    const { router, ledger } = setup({ providers: { hung: adapter, backup: createMockProvider({ name: 'backup', responses: 'from the backup' }) } }, 50);
    const result = await router.complete('a', ask);
    expect(seen).toEqual([{ signal: undefined, timeoutMs: 50 }]);
    expect(result.modelId).toBe('backup');
    expect(result.attempts[0]!.error).toMatchObject({ kind: 'timeout', retryable: true });
    // As with a signal: the hung call may still answer and bill, so its try keeps its reservation.
    expect(ledger.openReservations).toBe(1);
  });

  it("is given a signal of the try's own when the caller gave one: the caller's abort reaches it, and the router lets go of the caller's signal", async () => {
    const { adapter, seen } = recording();
    const { router, ledger } = setup({ providers: { hung: adapter, backup: createMockProvider({ name: 'backup', responses: 'from the backup' }) } });
    const controller = new AbortController();
    const pending = rejection(router.complete('a', ask, { signal: controller.signal }));
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    const given = seen[0]!.signal;
    expect(given).toBeInstanceOf(AbortSignal);
    expect(given).not.toBe(controller.signal);
    controller.abort(new Error('the user left'));
    expect((await pending).code).toBe('ABORTED');
    expect(given!.aborted).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(ledger.openReservations).toBe(0);
  });

  it("in a race (parallel_requests) is handed the race's own signal, which ends it when the other model wins", async () => {
    const { adapter, seen } = recording();
    const raced: RouterConfigInput = { ...config(), routing: { default_strategy: 'race', strategies: { race: { rules: [{ dynamic_routing: false, parallel_requests: true }] } }, budget: { daily: 100 } } };
    const caller = new AbortController();
    const router = createRouter(raced, { providers: { hung: adapter, backup: createMockProvider({ name: 'backup', responses: 'from the backup' }) }, retry: { retries: 0 }, logger: {} });
    const result = await router.complete('a', ask, { signal: caller.signal });
    expect(result.modelId).toBe('backup');
    expect(seen).toHaveLength(1);
    // Not the caller's signal (an SDK may leave a listener on it), not one made for the try: the race's.
    expect(seen[0]!.signal).toBeInstanceOf(AbortSignal);
    expect(seen[0]!.signal).not.toBe(caller.signal);
    expect(seen[0]!.signal!.aborted).toBe(true);
    expect(seen[0]!.timeoutMs).toBe(600_000);
    expect(result.attempts.find((a) => a.modelId === 'hung')).toMatchObject({ raceLost: true });
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('an answer in time is served, with no signal made for it', async () => {
    const answer = () => Promise.resolve({ content: [{ type: 'text', text: 'in time' }], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } });
    const { adapter, seen } = recording(answer);
    const { router, ledger } = setup({ providers: { hung: adapter, backup: createMockProvider({ name: 'backup', responses: 'from the backup' }) }, timeouts: { attemptMs: 30_000 } });
    const result = await router.complete('a', ask);
    expect(result).toMatchObject({ text: 'in time', modelId: 'hung' });
    expect(seen).toEqual([{ signal: undefined, timeoutMs: 30_000 }]);
    expect(ledger.openReservations).toBe(0);
  });
});
