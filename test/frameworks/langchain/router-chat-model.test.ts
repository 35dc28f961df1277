// RouterChatModel on its own, through the router's real adapters against the local wire server:
// messages in (system, text, images, tool calls and results, ids preserved), the answer out (tool
// calls, usage, router metadata), bound tools in each accepted form, structured output over the
// json_schema response format, streaming, and aborts that end as aborts with nothing reserved.
import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createRouter, InvalidArgumentError, RequestAbortedError } from 'llm-agent-router';
import { createMockProvider } from 'llm-agent-router/test';
import { RouterChatModel, routerMetadataOf } from 'llm-agent-router/langchain';
import { chunk, completionWith, DONE, sse, toolFragment, usageChunk } from '../../helpers/openai-wire.js';
import { anthropicWire, openaiWire, useWireServer } from '../../helpers/wire-server.js';
import { bodyOf, CONFIG, costOf, DAY, setup, textReply, toolCallReply, wireModels } from './setup.js';

const server = useWireServer();

const WEATHER = tool(async ({ city }: { city: string }) => `Sunny in ${city}`, {
  name: 'get_weather',
  description: 'The weather in a city.',
  schema: z.object({ city: z.string() }),
});

describe('RouterChatModel.invoke', () => {
  it('routes the call, answers with usage and says who served in response_metadata.router', async () => {
    const { router, ledger } = setup(server);
    server.enqueue(textReply('Hello!', { prompt_tokens: 20, completion_tokens: 4 }));
    const model = new RouterChatModel({ router, agentId: 'assistant', maxTokens: 300 });

    const answer = await model.invoke([new SystemMessage('Be brief.'), new HumanMessage('Hi')]);

    expect(answer.text).toBe('Hello!');
    expect(answer.usage_metadata).toEqual({ input_tokens: 20, output_tokens: 4, total_tokens: 24 });
    expect(answer.response_metadata['finish_reason']).toBe('stop');
    expect(routerMetadataOf(answer)).toMatchObject({ modelId: 'gpt-cloud', decidedModelId: 'gpt-cloud', provider: 'openai', usedFallback: false, attempts: [{ modelId: 'gpt-cloud', ok: true }] });
    expect(routerMetadataOf(answer)!.costUsd).toBeCloseTo(costOf('gpt-cloud', { prompt_tokens: 20, completion_tokens: 4 }), 9);
    expect(bodyOf(server, 0)).toMatchObject({
      model: 'gpt-wire',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(bodyOf(server, 0)['max_completion_tokens'] ?? bodyOf(server, 0)['max_tokens']).toBe(300);
    expect((await ledger.report(DAY)).calls).toBe(1);
  });

  it('sends image blocks as images and a tool conversation with its ids', async () => {
    const { router } = setup(server);
    server.enqueue(textReply('A red square; it is sunny.'));
    const model = new RouterChatModel({ router, agentId: 'assistant' });

    await model.invoke([
      new HumanMessage({
        content: [
          { type: 'text', text: 'What is this, and the weather in Paris?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        ],
      }),
      new AIMessage({ content: '', tool_calls: [{ id: 'call_7', name: 'get_weather', args: { city: 'Paris' }, type: 'tool_call' }] }),
      new ToolMessage({ content: 'Sunny in Paris', tool_call_id: 'call_7' }),
    ]);

    const sent = bodyOf(server, 0)['messages'] as Array<Record<string, unknown>>;
    expect(sent[0]).toMatchObject({ role: 'user', content: [{ type: 'text' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] });
    expect(sent[1]).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'call_7', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] });
    expect(sent[2]).toEqual({ role: 'tool', tool_call_id: 'call_7', content: 'Sunny in Paris' });
  });

  it('returns tool calls with their ids, and arguments that do not parse as invalid_tool_calls', async () => {
    const { router } = setup(server);
    server.enqueue(
      completionWith(
        {
          content: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city": Ber' } },
          ],
        },
        { finishReason: 'tool_calls', usage: { prompt_tokens: 30, completion_tokens: 9, total_tokens: 39 } },
      ),
    );
    const model = new RouterChatModel({ router, agentId: 'assistant' }).bindTools([WEATHER]);

    const answer = await model.invoke('Weather in Oslo and Berlin?');

    expect(answer.tool_calls).toEqual([{ id: 'call_a', name: 'get_weather', args: { city: 'Oslo' }, type: 'tool_call' }]);
    expect(answer.invalid_tool_calls).toMatchObject([{ id: 'call_b', name: 'get_weather', args: '{"city": Ber' }]);
    expect(answer.response_metadata['finish_reason']).toBe('tool_calls');
  });

  it('binds LangChain, zod-param, JSON-schema and OpenAI-format tools, with tool_choice', async () => {
    const { router } = setup(server);
    server.enqueue(toolCallReply('call_1', 'get_weather', { city: 'Rome' }));
    const jsonSchema = { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] };
    const model = new RouterChatModel({ router, agentId: 'assistant' }).bindTools(
      [
        WEATHER,
        { name: 'search', description: 'Web search.', schema: z.object({ q: z.string() }) },
        { name: 'lookup', description: 'Look up.', schema: jsonSchema },
        { type: 'function', function: { name: 'clock', description: 'The time.', parameters: { type: 'object', properties: {} } } },
      ],
      { tool_choice: 'get_weather' },
    );

    const answer = await model.invoke('Weather in Rome?');

    expect(answer.tool_calls?.[0]).toMatchObject({ id: 'call_1', name: 'get_weather', args: { city: 'Rome' } });
    const body = bodyOf(server, 0);
    const tools = body['tools'] as Array<{ function: { name: string; parameters: Record<string, unknown> } }>;
    expect(tools.map((t) => t.function.name)).toEqual(['get_weather', 'search', 'lookup', 'clock']);
    expect(tools[0]!.function.parameters).toMatchObject({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] });
    expect(tools[1]!.function.parameters).toMatchObject({ properties: { q: { type: 'string' } } });
    expect(tools[2]!.function.parameters).toEqual(jsonSchema);
    expect(body['tool_choice']).toEqual({ type: 'function', function: { name: 'get_weather' } });
  });

  it('refuses content the adapters cannot send instead of dropping it', async () => {
    const { router } = setup(server);
    const model = new RouterChatModel({ router, agentId: 'assistant' });
    const error = await model.invoke([new HumanMessage({ content: [{ type: 'image', fileId: 'file-123' }] as never })]).catch((e: unknown) => e);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(String(error)).toContain('messages[0].content[0]');
    expect(server.requests).toHaveLength(0);
  });

  it("reads an OpenAI-style response_format call option (createAgent's provider strategy) as the router's JSON format", async () => {
    const { router } = setup(server);
    server.enqueue(textReply('{"ok":true}'));
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };
    const model = new RouterChatModel({ router, agentId: 'assistant' });

    await model.invoke('Status?', { response_format: { type: 'json_schema', json_schema: { name: 'status', schema } } });

    expect(bodyOf(server, 0)['response_format']).toMatchObject({ type: 'json_schema', json_schema: { name: 'status', schema } });
  });

  it('reports the cloud verification a global rule asked for', async () => {
    const mock = (name: string) => createMockProvider({ name, responses: name === 'openai' ? 'VERIFIED: looks right' : 'The answer.' });
    const router = createRouter(
      {
        ...CONFIG,
        agents: { assistant: { model_preferences: { primary: 'local-llm', fallback: 'gpt-cloud' } } },
        routing: { ...CONFIG.routing, global_rules: [{ name: 'qa', condition: "task.critical and model.type == 'local'", action: 'require_cloud_verification' }] },
      },
      { logger: {}, providers: { openai: mock('openai'), anthropic: mock('anthropic'), local: mock('local') } },
    );
    const model = new RouterChatModel({ router, agentId: 'assistant', task: { critical: true } });

    const answer = await model.invoke('Check the migration plan.');

    expect(routerMetadataOf(answer)).toMatchObject({ modelId: 'local-llm', verification: { modelId: 'gpt-cloud', verdict: 'verified' } });
  });

  it('rejects an unknown agent and unknown model ids at construction', () => {
    const { router } = setup(server);
    expect(() => new RouterChatModel({ router, agentId: 'nobody' })).toThrow(/not an agent of this router/);
    expect(() => new RouterChatModel({ router, agentId: 'assistant', models: { 'gpt-4o': {} as never } })).toThrow(/not a model of this router/);
  });
});

