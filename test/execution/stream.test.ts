// router.stream() with mock providers: deltas then a finish with the booked cost; fallbacks before
// the first token; a typed error (never a silent truncated success) after it; nothing left reserved.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createRouter,
  MemoryLedger,
  StreamInterruptedError,
  type AllModelsFailedError,
  type LoadedConfig,
  type ProviderAdapter,
  type RequestAbortedError,
  type RouterStreamPart,
  type StreamPart,
} from 'llm-agent-router';
import { createMockProvider, type MockProvider, type MockResponses } from 'llm-agent-router/test';
import { loadSeed, manualClock } from '../helpers/seed.js';
import { drain } from '../helpers/router-outcomes.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const DAY = '2026-11-25';
const CLOUD = ['claude-3-opus', 'gpt-4-turbo'];
const NO_WAIT_RETRY = { retries: 2, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false } as const;
const ask = (content = 'Explain the cache.') => ({ messages: [{ role: 'user' as const, content }] });
const COMPLEX = { task: { complexity: 9 } };

function setup(scripts: Partial<Record<string, MockResponses>> = {}, options: Partial<Parameters<typeof createRouter>[1]> = {}) {
  const clock = manualClock();
  const ledger = new MemoryLedger();
  const mocks: Record<string, MockProvider> = {};
  for (const id of Object.keys(seed.models)) {
    mocks[id] = createMockProvider({ name: seed.models[id]!.provider, responses: scripts[id] ?? { text: `answer from ${id}` }, clock });
  }
  const router = createRouter(seed, { clock, ledger, providers: mocks, retry: NO_WAIT_RETRY, sleep: async () => {}, logger: {}, ...options });
  return { router, ledger, clock, mocks };
}


const deltas = (parts: RouterStreamPart[]) => parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : []));

describe('stream(): success', () => {
  it('yields start, the deltas, then finish with usage; the cost is booked and nothing stays reserved', async () => {
    const { router, ledger } = setup({ 'claude-3-opus': { text: 'use a write-through cache', usage: { inputTokens: 1000, outputTokens: 200 } } });
    const { parts, error } = await drain(router.stream('cto_agent', ask(), COMPLEX));
    expect(error).toBeUndefined();
    expect(parts[0]).toMatchObject({ type: 'start', modelId: 'claude-3-opus' });
    expect(deltas(parts)).toEqual(['use ', 'a ', 'write-through ', 'cache']);
    const finish = parts[parts.length - 1]!;
    expect(finish.type).toBe('finish');
    if (finish.type !== 'finish') throw new Error('unreachable');
    expect(finish.result).toMatchObject({ text: 'use a write-through cache', modelId: 'claude-3-opus', costUsd: 0.03, usedFallback: false, usage: { inputTokens: 1000, outputTokens: 200 } });
    expect(ledger.report(DAY)).toMatchObject({ totalMicros: 30_000, calls: 1, byModel: { 'claude-3-opus': 30_000 } });
    expect(ledger.openReservations).toBe(0);
    expect(parts.filter((p) => p.type === 'start' || p.type === 'finish')).toHaveLength(2);
  });
});

