// router.execute(): a call the host makes itself, run under the router's decision, fallback chain,
// retries, breakers, rate windows and budget reservation.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createRouter, InvalidArgumentError, MemoryLedger, ProviderNotConfiguredError, type ExecuteAttempt, type LoadedConfig } from 'llm-agent-router';
import { rejection } from '../helpers/router-outcomes.js';
import { loadSeed, manualClock } from '../helpers/seed.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const DAY = '2026-11-25';
const COMPLEX = { task: { complexity: 9 } };
const LOCAL = ['llama-3-70b', 'deepseek-coder-33b', 'qwen-2-72b'];

function setup() {
  const ledger = new MemoryLedger();
  const router = createRouter(seed, { ledger, clock: manualClock(), retry: { retries: 2, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false }, sleep: async () => {}, logger: {} });
  return { router, ledger };
}

/** An AI SDK-style APICallError: a status, whether it is worth retrying, the response headers. */
function apiCallError(statusCode: number, isRetryable: boolean, responseHeaders: Record<string, string> = {}) {
  return Object.assign(new Error(`HTTP ${statusCode}`), { name: 'AI_APICallError', statusCode, isRetryable, responseHeaders });
}

describe('router.execute()', () => {
  it("runs the host's call on the decision's model, with its settings, and books the reported usage", async () => {
    const { router, ledger } = setup();
    const seen: ExecuteAttempt[] = [];
    const result = await router.execute('cto_agent', COMPLEX, async (attempt) => {
      seen.push(attempt);
      return { value: `called ${attempt.model.providerModelId}`, usage: { inputTokens: 1000, outputTokens: 200 } };
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ modelId: 'claude-3-opus', model: { id: 'claude-3-opus', provider: 'anthropic', type: 'cloud', providerModelId: 'claude-3-opus-20240229' } });
    expect(seen[0]!.decision.modelId).toBe('claude-3-opus');
    expect(result).toMatchObject({ value: 'called claude-3-opus-20240229', modelId: 'claude-3-opus', usedFallback: false });
    expect(await result.settled).toEqual({ usage: { inputTokens: 1000, outputTokens: 200 }, costUsd: 0.03 });
    expect(ledger.report(DAY)).toMatchObject({ totalMicros: 30_000, byModel: { 'claude-3-opus': 30_000 } });
    expect(ledger.openReservations).toBe(0);
  });

  it('a retryable failure (an APICallError-like 503) is retried on the same model, then the chain moves on', async () => {
    const { router, ledger } = setup();
    const calls: string[] = [];
    const result = await router.execute('cto_agent', COMPLEX, async ({ modelId }) => {
      calls.push(modelId);
      if (modelId === 'claude-3-opus') throw apiCallError(503, true);
      return { value: 'ok', usage: { inputTokens: 10, outputTokens: 10 } };
    });
    expect(calls).toEqual(['claude-3-opus', 'claude-3-opus', 'claude-3-opus', 'gpt-4-turbo']);
    expect(result).toMatchObject({ modelId: 'gpt-4-turbo', usedFallback: true });
    expect(result.attempts[0]!.error).toMatchObject({ kind: 'http', status: 503, retryable: true });
    expect(ledger.openReservations).toBe(0);
  });

  it('a 400 from the host call fails at once with REQUEST_REJECTED; a 401 moves to the next model', async () => {
    const { router } = setup();
    const rejected = vi.fn(async () => {
      throw apiCallError(400, false);
    });
    expect(await rejection(router.execute('cto_agent', COMPLEX, rejected))).toMatchObject({ code: 'REQUEST_REJECTED', modelId: 'claude-3-opus' });
    expect(rejected).toHaveBeenCalledTimes(1);
    const served = await router.execute('cto_agent', COMPLEX, async ({ modelId }) => {
      if (modelId === 'claude-3-opus') throw apiCallError(401, false);
      return { value: modelId, usage: { inputTokens: 1, outputTokens: 1 } };
    });
    expect(served.value).toBe('gpt-4-turbo');
  });

  it('a Retry-After in the error cools the model down for the next decisions', async () => {
    const { router } = setup();
    await router.execute('cto_agent', COMPLEX, async ({ modelId }) => {
      if (modelId === 'claude-3-opus') throw apiCallError(429, true, { 'retry-after': '120' });
      return { value: modelId, usage: { inputTokens: 1, outputTokens: 1 } };
    });
    expect(router.modelState('claude-3-opus')).toMatchObject({ available: false, unavailableReason: 'cooling_down' });
    expect((await router.route('cto_agent', { complexity: 9 })).modelId).not.toBe('claude-3-opus');
  });

  it('the request the host will send is scanned: PII keeps every attempt on local models', async () => {
    const { router } = setup();
    const tried: string[] = [];
    const request = { messages: [{ role: 'user' as const, content: 'Email jane.doe@example.com the invoice' }] };
    const result = await router.execute('cto_agent', { ...COMPLEX, request }, async ({ modelId }) => {
      tried.push(modelId);
      if (tried.length === 1) throw apiCallError(503, true);
      return { value: modelId, usage: { inputTokens: 1, outputTokens: 1 } };
    });
    expect(tried.every((id) => LOCAL.includes(id))).toBe(true);
    expect(result.decision.privacyEnforced).toBe(true);
  });

  it('a stream: usage reported as a promise is settled when it resolves; if it rejects, the estimated input is booked', async () => {
    const { router, ledger } = setup();
    let finish!: (usage: { inputTokens: number; outputTokens: number }) => void;
    const streamed = await router.execute('cto_agent', COMPLEX, async () => ({ value: 'stream', usage: new Promise((resolve) => (finish = resolve)) }));
    expect(ledger.openReservations).toBe(1);
    finish({ inputTokens: 1000, outputTokens: 200 });
    expect(await streamed.settled).toMatchObject({ costUsd: 0.03 });
    expect(ledger.openReservations).toBe(0);

    const broken = await router.execute('cto_agent', COMPLEX, async () => ({ value: 'cut', usage: Promise.reject(new Error('stream cut')) }));
    await expect(broken.settled).rejects.toThrow('stream cut');
    expect(ledger.openReservations).toBe(0);
    expect(ledger.report(DAY).calls).toBe(2);
  });

  it('the caller aborting ends the call at once, whatever the host call does; nothing stays reserved', async () => {
    const { router, ledger } = setup();
    const controller = new AbortController();
    const pending = router.execute('cto_agent', { ...COMPLEX, signal: controller.signal }, () => {
      queueMicrotask(() => controller.abort());
      return new Promise<never>(() => {}); // never settles and ignores its signal
    });
    expect((await rejection(pending)).code).toBe('ABORTED');
    expect(ledger.openReservations).toBe(0);
  });

  it('bad input and bad usage are typed errors; bad usage still books what was reserved', async () => {
    const { router, ledger } = setup();
    expect((await rejection(router.execute('cto_agent', COMPLEX, 'nope' as never))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(router.execute('cto_agent', COMPLEX, async () => ({ value: 1 }) as never))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(router.execute('cto_agent', COMPLEX, async () => ({ value: 1, usage: { inputTokens: -5, outputTokens: 1 } })))).code).toBe('INVALID_ARGUMENT');
    expect(ledger.openReservations).toBe(0);
    expect(ledger.report(DAY).totalMicros).toBeGreaterThan(0);
  });

  it('the attempt is told the output limit its reservation covers; a model it cannot call is skipped, not failed', async () => {
    const { router } = setup();
    const limits: (number | undefined)[] = [];
    const result = await router.execute('cto_agent', COMPLEX, async ({ modelId, maxOutputTokens }) => {
      limits.push(maxOutputTokens);
      if (modelId === 'claude-3-opus') throw new ProviderNotConfiguredError(modelId, 'anthropic');
      return { value: modelId, usage: { inputTokens: 1, outputTokens: 1 } };
    });
    expect(result.value).toBe('gpt-4-turbo');
    // Priced models always carry a limit: the configured default here.
    expect(limits).toEqual([4096, 4096]);
    expect(result.attempts[0]).toMatchObject({ modelId: 'claude-3-opus', skipped: 'no_provider' });
    expect(result.attempts.filter((a) => a.modelId === 'claude-3-opus')).toHaveLength(1);
    expect(router.modelState('claude-3-opus')?.available).toBe(true);
    expect((await router.metrics()).performance_by_model['claude-3-opus']).toBeUndefined();
  });

  it("while a stream's usage is pending, the caller's abort still reaches the host's call through its signal", async () => {
    const { router, ledger } = setup();
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const result = await router.execute('cto_agent', { ...COMPLEX, signal: controller.signal }, async ({ signal }) => {
      seen = signal;
      // The usage arrives when the stream ends, which the abort does here.
      const usage = new Promise<{ inputTokens: number; outputTokens: number }>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted mid-stream'))));
      return { value: 'streaming', usage };
    });
    expect(seen!.aborted).toBe(false);
    controller.abort();
    expect(seen!.aborted).toBe(true);
    await expect(result.settled).rejects.toThrow('aborted mid-stream');
    expect(ledger.openReservations).toBe(0);
  });

  it("a RouterError from the host's own code ends the call as it is: no fallback, no breaker, nothing reserved", async () => {
    const { router, ledger } = setup();
    const tried: string[] = [];
    const error = await rejection(
      router.execute('cto_agent', COMPLEX, async ({ modelId }) => {
        tried.push(modelId);
        throw new InvalidArgumentError('messages', 'the host could not build its request');
      }),
    );
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'messages' });
    expect(tried).toEqual(['claude-3-opus']);
    expect(router.modelState('claude-3-opus')?.available).toBe(true);
    expect(ledger.openReservations).toBe(0);
    // A hint in ProviderNotConfiguredError replaces the default advice.
    expect(new ProviderNotConfiguredError('m', 'p', 'add it to the models map').message).toContain('add it to the models map');
  });
});