describe('RouterChatModel.withStructuredOutput', () => {
  const Person = z.object({ name: z.string(), age: z.number() }).describe('A person');

  it('sends the zod schema as a json_schema response_format and returns the parsed object', async () => {
    const { router } = setup(server);
    server.enqueue(textReply('{"name":"Ada","age":36}'));
    const model = new RouterChatModel({ router, agentId: 'assistant' });

    const person = await model.withStructuredOutput(Person, { name: 'person' }).invoke('Who wrote the first program?');

    expect(person).toEqual({ name: 'Ada', age: 36 });
    const format = bodyOf(server, 0)['response_format'] as { type: string; json_schema: { name: string; schema: Record<string, unknown> } };
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.name).toBe('person');
    expect(format.json_schema.schema).toMatchObject({ type: 'object', properties: { name: { type: 'string' }, age: { type: 'number' } }, required: ['name', 'age'] });
  });

  it('with includeRaw returns the raw message too, and a parse failure as parsed: null', async () => {
    const { router } = setup(server);
    server.enqueue(textReply('{"name":"Grace","age":85}'), textReply('not json'));
    const model = new RouterChatModel({ router, agentId: 'assistant' });
    const structured = model.withStructuredOutput(Person, { includeRaw: true });

    const ok = await structured.invoke('Who found the first bug?');
    expect(ok.parsed).toEqual({ name: 'Grace', age: 85 });
    expect(AIMessage.isInstance(ok.raw)).toBe(true);
    expect(routerMetadataOf(ok.raw)!.modelId).toBe('gpt-cloud');

    const bad = await structured.invoke('Again?');
    expect(bad.parsed).toBeNull();
    expect(bad.raw.text).toBe('not json');
  });

  it("method 'functionCalling' uses a forced tool call instead", async () => {
    const { router } = setup(server);
    server.enqueue(toolCallReply('call_p', 'extract', { name: 'Alan', age: 41 }));
    const model = new RouterChatModel({ router, agentId: 'assistant' });

    const person = await model.withStructuredOutput(Person, { method: 'functionCalling' }).invoke('Who?');

    expect(person).toEqual({ name: 'Alan', age: 41 });
    expect((bodyOf(server, 0)['tools'] as Array<{ function: { name: string } }>).map((t) => t.function.name)).toEqual(['extract']);
    expect(bodyOf(server, 0)['response_format']).toBeUndefined();
  });
});

