// router.complete() with mock providers, an injected clock and an injected sleep: no real waiting.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as pkg from 'llm-agent-router';
import {
  AllModelsFailedError,
  BudgetExceededError,
  createRouter,
  MemoryLedger,
  NoEligibleModelError,
  ProviderError,
  RequestAbortedError,
  RouterError,
  type AttemptRecord,
  type LoadedConfig,
  type ProviderAdapter,
  type RouterConfigInput,
} from 'llm-agent-router';
import { createMockProvider, type MockProvider, type MockReply, type MockResponses } from 'llm-agent-router/test';
import { rejection } from '../helpers/router-outcomes.js';
import { loadSeed, manualClock } from '../helpers/seed.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const DAY = '2026-11-25';
const CLOUD = ['claude-3-opus', 'gpt-4-turbo'];
const LOCAL = ['llama-3-70b', 'deepseek-coder-33b', 'qwen-2-72b'];
const NO_WAIT_RETRY = { retries: 2, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false } as const;
const ask = (content = 'Design the payment service.') => ({ messages: [{ role: 'user' as const, content }] });

/** One mock per model of the seed, so each test can say which model did what. */
function seedRouter(
  scripts: Partial<Record<string, MockResponses>> = {},
  options: Partial<Parameters<typeof createRouter>[1]> = {},
  config: LoadedConfig | RouterConfigInput = seed,
) {
  const clock = manualClock();
  const waits: number[] = [];
  const sleep = vi.fn(async (ms: number) => {
    waits.push(ms);
  });
  const ledger = new MemoryLedger();
  const mocks: Record<string, MockProvider> = {};
  for (const id of Object.keys(config.models)) {
    mocks[id] = createMockProvider({ name: config.models[id]!.provider, responses: scripts[id] ?? { text: `answer from ${id}` }, clock });
  }
  const router = createRouter(config, { ledger, clock, sleep, providers: mocks, retry: NO_WAIT_RETRY, logger: {}, ...options });
  return { router, ledger, clock, mocks, sleep, waits };
}


const modelsOf = (attempts: readonly AttemptRecord[]) => attempts.map((a) => a.modelId);
const fail = (status: number, retryAfterMs?: number): MockReply => ({ error: { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) } });