describe('stream(): failures before the first token', () => {
  it('are retried, then fall back to the next model', async () => {
    const { router, mocks, ledger } = setup({ 'claude-3-opus': { text: 'never', failAfterChunks: 0 } });
    const { parts, error } = await drain(router.stream('cto_agent', ask(), COMPLEX));
    expect(error).toBeUndefined();
    expect(parts[0]).toMatchObject({ type: 'start', modelId: 'gpt-4-turbo' });
    expect(mocks['claude-3-opus']!.calls).toHaveLength(3);
    const finish = parts[parts.length - 1]!;
    if (finish.type !== 'finish') throw new Error('expected a finish part');
    expect(finish.result).toMatchObject({ modelId: 'gpt-4-turbo', usedFallback: true, text: 'answer from gpt-4-turbo' });
    expect(finish.result.attempts.map((a) => [a.modelId, a.ok])).toEqual([
      ['claude-3-opus', false],
      ['claude-3-opus', false],
      ['claude-3-opus', false],
      ['gpt-4-turbo', true],
    ]);
    expect(ledger.openReservations).toBe(0);
    expect(ledger.report(DAY).byModel['claude-3-opus']).toBeUndefined();
  });

  it('an HTTP error when opening the stream falls back too; a 401 is not retried', async () => {
    const { router, mocks } = setup({ 'claude-3-opus': { error: { status: 401 } } });
    const { parts } = await drain(router.stream('cto_agent', ask(), COMPLEX));
    expect(parts[0]).toMatchObject({ type: 'start', modelId: 'gpt-4-turbo' });
    expect(mocks['claude-3-opus']!.calls).toHaveLength(1);
  });

  it('a 400 when opening the stream ends it with RequestRejectedError: no retry, no fallback, nothing reserved', async () => {
    const { router, mocks, ledger } = setup({ 'claude-3-opus': { error: { status: 400, message: 'messages.1: invalid role' } } });
    const { parts, error } = await drain(router.stream('cto_agent', ask(), COMPLEX));
    expect(parts).toEqual([]);
    expect(error).toMatchObject({ code: 'REQUEST_REJECTED', modelId: 'claude-3-opus' });
    expect(mocks['claude-3-opus']!.calls).toHaveLength(1);
    expect(mocks['gpt-4-turbo']!.calls).toHaveLength(0);
    expect(ledger.openReservations).toBe(0);
  });

  it('when every model fails before its first token: AllModelsFailedError with every attempt, nothing reserved', async () => {
    const broken = { failAfterChunks: 0 };
    const { router, ledger } = setup({ 'claude-3-opus': broken, 'gpt-4-turbo': broken, 'llama-3-70b': broken });
    const { parts, error } = await drain(router.stream('cto_agent', ask(), COMPLEX));
    expect(parts).toEqual([]);
    expect(error?.code).toBe('ALL_MODELS_FAILED');
    expect((error as AllModelsFailedError).attempts).toHaveLength(9);
    expect(ledger.openReservations).toBe(0);
  });

  it('when every model answers 429 with a long Retry-After, the error says when the first is available again', async () => {
    const { router, clock } = setup({
      'claude-3-opus': { error: { status: 429, retryAfterMs: 120_000 } },
      'gpt-4-turbo': { error: { status: 429, retryAfterMs: 30_000 } },
      'llama-3-70b': { error: { status: 429, retryAfterMs: 60_000 } },
    });
    const start = clock();
    const { error } = await drain(router.stream('cto_agent', ask(), COMPLEX));
    expect(error?.code).toBe('ALL_MODELS_FAILED');
    expect((error as AllModelsFailedError).retryAt).toBe(start + 30_000);
  });

  it('an adapter without stream() is skipped', async () => {
    const clock = manualClock();
    const completeOnly: ProviderAdapter = { specificationVersion: 'v2', provider: 'anthropic', complete: async () => ({ content: [{ type: 'text', text: 'x' }], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } }) };
    const router = createRouter(seed, { clock, providers: { 'claude-3-opus': completeOnly, openai: createMockProvider({ clock }), local: createMockProvider({ clock }) }, retry: NO_WAIT_RETRY, logger: {} });
    const { parts } = await drain(router.stream('cto_agent', ask(), COMPLEX));
    expect(parts[0]).toMatchObject({ type: 'start', modelId: 'gpt-4-turbo' });
    const finish = parts[parts.length - 1]!;
    if (finish.type !== 'finish') throw new Error('expected a finish part');
    expect(finish.result.attempts[0]).toMatchObject({ modelId: 'claude-3-opus', skipped: 'no_streaming' });
  });

  it('a PII stream never reaches a cloud model, also when the local models fail before their first token', async () => {
    const broken = { failAfterChunks: 0 };
    const { router, mocks } = setup({ 'llama-3-70b': broken, 'deepseek-coder-33b': broken, 'qwen-2-72b': broken });
    const { error } = await drain(router.stream('cto_agent', ask('Email jane.doe@example.com her SSN 123-45-6789'), COMPLEX));
    expect(error?.code).toBe('ALL_MODELS_FAILED');
    for (const id of CLOUD) expect(mocks[id]!.calls).toHaveLength(0);
    expect(mocks['llama-3-70b']!.calls.length).toBeGreaterThan(0);
  });
});

