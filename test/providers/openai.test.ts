import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import { parseRetryAfter } from '../../src/providers/error-mapping.js';
import { createOpenAIProvider, normalizeOpenAIBaseURL } from '../../src/openai.js';
import type { ProviderAdapter, ProviderRequest, StreamPart } from '../../src/providers/provider.js';
import { openaiWire, startWireServer, useWireServer } from '../helpers/wire-server.js';
import { collect, failure } from '../helpers/provider-outcomes.js';

const server = useWireServer();

afterEach(() => {
  vi.unstubAllEnvs();
});

const request: ProviderRequest = { model: 'gpt-test', messages: [{ role: 'user', content: 'Hello' }] };

function provider(extra: Parameters<typeof createOpenAIProvider>[0] = {}): ProviderAdapter {
  return createOpenAIProvider({ baseURL: server.url, apiKey: 'test-key', timeoutMs: 2_000, ...extra });
}


function texts(parts: StreamPart[]): string[] {
  return parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : []));
}

describe('createOpenAIProvider: request mapping', () => {
  it('sends the system prompt first, then the messages, max_tokens, temperature, stop, tools and providerOptions', async () => {
    server.enqueue(openaiWire.completion('Hi there'));
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
    await provider({ headers: { 'x-team': 'routing' } }).complete({
      model: 'gpt-test',
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'Hello', name: 'ana' },
        { role: 'assistant', content: 'Hi' },
        { role: 'tool', content: '{"ok":true}', toolCallId: 'call_1' },
      ],
      maxTokens: 64,
      temperature: 0.2,
      stop: ['END'],
      tools,
      providerOptions: { seed: 7, response_format: { type: 'json_object' } },
    });

    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers['authorization']).toBe('Bearer test-key');
    expect(sent.headers['x-team']).toBe('routing');
    expect(sent.body).toEqual({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello', name: 'ana' },
        { role: 'assistant', content: 'Hi' },
        { role: 'tool', content: '{"ok":true}', tool_call_id: 'call_1' },
      ],
      max_tokens: 64,
      temperature: 0.2,
      stop: ['END'],
      tools,
      seed: 7,
      response_format: { type: 'json_object' },
      stream: false,
    });
  });

  it('leaves out what the request does not set', async () => {
    server.enqueue(openaiWire.completion('ok'));
    await provider().complete(request);
    expect(server.requests[0]!.body).toEqual({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Hello' }],
      stream: false,
    });
  });

  it('drops max_tokens when providerOptions chooses max_completion_tokens', async () => {
    server.enqueue(openaiWire.completion('ok'));
    await provider().complete({ ...request, maxTokens: 50, providerOptions: { max_completion_tokens: 80 } });
    const body = server.requests[0]!.body as Record<string, unknown>;
    expect(body['max_completion_tokens']).toBe(80);
    expect(body).not.toHaveProperty('max_tokens');
  });

  it('appends /v1 to a bare local endpoint and keeps an explicit path', async () => {
    server.setFallback(openaiWire.completion('ok'));
    await provider({ baseURL: server.url }).complete(request);
    await provider({ baseURL: `${server.url}/` }).complete(request);
    await provider({ baseURL: `${server.url}/v1` }).complete(request);
    await provider({ baseURL: `${server.url}/proxy/openai/v1` }).complete(request);
    expect(server.requests.map((r) => r.path)).toEqual([
      '/v1/chat/completions',
      '/v1/chat/completions',
      '/v1/chat/completions',
      '/proxy/openai/v1/chat/completions',
    ]);
  });

  it('normalizeOpenAIBaseURL only touches bare origins', () => {
    expect(normalizeOpenAIBaseURL('http://localhost:8080')).toBe('http://localhost:8080/v1');
    expect(normalizeOpenAIBaseURL('http://localhost:8080/')).toBe('http://localhost:8080/v1');
    expect(normalizeOpenAIBaseURL('http://localhost:11434/v1')).toBe('http://localhost:11434/v1');
    expect(normalizeOpenAIBaseURL('http://gpu-box:8000/openai')).toBe('http://gpu-box:8000/openai');
  });

  it('needs no API key for a local endpoint and never forwards OPENAI_API_KEY to it', async () => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-real-account-key');
    server.enqueue(openaiWire.completion('ok'));
    const result = await createOpenAIProvider({ baseURL: server.url }).complete(request);
    expect(result.text).toBe('ok');
    expect(server.requests[0]!.headers['authorization']).toBe('Bearer no-key-required');
  });

  it('uses an injected client, and still makes exactly one attempt', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'injected', maxRetries: 3 });
    server.setFallback(openaiWire.error(500, 'boom'));
    const error = await failure(createOpenAIProvider({ client }).complete(request));
    expect(error.status).toBe(500);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers['authorization']).toBe('Bearer injected');
  });
});

