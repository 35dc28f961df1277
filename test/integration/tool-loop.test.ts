// A conversation with tools, images and JSON answers through complete() and stream(), over the real
// openai and @anthropic-ai/sdk clients against the local wire server: the three-turn tool loop on
// each SDK, a fallback between turns that moves the conversation to the other provider's wire
// shape, media and structured output, orphaned tool results refused before any request, a 400
// that ends the call instead of walking the chain, and routing around models without tool calling.
import { describe, expect, it, vi } from 'vitest';
import {
  createRouter,
  MemoryLedger,
  RouterError,
  type CompletionRequest,
  type CompletionResult,
  type ModelInfo,
  type RequestRejectedError,
  type RequestMessage,
  type RouterConfigInput,
  type RouterStreamPart,
  type ToolDefinition,
} from 'llm-agent-router';
import { createAnthropicProvider } from 'llm-agent-router/anthropic';
import { createOpenAIProvider } from 'llm-agent-router/openai';
import { anthropicStream } from '../helpers/anthropic-wire.js';
import { chunk, completionWith, DONE, errorWith, sse, toolFragment, usageChunk } from '../helpers/openai-wire.js';
import { manualClock } from '../helpers/seed.js';
import { anthropicWire, openaiWire, useWireServer } from '../helpers/wire-server.js';
import { rejection } from '../helpers/router-outcomes.js';

const server = useWireServer();

// ---------------------------------------------------------------------------------------------
// Helpers

/** Models served by the wire server: an OpenAI-compatible local model and an Anthropic cloud one. */
const CONFIG: RouterConfigInput = {
  models: {
    'local-llm': { provider: 'local', type: 'local', endpoint: 'http://localhost:8080' },
    claude: { provider: 'anthropic', type: 'cloud', model_id: 'claude-test-model', cost_per_1k_tokens: { input: 0.003, output: 0.015 } },
  },
  agents: {
    // The OpenAI-compatible server first, Anthropic behind it.
    local_first: { model_preferences: { primary: 'local-llm', fallback: 'claude' } },
    // Anthropic first, the OpenAI-compatible server behind it.
    cloud_first: { model_preferences: { primary: 'claude', fallback: 'local-llm' } },
  },
  // The agent's models in the order it prefers them: no scoring, no thresholds.
  routing: { default_strategy: 'in_order', strategies: { in_order: { rules: [{ dynamic_routing: false }] } } },
};

function setup(config: RouterConfigInput = CONFIG, retries = 0) {
  const clock = manualClock();
  const ledger = new MemoryLedger();
  const localFactory = vi.fn((model: ModelInfo) => {
    expect(model.provider).toBe('local');
    return createOpenAIProvider({ baseURL: server.url, name: 'local', timeoutMs: 5_000 });
  });
  const router = createRouter(config, {
    clock,
    ledger,
    logger: {},
    sleep: async () => {},
    retry: { retries, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false },
    providers: {
      anthropic: createAnthropicProvider({ baseURL: server.url, apiKey: 'test', timeoutMs: 5_000 }),
      local: localFactory,
    },
  });
  return { router, ledger, localFactory };
}

const SYSTEM = 'You are a weather assistant.';
const QUESTION = 'What is the weather in Paris?';
const WEATHER_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
};
const TOOLS: ToolDefinition[] = [{ name: 'get_weather', description: 'The current weather in a city.', inputSchema: WEATHER_SCHEMA }];
const WEATHER = { temperature: 18, unit: 'celsius', sky: 'cloudy' };
const WEATHER_TEXT = JSON.stringify(WEATHER);

/** Turn 1 of every loop: the question, with the tools. */
function firstTurn(): CompletionRequest {
  return { system: SYSTEM, messages: [{ role: 'user', content: QUESTION }], tools: TOOLS, maxTokens: 200 };
}