describe('stream(): failures after the first token', () => {
  it('end with StreamInterruptedError carrying the partial text — never a silent truncated success — and settle the reservation', async () => {
    const { router, mocks, ledger } = setup({ 'claude-3-opus': { streamChunks: ['The answer ', 'is ', '42 ', 'because'], failAfterChunks: 2 } }, { circuitBreaker: { consecutiveFailures: 1 } });
    const { parts, error } = await drain(router.stream('cto_agent', ask(), COMPLEX));
    expect(parts.map((p) => p.type)).toEqual(['start', 'text-delta', 'text-delta']);
    expect(parts.some((p) => p.type === 'finish')).toBe(false);
    expect(error?.code).toBe('STREAM_INTERRUPTED');
    expect(error?.name).toBe('StreamInterruptedError');
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    const interrupted = error as StreamInterruptedError;
    expect(interrupted.partialText).toBe('The answer is ');
    expect(interrupted.modelId).toBe('claude-3-opus');
    // No fallback after text reached the caller: it would repeat what was already consumed.
    expect(mocks['gpt-4-turbo']!.calls).toHaveLength(0);
    expect(ledger.openReservations).toBe(0);
    const report = ledger.report(DAY);
    expect(report.calls).toBe(1);
    expect(report.byModel['claude-3-opus']).toBeGreaterThan(0);
    // The provider failed: the breaker counts it.
    expect(router.modelState('claude-3-opus')).toMatchObject({ available: false, unavailableReason: 'circuit_open' });
  });

  it('a provider stream that ends without a finish part is an interruption, not a success', async () => {
    const clock = manualClock();
    const ledger = new MemoryLedger();
    const noFinish: ProviderAdapter = {
      specificationVersion: 'v2',
      provider: 'anthropic',
      complete: async () => {
        throw new Error('unused');
      },
      async *stream() {
        yield { type: 'text-delta', text: 'half an ans' } satisfies StreamPart;
      },
    };
    const router = createRouter(seed, { clock, ledger, providers: { 'claude-3-opus': noFinish, openai: createMockProvider({ clock }), local: createMockProvider({ clock }) }, retry: NO_WAIT_RETRY, logger: {} });
    const { error } = await drain(router.stream('cto_agent', ask(), COMPLEX));
    expect(error?.code).toBe('STREAM_INTERRUPTED');
    expect((error as StreamInterruptedError).partialText).toBe('half an ans');
    expect(ledger.openReservations).toBe(0);
  });
});

describe('stream(): a provider that breaks the protocol', () => {
  it('text after the finish part is ignored: the stream ends at finish, billed by its usage, nothing reserved', async () => {
    const clock = manualClock();
    const ledger = new MemoryLedger();
    let closed = false;
    const chatty: ProviderAdapter = {
      specificationVersion: 'v2',
      provider: 'anthropic',
      complete: async () => {
        throw new Error('unused');
      },
      async *stream() {
        try {
          yield { type: 'text-delta', text: 'answer' } satisfies StreamPart;
          yield { type: 'finish', finishReason: 'stop', usage: { inputTokens: 1000, outputTokens: 200 } } satisfies StreamPart;
          yield { type: 'text-delta', text: ' and more' } satisfies StreamPart;
        } finally {
          closed = true;
        }
      },
    };
    const router = createRouter(seed, { clock, ledger, providers: { 'claude-3-opus': chatty, openai: createMockProvider({ clock }), local: createMockProvider({ clock }) }, retry: NO_WAIT_RETRY, logger: {} });
    const seen: RouterStreamPart[] = [];
    for await (const part of router.stream('cto_agent', ask(), COMPLEX)) {
      seen.push(part);
      if (part.type === 'text-delta' && part.text === ' and more') break;
    }
    expect(seen.map((p) => p.type)).toEqual(['start', 'text-delta', 'finish']);
    expect(closed).toBe(true);
    expect(ledger.openReservations).toBe(0);
    expect(ledger.report(DAY)).toMatchObject({ totalMicros: 30_000, calls: 1 });
  });
});