describe('RouterChatModel.stream', () => {
  it('yields text chunks, tool_call_chunks and the usage at the end', async () => {
    const { router } = setup(server);
    server.enqueue(
      sse([
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'Let me ' }),
        chunk({ content: 'check.' }),
        chunk({ tool_calls: [toolFragment(0, { id: 'call_s', name: 'get_weather', arguments: '' })] }),
        chunk({ tool_calls: [toolFragment(0, { arguments: '{"city":' })] }),
        chunk({ tool_calls: [toolFragment(0, { arguments: '"Lima"}' })] }),
        chunk({}, 'tool_calls'),
        usageChunk({ prompt_tokens: 25, completion_tokens: 12, total_tokens: 37 }),
        DONE,
      ]),
    );
    const model = new RouterChatModel({ router, agentId: 'assistant' }).bindTools([WEATHER]);

    const chunks: AIMessageChunk[] = [];
    for await (const part of await model.stream('Weather in Lima?')) chunks.push(part);

    expect(chunks.filter((c) => c.text !== '').map((c) => c.text)).toEqual(['Let me ', 'check.']);
    expect(chunks.some((c) => (c.tool_call_chunks?.length ?? 0) > 0)).toBe(true);
    const whole = chunks.reduce((a, b) => a.concat(b));
    expect(whole.text).toBe('Let me check.');
    expect(whole.tool_calls).toEqual([{ id: 'call_s', name: 'get_weather', args: { city: 'Lima' }, type: 'tool_call' }]);
    expect(whole.usage_metadata).toMatchObject({ input_tokens: 25, output_tokens: 12, total_tokens: 37 });
    expect(routerMetadataOf(chunks.at(-1))).toMatchObject({ modelId: 'gpt-cloud', usedFallback: false });
    expect(bodyOf(server, 0)['stream']).toBe(true);
  });

  it('falls back before the first chunk when the first model fails', async () => {
    const { router } = setup(server);
    server.enqueue(openaiWire.error(503, 'overloaded'), anthropicWire.stream(['Hi ', 'there']));
    const model = new RouterChatModel({ router, agentId: 'assistant' });

    const chunks: AIMessageChunk[] = [];
    for await (const part of await model.stream('Hello')) chunks.push(part);

    expect(chunks.map((c) => c.text).join('')).toBe('Hi there');
    expect(routerMetadataOf(chunks.at(-1))).toMatchObject({ modelId: 'claude-cloud', decidedModelId: 'gpt-cloud', usedFallback: true });
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/messages']);
  });
});

