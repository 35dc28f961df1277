// A full complete() / stream() through the real openai and @anthropic-ai/sdk clients, over real
// sockets, against a local server speaking both wire formats: success, 429 Retry-After → fallback,
// 500 retried, a reset connection retried, a stream cut mid-answer.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createRouter,
  MemoryLedger,
  ProviderError,
  RouterError,
  type LoadedConfig,
  type ModelInfo,
  type RequestAbortedError,
  type RouterStreamPart,
  type StreamInterruptedError,
} from 'llm-agent-router';
import { createAnthropicProvider } from 'llm-agent-router/anthropic';
import { createOpenAIProvider } from 'llm-agent-router/openai';
import { rejection } from '../helpers/router-outcomes.js';
import { loadSeed, manualClock } from '../helpers/seed.js';
import { anthropicWire, openaiWire, useWireServer } from '../helpers/wire-server.js';

const server = useWireServer();

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const DAY = '2026-11-25';
const ask = { messages: [{ role: 'user' as const, content: 'Which database?' }], maxTokens: 100 };
const COMPLEX = { task: { complexity: 9 } };

function setup() {
  const clock = manualClock();
  const ledger = new MemoryLedger();
  const sleep = vi.fn(async (_ms: number) => {});
  const localFactory = vi.fn((model: ModelInfo) => {
    // A real host would use model.endpoint (the seed's http://localhost:8080); here, the test server.
    expect(model.endpoint).toMatch(/^http:\/\/localhost:808\d$/);
    return createOpenAIProvider({ baseURL: server.url, name: 'local', timeoutMs: 5_000 });
  });
  const router = createRouter(seed, {
    clock,
    ledger,
    sleep,
    logger: {},
    retry: { retries: 2, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false },
    providers: {
      anthropic: createAnthropicProvider({ baseURL: server.url, apiKey: 'test', timeoutMs: 5_000 }),
      openai: createOpenAIProvider({ baseURL: server.url, apiKey: 'test', timeoutMs: 5_000 }),
      local: localFactory,
    },
  });
  return { router, ledger, clock, sleep, localFactory };
}

const paths = () => server.requests.map((r) => r.path);


