import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAnthropicProvider } from '../../src/anthropic.js';
import { normalizeAnthropicBaseURL } from '../../src/providers/anthropic.js';
import type { ProviderAdapter, ProviderRequest, StreamPart } from '../../src/providers/provider.js';
import type { AssistantContentPart, ToolDefinition } from '../../src/request/types.js';
import { anthropicStream, anthropicStreamEvents } from '../helpers/anthropic-wire.js';
import { collect, failure } from '../helpers/provider-outcomes.js';
import { anthropicWire, useWireServer } from '../helpers/wire-server.js';

const server = useWireServer();

afterEach(() => {
  vi.unstubAllEnvs();
});

const hello = { role: 'user' as const, content: [{ type: 'text' as const, text: 'Hello' }] };
const request: ProviderRequest = { model: 'claude-test', messages: [hello] };
const helloWire = { role: 'user', content: [{ type: 'text', text: 'Hello' }] };

const weather: ToolDefinition = {
  name: 'get_weather',
  description: 'Current weather for a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const weatherWire = { name: 'get_weather', description: 'Current weather for a city', input_schema: weather.inputSchema };

function provider(extra: Parameters<typeof createAnthropicProvider>[0] = {}): ProviderAdapter {
  return createAnthropicProvider({ baseURL: server.url, apiKey: 'test-key', timeoutMs: 2_000, ...extra });
}

/** The body of the `index`th request the server received. */
function sent(index = 0): unknown {
  return server.requests[index]!.body;
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
  it('hoists the system prompt and system messages, maps sampling options, ignores seed', async () => {
    server.enqueue(anthropicWire.message('Hi'));
    await provider({ headers: { 'x-team': 'routing' } }).complete({
      model: 'claude-test',
      system: 'Be brief.',
      messages: [{ role: 'system', content: 'Answer in English.' }, hello, { role: 'assistant', content: [{ type: 'text', text: 'Hi' }] }],
      maxTokens: 300,
      temperature: 0.5,
      topP: 0.9,
      stop: ['END'],
      seed: 42,
    });
    const recorded = server.requests[0]!;
    expect(recorded.method).toBe('POST');
    expect(recorded.path).toBe('/v1/messages');
    expect(sentKey(recorded.headers)).toBe('test-key');
    expect(recorded.headers['anthropic-version']).toBeTypeOf('string');
    expect(recorded.headers['x-team']).toBe('routing');
    expect(recorded.body).toEqual({
      model: 'claude-test',
      max_tokens: 300,
      system: 'Be brief.\n\nAnswer in English.',
      messages: [helloWire, { role: 'assistant', content: [{ type: 'text', text: 'Hi' }] }],
      temperature: 0.5,
      top_p: 0.9,
      stop_sequences: ['END'],
      stream: false,
    });
  });

  it('defaults max_tokens to 1024 and leaves out what the request does not set', async () => {
    server.enqueue(anthropicWire.message('ok'));
    await provider().complete(request);
    expect(sent()).toEqual({ model: 'claude-test', max_tokens: 1024, messages: [helloWire], stream: false });
  });

  it('maps each tool choice; sends none without tools', async () => {
    server.setFallback(anthropicWire.message('ok'));
    const p = provider();
    const choices = ['auto', 'required', 'none', { type: 'tool', toolName: 'get_weather' }] as const;
    for (const toolChoice of choices) await p.complete({ ...request, tools: [weather], toolChoice });
    await p.complete({ ...request, toolChoice: 'required' });
    expect(server.requests.map((r) => (r.body as { tool_choice?: unknown }).tool_choice)).toEqual([
      { type: 'auto' },
      { type: 'any' },
      { type: 'none' },
      { type: 'tool', name: 'get_weather' },
      undefined,
    ]);
    expect(sent(0)).toMatchObject({ tools: [weatherWire] });
    expect(sent(4)).not.toHaveProperty('tools');
  });

  it('accepts a base URL with or without /v1', async () => {
    server.setFallback(anthropicWire.message('ok'));
    await provider({ baseURL: server.url }).complete(request);
    await provider({ baseURL: `${server.url}/v1` }).complete(request);
    await provider({ baseURL: `${server.url}/v1/` }).complete(request);
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/messages', '/v1/messages', '/v1/messages']);
    expect(normalizeAnthropicBaseURL('https://gateway.example/anthropic/')).toBe('https://gateway.example/anthropic');
  });

  it('does not forward ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN to a custom endpoint', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-ant-real-account-key');
    vi.stubEnv('ANTHROPIC_AUTH_TOKEN', 'real-account-token');
    server.enqueue(anthropicWire.message('ok'));
    await createAnthropicProvider({ baseURL: server.url }).complete(request);
    expect(sentKey(server.requests[0]!.headers)).toBe('no-key-required');
    expect(JSON.stringify(server.requests[0]!.headers)).not.toMatch(/real-account/);
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

describe('createAnthropicProvider: tool loops', () => {
  it('runs a tool loop: tool_use answer, then tool_use and tool_result with the same id, then the final answer', async () => {
    const p = provider();
    server.enqueue(
      anthropicWire.message('', {
        stopReason: 'tool_use',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } },
        ],
      }),
    );
    const first = await p.complete({ ...request, tools: [weather], toolChoice: 'auto' });
    expect(sent(0)).toEqual({
      model: 'claude-test',
      max_tokens: 1024,
      messages: [helloWire],
      tools: [weatherWire],
      tool_choice: { type: 'auto' },
      stream: false,
    });
    expect(first).toMatchObject({
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool-call', toolCallId: 'toolu_01A', toolName: 'get_weather', input: { city: 'Paris' } },
      ],
      finishReason: 'tool-calls',
      rawFinishReason: 'tool_use',
      response: { id: 'msg_test', modelId: 'claude-test' },
    });

    server.enqueue(anthropicWire.message('It is sunny in Paris.'));
    const second = await p.complete({
      model: 'claude-test',
      tools: [weather],
      messages: [
        hello,
        { role: 'assistant', content: first.content as AssistantContentPart[] },
        {
          role: 'tool',
          content: [{ type: 'tool-result', toolCallId: 'toolu_01A', toolName: 'get_weather', output: { type: 'json', value: { sky: 'sunny' } } }],
        },
      ],
    });
    expect(sent(1)).toEqual({
      model: 'claude-test',
      max_tokens: 1024,
      messages: [
        helloWire,
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: '{"sky":"sunny"}' }] },
      ],
      tools: [weatherWire],
      stream: false,
    });
    expect(second).toMatchObject({ content: [{ type: 'text', text: 'It is sunny in Paris.' }], finishReason: 'stop' });
  });

  it('answers two parallel tool calls in one user turn, with errors flagged and a following user message merged in', async () => {
    const p = provider();
    const calls = [
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Atlantis' } },
    ];
    server.enqueue(anthropicWire.message('', { stopReason: 'tool_use', content: calls }));
    const first = await p.complete({ ...request, tools: [weather] });
    expect(first.content).toEqual([
      { type: 'tool-call', toolCallId: 'toolu_1', toolName: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool-call', toolCallId: 'toolu_2', toolName: 'get_weather', input: { city: 'Atlantis' } },
    ]);

    server.enqueue(anthropicWire.message('Paris is sunny; Atlantis was not found.'));
    await p.complete({
      model: 'claude-test',
      tools: [weather],
      messages: [
        hello,
        // A reasoning part cannot go back without Anthropic's signature: it is dropped.
        { role: 'assistant', content: [{ type: 'reasoning', text: 'Two cities.' }, ...(first.content as AssistantContentPart[])] },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'toolu_1', toolName: 'get_weather', output: { type: 'text', value: 'sunny' } },
            { type: 'tool-result', toolCallId: 'toolu_2', toolName: 'get_weather', output: { type: 'text', value: 'no such city' }, isError: true },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'Summarise.' }] },
      ],
    });
    expect((sent(1) as { messages: unknown }).messages).toEqual([
      helloWire,
      { role: 'assistant', content: calls },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'no such city', is_error: true },
          { type: 'text', text: 'Summarise.' },
        ],
      },
    ]);
  });

  it('continues a conversation whose tool calls came from OpenAI, ids unchanged; error outputs set is_error', async () => {
    server.enqueue(anthropicWire.message('Done.'));
    await provider().complete({
      model: 'claude-test',
      messages: [
        hello,
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_abc123', toolName: 'get_weather', input: { city: 'Oslo' } }] },
        {
          role: 'tool',
          content: [{ type: 'tool-result', toolCallId: 'call_abc123', toolName: 'get_weather', output: { type: 'error-json', value: { code: 503 } } }],
        },
      ],
    });
    expect((sent() as { messages: unknown }).messages).toEqual([
      helloWire,
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_abc123', name: 'get_weather', input: { city: 'Oslo' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_abc123', content: '{"code":503}', is_error: true }] },
    ]);
  });

  it('puts tool results first when a user message came between the call and its result', async () => {
    server.enqueue(anthropicWire.message('ok'));
    await provider().complete({
      model: 'claude-test',
      messages: [
        hello,
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'toolu_x', toolName: 'get_weather', input: { city: 'Rome' } }] },
        { role: 'user', content: [{ type: 'text', text: 'Hurry.' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_x', toolName: 'get_weather', output: { type: 'text', value: 'rain' } }] },
      ],
    });
    expect((sent() as { messages: unknown[] }).messages[2]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_x', content: 'rain' },
        { type: 'text', text: 'Hurry.' },
      ],
    });
  });

  it('sends a tool result with text and image content as blocks', async () => {
    server.enqueue(anthropicWire.message('A cat.'));
    await provider().complete({
      model: 'claude-test',
      messages: [
        hello,
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'toolu_s', toolName: 'screenshot', input: {} }] },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'toolu_s',
              toolName: 'screenshot',
              output: { type: 'content', value: [{ type: 'text', text: 'captured' }, { type: 'media', data: 'iVBORw0KGgo=', mediaType: 'image/png' }] },
            },
          ],
        },
      ],
    });
    expect((sent() as { messages: unknown[] }).messages[2]).toEqual({
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_s',
          content: [
            { type: 'text', text: 'captured' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
      ],
    });
  });
});