describe('createOpenAIProvider: responses', () => {
  it('maps text, finish reason, usage and keeps the raw body', async () => {
    server.enqueue(openaiWire.completion('Hi there', { usage: { prompt_tokens: 9, completion_tokens: 3 } }));
    const result = await provider().complete(request);
    expect(result.text).toBe('Hi there');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toEqual({ inputTokens: 9, outputTokens: 3 });
    expect(result.toolCalls).toBeUndefined();
    expect((result.raw as { id: string }).id).toBe('chatcmpl-test');
  });

  it('maps finish reasons: length, tool_calls (with the calls), content_filter, unknown', async () => {
    const toolCalls = [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }];
    server.enqueue(
      openaiWire.completion('cut', { finishReason: 'length' }),
      openaiWire.completion(null, { finishReason: 'tool_calls', toolCalls }),
      openaiWire.completion('', { finishReason: 'content_filter' }),
      openaiWire.completion('?', { finishReason: 'something_new' }),
    );
    const p = provider();
    expect((await p.complete(request)).finishReason).toBe('length');
    const withTools = await p.complete(request);
    expect(withTools.finishReason).toBe('tool_calls');
    expect(withTools.text).toBe('');
    expect(withTools.toolCalls).toEqual(toolCalls);
    expect((await p.complete(request)).finishReason).toBe('content_filter');
    expect((await p.complete(request)).finishReason).toBe('other');
  });

  it('reports zero usage when a local server sends none', async () => {
    server.enqueue(openaiWire.completion('ok', { usage: null }));
    expect((await provider().complete(request)).usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });
});

