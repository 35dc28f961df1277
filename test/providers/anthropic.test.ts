import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAnthropicProvider } from '../../src/anthropic.js';
import { normalizeAnthropicBaseURL } from '../../src/providers/anthropic.js';
import type { ProviderAdapter, ProviderRequest, StreamPart } from '../../src/providers/provider.js';
import { anthropicWire, useWireServer } from '../helpers/wire-server.js';
import { collect, failure } from '../helpers/provider-outcomes.js';

const server = useWireServer();

afterEach(() => {
  vi.unstubAllEnvs();
});

const request: ProviderRequest = { model: 'claude-test', messages: [{ role: 'user', content: 'Hello' }] };

function provider(extra: Parameters<typeof createAnthropicProvider>[0] = {}): ProviderAdapter {
  return createAnthropicProvider({ baseURL: server.url, apiKey: 'test-key', timeoutMs: 2_000, ...extra });
}


/** The key the SDK sent: this SDK version sends `Authorization: Bearer`, older ones `x-api-key`. */
function sentKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const bearer = headers['authorization'];
  if (typeof bearer === 'string') return bearer.replace(/^Bearer /, '');
  const key = headers['x-api-key'];
  return typeof key === 'string' ? key : undefined;
}

function texts(parts: StreamPart[]): string[] {
  return parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : []));
}

describe('createAnthropicProvider: request mapping', () => {
  it('puts the system prompt and system messages in top-level system, maps stop, tools and providerOptions', async () => {
    server.enqueue(anthropicWire.message('Hi'));
    const tools = [{ name: 'lookup', description: 'find', input_schema: { type: 'object', properties: {} } }];
    await provider({ headers: { 'x-team': 'routing' } }).complete({
      model: 'claude-test',
      system: 'Be brief.',
      messages: [
        { role: 'system', content: 'Answer in English.' },
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Hi' },
        { role: 'tool', content: '{"ok":true}', toolCallId: 'toolu_1' },
      ],
      maxTokens: 300,
      temperature: 0.5,
      stop: ['END'],
      tools,
      providerOptions: { top_k: 5, metadata: { user_id: 'u1' } },
    });

    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/messages');
    expect(sentKey(sent.headers)).toBe('test-key');
    expect(sent.headers['anthropic-version']).toBeTypeOf('string');
    expect(sent.headers['x-team']).toBe('routing');
    expect(sent.body).toEqual({
      model: 'claude-test',
      max_tokens: 300,
      system: 'Be brief.\n\nAnswer in English.',
      messages: [
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Hi' },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '{"ok":true}' }] },
      ],
      temperature: 0.5,
      stop_sequences: ['END'],
      tools,
      top_k: 5,
      metadata: { user_id: 'u1' },
      stream: false,
    });
  });

  it('defaults max_tokens to 1024 and leaves out what the request does not set', async () => {
    server.enqueue(anthropicWire.message('ok'));
    await provider().complete(request);
    expect(server.requests[0]!.body).toEqual({
      model: 'claude-test',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'Hello' }],
      stream: false,
    });
  });

  it('accepts a base URL with or without /v1', async () => {
    server.setFallback(anthropicWire.message('ok'));
    await provider({ baseURL: server.url }).complete(request);
    await provider({ baseURL: `${server.url}/v1` }).complete(request);
    await provider({ baseURL: `${server.url}/v1/` }).complete(request);
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/messages', '/v1/messages', '/v1/messages']);
    expect(normalizeAnthropicBaseURL('https://gateway.example/anthropic/')).toBe('https://gateway.example/anthropic');
  });

  it('does not forward ANTHROPIC_API_KEY to a custom endpoint', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-ant-real-account-key');
    server.enqueue(anthropicWire.message('ok'));
    await createAnthropicProvider({ baseURL: server.url }).complete(request);
    expect(sentKey(server.requests[0]!.headers)).toBe('no-key-required');
  });

  it('uses an injected client, and still makes exactly one attempt', async () => {
    const client = new Anthropic({ baseURL: server.url, apiKey: 'injected', maxRetries: 3 });
    server.setFallback(anthropicWire.error(529, 'overloaded_error', 'Overloaded'));
    const error = await failure(createAnthropicProvider({ client }).complete(request));
    expect(error.status).toBe(529);
    expect(server.requests).toHaveLength(1);
    expect(sentKey(server.requests[0]!.headers)).toBe('injected');
  });
});