/** Turn 2: the previous turn's messages, the assistant's answer as the result gave it, the tool's result. */
function nextTurn(previous: CompletionRequest, result: CompletionResult): CompletionRequest {
  expect(result.toolCalls).toHaveLength(1);
  const call = result.toolCalls[0]!;
  const messages: RequestMessage[] = [
    ...previous.messages,
    { role: 'assistant', content: result.content },
    {
      role: 'tool',
      content: [{ type: 'tool-result', toolCallId: call.toolCallId, toolName: call.toolName, output: { type: 'json', value: WEATHER } }],
    },
  ];
  return { ...previous, messages };
}

/** Tool definitions as chat completions carries them. */
const OPENAI_TOOLS = [
  { type: 'function', function: { name: 'get_weather', description: 'The current weather in a city.', parameters: WEATHER_SCHEMA } },
];
/** Tool definitions as the Messages API carries them. */
const ANTHROPIC_TOOLS = [{ name: 'get_weather', description: 'The current weather in a city.', input_schema: WEATHER_SCHEMA }];

/** The second turn of the OpenAI loop as chat completions carries it: the call and its result, same id. */
const OPENAI_TURN_2_MESSAGES = [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: QUESTION },
  {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
  },
  { role: 'tool', tool_call_id: 'call_1', content: WEATHER_TEXT },
];

const bodyOf = (index: number) => server.requests[index]!.body as Record<string, unknown>;
const paths = () => server.requests.map((r) => r.path);


async function drain(parts: AsyncIterable<RouterStreamPart>): Promise<RouterStreamPart[]> {
  const seen: RouterStreamPart[] = [];
  for await (const part of parts) seen.push(part);
  return seen;
}

/** The stream's parts without the decision (too large to compare), and its one finish's result. */
function summarize(parts: RouterStreamPart[]) {
  const finishes = parts.filter((p) => p.type === 'finish');
  expect(finishes).toHaveLength(1);
  const last = parts[parts.length - 1]!;
  if (last.type !== 'finish') throw new Error(`expected the last part to be finish, got ${last.type}`);
  const shown = parts.slice(0, -1).map((p) => (p.type === 'start' ? { type: 'start', modelId: p.modelId } : p));
  return { shown, result: last.result };
}

/** An OpenAI tool-call answer: `call_1` → get_weather({ city: 'Paris' }). */
const openaiToolCall = () =>
  completionWith(
    { content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    { finishReason: 'tool_calls', usage: { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 } },
  );

/** An Anthropic tool-use answer with text before it: `toolu_01` → get_weather({ city: 'Paris' }). */
const anthropicToolUse = () =>
  anthropicWire.message('', {
    stopReason: 'tool_use',
    content: [
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { city: 'Paris' } },
    ],
    usage: { input_tokens: 50, output_tokens: 20 },
  });

// 8 bytes of PNG signature and a few more: the base64 starts with the PNG magic `iVBORw0KGgo`.
const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
const PNG_BASE64 = Buffer.from(PNG_BYTES).toString('base64');
const IMAGE_URL = 'https://example.com/photos/cat.jpg';
const REPORT_SCHEMA = {
  type: 'object',
  properties: { animals: { type: 'array', items: { type: 'string' } }, count: { type: 'integer' } },
  required: ['animals', 'count'],
  additionalProperties: false,
};
const REPORT_TEXT = '{"animals":["cat"],"count":2}';

function pictureRequest(): CompletionRequest {
  return {
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Which animals are in these pictures?' },
          { type: 'image', data: PNG_BYTES, mediaType: 'image/png' },
          { type: 'image', data: IMAGE_URL },
        ],
      },
    ],
    responseFormat: { type: 'json', schema: REPORT_SCHEMA, name: 'picture_report' },
    maxTokens: 300,
  };
}

// ---------------------------------------------------------------------------------------------
// 1. The three-turn tool loop through complete()