describe('createAnthropicProvider: media and structured output', () => {
  const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  it('sends images as base64 (bytes, data: URL, bare base64) or by URL, PDFs and text files as documents', async () => {
    server.enqueue(anthropicWire.message('Seen.'));
    await provider().complete({
      model: 'claude-test',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe these.' },
            { type: 'image', data: PNG_BYTES, mediaType: 'image/png' },
            { type: 'image', data: 'https://example.com/cat.jpg' },
            { type: 'image', data: 'data:image/jpeg;base64,/9j/4AAQ' },
            { type: 'image', data: 'R0lGODlhAQABAAAAACw=' },
            { type: 'file', data: 'JVBERi0xLjQ=', mediaType: 'application/pdf', filename: 'report.pdf' },
            { type: 'file', data: new URL('https://example.com/spec.pdf'), mediaType: 'application/pdf' },
            { type: 'file', data: new TextEncoder().encode('a,b\n1,2'), mediaType: 'text/csv', filename: 'data.csv' },
          ],
        },
      ],
    });
    expect((sent() as { messages: unknown }).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Describe these.' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/gif', data: 'R0lGODlhAQABAAAAACw=' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQ=' }, title: 'report.pdf' },
          { type: 'document', source: { type: 'url', url: 'https://example.com/spec.pdf' } },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'a,b\n1,2' }, title: 'data.csv' },
        ],
      },
    ]);
  });

  it.each([
    ['an image type the API does not take', { type: 'image', data: 'AAAA', mediaType: 'image/tiff' }],
    ['a file type the API does not take', { type: 'file', data: 'AAAA', mediaType: 'application/zip' }],
    ['a text file by URL', { type: 'file', data: 'https://example.com/notes.txt', mediaType: 'text/plain' }],
  ] as const)('refuses %s without sending it, as a failure another model may still serve', async (_name, part) => {
    const error = await failure(provider().complete({ model: 'claude-test', messages: [{ role: 'user', content: [part] }] }));
    expect(error).toMatchObject({ kind: 'other', retryable: false, provider: 'anthropic' });
    expect(server.requests).toHaveLength(0);
  });

  const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };

  it('asks for a JSON-schema answer with output_config.format and returns its text', async () => {
    server.enqueue(anthropicWire.message('{"answer":"42"}'));
    const result = await provider().complete({ ...request, responseFormat: { type: 'json', schema } });
    expect(sent()).toEqual({
      model: 'claude-test',
      max_tokens: 1024,
      messages: [helloWire],
      output_config: { format: { type: 'json_schema', schema } },
      stream: false,
    });
    expect(result).toMatchObject({ content: [{ type: 'text', text: '{"answer":"42"}' }], finishReason: 'stop' });
  });

  it('with structuredOutput "tool", forces a json_response tool and returns its input as the text', async () => {
    server.enqueue(
      anthropicWire.message('', {
        stopReason: 'tool_use',
        content: [{ type: 'tool_use', id: 'toolu_j', name: 'json_response', input: { answer: '42' } }],
      }),
    );
    const result = await provider({ structuredOutput: 'tool' }).complete({
      ...request,
      responseFormat: { type: 'json', schema, description: 'The answer.' },
    });
    expect(sent()).toEqual({
      model: 'claude-test',
      max_tokens: 1024,
      messages: [helloWire],
      tools: [{ name: 'json_response', description: 'The answer.', input_schema: schema }],
      tool_choice: { type: 'tool', name: 'json_response' },
      stream: false,
    });
    expect(result).toMatchObject({
      content: [{ type: 'text', text: '{"answer":"42"}' }],
      finishReason: 'stop',
      rawFinishReason: 'tool_use',
    });
  });

  it('a JSON answer without a schema uses the tool with any object', async () => {
    server.enqueue(anthropicWire.message('{}'));
    await provider().complete({ ...request, responseFormat: { type: 'json' } });
    expect(sent()).toMatchObject({
      tools: [{ name: 'json_response', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'json_response' },
    });
    expect(sent()).not.toHaveProperty('output_config');
  });
});

