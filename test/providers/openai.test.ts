// The OpenAI adapter through the real `openai` SDK over real HTTP to the scripted wire server:
// the exact body each request sends, and the neutral result each answer becomes.
import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../src/call-errors.js';
import { parseRetryAfter } from '../../src/providers/error-mapping.js';
import { createOpenAIProvider, normalizeOpenAIBaseURL } from '../../src/openai.js';
import { mapOpenAIFinishReason } from '../../src/providers/openai.js';
import type { ProviderAdapter, ProviderRequest, StreamPart } from '../../src/providers/provider.js';
import type { NormalizedMessage, ToolDefinition } from '../../src/request/types.js';
import { openaiWire, startWireServer, useWireServer } from '../helpers/wire-server.js';
import { CREATED, DONE, chunk, completionWith, errorWith, sse, toolFragment, usageChunk } from '../helpers/openai-wire.js';
import { collect, failure } from '../helpers/provider-outcomes.js';

const server = useWireServer();

afterEach(() => {
  vi.unstubAllEnvs();
});

const hello: NormalizedMessage = { role: 'user', content: [{ type: 'text', text: 'Hello' }] };
const request: ProviderRequest = { model: 'gpt-test', messages: [hello] };
const response = { id: 'chatcmpl-test', modelId: 'gpt-test', timestamp: CREATED * 1000 };

function provider(extra: Parameters<typeof createOpenAIProvider>[0] = {}): ProviderAdapter {
  return createOpenAIProvider({ baseURL: server.url, apiKey: 'test-key', timeoutMs: 2_000, ...extra });
}

function sentBody(index = 0): Record<string, unknown> {
  return server.requests[index]!.body as Record<string, unknown>;
}

function texts(parts: StreamPart[]): string[] {
  return parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : []));
}

const weatherTool: ToolDefinition = {
  name: 'get_weather',
  description: 'Weather for a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const weatherToolWire = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a city', parameters: weatherTool.inputSchema },
};