describe('complete(): success and billing', () => {
  it('serves with the chosen model, books usage × price in micro-dollars and leaves no reservation', async () => {
    const { router, ledger, mocks } = seedRouter({ 'claude-3-opus': { text: 'use a queue', usage: { inputTokens: 1000, outputTokens: 200 } } });
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    // claude-3-opus: $0.015 / 1k input, $0.075 / 1k output → 0.015 + 0.015 = $0.03.
    expect(result).toMatchObject({ text: 'use a queue', modelId: 'claude-3-opus', provider: 'anthropic', costUsd: 0.03, cached: false, usedFallback: false });
    expect(result.usage).toEqual({ inputTokens: 1000, outputTokens: 200 });
    expect(result.attempts).toEqual([expect.objectContaining({ modelId: 'claude-3-opus', attempt: 1, ok: true })]);
    expect(ledger.report(DAY)).toMatchObject({ totalMicros: 30_000, reservedMicros: 0, byAgent: { cto_agent: 30_000 }, byModel: { 'claude-3-opus': 30_000 }, calls: 1 });
    expect(ledger.openReservations).toBe(0);
    // The provider is given its own name for the model (model_id), and the request as sent.
    expect(mocks['claude-3-opus']!.calls[0]!.request).toMatchObject({
      model: 'claude-3-opus-20240229',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Design the payment service.' }] }],
    });
    const metrics = await router.metrics();
    expect(metrics.cost_per_agent_per_day).toEqual({ cto_agent: 0.03 });
    expect(metrics.performance_by_model['claude-3-opus']).toMatchObject({ calls: 1, failures: 0, inputTokens: 1000, outputTokens: 200 });
  });

  it('a local model costs nothing and is not reserved against the budget', async () => {
    const { router, ledger } = seedRouter({ 'llama-3-70b': { text: 'ok', usage: { inputTokens: 5_000, outputTokens: 5_000 } } });
    const result = await router.complete('cto_agent', ask(), { task: { privacy_level: 'high' } });
    expect(result).toMatchObject({ modelId: 'llama-3-70b', costUsd: 0 });
    expect(ledger.report(DAY)).toMatchObject({ totalMicros: 0, calls: 1, byModel: {} });
  });

  it('passes the request fields through to the provider', async () => {
    const { router, mocks } = seedRouter();
    await router.complete(
      'cto_agent',
      {
        system: 'be brief',
        messages: [{ role: 'user', content: 'hi' }],
        maxTokens: 64,
        temperature: 0.2,
        topP: 0.9,
        seed: 7,
        stop: ['END'],
        headers: { 'x-trace': 'abc' },
        providerOptions: { anthropic: { top_k: 5 } },
      },
      { task: { complexity: 9 } },
    );
    expect(mocks['claude-3-opus']!.calls[0]!.request).toEqual({
      model: 'claude-3-opus-20240229',
      system: 'be brief',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      maxTokens: 64,
      temperature: 0.2,
      topP: 0.9,
      seed: 7,
      stop: ['END'],
      headers: { 'x-trace': 'abc' },
      providerOptions: { anthropic: { top_k: 5 } },
    });
  });

  it('rejects a malformed request before routing', async () => {
    const { router, mocks } = seedRouter();
    expect((await rejection(router.complete('cto_agent', { messages: [] }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(router.complete('cto_agent', { messages: [{ role: 'user', content: 'x' }], maxTokens: 0 }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(router.complete('cto_agent', { messages: [{ role: 'user', content: 42 as unknown as string }] }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(router.complete('nobody', ask()))).code).toBe('UNKNOWN_AGENT');
    expect(Object.values(mocks).every((m) => m.calls.length === 0)).toBe(true);
  });
});

describe('complete(): retries', () => {
  it.each([408, 409, 429, 500, 502, 503, 529])('HTTP %i is retried (1 try + 2 retries), then the next model serves', async (status) => {
    const { router, mocks } = seedRouter({ 'claude-3-opus': fail(status) });
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(mocks['claude-3-opus']!.calls).toHaveLength(3);
    expect(result.modelId).toBe('gpt-4-turbo');
    expect(result.attempts.map((a) => [a.modelId, a.attempt, a.ok])).toEqual([
      ['claude-3-opus', 1, false],
      ['claude-3-opus', 2, false],
      ['claude-3-opus', 3, false],
      ['gpt-4-turbo', 1, true],
    ]);
  });

  it.each([401, 403, 404])('HTTP %i is never retried: one call, then the next model', async (status) => {
    const { router, mocks } = seedRouter({ 'claude-3-opus': fail(status) });
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(mocks['claude-3-opus']!.calls).toHaveLength(1);
    expect(result.modelId).toBe('gpt-4-turbo');
    expect((result.attempts[0]!.error as ProviderError).status).toBe(status);
  });

  it.each([400, 422])('HTTP %i (a malformed request) fails at once with RequestRejectedError: not retried, not sent down the chain', async (status) => {
    const { router, mocks, ledger } = seedRouter({ 'claude-3-opus': fail(status) });
    const error = await rejection(router.complete('cto_agent', ask(), { task: { complexity: 9 } }));
    expect(error).toMatchObject({ code: 'REQUEST_REJECTED', name: 'RequestRejectedError', modelId: 'claude-3-opus', agentId: 'cto_agent' });
    expect(error.message).toContain('claude-3-opus');
    expect((error.cause as ProviderError).kind).toBe('bad_request');
    expect(modelsOf((error as unknown as { attempts: AttemptRecord[] }).attempts)).toEqual(['claude-3-opus']);
    expect(mocks['claude-3-opus']!.calls).toHaveLength(1);
    for (const id of [...CLOUD, ...LOCAL].filter((id) => id !== 'claude-3-opus')) expect(mocks[id]!.calls).toHaveLength(0);
    expect(ledger.openReservations).toBe(0);
    // The request's fault, not the model's: its circuit counts nothing.
    expect(router.modelState('claude-3-opus')?.available).toBe(true);
  });

  it.each(['context_length', 'content_filter'] as const)('a 400 of kind %s falls back: another model may serve the request', async (kind) => {
    const { router, mocks } = seedRouter({ 'claude-3-opus': { error: { status: 400, kind } } });
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(result.modelId).toBe('gpt-4-turbo');
    expect(mocks['claude-3-opus']!.calls).toHaveLength(1);
    expect((result.attempts[0]!.error as ProviderError).kind).toBe(kind);
  });

  it.each(['timeout', 'connection'])('a %s failure is retried', async (kind) => {
    const error = new ProviderError(`simulated ${kind}`, { provider: 'anthropic', kind: kind as 'timeout' | 'connection', retryable: true });
    const { router, mocks } = seedRouter({ 'claude-3-opus': [{ error }, { error }, { text: 'third time lucky' }] });
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(mocks['claude-3-opus']!.calls).toHaveLength(3);
    expect(result).toMatchObject({ modelId: 'claude-3-opus', text: 'third time lucky' });
  });

  it('an adapter that throws something other than a ProviderError is not retried', async () => {
    const broken: ProviderAdapter = {
      specificationVersion: 'v2',
      provider: 'anthropic',
      complete: vi.fn(async () => {
        throw new TypeError('cannot read properties of undefined');
      }),
    };
    const { mocks } = seedRouter();
    const router = createRouter(seed, { providers: { ...mocks, 'claude-3-opus': broken }, retry: NO_WAIT_RETRY, logger: {}, clock: manualClock() });
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(broken.complete).toHaveBeenCalledTimes(1);
    expect(result.modelId).toBe('gpt-4-turbo');
    expect((result.attempts[0]!.error as ProviderError).kind).toBe('other');
  });

  it('a 429 with a short Retry-After is waited out (with the injected sleep) and retried on the same model', async () => {
    const { router, mocks, waits } = seedRouter({ 'claude-3-opus': [fail(429, 1_200), { text: 'after the wait' }] });
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(waits).toEqual([1_200]);
    expect(mocks['claude-3-opus']!.calls).toHaveLength(2);
    expect(result).toMatchObject({ modelId: 'claude-3-opus', text: 'after the wait', usedFallback: false });
    expect(mocks['gpt-4-turbo']!.calls).toHaveLength(0);
  });

  it('does not wait out a Retry-After after the last try: the next model is tried at once', async () => {
    const { router, mocks, waits } = seedRouter({ 'claude-3-opus': fail(429, 1_000) }, { retry: { ...NO_WAIT_RETRY, retries: 1 } });
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(mocks['claude-3-opus']!.calls).toHaveLength(2);
    expect(result.modelId).toBe('gpt-4-turbo');
    // One wait, before the one retry; a wait after the last failure only delays the fallback.
    expect(waits).toEqual([1_000]);
  });

  it('a long Retry-After cools the model down and falls back at once; modelState shows it unavailable until then', async () => {
    const { router, mocks, sleep, clock } = seedRouter({ 'claude-3-opus': [fail(429, 60_000), { text: 'back again' }] });
    const start = clock();
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(mocks['claude-3-opus']!.calls).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
    expect(result).toMatchObject({ modelId: 'gpt-4-turbo', usedFallback: true });
    expect(router.modelState('claude-3-opus')).toMatchObject({ available: false, unavailableReason: 'cooling_down', availableAt: start + 60_000 });

    // While it cools down, decisions avoid it and calls never reach it.
    const during = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(during.modelId).not.toBe('claude-3-opus');
    expect(mocks['claude-3-opus']!.calls).toHaveLength(1);

    clock.advance(60_000);
    expect(router.modelState('claude-3-opus')?.available).toBe(true);
    const after = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(after).toMatchObject({ modelId: 'claude-3-opus', text: 'back again' });
  });

  it('undefined retry options keep their defaults (no retry storm, Retry-After cap kept)', async () => {
    const { router, mocks, sleep } = seedRouter(
      { 'claude-3-opus': fail(429, 3_600_000) },
      { retry: { retries: undefined, maxRetryAfterMs: undefined, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false } },
    );
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(sleep).not.toHaveBeenCalled();
    expect(mocks['claude-3-opus']!.calls).toHaveLength(1);
    expect(result.modelId).toBe('gpt-4-turbo');
  });
});

describe('complete(): fallbacks and failures', () => {
  it('walks the fallback chain in order and names the model that actually served; every attempt is listed', async () => {
    const { router } = seedRouter({ 'claude-3-opus': fail(500), 'gpt-4-turbo': fail(503) });
    const decision = await router.route('cto_agent', { complexity: 9 });
    expect([decision.modelId, ...decision.fallbacks]).toEqual(['claude-3-opus', 'gpt-4-turbo', 'llama-3-70b']);
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(modelsOf(result.attempts)).toEqual(['claude-3-opus', 'claude-3-opus', 'claude-3-opus', 'gpt-4-turbo', 'gpt-4-turbo', 'gpt-4-turbo', 'llama-3-70b']);
    expect(result).toMatchObject({ modelId: 'llama-3-70b', provider: 'local', usedFallback: true, text: 'answer from llama-3-70b' });
    expect(result.decision.modelId).toBe('claude-3-opus');
    expect((await router.metrics()).performance_by_model).toMatchObject({ 'claude-3-opus': { failures: 1 }, 'gpt-4-turbo': { failures: 1 }, 'llama-3-70b': { calls: 1, failures: 0 } });
  });

  it('AllModelsFailedError lists every attempt, every error and the last one; nothing stays reserved or billed', async () => {
    const { router, ledger } = seedRouter({ 'claude-3-opus': fail(500), 'gpt-4-turbo': fail(500), 'llama-3-70b': fail(401) });
    const error = (await rejection(router.complete('cto_agent', ask(), { task: { complexity: 9 } }))) as AllModelsFailedError;
    expect(error.code).toBe('ALL_MODELS_FAILED');
    expect(error.name).toBe('AllModelsFailedError');
    expect(modelsOf(error.attempts)).toEqual(['claude-3-opus', 'claude-3-opus', 'claude-3-opus', 'gpt-4-turbo', 'gpt-4-turbo', 'gpt-4-turbo', 'llama-3-70b']);
    expect(error.errors).toHaveLength(7);
    expect((error.lastError as ProviderError).status).toBe(401);
    expect(error.retryAt).toBeUndefined();
    expect(error.message).toContain('llama-3-70b#1');
    expect(ledger.openReservations).toBe(0);
    expect(ledger.report(DAY)).toMatchObject({ totalMicros: 0, reservedMicros: 0, calls: 0 });
  });

  it('when every candidate is cooling down, AllModelsFailedError says when the first one is available again', async () => {
    const config: RouterConfigInput = {
      models: {
        a: { provider: 'anthropic', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.01 } },
        b: { provider: 'openai', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.01 } },
      },
      agents: { agent: { model_preferences: { primary: 'a', fallback: 'b' } } },
    };
    const { router, clock } = seedRouter({ a: fail(429, 120_000), b: fail(429, 90_000) }, {}, config);
    const start = clock();
    const error = (await rejection(router.complete('agent', ask()))) as AllModelsFailedError;
    expect(error.code).toBe('ALL_MODELS_FAILED');
    expect(modelsOf(error.attempts)).toEqual(['a', 'b']);
    expect(error.retryAt).toBe(start + 90_000);
    // The next request is refused before any call, with the same time.
    const next = (await rejection(router.complete('agent', ask()))) as NoEligibleModelError;
    expect(NoEligibleModelError.isInstance(next)).toBe(true);
    expect(next.retryAt).toBe(start + 90_000);
  });

  it('a model without a provider adapter is skipped with ProviderNotConfiguredError in its attempt', async () => {
    const clock = manualClock();
    const local = createMockProvider({ clock });
    const router = createRouter(seed, { clock, providers: { local }, retry: NO_WAIT_RETRY, logger: {} });
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(result.modelId).toBe('llama-3-70b');
    expect(result.attempts.slice(0, 2).map((a) => [a.modelId, a.skipped, (a.error as RouterError).code])).toEqual([
      ['claude-3-opus', 'no_provider', 'PROVIDER_NOT_CONFIGURED'],
      ['gpt-4-turbo', 'no_provider', 'PROVIDER_NOT_CONFIGURED'],
    ]);
  });

  it('a provider factory that throws is a skipped model with the error in its attempt, not a crash; a half-open trial is released', async () => {
    const clock = manualClock();
    const factory = vi.fn((): ProviderAdapter => {
      throw new Error('ANTHROPIC_API_KEY is not set');
    });
    const router = createRouter(seed, {
      clock,
      providers: { anthropic: factory, openai: createMockProvider({ clock }), local: createMockProvider({ clock }) },
      retry: NO_WAIT_RETRY,
      logger: {},
      circuitBreaker: { consecutiveFailures: 1, openMs: 1_000 },
    });
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(result.modelId).toBe('gpt-4-turbo');
    expect(result.attempts[0]).toMatchObject({ modelId: 'claude-3-opus', skipped: 'no_provider' });
    expect((result.attempts[0]!.error as Error).message).toContain('ANTHROPIC_API_KEY is not set');
    // Open the circuit, let it go half-open, and have the factory fail during the trial.
    await router.record(await router.route('cto_agent', { complexity: 9 }), { inputTokens: 0, outputTokens: 0 }, { ok: false });
    clock.advance(1_000);
    await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(router.modelState('claude-3-opus')?.unavailableReason).not.toBe('half_open_trial_in_flight');
  });

  it('provider factories are called once per model with its settings (the seed\'s endpoint)', async () => {
    const clock = manualClock();
    const factory = vi.fn(() => createMockProvider({ clock }));
    const router = createRouter(seed, { clock, providers: { local: factory, anthropic: createMockProvider({ clock }) }, retry: NO_WAIT_RETRY, logger: {} });
    await router.complete('cto_agent', ask(), { task: { privacy_level: 'high' } });
    await router.complete('cto_agent', ask(), { task: { privacy_level: 'high' } });
    expect(factory).toHaveBeenCalledTimes(1);
    expect(factory).toHaveBeenCalledWith({ id: 'llama-3-70b', provider: 'local', type: 'local', providerModelId: 'llama-3-70b', endpoint: 'http://localhost:8080' });
  });
});

describe('complete(): abort', () => {
  /** A mock whose latency only ends when the call is aborted. */
  const hanging = (): MockReply => ({ latencyMs: 10_000 });
  const neverSleep = () => new Promise<void>(() => {});

  it('an AbortSignal ends the call with RequestAbortedError, releases the reservation and does not blame the model', async () => {
    const clock = manualClock();
    const ledger = new MemoryLedger();
    const opus = createMockProvider({ responses: hanging(), sleep: neverSleep, clock });
    const gpt = createMockProvider({ clock });
    const router = createRouter(seed, { clock, ledger, providers: { 'claude-3-opus': opus, 'gpt-4-turbo': gpt, local: createMockProvider({ clock }) }, retry: NO_WAIT_RETRY, logger: {}, circuitBreaker: { consecutiveFailures: 1 } });
    const controller = new AbortController();
    const pending = router.complete('cto_agent', ask(), { task: { complexity: 9 }, signal: controller.signal });
    await vi.waitFor(() => expect(opus.calls).toHaveLength(1));
    expect(ledger.openReservations).toBe(1);
    controller.abort(new Error('user cancelled'));
    const error = (await rejection(pending)) as RequestAbortedError;
    expect(error.code).toBe('ABORTED');
    expect(error.name).toBe('RequestAbortedError');
    expect(ledger.openReservations).toBe(0);
    expect(ledger.report(DAY)).toMatchObject({ totalMicros: 0, reservedMicros: 0 });
    expect(gpt.calls).toHaveLength(0); // an abort is not a failure to fall back from
    expect(router.modelState('claude-3-opus')?.available).toBe(true);
  });

  it('an abort during a Retry-After wait ends the call at once', async () => {
    const { mocks } = seedRouter();
    const clock = manualClock();
    const ledger = new MemoryLedger();
    const controller = new AbortController();
    const opus = createMockProvider({ responses: fail(429, 2_000), clock });
    const router = createRouter(seed, {
      clock,
      ledger,
      providers: { ...mocks, 'claude-3-opus': opus },
      retry: NO_WAIT_RETRY,
      logger: {},
      sleep: (_ms, signal) =>
        new Promise<void>((resolve) => {
          controller.abort();
          signal?.addEventListener('abort', () => resolve(), { once: true });
          if (signal?.aborted) resolve();
        }),
    });
    const error = await rejection(router.complete('cto_agent', ask(), { task: { complexity: 9 }, signal: controller.signal }));
    expect(error.code).toBe('ABORTED');
    expect(opus.calls).toHaveLength(1);
    expect(mocks['gpt-4-turbo']!.calls).toHaveLength(0);
    expect(ledger.openReservations).toBe(0);
  });

  it('an already-aborted signal calls nothing', async () => {
    const { router, mocks, ledger } = seedRouter();
    const error = await rejection(router.complete('cto_agent', ask(), { task: { complexity: 9 }, signal: AbortSignal.abort() }));
    expect(error.code).toBe('ABORTED');
    expect(Object.values(mocks).every((m) => m.calls.length === 0)).toBe(true);
    expect(ledger.openReservations).toBe(0);
  });

  it('an answer that arrived as the caller aborted is still billed: the provider served it', async () => {
    const controller = new AbortController();
    const answering: ProviderAdapter = {
      specificationVersion: 'v2',
      provider: 'anthropic',
      async complete() {
        // The response is complete; the caller's abort lands before the router looks at it.
        controller.abort();
        return { content: [{ type: 'text', text: 'done' }], finishReason: 'stop', usage: { inputTokens: 1000, outputTokens: 200 } };
      },
    };
    const { mocks } = seedRouter();
    const clock = manualClock();
    const ledger = new MemoryLedger();
    const router = createRouter(seed, { clock, ledger, providers: { ...mocks, 'claude-3-opus': answering }, retry: NO_WAIT_RETRY, logger: {} });
    const error = await rejection(router.complete('cto_agent', ask(), { task: { complexity: 9 }, signal: controller.signal }));
    expect(error.code).toBe('ABORTED');
    expect(ledger.openReservations).toBe(0);
    expect(ledger.report(DAY)).toMatchObject({ totalMicros: 30_000, calls: 1, byModel: { 'claude-3-opus': 30_000 } });
  });
});

describe('complete(): a failing ledger', () => {
  it('a commit that throws surfaces its error and is not attempted twice', async () => {
    class FlakyLedger extends MemoryLedger {
      commits = 0;
      override commit(...args: Parameters<MemoryLedger['commit']>): void {
        this.commits += 1;
        void args;
        throw new Error('ledger store unreachable');
      }
    }
    const ledger = new FlakyLedger();
    const { router, mocks } = seedRouter({}, { ledger });
    await expect(router.complete('cto_agent', ask(), { task: { complexity: 9 } })).rejects.toThrow('ledger store unreachable');
    expect(ledger.commits).toBe(1);
    expect(mocks['claude-3-opus']!.calls).toHaveLength(1);
    // The answer was not thrown away for a fallback: the model did not fail.
    expect(mocks['gpt-4-turbo']!.calls).toHaveLength(0);
  });
});

describe('complete(): privacy is an invariant', () => {
  const PII = 'Refund the customer jane.doe@example.com, SSN 123-45-6789, card 4111 1111 1111 1111.';

  it('a PII request never reaches a cloud adapter, also not as a fallback when every local model fails', async () => {
    const { router, mocks } = seedRouter({ 'llama-3-70b': fail(500), 'deepseek-coder-33b': fail(503), 'qwen-2-72b': fail(403) });
    const error = (await rejection(router.complete('cto_agent', ask(PII), { task: { complexity: 9 } }))) as AllModelsFailedError;
    expect(error.code).toBe('ALL_MODELS_FAILED');
    for (const id of CLOUD) expect(mocks[id]!.calls).toHaveLength(0);
    expect(new Set(modelsOf(error.attempts))).toEqual(new Set(LOCAL));
    expect(mocks['llama-3-70b']!.calls).toHaveLength(3);
  });

  it('PII in task.data (not in the messages) is enough, also under a cloud-preferring, parallel, caching strategy', async () => {
    const { router, mocks } = seedRouter({ 'llama-3-70b': fail(500), 'deepseek-coder-33b': fail(500), 'qwen-2-72b': fail(500) });
    const error = await rejection(
      router.complete('cto_agent', ask(), { task: { complexity: 9, data: { customer: 'jane.doe@example.com' } }, context: { routing_strategy: 'performance_optimized' } }),
    );
    expect(error.code).toBe('ALL_MODELS_FAILED');
    for (const id of CLOUD) expect(mocks[id]!.calls).toHaveLength(0);
  });

  it('a critical PII task is not sent to a cloud verifier', async () => {
    const { router, mocks } = seedRouter();
    const result = await router.complete('qa_agent', ask(PII), { task: { type: 'test_generation', critical: true } });
    expect(result.modelId).toBe('llama-3-70b');
    expect(result.verification).toBeUndefined();
    for (const id of CLOUD) expect(mocks[id]!.calls).toHaveLength(0);
  });

  it('a PII request over budget degrades only to local models', async () => {
    const ledger = new MemoryLedger();
    ledger.record(DAY, { agentId: 'x', modelId: 'claude-3-opus', inputTokens: 0, outputTokens: 0, costMicros: 100_000_000, at: 0 });
    const { router, mocks } = seedRouter({ 'llama-3-70b': fail(500) }, { ledger });
    const result = await router.complete('cto_agent', ask(PII), { task: { complexity: 9 }, context: { routing_strategy: 'cost_optimized' } });
    expect(LOCAL).toContain(result.modelId);
    for (const id of CLOUD) expect(mocks[id]!.calls).toHaveLength(0);
  });

  it('a cached answer served by a cloud model is not handed to a request that must stay local', async () => {
    // qa_agent's rule sends test_generation to llama-3-70b; when it fails, gpt-4-turbo answers and
    // the answer is cached. The same text with PII in task.data must not be answered by the cloud.
    const { router, mocks } = seedRouter({ 'llama-3-70b': [fail(500), fail(500), fail(500), { text: 'local answer' }] });
    const context = { routing_strategy: 'performance_optimized' };
    const first = await router.complete('qa_agent', ask('write tests'), { task: { type: 'test_generation' }, context });
    expect(first.modelId).toBe('gpt-4-turbo');
    const second = await router.complete('qa_agent', ask('write tests'), { task: { type: 'test_generation', data: { contains_pii: true } }, context });
    expect(second.decision.localOnly).toBe(true);
    expect(LOCAL).toContain(second.modelId);
    expect(second.cached).toBe(false);
    expect(second.text).not.toBe(first.text);
    expect(mocks['gpt-4-turbo']!.calls).toHaveLength(1);
  });
});

describe('complete(): strategies that change execution', () => {
  it('parallel_requests races the first two models, returns the first answer and bills only what ran', async () => {
    const clock = manualClock();
    const ledger = new MemoryLedger();
    // claude-3-opus never answers until aborted; gpt-4-turbo answers at once.
    const opus = createMockProvider({ name: 'anthropic', responses: { latencyMs: 5_000, usage: { inputTokens: 1000, outputTokens: 1000 } }, sleep: () => new Promise(() => {}), clock });
    const gpt = createMockProvider({ name: 'openai', responses: { text: 'fast', usage: { inputTokens: 1000, outputTokens: 100 } }, clock });
    const llama = createMockProvider({ clock });
    const router = createRouter(seed, { clock, ledger, providers: { 'claude-3-opus': opus, 'gpt-4-turbo': gpt, local: llama }, retry: NO_WAIT_RETRY, logger: {}, circuitBreaker: { consecutiveFailures: 1 } });
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 }, context: { routing_strategy: 'performance_optimized' } });
    expect(result.decision.execution.parallelRequests).toBe(true);
    expect(opus.calls).toHaveLength(1);
    expect(gpt.calls).toHaveLength(1);
    expect(llama.calls).toHaveLength(0);
    expect(result).toMatchObject({ modelId: 'gpt-4-turbo', text: 'fast', usedFallback: true });
    // gpt-4-turbo: 1000 × $0.01/1k + 100 × $0.03/1k = $0.013.
    expect(result.costUsd).toBeCloseTo(0.013, 9);
    expect(ledger.report(DAY)).toMatchObject({ totalMicros: 13_000, byModel: { 'gpt-4-turbo': 13_000 }, calls: 1 });
    expect(ledger.openReservations).toBe(0);
    // The loser was cancelled by us, not failed by the provider.
    expect(router.modelState('claude-3-opus')?.available).toBe(true);
    expect(new Set(modelsOf(result.attempts))).toEqual(new Set(['claude-3-opus', 'gpt-4-turbo']));
  });

  it('parallel_requests: when both racers fail the chain goes on to the third model', async () => {
    const { router, mocks } = seedRouter({ 'claude-3-opus': fail(500), 'gpt-4-turbo': fail(403) });
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 }, context: { routing_strategy: 'performance_optimized' } });
    expect(result.modelId).toBe('llama-3-70b');
    expect(mocks['claude-3-opus']!.calls).toHaveLength(3);
    expect(mocks['gpt-4-turbo']!.calls).toHaveLength(1);
  });

  it('cache_responses answers a repeated request from the cache at cost 0', async () => {
    // performance_optimized also races gpt-4-turbo; it answers late here, so the race cancels it.
    const { router, mocks, ledger } = seedRouter({
      'claude-3-opus': { text: 'cached?', usage: { inputTokens: 1000, outputTokens: 200 } },
      'gpt-4-turbo': { latencyMs: 60_000 },
    });
    const options = { task: { complexity: 9 }, context: { routing_strategy: 'performance_optimized' } };
    const first = await router.complete('cto_agent', ask(), options);
    const second = await router.complete('cto_agent', ask(), options);
    expect(first).toMatchObject({ cached: false, costUsd: 0.03 });
    expect(second).toMatchObject({ cached: true, costUsd: 0, text: 'cached?', modelId: 'claude-3-opus', attempts: [] });
    expect(mocks['claude-3-opus']!.calls).toHaveLength(1);
    expect(ledger.report(DAY)).toMatchObject({ totalMicros: 30_000, calls: 1 });
    expect(ledger.openReservations).toBe(0);
    // A different request is not a hit; nor is the same one under a strategy without caching.
    await router.complete('cto_agent', ask('something else'), options);
    await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(mocks['claude-3-opus']!.calls).toHaveLength(3);
  });

  it('a cached answer from a fallback model says so', async () => {
    const { router } = seedRouter({ 'claude-3-opus': [fail(403), { text: 'opus' }] });
    const options = { task: { complexity: 9 }, context: { routing_strategy: 'performance_optimized' } };
    const first = await router.complete('cto_agent', ask(), options);
    expect(first.usedFallback).toBe(true);
    const second = await router.complete('cto_agent', ask(), options);
    expect(second).toMatchObject({ cached: true, modelId: 'gpt-4-turbo', usedFallback: true });
  });

  it('the cache expires on the router clock', async () => {
    const { router, mocks, clock } = seedRouter({}, { cache: { ttlMs: 1_000 } });
    const options = { task: { complexity: 9 }, context: { routing_strategy: 'performance_optimized' } };
    await router.complete('cto_agent', ask(), options);
    clock.advance(999);
    expect((await router.complete('cto_agent', ask(), options)).cached).toBe(true);
    clock.advance(1);
    expect((await router.complete('cto_agent', ask(), options)).cached).toBe(false);
    expect(mocks['claude-3-opus']!.calls).toHaveLength(2);
  });
});