describe('createAnthropicProvider: provider options and headers', () => {
  it('applies providerOptions.anthropic, then the adapter name, ignores other providers and protected fields', async () => {
    server.enqueue(anthropicWire.message('ok'));
    await provider({ name: 'claude-gateway' }).complete({
      ...request,
      tools: [weather],
      toolChoice: 'auto',
      providerOptions: {
        anthropic: { top_k: 5, metadata: { user_id: 'u1' }, model: 'claude-evil', stream: true, max_tokens: 99_999 },
        'claude-gateway': { top_k: 7, tool_choice: { disable_parallel_tool_use: true }, messages: [], system: 'override' },
        openai: { seed: 1, logprobs: true },
      },
    });
    expect(sent()).toEqual({
      model: 'claude-test',
      max_tokens: 1024,
      messages: [helloWire],
      tools: [weatherWire],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      top_k: 7,
      metadata: { user_id: 'u1' },
      stream: false,
    });
  });

  it('an adapter named otherwise does not read providerOptions of its default name twice, nor foreign keys', async () => {
    server.enqueue(anthropicWire.message('ok'));
    await provider().complete({ ...request, providerOptions: { 'claude-gateway': { top_k: 7 }, anthropic: { top_k: 3 } } });
    expect(sent()).toMatchObject({ top_k: 3 });
  });

  it('a __proto__ key in parsed options stays a plain field and pollutes nothing', async () => {
    server.enqueue(anthropicWire.message('ok'));
    const providerOptions = JSON.parse('{"anthropic":{"__proto__":{"polluted":true},"top_k":2}}') as ProviderRequest['providerOptions'];
    await provider().complete({ ...request, providerOptions });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.hasOwn(sent() as object, '__proto__')).toBe(true);
    expect(sent()).toMatchObject({ top_k: 2, model: 'claude-test' });
  });

  it('sends request.headers over settings.headers, on its own client and on an injected one', async () => {
    server.setFallback(anthropicWire.message('ok'));
    const withHeaders = { ...request, headers: { 'x-trace-id': 'trace-1', 'X-Team': 'agents' } };
    await provider({ headers: { 'x-team': 'routing', 'x-env': 'test' } }).complete(withHeaders);
    const client = new Anthropic({ baseURL: server.url, apiKey: 'injected' });
    await createAnthropicProvider({ client, headers: { 'x-env': 'test' } }).complete(withHeaders);
    for (const recorded of server.requests) {
      expect(recorded.headers).toMatchObject({ 'x-trace-id': 'trace-1', 'x-team': 'agents', 'x-env': 'test' });
    }
  });
});