describe('createAnthropicProvider: responses', () => {
  it('maps text, stop reason, usage and keeps the raw body', async () => {
    server.enqueue(anthropicWire.message('Hi there', { usage: { input_tokens: 20, output_tokens: 7 } }));
    const result = await provider().complete(request);
    expect(result).toMatchObject({
      text: 'Hi there',
      finishReason: 'stop',
      usage: { inputTokens: 20, outputTokens: 7 },
    });
    expect(result.toolCalls).toBeUndefined();
    expect((result.raw as { id: string }).id).toBe('msg_test');
  });

  it('counts cache writes and reads as input tokens', async () => {
    server.enqueue(
      anthropicWire.message('ok', {
        usage: { input_tokens: 5, output_tokens: 2, cache_creation_input_tokens: 100, cache_read_input_tokens: 40 },
      }),
    );
    expect((await provider().complete(request)).usage).toEqual({ inputTokens: 145, outputTokens: 2 });
  });

  it('maps stop reasons and passes tool_use blocks through', async () => {
    const toolUse = { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } };
    server.enqueue(
      anthropicWire.message('cut', { stopReason: 'max_tokens' }),
      anthropicWire.message('', { stopReason: 'tool_use', content: [{ type: 'text', text: 'Let me look.' }, toolUse] }),
      anthropicWire.message('done', { stopReason: 'stop_sequence' }),
      anthropicWire.message('', { stopReason: 'refusal' }),
      anthropicWire.message('', { stopReason: 'pause_turn' }),
    );
    const p = provider();
    expect((await p.complete(request)).finishReason).toBe('length');
    const withTools = await p.complete(request);
    expect(withTools).toMatchObject({ finishReason: 'tool_calls', text: 'Let me look.', toolCalls: [toolUse] });
    expect((await p.complete(request)).finishReason).toBe('stop');
    expect((await p.complete(request)).finishReason).toBe('content_filter');
    expect((await p.complete(request)).finishReason).toBe('other');
  });
});