describe('complete() through the real SDKs', () => {
  it('succeeds through the Anthropic SDK and books the reported usage', async () => {
    const { router, ledger } = setup();
    server.enqueue(anthropicWire.message('PostgreSQL.', { usage: { input_tokens: 20, output_tokens: 7 } }));
    const result = await router.complete('cto_agent', ask, COMPLEX);
    expect(result).toMatchObject({ text: 'PostgreSQL.', modelId: 'claude-3-opus', provider: 'anthropic', finishReason: 'stop', usage: { inputTokens: 20, outputTokens: 7 } });
    // 20 × $0.015/1k + 7 × $0.075/1k = $0.000825.
    expect(result.costUsd).toBeCloseTo(0.000825, 9);
    expect(ledger.report(DAY)).toMatchObject({ totalMicros: 825, calls: 1 });
    expect(ledger.openReservations).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/messages', body: { model: 'claude-3-opus-20240229', max_tokens: 100 } });
    expect(server.requests[0]!.headers['authorization']).toBe('Bearer test');
  });

  it('a 429 with a long Retry-After falls back to the next model at once (OpenAI SDK) and cools the first down', async () => {
    const { router, sleep, clock } = setup();
    server.enqueue(anthropicWire.error(429, 'rate_limit_error', 'slow down', { 'retry-after': '30' }), openaiWire.completion('MySQL.', { usage: { prompt_tokens: 15, completion_tokens: 3 } }));
    const result = await router.complete('cto_agent', ask, COMPLEX);
    expect(result).toMatchObject({ text: 'MySQL.', modelId: 'gpt-4-turbo', provider: 'openai', usedFallback: true });
    expect(paths()).toEqual(['/v1/messages', '/v1/chat/completions']);
    expect(server.requests[1]!.body).toMatchObject({ model: 'gpt-4-turbo-preview', max_tokens: 100 });
    expect(sleep).not.toHaveBeenCalled();
    const first = result.attempts[0]!;
    expect(first).toMatchObject({ modelId: 'claude-3-opus', ok: false });
    expect(first.error).toMatchObject({ status: 429, retryAfterMs: 30_000, retryable: true });
    expect(router.modelState('claude-3-opus')).toMatchObject({ available: false, unavailableReason: 'cooling_down', availableAt: clock() + 30_000 });
  });

  it('a 429 with a short Retry-After is waited out (injected sleep) and retried on the same model', async () => {
    const { router, sleep } = setup();
    server.enqueue(anthropicWire.error(429, 'rate_limit_error', 'slow down', { 'retry-after': '2' }), anthropicWire.message('Both.'));
    const result = await router.complete('cto_agent', ask, COMPLEX);
    expect(result).toMatchObject({ text: 'Both.', modelId: 'claude-3-opus' });
    expect(sleep).toHaveBeenCalledWith(2_000, undefined);
    expect(paths()).toEqual(['/v1/messages', '/v1/messages']);
  });

  it('a 500 is retried, then succeeds', async () => {
    const { router } = setup();
    server.enqueue(anthropicWire.error(500, 'api_error', 'internal'), anthropicWire.message('Retry worked.'));
    const result = await router.complete('cto_agent', ask, COMPLEX);
    expect(result).toMatchObject({ text: 'Retry worked.', modelId: 'claude-3-opus', usedFallback: false });
    expect(result.attempts.map((a) => [a.attempt, a.ok, (a.error as ProviderError | undefined)?.status])).toEqual([
      [1, false, 500],
      [2, true, undefined],
    ]);
  });

  it('a 401 is not retried: the next model is asked once', async () => {
    const { router } = setup();
    server.enqueue(anthropicWire.error(401, 'authentication_error', 'invalid x-api-key'), openaiWire.completion('ok'));
    const result = await router.complete('cto_agent', ask, COMPLEX);
    expect(result.modelId).toBe('gpt-4-turbo');
    expect(paths()).toEqual(['/v1/messages', '/v1/chat/completions']);
  });

  it('a 400 for a malformed request fails at once: not retried, and no other model is asked', async () => {
    const { router, ledger } = setup();
    server.enqueue(anthropicWire.error(400, 'invalid_request_error', 'messages.0.content: Field required'), openaiWire.completion('never'));
    const error = await rejection(router.complete('cto_agent', ask, COMPLEX));
    expect(error).toMatchObject({ code: 'REQUEST_REJECTED', modelId: 'claude-3-opus' });
    expect(paths()).toEqual(['/v1/messages']);
    expect(ledger.openReservations).toBe(0);
  });

  it("Anthropic's context-length 400 falls back to the next model", async () => {
    const { router } = setup();
    server.enqueue(anthropicWire.error(400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'), openaiWire.completion('shorter context, still fine'));
    const result = await router.complete('cto_agent', ask, COMPLEX);
    expect(result.modelId).toBe('gpt-4-turbo');
    expect((result.attempts[0]!.error as ProviderError).kind).toBe('context_length');
  });

  it('a reset connection is retried', async () => {
    const { router } = setup();
    server.enqueue({ type: 'destroy' }, anthropicWire.message('Reconnected.'));
    const result = await router.complete('cto_agent', ask, COMPLEX);
    expect(result).toMatchObject({ text: 'Reconnected.', modelId: 'claude-3-opus' });
    expect((result.attempts[0]!.error as ProviderError).kind).toBe('connection');
    expect(server.requests).toHaveLength(2);
  });

  it('a local model is served through the OpenAI adapter built by the provider factory from its endpoint', async () => {
    const { router, localFactory } = setup();
    server.enqueue(openaiWire.completion('local answer', { usage: { prompt_tokens: 9, completion_tokens: 2 } }));
    const result = await router.complete('cto_agent', { messages: [{ role: 'user', content: 'Mail jane.doe@example.com the report' }] }, COMPLEX);
    expect(result).toMatchObject({ modelId: 'llama-3-70b', provider: 'local', costUsd: 0, text: 'local answer' });
    expect(localFactory).toHaveBeenCalledTimes(1);
    expect(server.requests[0]).toMatchObject({ path: '/v1/chat/completions', body: { model: 'llama-3-70b' } });
    // No key of the account is sent to a local server.
    expect(server.requests[0]!.headers['authorization']).toBe('Bearer no-key-required');
  });

  it('every model failing ends in AllModelsFailedError listing each HTTP attempt', async () => {
    const { router, ledger } = setup();
    server.setFallback(openaiWire.error(503, 'overloaded'));
    const error = await rejection(router.complete('cto_agent', ask, COMPLEX));
    expect(error.code).toBe('ALL_MODELS_FAILED');
    expect(server.requests).toHaveLength(9);
    expect(ledger.openReservations).toBe(0);
  });

  it('an abort while waiting for the server ends with RequestAbortedError and no reservation', async () => {
    const { router, ledger } = setup();
    server.enqueue({ ...anthropicWire.message('too late'), delayMs: 2_000 });
    const controller = new AbortController();
    const pending = router.complete('cto_agent', ask, { ...COMPLEX, signal: controller.signal });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort();
    const error = (await rejection(pending)) as RequestAbortedError;
    expect(error.code).toBe('ABORTED');
    expect(ledger.openReservations).toBe(0);
    expect(server.requests).toHaveLength(1);
  });
});

describe("a try's timeout through the real OpenAI SDK (the adapter ends its own calls: no signal is made for them)", () => {
  it('a server slower than timeouts.attemptMs: the try times out, the SDK ends its request, and nothing stays reserved', async () => {
    const ledger = new MemoryLedger();
    const router = createRouter(
      {
        models: { gpt: { provider: 'openai', type: 'cloud', model_id: 'gpt-test', cost_per_1k_tokens: { input: 0.01, output: 0.03 } } },
        agents: { a: { model_preferences: { primary: 'gpt' } } },
        routing: { budget: { daily: 100 } },
      },
      { ledger, logger: {}, retry: { retries: 0 }, timeouts: { attemptMs: 200 }, providers: { openai: createOpenAIProvider({ baseURL: server.url, apiKey: 'test' }) } },
    );
    server.enqueue({ ...openaiWire.completion('too late'), delayMs: 1_500 });
    const error = await rejection(router.complete('a', ask));
    expect(error.code).toBe('ALL_MODELS_FAILED');
    const attempts = (error as unknown as { attempts: { error?: unknown }[] }).attempts;
    expect(attempts[0]!.error).toMatchObject({ kind: 'timeout', retryable: true });
    // The timed-out try kept its reservation until its request ended: the SDK's own timeout ended it.
    await vi.waitFor(() => expect(ledger.openReservations).toBe(0));
    expect(server.requests).toHaveLength(1);
  });
});

describe('stream() through the real SDKs', () => {
  async function drain(parts: AsyncIterable<RouterStreamPart>) {
    const seen: RouterStreamPart[] = [];
    try {
      for await (const part of parts) seen.push(part);
    } catch (error) {
      return { parts: seen, error: error as RouterError };
    }
    return { parts: seen, error: undefined };
  }

  it('streams the deltas and books the streamed usage', async () => {
    const { router, ledger } = setup();
    server.enqueue(anthropicWire.stream(['Postgre', 'SQL.'], { usage: { input_tokens: 20, output_tokens: 7 } }));
    const { parts, error } = await drain(router.stream('cto_agent', ask, COMPLEX));
    expect(error).toBeUndefined();
    expect(parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : []))).toEqual(['Postgre', 'SQL.']);
    const finish = parts[parts.length - 1]!;
    if (finish.type !== 'finish') throw new Error('expected a finish part');
    expect(finish.result).toMatchObject({ text: 'PostgreSQL.', usage: { inputTokens: 20, outputTokens: 7 } });
    expect(ledger.report(DAY).totalMicros).toBe(825);
  });

  it('a stream cut mid-answer ends with StreamInterruptedError carrying the partial text; no fallback', async () => {
    const { router, ledger } = setup();
    server.enqueue(anthropicWire.streamCut(['The answer', ' is']));
    const { parts, error } = await drain(router.stream('cto_agent', ask, COMPLEX));
    expect(parts.map((p) => p.type)).toEqual(['start', 'text-delta', 'text-delta']);
    expect(error?.code).toBe('STREAM_INTERRUPTED');
    expect((error as StreamInterruptedError).partialText).toBe('The answer is');
    expect(server.requests).toHaveLength(1);
    expect(ledger.openReservations).toBe(0);
    expect(ledger.report(DAY).calls).toBe(1);
  });

  it('a stream that fails before its first token falls back (OpenAI stream)', async () => {
    const { router } = setup();
    server.enqueue(anthropicWire.error(529, 'overloaded_error', 'busy', { 'retry-after': '60' }), openaiWire.stream(['My', 'SQL']));
    const { parts, error } = await drain(router.stream('cto_agent', ask, COMPLEX));
    expect(error).toBeUndefined();
    expect(parts[0]).toMatchObject({ type: 'start', modelId: 'gpt-4-turbo' });
    const finish = parts[parts.length - 1]!;
    if (finish.type !== 'finish') throw new Error('expected a finish part');
    expect(finish.result.text).toBe('MySQL');
    expect(paths()).toEqual(['/v1/messages', '/v1/chat/completions']);
  });
});

describe('transport failures name where they went', () => {
  it('a refused connection names the provider instance and the URL it tried', async () => {
    const { createServer } = await import('node:net');
    // A port that was free a moment ago: nothing listens there now.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const adapter = createOpenAIProvider({ baseURL: `http://127.0.0.1:${port}`, name: 'local:deepseek-coder-33b' });
    const error = await adapter.complete({ model: 'deepseek-coder', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'connection', provider: 'local:deepseek-coder-33b' });
    expect((error as Error).message).toContain(`connection to http://127.0.0.1:${port}/v1 failed`);
    expect((error as Error).message).toContain('local:deepseek-coder-33b (deepseek-coder)');
  });
});