describe('createAnthropicProvider: responses', () => {
  it('maps text, stop reason, usage, the served model, and keeps the raw body', async () => {
    server.enqueue(anthropicWire.message('Hi there', { model: 'claude-test-20250101', usage: { input_tokens: 20, output_tokens: 7 } }));
    const result = await provider().complete(request);
    expect(result).toEqual({
      content: [{ type: 'text', text: 'Hi there' }],
      finishReason: 'stop',
      rawFinishReason: 'end_turn',
      usage: { inputTokens: 20, outputTokens: 7 },
      response: { id: 'msg_test', modelId: 'claude-test-20250101' },
      raw: expect.objectContaining({ id: 'msg_test' }),
    });
  });

  it('counts cache writes and reads as input tokens, reports reads and thinking tokens', async () => {
    const usage = {
      input_tokens: 5,
      output_tokens: 60,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 40,
      output_tokens_details: { thinking_tokens: 50 },
    };
    server.enqueue(anthropicWire.message('ok', { usage }));
    expect((await provider().complete(request)).usage).toEqual({
      inputTokens: 145,
      outputTokens: 60,
      cachedInputTokens: 40,
      reasoningTokens: 50,
    });
  });

  it('returns thinking blocks as reasoning parts, in order', async () => {
    server.enqueue(
      anthropicWire.message('', {
        content: [
          { type: 'thinking', thinking: 'Two and two.', signature: 'sig' },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'text', text: 'Four.' },
        ],
      }),
    );
    expect((await provider().complete(request)).content).toEqual([
      { type: 'reasoning', text: 'Two and two.' },
      { type: 'text', text: 'Four.' },
    ]);
  });

  it.each([
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['stop_sequence', 'stop'],
    ['refusal', 'content-filter'],
    ['pause_turn', 'other'],
  ])('stop reason %s → %s', async (stopReason, finishReason) => {
    server.enqueue(anthropicWire.message('x', { stopReason }));
    expect(await provider().complete(request)).toMatchObject({ finishReason, rawFinishReason: stopReason });
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
    [400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum', 'context_length', false],
    [400, 'invalid_request_error', 'messages.1.content: Input should be a valid list', 'bad_request', false],
    [413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.', 'context_length', false],
    [529, 'overloaded_error', 'Overloaded', 'http', true],
    [500, 'api_error', 'Internal server error', 'http', true],
    [503, 'api_error', 'unavailable', 'http', true],
    [408, 'timeout_error', 'timeout', 'http', true],
    [409, 'conflict_error', 'conflict', 'http', true],
    [401, 'authentication_error', 'invalid x-api-key', 'http', false],
    [403, 'permission_error', 'forbidden', 'http', false],
    [404, 'not_found_error', 'model: claude-nope', 'http', false],
  ])('HTTP %i %s "%s" → kind %s, retryable %s, made once', async (status, type, message, kind, retryable) => {
    server.enqueue(anthropicWire.error(status, type, message));
    const error = await failure(provider().complete(request));
    expect(error).toMatchObject({ status, retryable, kind });
    expect(error.message).toContain(message);
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

  it('a 200 body without content → kind invalid_response', async () => {
    server.enqueue({ type: 'json', body: { id: 'msg_1', type: 'message' } });
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
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'text-delta', text: '!' },
      {
        type: 'finish',
        finishReason: 'stop',
        rawFinishReason: 'end_turn',
        usage: { inputTokens: 25, outputTokens: 9 },
        response: { id: 'msg_test', modelId: 'claude-test' },
        raw: expect.objectContaining({ stopReason: 'end_turn', usageMissing: false }),
      },
    ]);
    expect(sent()).toEqual({ model: 'claude-test', max_tokens: 1024, messages: [helloWire], stream: true });
  });

  it('streams thinking, text and a tool input split over several events as exact parts, one finish last', async () => {
    server.enqueue(
      anthropicStream(
        [
          { type: 'thinking', deltas: ['Need the ', 'weather.'] },
          { type: 'text', deltas: ['Checking.'] },
          { type: 'tool_use', id: 'toolu_9', name: 'get_weather', json: ['', '{"ci', 'ty": "Pa', 'ris"}'] },
          { type: 'tool_use', id: 'toolu_10', name: 'get_time', json: [] },
        ],
        {
          stopReason: 'tool_use',
          startUsage: { input_tokens: 30, cache_read_input_tokens: 10, cache_creation_input_tokens: 0, output_tokens: 1 },
          deltaUsage: { output_tokens: 42, output_tokens_details: { thinking_tokens: 11 } },
        },
      ),
    );
    const { parts, error } = await collect(provider().stream!({ ...request, tools: [weather] }));
    expect(error).toBeUndefined();
    expect(parts).toEqual([
      { type: 'reasoning-delta', text: 'Need the ' },
      { type: 'reasoning-delta', text: 'weather.' },
      { type: 'text-delta', text: 'Checking.' },
      { type: 'tool-input-start', id: 'toolu_9', toolName: 'get_weather' },
      { type: 'tool-input-delta', id: 'toolu_9', delta: '{"ci' },
      { type: 'tool-input-delta', id: 'toolu_9', delta: 'ty": "Pa' },
      { type: 'tool-input-delta', id: 'toolu_9', delta: 'ris"}' },
      { type: 'tool-input-end', id: 'toolu_9' },
      { type: 'tool-call', toolCallId: 'toolu_9', toolName: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool-input-start', id: 'toolu_10', toolName: 'get_time' },
      { type: 'tool-input-end', id: 'toolu_10' },
      { type: 'tool-call', toolCallId: 'toolu_10', toolName: 'get_time', input: {} },
      {
        type: 'finish',
        finishReason: 'tool-calls',
        rawFinishReason: 'tool_use',
        usage: { inputTokens: 40, outputTokens: 42, cachedInputTokens: 10, reasoningTokens: 11 },
        response: { id: 'msg_stream', modelId: 'claude-test' },
        raw: {
          id: 'msg_stream',
          model: 'claude-test',
          stopReason: 'tool_use',
          stopSequence: null,
          usage: {
            input_tokens: 30,
            cache_read_input_tokens: 10,
            cache_creation_input_tokens: 0,
            output_tokens: 42,
            output_tokens_details: { thinking_tokens: 11 },
          },
          usageMissing: false,
        },
      },
    ]);
    expect(sent()).toMatchObject({ stream: true, tools: [weatherWire] });
  });

  it('streams a json_response tool input as text and finishes with stop', async () => {
    server.enqueue(anthropicStream([{ type: 'tool_use', id: 'toolu_j', name: 'json_response', json: ['{"answer":', '"42"}'] }], { stopReason: 'tool_use' }));
    const { parts, error } = await collect(provider().stream!({ ...request, responseFormat: { type: 'json' } }));
    expect(error).toBeUndefined();
    expect(parts.slice(0, -1)).toEqual([
      { type: 'text-delta', text: '{"answer":' },
      { type: 'text-delta', text: '"42"}' },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', rawFinishReason: 'tool_use' });
  });

  it('maps the streamed stop reason', async () => {
    server.enqueue(anthropicWire.stream(['a'], { stopReason: 'max_tokens' }));
    const { parts } = await collect(provider().stream!(request));
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'length', rawFinishReason: 'max_tokens' });
  });

  it('a stream cut mid-answer → the deltas already sent, then kind stream_interrupted, not retryable', async () => {
    server.enqueue(anthropicWire.streamCut(['The answer', ' is']));
    const { parts, error } = await collect(provider().stream!(request));
    expect(texts(parts)).toEqual(['The answer', ' is']);
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
    expect(error).toMatchObject({ kind: 'stream_interrupted', retryable: false, provider: 'anthropic' });
  });

  it('a stream cut after a tool input started → kind stream_interrupted (a tool part counts as output)', async () => {
    const events = anthropicStreamEvents([{ type: 'tool_use', id: 'toolu_c', name: 'get_weather', json: ['{"ci'] }]);
    server.enqueue({ type: 'sse', ending: 'destroy', events: events.slice(0, 2) });
    const { parts, error } = await collect(provider().stream!({ ...request, tools: [weather] }));
    expect(parts).toEqual([{ type: 'tool-input-start', id: 'toolu_c', toolName: 'get_weather' }]);
    expect(error).toMatchObject({ kind: 'stream_interrupted', retryable: false });
  });

  it('a stream that ends without message_stop → kind stream_interrupted', async () => {
    server.enqueue(anthropicWire.streamWithoutStop(['Half', ' an answer']));
    const { parts, error } = await collect(provider().stream!(request));
    expect(texts(parts)).toEqual(['Half', ' an answer']);
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
    expect(error).toMatchObject({ kind: 'stream_interrupted', retryable: false });
  });

  it('a stream that ends before any output or message_stop → kind invalid_response, retryable', async () => {
    server.enqueue({ type: 'sse', ending: 'end', events: anthropicWire.streamEvents([]).slice(0, 2) });
    const { parts, error } = await collect(provider().stream!(request));
    expect(parts).toEqual([]);
    expect(error).toMatchObject({ kind: 'invalid_response', retryable: true });
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

  it('a 400 "prompt is too long" when the stream opens → kind context_length', async () => {
    server.enqueue(anthropicWire.error(400, 'invalid_request_error', 'prompt is too long: 300000 tokens > 200000 maximum'));
    const { error } = await collect(provider().stream!(request));
    expect(error).toMatchObject({ status: 400, retryable: false, kind: 'context_length' });
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