describe('a tool loop through complete()', () => {
  it('OpenAI SDK: tool_calls, then an assistant tool_calls message and a role:tool message, then text', async () => {
    const { router } = setup();
    server.enqueue(openaiToolCall(), openaiWire.completion('It is 18°C and cloudy in Paris.'));

    const turn1 = firstTurn();
    const first = await router.complete('local_first', turn1);
    expect(first).toMatchObject({
      modelId: 'local-llm',
      provider: 'local',
      usedFallback: false,
      finishReason: 'tool-calls',
      text: '',
      toolCalls: [{ toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } }],
      content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } }],
    });
    expect(bodyOf(0)).toEqual({
      model: 'local-llm',
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: QUESTION },
      ],
      tools: OPENAI_TOOLS,
      max_tokens: 200,
      stream: false,
    });

    const turn2 = nextTurn(turn1, first);
    const second = await router.complete('local_first', turn2);
    expect(second).toMatchObject({ text: 'It is 18°C and cloudy in Paris.', finishReason: 'stop', toolCalls: [], modelId: 'local-llm', usedFallback: false });
    expect(paths()).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
    expect(bodyOf(1)).toEqual({
      model: 'local-llm',
      messages: OPENAI_TURN_2_MESSAGES,
      tools: OPENAI_TOOLS,
      max_tokens: 200,
      stream: false,
    });
  });

  it('Anthropic SDK: tool_use, then an assistant tool_use block and a user tool_result block with the same id, then text', async () => {
    const { router } = setup();
    server.enqueue(anthropicToolUse(), anthropicWire.message('It is 18°C and cloudy in Paris.'));

    const turn1 = firstTurn();
    const first = await router.complete('cloud_first', turn1);
    expect(first).toMatchObject({
      modelId: 'claude',
      provider: 'anthropic',
      usedFallback: false,
      finishReason: 'tool-calls',
      rawFinishReason: 'tool_use',
      text: 'Let me check.',
      toolCalls: [{ toolCallId: 'toolu_01A09q90qw90lq917835lq9', toolName: 'get_weather', input: { city: 'Paris' } }],
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool-call', toolCallId: 'toolu_01A09q90qw90lq917835lq9', toolName: 'get_weather', input: { city: 'Paris' } },
      ],
    });
    expect(bodyOf(0)).toEqual({
      model: 'claude-test-model',
      max_tokens: 200,
      system: SYSTEM,
      messages: [{ role: 'user', content: [{ type: 'text', text: QUESTION }] }],
      tools: ANTHROPIC_TOOLS,
      stream: false,
    });

    const turn2 = nextTurn(turn1, first);
    const second = await router.complete('cloud_first', turn2);
    expect(second).toMatchObject({ text: 'It is 18°C and cloudy in Paris.', finishReason: 'stop', toolCalls: [], modelId: 'claude' });
    expect(paths()).toEqual(['/v1/messages', '/v1/messages']);
    expect(bodyOf(1)).toEqual({
      model: 'claude-test-model',
      max_tokens: 200,
      system: SYSTEM,
      messages: [
        { role: 'user', content: [{ type: 'text', text: QUESTION }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A09q90qw90lq917835lq9', content: WEATHER_TEXT }] },
      ],
      tools: ANTHROPIC_TOOLS,
      stream: false,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// 2. The same loop through stream()

describe('a tool loop through stream()', () => {
  it('OpenAI SDK: streamed tool-call fragments become tool-input parts and one parsed tool-call; turn 2 streams the answer', async () => {
    const { router } = setup();
    server.enqueue(
      sse([
        chunk({ role: 'assistant', content: null }),
        chunk({ tool_calls: [toolFragment(0, { id: 'call_1', name: 'get_weather', arguments: '' })] }),
        chunk({ tool_calls: [toolFragment(0, { arguments: '{"city":' })] }),
        chunk({ tool_calls: [toolFragment(0, { arguments: '"Paris"}' })] }),
        chunk({}, 'tool_calls'),
        usageChunk({ prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 }),
        DONE,
      ]),
      openaiWire.stream(['It is 18°C', ' in Paris.']),
    );

    const turn1 = firstTurn();
    const one = summarize(await drain(router.stream('local_first', turn1)));
    expect(one.shown).toEqual([
      { type: 'start', modelId: 'local-llm' },
      { type: 'tool-input-start', id: 'call_1', toolName: 'get_weather' },
      { type: 'tool-input-delta', id: 'call_1', delta: '{"city":' },
      { type: 'tool-input-delta', id: 'call_1', delta: '"Paris"}' },
      { type: 'tool-input-end', id: 'call_1' },
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(one.result).toMatchObject({
      modelId: 'local-llm',
      finishReason: 'tool-calls',
      toolCalls: [{ toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } }],
      content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } }],
      usage: { inputTokens: 40, outputTokens: 12 },
    });
    expect(bodyOf(0)).toEqual({
      model: 'local-llm',
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: QUESTION },
      ],
      tools: OPENAI_TOOLS,
      max_tokens: 200,
      stream: true,
      stream_options: { include_usage: true },
    });

    const turn2 = nextTurn(turn1, one.result);
    const two = summarize(await drain(router.stream('local_first', turn2)));
    expect(two.shown).toEqual([
      { type: 'start', modelId: 'local-llm' },
      { type: 'text-delta', text: 'It is 18°C' },
      { type: 'text-delta', text: ' in Paris.' },
    ]);
    expect(two.result).toMatchObject({ text: 'It is 18°C in Paris.', finishReason: 'stop', toolCalls: [] });
    expect(bodyOf(1)).toEqual({
      model: 'local-llm',
      messages: OPENAI_TURN_2_MESSAGES,
      tools: OPENAI_TOOLS,
      max_tokens: 200,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(server.requests).toHaveLength(2);
  });

  it('Anthropic SDK: text then a tool_use block with input_json_delta pieces; turn 2 carries tool_use and tool_result', async () => {
    const { router } = setup();
    const id = 'toolu_01T1x1fJ34qAmk2tNTrN7Up6';
    server.enqueue(
      anthropicStream(
        [
          { type: 'text', deltas: ['Let me ', 'check.'] },
          { type: 'tool_use', id, name: 'get_weather', json: ['{"city":', '"Paris"}'] },
        ],
        { stopReason: 'tool_use', startUsage: { input_tokens: 50, output_tokens: 1 }, deltaUsage: { output_tokens: 20 } },
      ),
      anthropicWire.stream(['It is 18°C', ' in Paris.']),
    );

    const turn1 = firstTurn();
    const one = summarize(await drain(router.stream('cloud_first', turn1)));
    expect(one.shown).toEqual([
      { type: 'start', modelId: 'claude' },
      { type: 'text-delta', text: 'Let me ' },
      { type: 'text-delta', text: 'check.' },
      { type: 'tool-input-start', id, toolName: 'get_weather' },
      { type: 'tool-input-delta', id, delta: '{"city":' },
      { type: 'tool-input-delta', id, delta: '"Paris"}' },
      { type: 'tool-input-end', id },
      { type: 'tool-call', toolCallId: id, toolName: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(one.result).toMatchObject({
      modelId: 'claude',
      finishReason: 'tool-calls',
      text: 'Let me check.',
      toolCalls: [{ toolCallId: id, toolName: 'get_weather', input: { city: 'Paris' } }],
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool-call', toolCallId: id, toolName: 'get_weather', input: { city: 'Paris' } },
      ],
      usage: { inputTokens: 50, outputTokens: 20 },
    });
    expect(bodyOf(0)).toEqual({
      model: 'claude-test-model',
      max_tokens: 200,
      system: SYSTEM,
      messages: [{ role: 'user', content: [{ type: 'text', text: QUESTION }] }],
      tools: ANTHROPIC_TOOLS,
      stream: true,
    });

    const turn2 = nextTurn(turn1, one.result);
    const two = summarize(await drain(router.stream('cloud_first', turn2)));
    expect(two.shown).toEqual([
      { type: 'start', modelId: 'claude' },
      { type: 'text-delta', text: 'It is 18°C' },
      { type: 'text-delta', text: ' in Paris.' },
    ]);
    expect(two.result).toMatchObject({ text: 'It is 18°C in Paris.', finishReason: 'stop', toolCalls: [] });
    expect(bodyOf(1)).toEqual({
      model: 'claude-test-model',
      max_tokens: 200,
      system: SYSTEM,
      messages: [
        { role: 'user', content: [{ type: 'text', text: QUESTION }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id, name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: WEATHER_TEXT }] },
      ],
      tools: ANTHROPIC_TOOLS,
      stream: true,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// 3. A fallback between turns moves the conversation to the other provider's wire shape

describe('a fallback between turns, across providers', () => {
  it('OpenAI-compatible first (call_1), a 503 on turn 2: Anthropic gets tool_use / tool_result with call_1', async () => {
    const { router } = setup();
    server.enqueue(openaiToolCall(), openaiWire.error(503, 'overloaded'), anthropicWire.message('It is 18°C and cloudy in Paris.', { usage: { input_tokens: 80, output_tokens: 10 } }));

    const turn1 = firstTurn();
    const first = await router.complete('local_first', turn1);
    expect(first).toMatchObject({ modelId: 'local-llm', toolCalls: [{ toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } }] });

    const second = await router.complete('local_first', nextTurn(turn1, first));
    expect(second).toMatchObject({
      text: 'It is 18°C and cloudy in Paris.',
      modelId: 'claude',
      provider: 'anthropic',
      usedFallback: true,
      finishReason: 'stop',
    });
    expect(second.attempts.map((a) => [a.modelId, a.ok])).toEqual([
      ['local-llm', false],
      ['claude', true],
    ]);
    expect(paths()).toEqual(['/v1/chat/completions', '/v1/chat/completions', '/v1/messages']);
    // The failed turn 2 went out in chat-completions shape...
    expect((bodyOf(1)['messages'] as unknown[]).slice(2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: WEATHER_TEXT },
    ]);
    // ...and the same conversation reached Anthropic in its own.
    expect(bodyOf(2)).toEqual({
      model: 'claude-test-model',
      max_tokens: 200,
      system: SYSTEM,
      messages: [
        { role: 'user', content: [{ type: 'text', text: QUESTION }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: WEATHER_TEXT }] },
      ],
      tools: ANTHROPIC_TOOLS,
      stream: false,
    });
  });

  it('Anthropic first (toolu_...), a 529 on turn 2: the OpenAI-compatible server gets tool_calls / role:tool with that id', async () => {
    const { router } = setup();
    const id = 'toolu_01A09q90qw90lq917835lq9';
    server.enqueue(
      anthropicToolUse(),
      anthropicWire.error(529, 'overloaded_error', 'Overloaded'),
      openaiWire.completion('It is 18°C and cloudy in Paris.'),
    );

    const turn1 = firstTurn();
    const first = await router.complete('cloud_first', turn1);
    expect(first).toMatchObject({ modelId: 'claude', toolCalls: [{ toolCallId: id, toolName: 'get_weather', input: { city: 'Paris' } }] });

    const second = await router.complete('cloud_first', nextTurn(turn1, first));
    expect(second).toMatchObject({
      text: 'It is 18°C and cloudy in Paris.',
      modelId: 'local-llm',
      provider: 'local',
      usedFallback: true,
    });
    expect(paths()).toEqual(['/v1/messages', '/v1/messages', '/v1/chat/completions']);
    expect(bodyOf(2)).toEqual({
      model: 'local-llm',
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: QUESTION },
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [{ id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: id, content: WEATHER_TEXT },
      ],
      tools: OPENAI_TOOLS,
      max_tokens: 200,
      stream: false,
    });
  });

  it('stream(): turn 2 falls back from the OpenAI-compatible server to Anthropic before the first token', async () => {
    const { router } = setup();
    server.enqueue(openaiToolCall(), openaiWire.error(503, 'overloaded'), anthropicWire.stream(['Cloudy, ', '18°C.']));
    const turn1 = firstTurn();
    const first = await router.complete('local_first', turn1);
    const two = summarize(await drain(router.stream('local_first', nextTurn(turn1, first))));
    expect(two.shown).toEqual([
      { type: 'start', modelId: 'claude' },
      { type: 'text-delta', text: 'Cloudy, ' },
      { type: 'text-delta', text: '18°C.' },
    ]);
    expect(two.result).toMatchObject({ text: 'Cloudy, 18°C.', modelId: 'claude', usedFallback: true });
    expect(bodyOf(2)).toMatchObject({
      stream: true,
      tools: ANTHROPIC_TOOLS,
      messages: [
        { role: 'user', content: [{ type: 'text', text: QUESTION }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: WEATHER_TEXT }] },
      ],
    });
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Images in, JSON out

describe('image input and a JSON-schema answer through complete()', () => {
  it('OpenAI SDK: image_url parts (data URL and http URL) and response_format.json_schema', async () => {
    const { router } = setup();
    server.enqueue(openaiWire.completion(REPORT_TEXT));
    const result = await router.complete('local_first', pictureRequest());
    expect(result).toMatchObject({ text: REPORT_TEXT, modelId: 'local-llm', finishReason: 'stop' });
    expect(JSON.parse(result.text)).toEqual({ animals: ['cat'], count: 2 });
    expect(bodyOf(0)).toEqual({
      model: 'local-llm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Which animals are in these pictures?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
            { type: 'image_url', image_url: { url: IMAGE_URL } },
          ],
        },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'picture_report', schema: REPORT_SCHEMA, strict: false } },
      max_tokens: 300,
      stream: false,
    });
    expect(PNG_BASE64.startsWith('iVBORw0KGgo')).toBe(true);
  });

  it('Anthropic SDK: image blocks with base64 and url sources, and output_config.format json_schema', async () => {
    const { router } = setup();
    server.enqueue(anthropicWire.message(REPORT_TEXT));
    const result = await router.complete('cloud_first', pictureRequest());
    expect(result).toMatchObject({ text: REPORT_TEXT, modelId: 'claude', finishReason: 'stop' });
    expect(JSON.parse(result.text)).toEqual({ animals: ['cat'], count: 2 });
    expect(bodyOf(0)).toEqual({
      model: 'claude-test-model',
      max_tokens: 300,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Which animals are in these pictures?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } },
            { type: 'image', source: { type: 'url', url: IMAGE_URL } },
          ],
        },
      ],
      output_config: { format: { type: 'json_schema', schema: REPORT_SCHEMA } },
      stream: false,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// 5. The regression: orphaned tool results and 400s walking the fallback chain

describe('orphaned tool results and rejected requests', () => {
  it('a tool result whose toolCallId matches no earlier tool call is refused with INVALID_ARGUMENT before any HTTP request', async () => {
    const { router } = setup();
    server.setFallback(openaiWire.completion('never'));
    const orphan: CompletionRequest = {
      messages: [
        { role: 'user', content: QUESTION },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', output: { type: 'json', value: WEATHER } }] },
      ],
      tools: TOOLS,
    };
    const error = await rejection(router.complete('local_first', orphan));
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'request.messages[1].content[0].toolCallId' });
    expect(error.message).toContain('request.messages[1].content[0].toolCallId');
    expect(error.message).toContain('"call_1"');
    expect(server.requests).toHaveLength(0);
  });

  it('a tool result before the call it answers is an orphan too, through stream() as well', async () => {
    const { router } = setup();
    server.setFallback(openaiWire.completion('never'));
    const backwards: CompletionRequest = {
      messages: [
        { role: 'user', content: QUESTION },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', output: 'sunny' }] },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } }] },
      ],
      tools: TOOLS,
    };
    let error: unknown;
    try {
      await drain(router.stream('local_first', backwards));
    } catch (caught) {
      error = caught;
    }
    expect(RouterError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'request.messages[1].content[0].toolCallId' });
    expect(server.requests).toHaveLength(0);
  });

  it('a 400 invalid_request_error to a well-formed tool turn fails with REQUEST_REJECTED naming the model; no other model is asked', async () => {
    // Two retries allowed: a 400 must use none of them.
    const { router, ledger } = setup(CONFIG, 2);
    server.enqueue(openaiToolCall(), errorWith(400, { message: "Invalid parameter: messages with role 'tool' must be a response to a preceding message with 'tool_calls'.", type: 'invalid_request_error' }));
    server.setFallback(anthropicWire.message('never'));
    const turn1 = firstTurn();
    const first = await router.complete('local_first', turn1);
    server.requests.length = 0;

    const error = await rejection(router.complete('local_first', nextTurn(turn1, first)));
    expect(error).toMatchObject({ code: 'REQUEST_REJECTED', modelId: 'local-llm', agentId: 'local_first' });
    expect((error as RequestRejectedError).attempts.map((a) => [a.modelId, a.attempt, a.ok])).toEqual([['local-llm', 1, false]]);
    expect(error.message).toContain('"local-llm"');
    expect(error.message).toContain('HTTP 400');
    expect((error.cause as { kind?: string; status?: number })).toMatchObject({ kind: 'bad_request', status: 400 });
    // Exactly one request: not retried, not sent to claude.
    expect(server.requests).toHaveLength(1);
    expect(paths()).toEqual(['/v1/chat/completions']);
    expect(ledger.openReservations).toBe(0);
  });

  it('the same 400 through stream() ends the stream with REQUEST_REJECTED after one request', async () => {
    const { router } = setup(CONFIG, 2);
    server.enqueue(errorWith(400, { message: "Invalid value for 'tool_choice'", type: 'invalid_request_error' }));
    server.setFallback(anthropicWire.stream(['never']));
    const seen: RouterStreamPart[] = [];
    let error: unknown;
    try {
      for await (const part of router.stream('local_first', firstTurn())) seen.push(part);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'REQUEST_REJECTED', modelId: 'local-llm' });
    expect(seen.filter((p) => p.type !== 'start')).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// 6. Requests with tools route only to models that can call tools

describe('routing by tool support', () => {
  const config: RouterConfigInput = {
    models: {
      'plain-llm': { provider: 'local', type: 'local', supports: { tools: false } },
      'local-llm': { provider: 'local', type: 'local' },
    },
    agents: { worker: { model_preferences: { primary: 'plain-llm', fallback: 'local-llm' } } },
    routing: { default_strategy: 'in_order', strategies: { in_order: { rules: [{ dynamic_routing: false }] } } },
  };

  it('a request with tools skips the primary that declares supports.tools: false, and the trace says why', async () => {
    const { router } = setup(config);
    server.enqueue(openaiToolCall());
    const result = await router.complete('worker', firstTurn());
    expect(result).toMatchObject({ modelId: 'local-llm', usedFallback: false, toolCalls: [{ toolCallId: 'call_1' }] });
    expect(bodyOf(0)).toMatchObject({ model: 'local-llm', tools: OPENAI_TOOLS });
    expect(server.requests).toHaveLength(1);
    expect(result.decision.modelId).toBe('local-llm');
    expect(result.decision.fallbacks).not.toContain('plain-llm');
    const why = result.decision.trace.filter((step) => (step.step === 'constraint' || step.step === 'strategy') && step.message.includes('tool calling'));
    expect(why.length).toBeGreaterThan(0);
    expect(why[0]!.message).toContain('plain-llm');
  });

  it('a conversation holding tool calls (without tools) also needs tool calling', async () => {
    const { router } = setup(config);
    server.enqueue(openaiWire.completion('Cloudy.'));
    const request: CompletionRequest = {
      messages: [
        { role: 'user', content: QUESTION },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', output: { type: 'json', value: WEATHER } }] },
      ],
    };
    const result = await router.complete('worker', request);
    expect(result.modelId).toBe('local-llm');
    expect(bodyOf(0)).toMatchObject({ model: 'local-llm' });
  });

  it('without tools the primary serves', async () => {
    const { router } = setup(config);
    server.enqueue(openaiWire.completion('Paris is cloudy today, I hear.'));
    const result = await router.complete('worker', { messages: [{ role: 'user', content: QUESTION }] });
    expect(result).toMatchObject({ modelId: 'plain-llm', text: 'Paris is cloudy today, I hear.', usedFallback: false });
    expect(result.decision.fallbacks).toEqual(['local-llm']);
    expect(bodyOf(0)).toEqual({ model: 'plain-llm', messages: [{ role: 'user', content: QUESTION }], stream: false });
  });
});