describe('complete(): verification', () => {
  it('a critical test_generation for qa_agent is served locally and verified by the cloud verifier', async () => {
    const { router, mocks, ledger } = seedRouter({
      'llama-3-70b': { text: 'it("adds", ...)', usage: { inputTokens: 100, outputTokens: 100 } },
      'gpt-4-turbo': { text: 'VERIFIED\nlooks complete', usage: { inputTokens: 1000, outputTokens: 100 } },
    });
    const result = await router.complete('qa_agent', ask('write tests for add()'), { task: { type: 'test_generation', critical: true } });
    expect(result.modelId).toBe('llama-3-70b');
    expect(result.verification).toMatchObject({ modelId: 'gpt-4-turbo', verdict: 'verified', text: 'VERIFIED\nlooks complete' });
    expect(result.verification!.costUsd).toBeCloseTo(0.013, 9);
    const sent = mocks['gpt-4-turbo']!.calls[0]!.request;
    expect(sent.system).toMatch(/VERIFIED/);
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent.messages[1]!.content).toEqual([{ type: 'text', text: 'it("adds", ...)' }]);
    expect(ledger.report(DAY)).toMatchObject({ totalMicros: 13_000, byModel: { 'gpt-4-turbo': 13_000 } });
    expect(modelsOf(result.attempts)).toEqual(['llama-3-70b', 'gpt-4-turbo']);
  });

  it('a verifier reply that is not VERIFIED gives issues; a failing verifier gives failed, not an error', async () => {
    const issues = seedRouter({ 'gpt-4-turbo': 'ISSUES\n- missing edge case' });
    const withIssues = await issues.router.complete('qa_agent', ask(), { task: { type: 'test_generation', critical: true } });
    expect(withIssues.verification?.verdict).toBe('issues');
    const broken = seedRouter({ 'gpt-4-turbo': fail(500) });
    const withFailure = await broken.router.complete('qa_agent', ask(), { task: { type: 'test_generation', critical: true } });
    expect(withFailure.verification).toMatchObject({ verdict: 'failed', costUsd: 0 });
    expect(withFailure.text).toBe('answer from llama-3-70b');
  });

  it('verify: false skips the verifier', async () => {
    const { router, mocks } = seedRouter();
    const result = await router.complete('qa_agent', ask(), { task: { type: 'test_generation', critical: true }, verify: false });
    expect(result.verification).toBeUndefined();
    expect(mocks['gpt-4-turbo']!.calls).toHaveLength(0);
  });
});