describe('createOpenAIProvider: request mapping', () => {
  it('sends the system prompt, system and named messages, sampling options and both layers of headers', async () => {
    server.enqueue(openaiWire.completion('Hi there'));
    await provider({ headers: { 'x-team': 'routing', 'x-env': 'test' } }).complete({
      model: 'gpt-test',
      system: 'Be brief.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hello' }], name: 'ana' },
        { role: 'assistant', content: [{ type: 'text', text: 'Hi' }], name: 'bot' },
        { role: 'system', content: 'Answer in French from now on.' },
        { role: 'user', content: [{ type: 'text', text: 'Encore' }] },
      ],
      maxTokens: 64,
      temperature: 0.2,
      topP: 0.9,
      stop: ['END'],
      seed: 7,
      headers: { 'X-Team': 'billing', 'x-request-id': 'req-1' },
    });

    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers['authorization']).toBe('Bearer test-key');
    expect(sent.headers['x-team']).toBe('billing');
    expect(sent.headers['x-env']).toBe('test');
    expect(sent.headers['x-request-id']).toBe('req-1');
    expect(sent.body).toEqual({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello', name: 'ana' },
        { role: 'assistant', content: 'Hi', name: 'bot' },
        { role: 'system', content: 'Answer in French from now on.' },
        { role: 'user', content: 'Encore' },
      ],
      max_tokens: 64,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['END'],
      seed: 7,
      stream: false,
    });
  });

  it('leaves out what the request does not set', async () => {
    server.enqueue(openaiWire.completion('ok'));
    await provider().complete(request);
    expect(sentBody()).toEqual({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hello' }], stream: false });
  });

  it('maps tools and every tool choice', async () => {
    server.setFallback(openaiWire.completion('ok'));
    const p = provider();
    for (const toolChoice of ['auto', 'none', 'required', { type: 'tool', toolName: 'get_weather' }] as const) {
      await p.complete({ ...request, tools: [weatherTool, { name: 'now', inputSchema: { type: 'object' } }], toolChoice });
    }
    expect(sentBody(0)['tools']).toEqual([weatherToolWire, { type: 'function', function: { name: 'now', parameters: { type: 'object' } } }]);
    expect(server.requests.map((r) => (r.body as Record<string, unknown>)['tool_choice'])).toEqual([
      'auto',
      'none',
      'required',
      { type: 'function', function: { name: 'get_weather' } },
    ]);
  });

  it('sends images as image_url parts: bytes as a data URL, an http URL as it is', async () => {
    server.enqueue(openaiWire.completion('A cat.'));
    await provider().complete({
      model: 'gpt-test',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), mediaType: 'image/png' },
            { type: 'image', data: 'https://example.com/cat.jpg' },
            { type: 'image', data: new URL('https://example.com/dog.webp') },
            { type: 'image', data: '/9j/4AAQ' },
          ],
        },
      ],
    });
    expect(sentBody()['messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw==' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          { type: 'image_url', image_url: { url: 'https://example.com/dog.webp' } },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
        ],
      },
    ]);
  });

  it('sends a PDF as a file part, a text file as its text and an image file as an image', async () => {
    server.enqueue(openaiWire.completion('Read them.'));
    const notes = Buffer.from('line one\nline two — ünïcode').toString('base64');
    await provider().complete({
      model: 'gpt-test',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'file', data: new TextEncoder().encode('%PDF-'), mediaType: 'application/pdf', filename: 'report.pdf' },
            { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf' },
            { type: 'file', data: notes, mediaType: 'text/plain; charset=utf-8', filename: 'notes.txt' },
            { type: 'file', data: 'data:image/gif;base64,R0lGOD', mediaType: 'image/gif' },
          ],
        },
      ],
    });
    expect(sentBody()['messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'file', file: { filename: 'report.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
          { type: 'file', file: { filename: 'document.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
          { type: 'text', text: 'line one\nline two — ünïcode' },
          { type: 'image_url', image_url: { url: 'data:image/gif;base64,R0lGOD' } },
        ],
      },
    ]);
  });

  it('refuses files chat completions cannot carry before sending anything, without blaming the request', async () => {
    const byUrl = await failure(
      provider().complete({
        model: 'gpt-test',
        messages: [{ role: 'user', content: [{ type: 'file', data: 'https://example.com/a.pdf', mediaType: 'application/pdf' }] }],
      }),
    );
    expect(byUrl).toMatchObject({ kind: 'other', retryable: false, provider: 'openai', modelId: 'gpt-test' });
    expect(byUrl.message).toContain('by URL');
    const zip = await failure(
      provider().complete({
        model: 'gpt-test',
        messages: [{ role: 'user', content: [{ type: 'file', data: 'UEsDBA==', mediaType: 'application/zip' }] }],
      }),
    );
    expect(zip).toMatchObject({ kind: 'other', retryable: false });
    expect(zip.message).toContain('application/zip');
    expect(server.requests).toHaveLength(0);
  });

  it('asks for a JSON-schema answer and returns the JSON text as a text part', async () => {
    const schema = { type: 'object', properties: { tempC: { type: 'number' } }, required: ['tempC'] };
    server.enqueue(openaiWire.completion('{"tempC":18}'), openaiWire.completion('{}'), openaiWire.completion('{}'), openaiWire.completion('plain'));
    const p = provider();
    const result = await p.complete({
      ...request,
      responseFormat: { type: 'json', schema, name: 'weather', description: 'The weather now' },
    });
    await p.complete({ ...request, responseFormat: { type: 'json', schema } });
    await p.complete({ ...request, responseFormat: { type: 'json' } });
    await p.complete({ ...request, responseFormat: { type: 'text' } });

    expect(sentBody(0)).toEqual({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Hello' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'weather', description: 'The weather now', schema, strict: false },
      },
      stream: false,
    });
    expect(sentBody(1)['response_format']).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema, strict: false } });
    expect(sentBody(2)['response_format']).toEqual({ type: 'json_object' });
    expect(sentBody(3)).not.toHaveProperty('response_format');
    expect(result.content).toEqual([{ type: 'text', text: '{"tempC":18}' }]);
    expect(result.finishReason).toBe('stop');
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
    expect(result.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(server.requests[0]!.headers['authorization']).toBe('Bearer no-key-required');
  });

  it('uses an injected client with the adapter headers and the request headers, and makes exactly one attempt', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'injected', maxRetries: 3 });
    server.setFallback(openaiWire.error(500, 'boom'));
    const error = await failure(
      createOpenAIProvider({ client, headers: { 'x-team': 'routing', 'x-env': 'test' } }).complete({
        ...request,
        headers: { 'x-env': 'staging' },
      }),
    );
    expect(error.status).toBe(500);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers).toMatchObject({ authorization: 'Bearer injected', 'x-team': 'routing', 'x-env': 'staging' });
  });
});

