import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/call-errors.js';
import type { ProviderRequest, ProviderResponse } from '../../src/providers/provider.js';
import { createMockProvider, MockProvider, type MockProviderOptions } from '../../src/test.js';
import { collect, failure } from '../helpers/provider-outcomes.js';

const request: ProviderRequest = {
  model: 'mock-model',
  system: 'sys',
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'first question' }] },
    { role: 'assistant', content: [{ type: 'text', text: 'an answer' }] },
    { role: 'user', content: [{ type: 'text', text: 'Hello there, mock!' }] },
  ],
};

/** The text parts of a response, joined. */
const textOf = (response: ProviderResponse) => response.content.map((part) => (part.type === 'text' ? part.text : '')).join('');

/** A sleep that takes no real time but records what was asked. */
function fakeSleep() {
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  return { waits, sleep };
}


describe('MockProvider: replies', () => {
  it('echoes the last user message by default, with usage estimated as ceil(chars / 4)', async () => {
    const mock = createMockProvider();
    const result = await mock.complete(request);
    expect(result.content).toEqual([{ type: 'text', text: 'Hello there, mock!' }]);
    expect(result.finishReason).toBe('stop');
    const promptChars = 'sys'.length + 'first question'.length + 'an answer'.length + 'Hello there, mock!'.length;
    expect(result.usage).toEqual({ inputTokens: Math.ceil(promptChars / 4), outputTokens: Math.ceil(18 / 4) });
    expect(mock).toBeInstanceOf(MockProvider);
    expect(mock.provider).toBe('mock');
    expect(mock.specificationVersion).toBe('v2');
  });

  it('uses one value for every call', async () => {
    const mock = createMockProvider({ responses: { text: 'fixed', usage: { inputTokens: 3, outputTokens: 2 }, finishReason: 'length' } });
    for (let i = 0; i < 3; i++) {
      expect(await mock.complete(request)).toMatchObject({
        content: [{ type: 'text', text: 'fixed' }],
        finishReason: 'length',
        usage: { inputTokens: 3, outputTokens: 2 },
      });
    }
  });

  it('uses a list in order and repeats the last entry; a string is shorthand for { text }', async () => {
    const mock = createMockProvider({ responses: ['one', { text: 'two' }, 'three'] });
    const texts: string[] = [];
    for (let i = 0; i < 5; i++) texts.push(textOf(await mock.complete(request)));
    expect(texts).toEqual(['one', 'two', 'three', 'three', 'three']);
  });

  it('calls a function with the request and the call index', async () => {
    const seen: Array<[string, number]> = [];
    const mock = createMockProvider({
      responses: async (req, index) => {
        seen.push([req.model, index]);
        return { text: `reply ${index}` };
      },
    });
    expect(textOf(await mock.complete(request))).toBe('reply 0');
    expect(textOf(await mock.complete({ ...request, model: 'other' }))).toBe('reply 1');
    expect(seen).toEqual([
      ['mock-model', 0],
      ['other', 1],
    ]);
  });

  it('fills in the usage it is not given', async () => {
    const mock = createMockProvider({ responses: { text: 'abcdefgh', usage: { outputTokens: 50 } } });
    const { usage } = await mock.complete(request);
    expect(usage.outputTokens).toBe(50);
    expect(usage.inputTokens).toBeGreaterThan(0);
  });

  it('answers with tool calls (finish reason tool-calls) and keeps the reply in raw', async () => {
    const toolCalls = [{ toolCallId: 't1', toolName: 'lookup', input: { q: 'orders' } }];
    const result = await createMockProvider({ responses: { reasoning: 'need data', text: 'Looking it up.', toolCalls } }).complete(request);
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'need data' },
      { type: 'text', text: 'Looking it up.' },
      { type: 'tool-call', toolCallId: 't1', toolName: 'lookup', input: { q: 'orders' } },
    ]);
    expect(result.finishReason).toBe('tool-calls');
    expect(result.raw).toMatchObject({ mock: true });
  });

  it('streams tool calls as tool-input parts, then the tool-call, then finish', async () => {
    const toolCalls = [{ toolCallId: 't1', toolName: 'lookup', input: { q: 'orders' } }];
    const { parts } = await collect(createMockProvider({ responses: { toolCalls, usage: { inputTokens: 1, outputTokens: 1 } } }).stream(request));
    expect(parts).toEqual([
      { type: 'tool-input-start', id: 't1', toolName: 'lookup' },
      { type: 'tool-input-delta', id: 't1', delta: '{"q":"orders"}' },
      { type: 'tool-input-end', id: 't1' },
      { type: 'tool-call', toolCallId: 't1', toolName: 'lookup', input: { q: 'orders' } },
      { type: 'finish', finishReason: 'tool-calls', usage: { inputTokens: 1, outputTokens: 1 }, response: { modelId: 'mock-model' }, raw: expect.anything() },
    ]);
  });
});