describe('createAnthropicProvider: errors', () => {
  it('429 with Retry-After: retryable, with retryAfterMs and the API message', async () => {
    server.enqueue(anthropicWire.error(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit', { 'retry-after': '7' }));
    const error = await failure(provider().complete(request));
    expect(error).toMatchObject({ provider: 'anthropic', modelId: 'claude-test', status: 429, retryable: true, retryAfterMs: 7000, kind: 'http' });
    expect(error.message).toContain('exceeded your rate limit');
  });

  it('429 with retry-after-ms', async () => {
    server.enqueue(anthropicWire.error(429, 'rate_limit_error', 'slow down', { 'retry-after-ms': '300' }));
    expect((await failure(provider().complete(request))).retryAfterMs).toBe(300);
  });

  it.each([
    [529, true],
    [500, true],
    [503, true],
    [408, true],
    [409, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [413, false],
  ])('HTTP %i → retryable %s, made once (no SDK retries)', async (status, retryable) => {
    server.enqueue(anthropicWire.error(status, 'api_error', `status ${status}`));
    const error = await failure(provider().complete(request));
    expect(error).toMatchObject({ status, retryable, kind: 'http' });
    expect(server.requests).toHaveLength(1);
  });

  it('a response slower than the timeout → kind timeout, retryable', async () => {
    server.enqueue({ ...anthropicWire.message('late'), delayMs: 1_000 } as const);
    const started = Date.now();
    const error = await failure(provider({ timeoutMs: 200 }).complete(request));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, status: undefined });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('a connection reset → kind connection, retryable', async () => {
    server.enqueue({ type: 'destroy' });
    expect(await failure(provider().complete(request))).toMatchObject({ kind: 'connection', retryable: true });
  });

  it('malformed JSON → kind invalid_response, retryable', async () => {
    server.enqueue({ type: 'text', body: '{"id":"msg_1","content":[{"type":"te' });
    expect(await failure(provider().complete(request))).toMatchObject({ kind: 'invalid_response', retryable: true });
  });

  it('an abort while waiting → kind abort, not retryable', async () => {
    server.enqueue({ ...anthropicWire.message('late'), delayMs: 1_000 } as const);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(provider().complete(request, { signal: controller.signal }));
    expect(error).toMatchObject({ kind: 'abort', retryable: false });
  });

  it('an already-aborted signal sends nothing', async () => {
    const error = await failure(provider().complete(request, { signal: AbortSignal.abort() }));
    expect(error.kind).toBe('abort');
    expect(server.requests).toHaveLength(0);
  });
});

describe('createAnthropicProvider: streaming', () => {
  it('yields the deltas in order, then one finish part with usage from message_start and message_delta', async () => {
    server.enqueue(anthropicWire.stream(['Hel', 'lo', '!'], { usage: { input_tokens: 25, output_tokens: 9 } }));
    const { parts, error } = await collect(provider().stream!(request));
    expect(error).toBeUndefined();
    expect(texts(parts)).toEqual(['Hel', 'lo', '!']);
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'stop',
      usage: { inputTokens: 25, outputTokens: 9 },
      raw: { stopReason: 'end_turn', usageMissing: false },
    });
    expect(server.requests[0]!.body).toMatchObject({ stream: true, max_tokens: 1024 });
  });

  it('maps the streamed stop reason', async () => {
    server.enqueue(anthropicWire.stream(['a'], { stopReason: 'max_tokens' }));
    const { parts } = await collect(provider().stream!(request));
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'length' });
  });

  it('assembles a streamed tool_use block into the finish part', async () => {
    const events = anthropicWire.streamEvents([], { stopReason: 'tool_use' });
    const toolEvents = [
      { event: 'content_block_start', data: { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_9', name: 'lookup', input: {} } } },
      { event: 'content_block_delta', data: { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"q":' } } },
      { event: 'content_block_delta', data: { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"x"}' } } },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 1 } },
    ];
    // After the (empty) text block, before message_delta.
    events.splice(4, 0, ...toolEvents);
    server.enqueue({ type: 'sse', ending: 'end', events });
    const { parts, error } = await collect(provider().stream!(request));
    expect(error).toBeUndefined();
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'tool_calls',
      raw: { toolCalls: [{ type: 'tool_use', id: 'toolu_9', name: 'lookup', input: { q: 'x' } }] },
    });
  });

  it('a stream cut mid-answer → the deltas already sent, then kind stream_interrupted, not retryable', async () => {
    server.enqueue(anthropicWire.streamCut(['The answer', ' is']));
    const { parts, error } = await collect(provider().stream!(request));
    expect(texts(parts)).toEqual(['The answer', ' is']);
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
    expect(error).toMatchObject({ kind: 'stream_interrupted', retryable: false, provider: 'anthropic' });
  });

  it('a stream that ends without message_stop → kind stream_interrupted', async () => {
    server.enqueue(anthropicWire.streamWithoutStop(['Half', ' an answer']));
    const { parts, error } = await collect(provider().stream!(request));
    expect(texts(parts)).toEqual(['Half', ' an answer']);
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
    expect(error).toMatchObject({ kind: 'stream_interrupted', retryable: false });
  });

  it('an overloaded error event before any text → retryable (safe to fall back)', async () => {
    const events = anthropicWire.streamEvents([]).slice(0, 2);
    events.push({ event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
    server.enqueue({ type: 'sse', ending: 'end', events });
    const { parts, error } = await collect(provider().stream!(request));
    expect(parts).toEqual([]);
    expect(error).toMatchObject({ retryable: true, status: undefined });
    expect(error?.message).toContain('Overloaded');
  });

  it('an error event after some text → kind stream_interrupted', async () => {
    const events = anthropicWire.streamEvents(['partial']).slice(0, 4);
    events.push({ event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
    server.enqueue({ type: 'sse', ending: 'end', events });
    const { parts, error } = await collect(provider().stream!(request));
    expect(texts(parts)).toEqual(['partial']);
    expect(error).toMatchObject({ kind: 'stream_interrupted', retryable: false });
  });

  it('529 when the stream opens → retryable http error', async () => {
    server.enqueue(anthropicWire.error(529, 'overloaded_error', 'Overloaded', { 'retry-after': '3' }));
    const { error } = await collect(provider().stream!(request));
    expect(error).toMatchObject({ status: 529, retryable: true, retryAfterMs: 3000, kind: 'http' });
  });

  it('an abort mid-stream → kind abort after the deltas already yielded', async () => {
    const events = anthropicWire.streamEvents(['one', 'two', 'three']);
    server.enqueue({ type: 'sse', ending: 'end', events, pause: { afterEvents: 5, ms: 1_000 } });
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
    expect(caught).toMatchObject({ kind: 'abort', retryable: false });
  });
});