describe('createOpenAIProvider: errors', () => {
  it('429 with Retry-After in seconds: retryable, with retryAfterMs', async () => {
    server.enqueue(openaiWire.error(429, 'Rate limit reached', { 'retry-after': '2' }, 'rate_limit_error'));
    const error = await failure(provider().complete(request));
    expect(error).toMatchObject({ provider: 'openai', modelId: 'gpt-test', status: 429, retryable: true, retryAfterMs: 2000, kind: 'http' });
    expect(error.message).toContain('Rate limit reached');
    expect(error.code).toBe('PROVIDER_ERROR');
  });

  it('429 with retry-after-ms wins over Retry-After', async () => {
    server.enqueue(openaiWire.error(429, 'slow down', { 'retry-after-ms': '150', 'retry-after': '30' }));
    expect((await failure(provider().complete(request))).retryAfterMs).toBe(150);
  });

  it('429 with an HTTP-date Retry-After', async () => {
    const at = new Date(Date.now() + 5_000).toUTCString();
    server.enqueue(openaiWire.error(429, 'slow down', { 'retry-after': at }));
    const error = await failure(provider().complete(request));
    expect(error.retryAfterMs).toBeGreaterThan(3_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(5_000);
  });

  it.each([
    [500, true],
    [502, true],
    [503, true],
    [408, true],
    [409, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [422, false],
  ])('HTTP %i → retryable %s, made once (no SDK retries)', async (status, retryable) => {
    server.enqueue(openaiWire.error(status, `status ${status}`));
    const error = await failure(provider().complete(request));
    expect(error).toMatchObject({ status, retryable, kind: 'http', retryAfterMs: undefined });
    expect(server.requests).toHaveLength(1);
  });

  it('a response slower than the timeout → kind timeout, retryable', async () => {
    server.enqueue({ ...openaiWire.completion('late'), delayMs: 1_000 } as const);
    const started = Date.now();
    const error = await failure(provider({ timeoutMs: 200 }).complete(request));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, status: undefined });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('a connection reset → kind connection, retryable', async () => {
    server.enqueue({ type: 'destroy' });
    const error = await failure(provider().complete(request));
    expect(error).toMatchObject({ kind: 'connection', retryable: true, status: undefined });
  });

  it('a refused connection → kind connection, retryable', async () => {
    const closed = await startWireServer();
    const url = closed.url;
    await closed.close();
    const error = await failure(createOpenAIProvider({ baseURL: url, apiKey: 'k' }).complete(request));
    expect(error).toMatchObject({ kind: 'connection', retryable: true });
  });

  it('malformed JSON → kind invalid_response, retryable', async () => {
    server.enqueue({ type: 'text', body: '{"id": "chatcmpl-1", "choices": [' });
    const error = await failure(provider().complete(request));
    expect(error).toMatchObject({ kind: 'invalid_response', retryable: true, status: undefined });
  });

  it('a 200 that is not a chat completion → kind invalid_response', async () => {
    server.enqueue({ type: 'text', body: '<html>proxy error</html>', contentType: 'text/html' });
    expect(await failure(provider().complete(request))).toMatchObject({ kind: 'invalid_response', retryable: true });
    server.enqueue({ type: 'json', body: { object: 'list', data: [] } });
    expect(await failure(provider().complete(request))).toMatchObject({ kind: 'invalid_response' });
  });

  it('an AbortSignal aborted before the call → kind abort, not retryable, nothing sent', async () => {
    const error = await failure(provider().complete(request, { signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ kind: 'abort', retryable: false });
    expect(server.requests).toHaveLength(0);
  });

  it('an abort while waiting for the response → kind abort, even with a timeout configured', async () => {
    server.enqueue({ ...openaiWire.completion('late'), delayMs: 1_000 } as const);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(provider({ timeoutMs: 500 }).complete(request, { signal: controller.signal }));
    expect(error).toMatchObject({ kind: 'abort', retryable: false });
  });
});

describe('createOpenAIProvider: streaming', () => {
  it('yields the deltas in order, then exactly one finish part with usage', async () => {
    server.enqueue(openaiWire.stream(['Hel', 'lo', ' world'], { usage: { prompt_tokens: 11, completion_tokens: 3 } }));
    const { parts, error } = await collect(provider().stream!(request));
    expect(error).toBeUndefined();
    expect(texts(parts)).toEqual(['Hel', 'lo', ' world']);
    const finishes = parts.filter((part) => part.type === 'finish');
    expect(finishes).toHaveLength(1);
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'stop',
      usage: { inputTokens: 11, outputTokens: 3 },
      raw: { usageMissing: false, finishReason: 'stop' },
    });
    expect(server.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('reports usage 0 with raw.usageMissing when the server never sends usage', async () => {
    server.enqueue(openaiWire.stream(['a', 'b'], { usage: null, finishReason: 'length' }));
    const { parts } = await collect(provider().stream!(request));
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'length',
      usage: { inputTokens: 0, outputTokens: 0 },
      raw: { usageMissing: true, usage: null },
    });
  });

  it('assembles streamed tool calls into the finish part', async () => {
    const base = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-test' };
    const chunk = (delta: object, finish: string | null = null) => ({
      data: { ...base, choices: [{ index: 0, delta, finish_reason: finish }] },
    });
    server.enqueue({
      type: 'sse',
      ending: 'end',
      events: [
        chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'look', arguments: '' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { name: 'up', arguments: '{"q":' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] }),
        chunk({}, 'tool_calls'),
        { data: '[DONE]' },
      ],
    });
    const { parts } = await collect(provider().stream!(request));
    expect(texts(parts)).toEqual([]);
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'tool_calls',
      raw: { toolCalls: [{ id: 'call_9', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
    });
  });

  it('a stream cut mid-answer → the deltas already sent, then kind stream_interrupted, not retryable', async () => {
    server.enqueue(openaiWire.streamCut(['The answer', ' is']));
    const { parts, error } = await collect(provider().stream!(request));
    expect(texts(parts)).toEqual(['The answer', ' is']);
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
    expect(error).toMatchObject({ kind: 'stream_interrupted', retryable: false, provider: 'openai', modelId: 'gpt-test' });
  });

  it('a stream that ends without a finish_reason → kind stream_interrupted, never a silent finish', async () => {
    server.enqueue(openaiWire.streamWithoutFinish(['Half', ' an answer']));
    const { parts, error } = await collect(provider().stream!(request));
    expect(texts(parts)).toEqual(['Half', ' an answer']);
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
    expect(error).toMatchObject({ kind: 'stream_interrupted', retryable: false });
  });

  it('a stream that dies before its first delta → a retryable connection error (safe to fall back)', async () => {
    server.enqueue(openaiWire.streamCut([]));
    const { parts, error } = await collect(provider().stream!(request));
    expect(parts).toEqual([]);
    expect(error).toMatchObject({ kind: 'connection', retryable: true });
  });

  it('an HTTP error when the stream opens → the mapped error, with Retry-After', async () => {
    server.enqueue(openaiWire.error(429, 'slow down', { 'retry-after': '1' }));
    const { parts, error } = await collect(provider().stream!(request));
    expect(parts).toEqual([]);
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 1000, kind: 'http' });
  });

  it('malformed JSON in the first event → kind invalid_response, retryable', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'k', logLevel: 'off' });
    server.enqueue({ type: 'sse', ending: 'end', events: [{ data: '{"id": "c", "choices": [' }] });
    const { error } = await collect(createOpenAIProvider({ client }).stream!(request));
    expect(error).toMatchObject({ kind: 'invalid_response', retryable: true });
  });

  it('an abort mid-stream → kind abort after the deltas already yielded', async () => {
    const events = openaiWire.streamEvents(['one', 'two', 'three']);
    server.enqueue({ type: 'sse', ending: 'end', events, pause: { afterEvents: 3, ms: 1_000 } });
    const controller = new AbortController();
    const seen: string[] = [];
    let caught: unknown;
    try {
      for await (const part of provider().stream!(request, { signal: controller.signal })) {
        if (part.type === 'text-delta') seen.push(part.text);
        if (seen.length === 2) controller.abort();
      }
    } catch (error) {
      caught = error;
    }
    expect(seen).toEqual(['one', 'two']);
    expect(ProviderError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ kind: 'abort', retryable: false });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads retry-after-ms, seconds (with fractions) and HTTP dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250.4' }), now)).toBe(251);
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(parseRetryAfter({ 'Retry-After': 'Wed, 01 Jan 2025 00:00:10 GMT' }, now)).toBe(10_000);
  });
  it('a date in the past means now; garbage and absence mean unknown', () => {
    expect(parseRetryAfter({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, now)).toBe(0);
    expect(parseRetryAfter({ 'retry-after': '-5' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after-ms': 'x', 'retry-after': '2' }, now)).toBe(2000);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
  });
});