describe('createOpenAIProvider: providerOptions keyed by provider', () => {
  it('applies the openai entry, ignores other providers, and cannot replace model, messages or stream', async () => {
    server.enqueue(openaiWire.completion('ok'));
    await provider().complete({
      ...request,
      maxTokens: 50,
      seed: 1,
      providerOptions: {
        openai: { seed: 7, user: 'u-1', max_completion_tokens: 80, model: 'gpt-other', messages: [], stream: true, stream_options: { include_usage: false } },
        anthropic: { top_k: 3, thinking: { type: 'enabled', budget_tokens: 1024 } },
      },
      headers: { 'x-request-id': 'req-7' },
    });
    expect(sentBody()).toEqual({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Hello' }],
      seed: 7,
      user: 'u-1',
      max_completion_tokens: 50,
      stream: false,
    });
    expect(server.requests[0]!.headers['x-request-id']).toBe('req-7');
  });

  it('an option picks the output-limit field or lowers the limit, never raises what the budget covers', async () => {
    server.setFallback(openaiWire.completion('ok'));
    const p = provider();
    await p.complete({ ...request, maxTokens: 50, providerOptions: { openai: { max_completion_tokens: 20 } } });
    await p.complete({ ...request, maxTokens: 50, providerOptions: { openai: { max_tokens: 4096 } } });
    await p.complete({ ...request, providerOptions: { openai: { max_tokens: 4096 } } });
    expect(sentBody(0)).toMatchObject({ max_completion_tokens: 20 });
    expect(sentBody(0)).not.toHaveProperty('max_tokens');
    expect(sentBody(1)).toMatchObject({ max_tokens: 50 });
    expect(sentBody(2)).toMatchObject({ max_tokens: 4096 });
  });

  it('an option named __proto__ (as JSON.parse makes it) is sent as a plain key and changes no prototype', async () => {
    server.enqueue(openaiWire.completion('ok'));
    const openai = JSON.parse('{"__proto__": {"polluted": "yes"}, "user": "u-1"}') as Record<string, unknown>;
    await provider().complete({ ...request, providerOptions: { openai } });
    const body = sentBody();
    expect(Object.hasOwn(body, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(body, '__proto__')?.value).toEqual({ polluted: 'yes' });
    expect(body['user']).toBe('u-1');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('a named adapter applies its own entry over the openai one', async () => {
    server.enqueue(openaiWire.completion('ok'));
    const result = await provider({ name: 'vllm' }).complete({
      ...request,
      providerOptions: { openai: { temperature: 0.1, seed: 1 }, vllm: { seed: 2, top_k: 20, messages: [] }, ollama: { num_ctx: 4096 } },
    });
    expect(sentBody()).toEqual({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Hello' }],
      temperature: 0.1,
      seed: 2,
      top_k: 20,
      stream: false,
    });
    expect(result.content).toEqual([{ type: 'text', text: 'ok' }]);
  });

  it('streaming keeps the caller’s stream_options but always asks for usage', async () => {
    server.enqueue(openaiWire.stream(['ok']));
    await collect(
      provider().stream!({
        ...request,
        providerOptions: { openai: { stream: false, stream_options: { include_usage: false, include_obfuscation: false } } },
      }),
    );
    expect(sentBody()).toEqual({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
      stream_options: { include_usage: true, include_obfuscation: false },
    });
  });
});

describe('createOpenAIProvider: a tool loop', () => {
  const userTurn: NormalizedMessage = { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] };

  it('user → tool call → tool result with the same id → final answer', async () => {
    server.enqueue(
      openaiWire.completion(null, {
        finishReason: 'tool_calls',
        toolCalls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      }),
      openaiWire.completion('18°C and sunny in Paris.', { usage: { prompt_tokens: 40, completion_tokens: 9 } }),
    );
    const p = provider();
    const first = await p.complete({ model: 'gpt-test', system: 'You are terse.', messages: [userTurn], tools: [weatherTool], toolChoice: 'auto' });

    expect(sentBody(0)).toEqual({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Weather in Paris?' },
      ],
      tools: [weatherToolWire],
      tool_choice: 'auto',
      stream: false,
    });
    expect(first).toEqual({
      content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } }],
      finishReason: 'tool-calls',
      rawFinishReason: 'tool_calls',
      usage: { inputTokens: 12, outputTokens: 5 },
      response,
      raw: expect.objectContaining({ id: 'chatcmpl-test' }),
    });

    const final = await p.complete({
      model: 'gpt-test',
      system: 'You are terse.',
      messages: [
        userTurn,
        { role: 'assistant', content: first.content },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', output: { type: 'json', value: { tempC: 18, sky: 'sunny' } } }] },
      ],
      tools: [weatherTool],
    });

    expect(sentBody(1)).toEqual({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"tempC":18,"sky":"sunny"}' },
      ],
      tools: [weatherToolWire],
      stream: false,
    });
    expect(final).toMatchObject({
      content: [{ type: 'text', text: '18°C and sunny in Paris.' }],
      finishReason: 'stop',
      rawFinishReason: 'stop',
      usage: { inputTokens: 40, outputTokens: 9 },
      response,
    });
  });

  it('two parallel tool calls → one tool message per result, in order, each with its call id', async () => {
    server.enqueue(
      openaiWire.completion('Checking both.', {
        finishReason: 'tool_calls',
        toolCalls: [
          { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
      }),
      openaiWire.completion('Paris is warmer.'),
    );
    const p = provider();
    const first = await p.complete({ model: 'gpt-test', messages: [userTurn], tools: [weatherTool] });
    expect(first.content).toEqual([
      { type: 'text', text: 'Checking both.' },
      { type: 'tool-call', toolCallId: 'call_a', toolName: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool-call', toolCallId: 'call_b', toolName: 'get_weather', input: { city: 'Oslo' } },
    ]);

    const final = await p.complete({
      model: 'gpt-test',
      messages: [
        userTurn,
        { role: 'assistant', content: first.content },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'call_a', toolName: 'get_weather', output: { type: 'text', value: '18°C' } },
            { type: 'tool-result', toolCallId: 'call_b', toolName: 'get_weather', output: { type: 'error-json', value: { error: 'timeout' } }, isError: true },
          ],
        },
      ],
      tools: [weatherTool],
    });
    expect(sentBody(1)['messages']).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: 'Checking both.',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '18°C' },
      { role: 'tool', tool_call_id: 'call_b', content: '{"error":"timeout"}' },
    ]);
    expect(final.content).toEqual([{ type: 'text', text: 'Paris is warmer.' }]);
  });

  it('sends every tool output shape as text, drops reasoning, and returns unparsable arguments verbatim', async () => {
    server.enqueue(openaiWire.completion('done'));
    await provider().complete({
      model: 'gpt-test',
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'The user wants five things.' },
            { type: 'text', text: 'On it.' },
            { type: 'tool-call', toolCallId: 'c1', toolName: 'a', input: '{"broken":' },
            { type: 'tool-call', toolCallId: 'c2', toolName: 'b', input: { n: 1 } },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'c1', toolName: 'a', output: { type: 'error-text', value: 'bad input' } },
            { type: 'tool-result', toolCallId: 'c2', toolName: 'b', output: { type: 'json', value: [1, 2] } },
            {
              type: 'tool-result',
              toolCallId: 'c3',
              toolName: 'c',
              output: { type: 'content', value: [{ type: 'text', text: 'first' }, { type: 'media', data: 'AAAA', mediaType: 'image/png' }, { type: 'text', text: 'second' }] },
            },
          ],
        },
      ],
    });
    expect(sentBody()['messages']).toEqual([
      {
        role: 'assistant',
        content: 'On it.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'a', arguments: '{"broken":' } },
          { id: 'c2', type: 'function', function: { name: 'b', arguments: '{"n":1}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'bad input' },
      { role: 'tool', tool_call_id: 'c2', content: '[1,2]' },
      { role: 'tool', tool_call_id: 'c3', content: 'first\nsecond' },
    ]);
  });
});