describe('stream(): the consumer stops or aborts', () => {
  /** A provider stream that records whether it was closed. */
  function closable(chunks: string[]) {
    const state = { closed: false, pulled: 0 };
    const adapter: ProviderAdapter = {
      specificationVersion: 'v2',
      provider: 'anthropic',
      complete: async () => {
        throw new Error('unused');
      },
      async *stream() {
        try {
          for (const text of chunks) {
            state.pulled++;
            yield { type: 'text-delta', text } satisfies StreamPart;
          }
          yield { type: 'finish', finishReason: 'stop', usage: { inputTokens: 1000, outputTokens: 200 } } satisfies StreamPart;
        } finally {
          state.closed = true;
        }
      },
    };
    return { adapter, state };
  }

  function routerWith(adapter: ProviderAdapter, options: Partial<Parameters<typeof createRouter>[1]> = {}) {
    const clock = manualClock();
    const ledger = new MemoryLedger();
    const others = createMockProvider({ clock });
    const router = createRouter(seed, { clock, ledger, providers: { 'claude-3-opus': adapter, openai: others, local: others }, retry: NO_WAIT_RETRY, logger: {}, ...options });
    return { router, ledger, clock, others };
  }

  it('a consumer that stops after the first delta closes the provider stream, bills what it consumed and leaves nothing reserved', async () => {
    const { adapter, state } = closable(['one ', 'two ', 'three']);
    const { router, ledger } = routerWith(adapter);
    for await (const part of router.stream('cto_agent', ask(), COMPLEX)) {
      if (part.type === 'text-delta') break;
    }
    expect(state.closed).toBe(true);
    expect(state.pulled).toBe(1);
    expect(ledger.openReservations).toBe(0);
    expect(ledger.report(DAY).calls).toBe(1);
  });

  it('a consumer that stops at the start part also closes and settles', async () => {
    const { adapter, state } = closable(['one ', 'two']);
    const { router, ledger } = routerWith(adapter);
    for await (const part of router.stream('cto_agent', ask(), COMPLEX)) {
      if (part.type === 'start') break;
    }
    expect(state.closed).toBe(true);
    expect(ledger.openReservations).toBe(0);
  });

  it('a consumer that stops does not keep a half-open trial claimed: the model can be tried again', async () => {
    const { adapter } = closable(['one ', 'two']);
    const { router, clock } = routerWith(adapter, { circuitBreaker: { consecutiveFailures: 1, openMs: 1_000 } });
    // Open the circuit with a host-reported failure, then let it go half-open.
    await router.record(await router.route('cto_agent', { complexity: 9 }), { inputTokens: 0, outputTokens: 0 }, { ok: false });
    expect(router.modelState('claude-3-opus')?.unavailableReason).toBe('circuit_open');
    clock.advance(1_000);
    for await (const part of router.stream('cto_agent', ask(), COMPLEX)) {
      expect(part).toMatchObject({ type: 'start', modelId: 'claude-3-opus' });
      break;
    }
    expect(router.modelState('claude-3-opus')?.available).toBe(true);
  });

  it('an abort mid-stream ends with RequestAbortedError, settles the reservation and does not count against the breaker', async () => {
    const { router, ledger, mocks } = setup({ 'claude-3-opus': { streamChunks: ['a ', 'b ', 'c ', 'd'] } }, { circuitBreaker: { consecutiveFailures: 1 } });
    const controller = new AbortController();
    const seen: string[] = [];
    let caught: unknown;
    try {
      for await (const part of router.stream('cto_agent', ask(), { ...COMPLEX, signal: controller.signal })) {
        if (part.type === 'text-delta') {
          seen.push(part.text);
          if (seen.length === 2) controller.abort();
        }
      }
    } catch (error) {
      caught = error;
    }
    expect(seen).toEqual(['a ', 'b ']);
    expect((caught as RequestAbortedError).code).toBe('ABORTED');
    expect(ledger.openReservations).toBe(0);
    expect(router.modelState('claude-3-opus')?.available).toBe(true);
    expect(mocks['gpt-4-turbo']!.calls).toHaveLength(0);
  });

  it('an abort before the first token ends with RequestAbortedError and no fallback', async () => {
    const clock = manualClock();
    const ledger = new MemoryLedger();
    const hanging = createMockProvider({ responses: { latencyMs: 10_000 }, sleep: () => new Promise(() => {}), clock });
    const others = createMockProvider({ clock });
    const router = createRouter(seed, { clock, ledger, providers: { 'claude-3-opus': hanging, openai: others, local: others }, retry: NO_WAIT_RETRY, logger: {} });
    const controller = new AbortController();
    const pending = drain(router.stream('cto_agent', ask(), { ...COMPLEX, signal: controller.signal }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(hanging.calls).toHaveLength(1);
    controller.abort();
    const { parts, error } = await pending;
    expect(parts).toEqual([]);
    expect(error?.code).toBe('ABORTED');
    expect(others.calls).toHaveLength(0);
    expect(ledger.openReservations).toBe(0);
  });
});

describe('stream(): an abort while the consumer holds the stream at a yield', () => {
  it('settles what was consumed and closes the provider stream even if the consumer never resumes it', async () => {
    const { router, ledger, mocks } = setup({ 'claude-3-opus': { streamChunks: ['one ', 'two ', 'three'], usage: { inputTokens: 100, outputTokens: 3 } } });
    const controller = new AbortController();
    const stream = router.stream('cto_agent', ask(), { ...COMPLEX, signal: controller.signal });
    // Read the start and one delta, then abort and walk away, as some frameworks do.
    await stream.next();
    await stream.next();
    expect(ledger.openReservations).toBe(1);
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(ledger.openReservations).toBe(0);
    expect(ledger.report(DAY).calls).toBe(1);
    expect(mocks['claude-3-opus']!.calls).toHaveLength(1);
  });
});