describe('MockProvider: recording', () => {
  it('records every call with its request and start time, failures included; reset() forgets them', async () => {
    let now = 1_000;
    const mock = createMockProvider({
      responses: [{ text: 'ok' }, { error: { status: 500 } }, { text: 'after' }],
      clock: () => now,
    });
    await mock.complete(request);
    now = 2_000;
    await failure(mock.complete({ ...request, model: 'b' }));
    expect(mock.calls).toEqual([
      { request, startedAt: 1_000, mode: 'complete' },
      { request: { ...request, model: 'b' }, startedAt: 2_000, mode: 'complete' },
    ]);
    mock.reset();
    expect(mock.calls).toEqual([]);
    // The list starts again from its first entry.
    expect(textOf(await mock.complete(request))).toBe('ok');
  });
});

describe('MockProvider: failures', () => {
  it('an { status, retryAfterMs } error becomes a ProviderError with retryable from the status', async () => {
    const mock = createMockProvider({
      name: 'local-mock',
      responses: [{ error: { status: 429, retryAfterMs: 1500, message: 'slow down' } }, { error: { status: 400 } }],
    });
    const rateLimited = await failure(mock.complete(request));
    expect(rateLimited).toMatchObject({
      provider: 'local-mock',
      modelId: 'mock-model',
      status: 429,
      retryable: true,
      retryAfterMs: 1500,
      kind: 'http',
    });
    expect(rateLimited.message).toContain('slow down');
    expect(await failure(mock.complete(request))).toMatchObject({ status: 400, retryable: false, kind: 'bad_request' });
  });

  it('throws a given ProviderError as it is', async () => {
    const given = new ProviderError('custom', { provider: 'mock', kind: 'timeout', retryable: true });
    const mock = createMockProvider({ responses: { error: given } });
    expect(await failure(mock.complete(request))).toBe(given);
  });

  it('failureRate with an injected random fails exactly the drawn calls, as retryable 503s', async () => {
    const draws = [0.05, 0.5, 0.09, 0.95];
    const mock = createMockProvider({ failureRate: 0.1, random: () => draws.shift() ?? 1 });
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      try {
        await mock.complete(request);
        outcomes.push('ok');
      } catch (error) {
        expect(error).toMatchObject({ status: 503, retryable: true });
        outcomes.push('fail');
      }
    }
    expect(outcomes).toEqual(['fail', 'ok', 'fail', 'ok']);
    expect(mock.calls).toHaveLength(4);
  });
});