describe('createOpenAIProvider: responses', () => {
  it('maps text, finish reason, usage and the served model, and keeps the raw body', async () => {
    server.enqueue(openaiWire.completion('Hi there', { usage: { prompt_tokens: 9, completion_tokens: 3 }, model: 'gpt-test-2025-01-01' }));
    const result = await provider().complete(request);
    expect(result).toEqual({
      content: [{ type: 'text', text: 'Hi there' }],
      finishReason: 'stop',
      rawFinishReason: 'stop',
      usage: { inputTokens: 9, outputTokens: 3 },
      response: { ...response, modelId: 'gpt-test-2025-01-01' },
      raw: expect.objectContaining({ id: 'chatcmpl-test', object: 'chat.completion' }),
    });
  });

  it('maps cached and reasoning token details when the server reports them', async () => {
    server.enqueue(
      completionWith(
        { content: 'ok' },
        {
          usage: {
            prompt_tokens: 1200,
            completion_tokens: 300,
            total_tokens: 1500,
            prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
            completion_tokens_details: { reasoning_tokens: 256, audio_tokens: 0 },
          },
        },
      ),
    );
    expect((await provider().complete(request)).usage).toEqual({
      inputTokens: 1200,
      outputTokens: 300,
      cachedInputTokens: 1024,
      reasoningTokens: 256,
    });
  });

  it('maps finish reasons: length, content_filter, function_call, unknown', async () => {
    server.enqueue(
      openaiWire.completion('cut', { finishReason: 'length' }),
      openaiWire.completion('', { finishReason: 'content_filter' }),
      openaiWire.completion(null, { finishReason: 'function_call' }),
      openaiWire.completion('?', { finishReason: 'something_new' }),
    );
    const p = provider();
    expect(await p.complete(request)).toMatchObject({ finishReason: 'length', rawFinishReason: 'length' });
    const filtered = await p.complete(request);
    expect(filtered).toMatchObject({ finishReason: 'content-filter', rawFinishReason: 'content_filter', content: [] });
    expect(await p.complete(request)).toMatchObject({ finishReason: 'tool-calls', rawFinishReason: 'function_call' });
    expect(await p.complete(request)).toMatchObject({ finishReason: 'other', rawFinishReason: 'something_new' });
    expect(mapOpenAIFinishReason(null)).toBe('other');
  });

  it('keeps arguments that are not JSON as text, reads empty ones as {}, and names calls that came without an id', async () => {
    server.enqueue(
      openaiWire.completion(null, {
        finishReason: 'tool_calls',
        toolCalls: [
          { id: 'call_1', type: 'function', function: { name: 'a', arguments: '{"q": "unterminated' } },
          { id: 'call_2', type: 'function', function: { name: 'b', arguments: '' } },
          { type: 'function', function: { name: 'c', arguments: '{}' } },
        ],
      }),
    );
    expect((await provider().complete(request)).content).toEqual([
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'a', input: '{"q": "unterminated' },
      { type: 'tool-call', toolCallId: 'call_2', toolName: 'b', input: {} },
      { type: 'tool-call', toolCallId: 'tool-call-2', toolName: 'c', input: {} },
    ]);
  });

  it('reads a local server’s reasoning_content as a reasoning part before the text', async () => {
    server.enqueue(completionWith({ content: '42', reasoning_content: 'Six times seven.' }));
    expect((await provider().complete(request)).content).toEqual([
      { type: 'reasoning', text: 'Six times seven.' },
      { type: 'text', text: '42' },
    ]);
  });

  it('reports zero usage when a local server sends none, and the requested model when it names none', async () => {
    server.enqueue({ type: 'json', body: { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] } });
    const result = await provider().complete(request);
    expect(result.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(result.response).toEqual({ modelId: 'gpt-test' });
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
    [500, true, 'http'],
    [502, true, 'http'],
    [503, true, 'http'],
    [408, true, 'http'],
    [409, true, 'http'],
    [400, false, 'bad_request'],
    [401, false, 'http'],
    [403, false, 'http'],
    [404, false, 'http'],
    [422, false, 'bad_request'],
  ])('HTTP %i → retryable %s, kind %s, made once (no SDK retries)', async (status, retryable, kind) => {
    server.enqueue(openaiWire.error(status, `status ${status}`));
    const error = await failure(provider().complete(request));
    expect(error).toMatchObject({ status, retryable, kind, retryAfterMs: undefined });
    expect(server.requests).toHaveLength(1);
  });

  it('a 400 is classified by the body’s error code, else its type or wording', async () => {
    server.enqueue(
      errorWith(400, { message: 'Request too big.', code: 'context_length_exceeded' }),
      errorWith(400, { message: 'Your request was rejected.', code: 'content_policy_violation' }),
      errorWith(400, { message: "Invalid value for 'temperature'.", code: 'invalid_value' }),
      errorWith(422, { message: 'Unprocessable request', code: 422 }),
      errorWith(400, { message: 'the request exceeds the available context size', type: 'exceed_context_size_error', code: 400 }),
      errorWith(400, { message: 'Refused.', type: 'content_filter', code: 400 }),
    );
    const p = provider();
    const kinds = [];
    for (let i = 0; i < 6; i++) {
      const error = await failure(p.complete(request));
      expect(error.retryable).toBe(false);
      kinds.push([error.status, error.kind]);
    }
    expect(kinds).toEqual([
      [400, 'context_length'],
      [400, 'content_filter'],
      [400, 'bad_request'],
      [422, 'bad_request'],
      [400, 'context_length'],
      [400, 'content_filter'],
    ]);
  });

  it('a 400 when a stream opens is classified the same way', async () => {
    server.enqueue(errorWith(400, { message: 'Request too big.', code: 'context_length_exceeded' }));
    const { parts, error } = await collect(provider().stream!(request));
    expect(parts).toEqual([]);
    expect(error).toMatchObject({ status: 400, kind: 'context_length', retryable: false });
  });

  it('a response slower than the timeout → kind timeout, retryable', async () => {
    server.enqueue({ ...openaiWire.completion('late'), delayMs: 1_000 } as const);
    const started = Date.now();
    const error = await failure(provider({ timeoutMs: 200 }).complete(request));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, status: undefined });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("the router's timeoutMs (CallOptions) ends a call with no signal the same way; the shorter timeout wins", async () => {
    const adapter = provider({ timeoutMs: 5_000 });
    expect(adapter.honoursTimeoutMs).toBe(true);
    server.enqueue({ ...openaiWire.completion('late'), delayMs: 1_000 } as const);
    const error = await failure(adapter.complete(request, { timeoutMs: 200 }));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, status: undefined });
    // The adapter's own, shorter timeout still applies when the call allows more.
    server.enqueue({ ...openaiWire.completion('late'), delayMs: 1_000 } as const);
    expect(await failure(provider({ timeoutMs: 200 }).complete(request, { timeoutMs: 60_000 }))).toMatchObject({ kind: 'timeout' });
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
    server.enqueue({ type: 'json', body: { choices: [{ index: 0, finish_reason: 'stop' }] } });
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
  it('yields the deltas in order, then exactly one finish part with usage and the served model', async () => {
    server.enqueue(openaiWire.stream(['Hel', 'lo', ' world'], { usage: { prompt_tokens: 11, completion_tokens: 3 } }));
    const { parts, error } = await collect(provider().stream!(request));
    expect(error).toBeUndefined();
    expect(texts(parts)).toEqual(['Hel', 'lo', ' world']);
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      rawFinishReason: 'stop',
      usage: { inputTokens: 11, outputTokens: 3 },
      response,
      raw: {
        id: 'chatcmpl-test',
        model: 'gpt-test',
        finishReason: 'stop',
        usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 },
        usageMissing: false,
      },
    });
    expect(sentBody()).toEqual({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
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

  it('streams tool input split over chunks: start, deltas, end and the parsed call for each, then one finish', async () => {
    server.enqueue(
      sse([
        chunk({ role: 'assistant', content: null, tool_calls: [toolFragment(0, { id: 'call_9', name: 'get_weather', arguments: '' })] }),
        chunk({ tool_calls: [toolFragment(0, { arguments: '{"ci' })] }),
        chunk({ tool_calls: [toolFragment(0, { arguments: 'ty":"Par' })] }),
        chunk({ tool_calls: [toolFragment(0, { arguments: 'is"}' })] }),
        chunk({ tool_calls: [toolFragment(1, { id: 'call_10', name: 'get_time', arguments: '{"tz":' })] }),
        chunk({ tool_calls: [toolFragment(1, { arguments: '"CET"}' })] }),
        chunk({}, 'tool_calls'),
        usageChunk({
          prompt_tokens: 80,
          completion_tokens: 30,
          total_tokens: 110,
          prompt_tokens_details: { cached_tokens: 64 },
          completion_tokens_details: { reasoning_tokens: 12 },
        }),
        DONE,
      ]),
    );
    const { parts, error } = await collect(provider().stream!({ ...request, tools: [weatherTool] }));
    expect(error).toBeUndefined();
    expect(parts).toEqual([
      { type: 'tool-input-start', id: 'call_9', toolName: 'get_weather' },
      { type: 'tool-input-delta', id: 'call_9', delta: '{"ci' },
      { type: 'tool-input-delta', id: 'call_9', delta: 'ty":"Par' },
      { type: 'tool-input-delta', id: 'call_9', delta: 'is"}' },
      { type: 'tool-input-start', id: 'call_10', toolName: 'get_time' },
      { type: 'tool-input-delta', id: 'call_10', delta: '{"tz":' },
      { type: 'tool-input-delta', id: 'call_10', delta: '"CET"}' },
      { type: 'tool-input-end', id: 'call_9' },
      { type: 'tool-call', toolCallId: 'call_9', toolName: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool-input-end', id: 'call_10' },
      { type: 'tool-call', toolCallId: 'call_10', toolName: 'get_time', input: { tz: 'CET' } },
      {
        type: 'finish',
        finishReason: 'tool-calls',
        rawFinishReason: 'tool_calls',
        usage: { inputTokens: 80, outputTokens: 30, cachedInputTokens: 64, reasoningTokens: 12 },
        response,
        raw: expect.objectContaining({ finishReason: 'tool_calls', usageMissing: false }),
      },
    ]);
    expect(sentBody()['tools']).toEqual([weatherToolWire]);
  });

  it('a call whose id arrives after its first arguments starts then, with what came before as one delta', async () => {
    server.enqueue(
      sse([
        chunk({ tool_calls: [toolFragment(0, { name: 'lookup', arguments: '{"q":' })] }),
        chunk({ tool_calls: [{ index: 0, id: 'call_late', function: { name: 'lookup', arguments: '"x"}' } }] }),
        chunk({}, 'tool_calls'),
        DONE,
      ]),
    );
    const { parts } = await collect(provider().stream!(request));
    expect(parts.slice(0, -1)).toEqual([
      { type: 'tool-input-start', id: 'call_late', toolName: 'lookup' },
      { type: 'tool-input-delta', id: 'call_late', delta: '{"q":"x"}' },
      { type: 'tool-input-end', id: 'call_late' },
      { type: 'tool-call', toolCallId: 'call_late', toolName: 'lookup', input: { q: 'x' } },
    ]);
  });

  it('streams reasoning from a local server as reasoning deltas', async () => {
    server.enqueue(sse([chunk({ reasoning_content: 'Six times seven.' }), chunk({ content: '42' }), chunk({}, 'stop'), DONE]));
    const { parts } = await collect(provider().stream!(request));
    expect(parts.slice(0, 2)).toEqual([
      { type: 'reasoning-delta', text: 'Six times seven.' },
      { type: 'text-delta', text: '42' },
    ]);
  });

  it('a stream cut in the middle of a tool call → the tool-input parts already sent, then stream_interrupted', async () => {
    server.enqueue(
      sse(
        [
          chunk({ role: 'assistant', tool_calls: [toolFragment(0, { id: 'call_1', name: 'get_weather', arguments: '{"city":' })] }),
        ],
        'destroy',
      ),
    );
    const { parts, error } = await collect(provider().stream!(request));
    expect(parts).toEqual([
      { type: 'tool-input-start', id: 'call_1', toolName: 'get_weather' },
      { type: 'tool-input-delta', id: 'call_1', delta: '{"city":' },
    ]);
    expect(error).toMatchObject({ kind: 'stream_interrupted', retryable: false });
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

  it('a stream that ends cleanly with nothing at all → kind invalid_response, retryable', async () => {
    server.enqueue(openaiWire.streamWithoutFinish([]));
    const { parts, error } = await collect(provider().stream!(request));
    expect(parts).toEqual([]);
    expect(error).toMatchObject({ kind: 'invalid_response', retryable: true });
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