describe('aborts', () => {
  it('aborting mid-stream ends with an AbortError and releases the reservation', async () => {
    const { router, ledger } = setup(server);
    server.enqueue({
      type: 'sse',
      events: [chunk({ role: 'assistant', content: '' }), chunk({ content: 'one ' }), chunk({ content: 'two ' }), chunk({ content: 'three' }), chunk({}, 'stop'), DONE],
      ending: 'end',
      pause: { afterEvents: 2, ms: 5_000 },
    });
    const model = new RouterChatModel({ router, agentId: 'assistant' });
    const controller = new AbortController();

    const seen: string[] = [];
    const error = await (async () => {
      for await (const part of await model.stream('Count', { signal: controller.signal })) {
        seen.push(part.text);
        if (part.text === 'one ') controller.abort();
      }
    })().catch((e: unknown) => e);

    expect(seen).toContain('one ');
    expect(seen).not.toContain('three');
    expect((error as Error).name).toBe('AbortError');
    // LangChain reports the abort at once; the router's stream closes right after (the server is
    // still holding its next event for 5 s, so this is the abort, not the end of the answer).
    await vi.waitFor(() => expect(ledger.openReservations).toBe(0), { timeout: 2_000 });
    const spend = await ledger.report(DAY);
    expect(spend.reservedMicros).toBe(0);
    expect(spend.calls).toBe(1);
  });

  it('aborting an invoke ends it as a RequestAbortedError named AbortError, nothing reserved', async () => {
    const { router, ledger } = setup(server);
    server.enqueue({ ...textReply('late'), delayMs: 5_000 } as never);
    const model = new RouterChatModel({ router, agentId: 'assistant' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    const error = await model.invoke('Slow question', { signal: controller.signal }).catch((e: unknown) => e);

    expect((error as Error).name).toBe('AbortError');
    expect(ledger.openReservations).toBe(0);
    // Once the router's own call has settled, it is a RequestAbortedError too.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ledger.openReservations).toBe(0);
    expect(wireModels(server)).toEqual(['gpt-wire']);
  });

  it("LangChain's `timeout` call option ends a slow call as an abort, nothing reserved", async () => {
    const { router, ledger } = setup(server);
    server.enqueue({ ...textReply('late'), delayMs: 5_000 } as never);
    const model = new RouterChatModel({ router, agentId: 'assistant' });

    const error = await model.invoke('Slow question', { timeout: 50 }).catch((e: unknown) => e);

    expect((error as Error).name).toMatch(/AbortError|TimeoutError/);
    await vi.waitFor(() => expect(ledger.openReservations).toBe(0), { timeout: 2_000 });
  });

  it('the router error itself carries the abort when LangChain does not race it', async () => {
    const { router } = setup(server);
    const controller = new AbortController();
    controller.abort();
    const model = new RouterChatModel({ router, agentId: 'assistant' });
    const error = await model._generate([new HumanMessage('hi')], { signal: controller.signal } as never).catch((e: unknown) => e);
    expect(RequestAbortedError.isInstance(error)).toBe(true);
    expect((error as Error).name).toBe('AbortError');
    expect((error as RequestAbortedError).code).toBe('ABORTED');
  });
});