describe('MockProvider: latency and abort', () => {
  it('waits latencyMs through the injected sleep, so tests need no real time', async () => {
    const { waits, sleep } = fakeSleep();
    const mock = createMockProvider({ responses: { text: 'slow', latencyMs: 60_000 }, sleep });
    const started = Date.now();
    expect(textOf(await mock.complete(request))).toBe('slow');
    expect(waits).toEqual([60_000]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('honours timeoutMs: a reply slower than it fails as a retryable timeout once it has passed', async () => {
    const { waits, sleep } = fakeSleep();
    const mock = createMockProvider({ responses: { text: 'slow', latencyMs: 60_000 }, sleep });
    expect(mock.honoursTimeoutMs).toBe(true);
    const error = await failure(mock.complete(request, { timeoutMs: 500 }));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(waits).toEqual([500]);
    expect(textOf(await mock.complete(request, { timeoutMs: 60_000 }))).toBe('slow');
  });

  it('rejectWithAbortReason: an abort during latency rejects with the signal\'s reason itself, as fetch does', async () => {
    const controller = new AbortController();
    const reason = new Error('the race is over');
    const mock = createMockProvider({ responses: { text: 'never', latencyMs: 10_000 }, rejectWithAbortReason: true });
    const pending = mock.complete(request, { signal: controller.signal }).then(
      () => undefined,
      (error: unknown) => error,
    );
    controller.abort(reason);
    expect(await pending).toBe(reason);
  });

  it('an abort during latency → kind abort, even if the injected sleep ignores the signal', async () => {
    const controller = new AbortController();
    let sleeping = false;
    const options: MockProviderOptions = {
      responses: { text: 'never', latencyMs: 10_000 },
      // Never resolves and never looks at the signal; the abort arrives while it is pending.
      sleep: () => {
        sleeping = true;
        queueMicrotask(() => controller.abort());
        return new Promise<void>(() => {});
      },
    };
    const mock = createMockProvider(options);
    const error = await failure(mock.complete(request, { signal: controller.signal }));
    expect(sleeping).toBe(true);
    expect(error).toMatchObject({ kind: 'abort', retryable: false, modelId: 'mock-model' });
  });

  it('an abort right after the call starts, before the latency begins → kind abort', async () => {
    const mock = createMockProvider({ responses: { text: 'never', latencyMs: 10_000 }, sleep: () => new Promise<void>(() => {}) });
    const controller = new AbortController();
    const pending = mock.complete(request, { signal: controller.signal });
    controller.abort();
    expect(await failure(pending)).toMatchObject({ kind: 'abort' });
  });

  it('the default sleep honours the signal too', async () => {
    const mock = createMockProvider({ responses: { text: 'never', latencyMs: 10_000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const started = Date.now();
    expect(await failure(mock.complete(request, { signal: controller.signal }))).toMatchObject({ kind: 'abort' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('an already-aborted signal fails at once and is still recorded', async () => {
    const mock = createMockProvider();
    expect(await failure(mock.complete(request, { signal: AbortSignal.abort() }))).toMatchObject({ kind: 'abort' });
    expect(mock.calls).toHaveLength(1);
  });

  it('latency comes before the error, as with a slow failing server', async () => {
    const { waits, sleep } = fakeSleep();
    const mock = createMockProvider({ responses: { latencyMs: 300, error: { status: 503 } }, sleep });
    expect(await failure(mock.complete(request))).toMatchObject({ status: 503 });
    expect(waits).toEqual([300]);
  });
});

describe('MockProvider: streaming', () => {
  it('yields the reply in word chunks, then one finish part', async () => {
    const mock = createMockProvider({ responses: { text: 'The quick brown fox', usage: { inputTokens: 4, outputTokens: 4 } } });
    const { parts, error } = await collect(mock.stream(request));
    expect(error).toBeUndefined();
    expect(parts).toEqual([
      { type: 'text-delta', text: 'The ' },
      { type: 'text-delta', text: 'quick ' },
      { type: 'text-delta', text: 'brown ' },
      { type: 'text-delta', text: 'fox' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 4, outputTokens: 4 }, response: { modelId: 'mock-model' }, raw: expect.anything() },
    ]);
    expect(mock.calls[0]?.mode).toBe('stream');
  });

  it('yields streamChunks as given', async () => {
    const mock = createMockProvider({ responses: { streamChunks: ['a', 'b', 'c'] } });
    const { parts } = await collect(mock.stream(request));
    expect(parts.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text)).toEqual(['a', 'b', 'c']);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', usage: { outputTokens: 1 } });
  });

  it('failAfterChunks fails mid-stream with kind stream_interrupted after the chunks already yielded', async () => {
    const mock = createMockProvider({ responses: { streamChunks: ['a', 'b', 'c', 'd'], failAfterChunks: 2 } });
    const { parts, error } = await collect(mock.stream(request));
    expect(parts).toEqual([
      { type: 'text-delta', text: 'a' },
      { type: 'text-delta', text: 'b' },
    ]);
    expect(error).toMatchObject({ kind: 'stream_interrupted', retryable: false });
  });

  it('failAfterChunks: 0 fails before the first token, retryably, like a real dropped connection', async () => {
    const mock = createMockProvider({ responses: { text: 'never seen', failAfterChunks: 0 } });
    const { parts, error } = await collect(mock.stream(request));
    expect(parts).toEqual([]);
    expect(error).toMatchObject({ kind: 'connection', retryable: true });
  });

  it('an error reply fails the stream before any chunk', async () => {
    const mock = createMockProvider({ responses: { error: { status: 429, retryAfterMs: 20 } } });
    const { parts, error } = await collect(mock.stream(request));
    expect(parts).toEqual([]);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 20 });
  });

  it('an abort between chunks → kind abort after what was yielded', async () => {
    const mock = createMockProvider({ responses: { streamChunks: ['a', 'b', 'c'] } });
    const controller = new AbortController();
    const seen: string[] = [];
    let caught: unknown;
    try {
      for await (const part of mock.stream(request, { signal: controller.signal })) {
        if (part.type === 'text-delta') seen.push(part.text);
        if (seen.length === 1) controller.abort();
      }
    } catch (error) {
      caught = error;
    }
    expect(seen).toEqual(['a']);
    expect(caught).toMatchObject({ kind: 'abort' });
  });
});