describe('record()', () => {
  it('books usage of a call the host made itself in the ledger, the rate window and the metrics', async () => {
    const { router, ledger } = seedRouter();
    const decision = await router.route('cto_agent', { complexity: 9 });
    const cost = await router.record(decision, { inputTokens: 1000, outputTokens: 200 }, { latencyMs: 120 });
    expect(cost).toBeCloseTo(0.03, 9);
    expect(ledger.report(DAY)).toMatchObject({ totalMicros: 30_000, byModel: { 'claude-3-opus': 30_000 }, byAgent: { cto_agent: 30_000 } });
    expect(router.modelState('claude-3-opus')).toMatchObject({ requests_last_minute: 1, tokens_last_minute: 1_200 });
    expect((await router.metrics()).performance_by_model['claude-3-opus']).toMatchObject({ calls: 1, meanLatencyMs: 120 });
    // A fallback the host used, by its id.
    await router.record(decision, { inputTokens: 1000, outputTokens: 0 }, { modelId: 'gpt-4-turbo' });
    expect(ledger.report(DAY).byModel['gpt-4-turbo']).toBe(10_000);
  });

  it('rejects unknown models and malformed usage', async () => {
    const { router } = seedRouter();
    const decision = await router.route('cto_agent', { complexity: 9 });
    expect((await rejection(router.record(decision, { inputTokens: 1, outputTokens: 1 }, { modelId: 'nope' }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(router.record(decision, { inputTokens: -1, outputTokens: 1 }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(router.record(decision, { inputTokens: Number.NaN, outputTokens: 1 }))).code).toBe('INVALID_ARGUMENT');
  });
});

describe('complete(): rate windows', () => {
  it('at 80% of rpm the model is "approaching" and rate_limit_protection switches the decision to a fallback', async () => {
    const { router, mocks } = seedRouter();
    // claude-3-opus allows 50 requests per minute: 40 is 80%.
    for (let i = 0; i < 39; i++) await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(router.modelState('claude-3-opus')).toMatchObject({ requests_last_minute: 39, rate_limit_approaching: false });
    expect((await router.route('cto_agent', { complexity: 9 })).modelId).toBe('claude-3-opus');
    await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(router.modelState('claude-3-opus')).toMatchObject({ requests_last_minute: 40, rate_limit_approaching: true, available: true });
    const decision = await router.route('cto_agent', { complexity: 9 });
    expect(decision).toMatchObject({ modelId: 'gpt-4-turbo', source: 'global_rule' });
    expect(decision.reason).toContain('rate_limit_protection');
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9 } });
    expect(result.modelId).toBe('gpt-4-turbo');
    expect(mocks['claude-3-opus']!.calls).toHaveLength(40);
  });

  it('an exhausted window makes the model unavailable until it frees up', async () => {
    const { router, clock, mocks } = seedRouter();
    const start = clock();
    const decision = await router.route('cto_agent', { complexity: 9 });
    for (let i = 0; i < 50; i++) await router.record(decision, { inputTokens: 10, outputTokens: 10 });
    expect(router.modelState('claude-3-opus')).toMatchObject({ available: false, unavailableReason: 'rate_limited', availableAt: start + 60_000 });
    const during = await router.complete('cto_agent', ask(), { task: { complexity: 9, force_model: 'claude-3-opus' } });
    expect(during.modelId).not.toBe('claude-3-opus');
    expect(mocks['claude-3-opus']!.calls).toHaveLength(0);
    clock.advance(60_000);
    expect(router.modelState('claude-3-opus')).toMatchObject({ available: true, requests_last_minute: 0 });
    expect((await router.complete('cto_agent', ask(), { task: { complexity: 9 } })).modelId).toBe('claude-3-opus');
  });

  it('concurrent calls never send more than rpm requests to a model in one minute', async () => {
    const { router, mocks } = seedRouter();
    // 60 calls at once against claude-3-opus's 50 rpm: each passes the rate check before the
    // others have recorded their request unless check and record are one step.
    const results = await Promise.all(Array.from({ length: 60 }, () => router.complete('cto_agent', ask(), { task: { complexity: 9 } })));
    expect(mocks['claude-3-opus']!.calls.length).toBeLessThanOrEqual(50);
    expect(results.filter((r) => r.modelId === 'claude-3-opus').length).toBeLessThanOrEqual(50);
    expect(router.modelState('claude-3-opus')?.requests_last_minute).toBeLessThanOrEqual(50);
  });
});

describe('public surface', () => {
  it('the errors complete() and stream() throw are exported from the package entry, with working guards', () => {
    for (const name of ['AllModelsFailedError', 'RequestAbortedError', 'StreamInterruptedError', 'ProviderNotConfiguredError']) {
      expect(Object.keys(pkg)).toContain(name);
    }
    const failed = new AllModelsFailedError('a', [], undefined);
    expect(AllModelsFailedError.isInstance(failed)).toBe(true);
    expect(RequestAbortedError.isInstance(failed)).toBe(false);
    expect(RequestAbortedError.isInstance(new RequestAbortedError())).toBe(true);
  });

  it('BudgetExceededError is exported and recognised', () => {
    expect(BudgetExceededError.isInstance(new BudgetExceededError('a', 1, 1, 1))).toBe(true);
  });
});
