// The router as the Agents SDK's model provider, through the SDK's real Runner over the wire server:
// a tool loop whose every turn is routed (and seen by router.on) and booked in the ledger, a 503 that
// falls back inside a turn, a tool result with an e-mail address that keeps the next turn local, and
// handoffs offered to the model as tools.
import { Agent, setTracingDisabled } from '@openai/agents-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RequestAbortedError, RouterError, UnknownAgentError } from 'llm-agent-router';
import { RouterModel, routerModelProvider } from 'llm-agent-router/openai-agents';
import { anthropicWire, openaiWire, useWireServer } from '../../helpers/wire-server.js';
import {
  bodyOf,
  CLOUD,
  DAY,
  EMAIL,
  getWeather,
  lookupCustomer,
  openaiToolCall,
  QUESTION,
  setup,
  SYSTEM,
  weatherAgent,
  weatherCalls,
} from './agents-setup.js';

const server = useWireServer();
beforeAll(() => setTracingDisabled(true));

const WEATHER_PARAMETERS = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
};
const WEATHER_TOOL = { type: 'function', function: { name: 'get_weather', description: 'The current weather in a city.', parameters: WEATHER_PARAMETERS } };
const WEATHER_RESULT = '{"city":"Paris","temperature":18,"sky":"cloudy"}';

describe('run() with routerModelProvider', () => {
  it('a two-turn tool loop: each turn is decided anew, served, and booked in the ledger', async () => {
    const { runner, ledger, decisions } = setup(server);
    weatherCalls.length = 0;
    server.enqueue(openaiToolCall('get_weather', { city: 'Paris' }), openaiWire.completion('It is 18°C and cloudy in Paris.'));

    const result = await runner.run(weatherAgent(), QUESTION);

    expect(result.finalOutput).toBe('It is 18°C and cloudy in Paris.');
    expect(weatherCalls).toEqual([{ city: 'Paris' }]);
    // One decision per model call, both for the router agent the SDK agent names.
    expect(decisions.map((d) => [d.agentId, d.modelId])).toEqual([
      ['assistant', 'gpt-cloud'],
      ['assistant', 'gpt-cloud'],
    ]);
    // Turn 1: the instructions, the question and the tool; turn 2 adds the call and its result.
    expect(server.requests.map((r) => bodyOf(r).model)).toEqual(['gpt-test-cloud', 'gpt-test-cloud']);
    expect(bodyOf(server.requests[0]!)).toMatchObject({
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: QUESTION },
      ],
      tools: [WEATHER_TOOL],
    });
    expect(bodyOf(server.requests[1]!).messages).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: QUESTION },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: WEATHER_RESULT },
    ]);
    // Each turn booked at its own usage: 40 + 12 tokens, then 12 + 5, at $0.01 / $0.03 per 1k.
    expect(ledger.report(DAY)).toMatchObject({ calls: 2, totalMicros: 760 + 270, byModel: { 'gpt-cloud': 1030 }, byAgent: { assistant: 1030 } });
    expect(ledger.openReservations).toBe(0);
    // The SDK sees the usage and which model served each turn.
    expect(result.runContext.usage).toMatchObject({ requests: 2, inputTokens: 52, outputTokens: 17, totalTokens: 69 });
    expect(result.rawResponses.map((r) => r.providerData?.['router'])).toEqual([
      { modelId: 'gpt-cloud', provider: 'openai', decidedModelId: 'gpt-cloud', usedFallback: false, costUsd: 0.00076, reason: expect.any(String) },
      { modelId: 'gpt-cloud', provider: 'openai', decidedModelId: 'gpt-cloud', usedFallback: false, costUsd: 0.00027, reason: expect.any(String) },
    ]);
  });

  it('a 503 from the first model falls back inside the turn; the next turn starts at the first model again', async () => {
    const { runner, ledger, decisions } = setup(server);
    server.enqueue(
      openaiWire.error(503, 'overloaded'),
      anthropicWire.message('', {
        stopReason: 'tool_use',
        content: [{ type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } }],
        usage: { input_tokens: 50, output_tokens: 20 },
      }),
      openaiWire.completion('Cloudy, 18°C.'),
    );

    const result = await runner.run(weatherAgent(), QUESTION);

    expect(result.finalOutput).toBe('Cloudy, 18°C.');
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/messages', '/v1/chat/completions']);
    expect(decisions.map((d) => d.modelId)).toEqual(['gpt-cloud', 'gpt-cloud']);
    expect(result.rawResponses.map((r) => r.providerData?.['router'])).toMatchObject([
      { modelId: 'claude', decidedModelId: 'gpt-cloud', usedFallback: true },
      { modelId: 'gpt-cloud', usedFallback: false },
    ]);
    // Anthropic's tool call id travels on to the OpenAI wire shape in turn 2.
    expect(bodyOf(server.requests[2]!).messages!.slice(2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'toolu_01', content: WEATHER_RESULT },
    ]);
    // The failed try cost nothing; Anthropic's turn (50 * 0.003 + 20 * 0.015) / 1000 and OpenAI's are booked.
    expect(ledger.report(DAY)).toMatchObject({ calls: 2, byModel: { claude: 450, 'gpt-cloud': 270 } });
    expect(ledger.openReservations).toBe(0);
  });

  it('a tool result with an e-mail address sends the next turn to the local model, and no cloud model sees it', async () => {
    const { runner, decisions } = setup(server);
    server.enqueue(openaiToolCall('lookup_customer', { order: 17 }), openaiWire.completion('The order belongs to Jane Doe.'));
    const agent = new Agent({ name: 'Support', instructions: 'Answer questions about orders.', model: 'assistant', tools: [lookupCustomer] });

    const result = await runner.run(agent, 'Whose is order 17?');

    expect(result.finalOutput).toBe('The order belongs to Jane Doe.');
    expect(decisions.map((d) => d.modelId)).toEqual(['gpt-cloud', 'local-llm']);
    expect(decisions[1]).toMatchObject({ privacyEnforced: true, localOnly: true, modelType: 'local' });
    expect(decisions[1]!.constraints.join(' ')).toContain('email');
    expect(decisions[1]!.fallbacks.filter((id) => CLOUD.includes(id))).toEqual([]);
    expect(server.requests.map((r) => bodyOf(r).model)).toEqual(['gpt-test-cloud', 'local-llm']);
    expect(JSON.stringify(bodyOf(server.requests[1]!).messages)).toContain(EMAIL);
    expect(server.requests.filter((r) => bodyOf(r).model !== 'local-llm').some((r) => JSON.stringify(r.body).includes(EMAIL))).toBe(false);
  });

  it('the same loop with a tool result without PII stays on the cloud model (the test above can fail)', async () => {
    const { runner, decisions } = setup(server);
    server.enqueue(openaiToolCall('get_weather', { city: 'Paris' }), openaiWire.completion('Cloudy.'));
    await runner.run(weatherAgent(), QUESTION);
    expect(decisions.map((d) => [d.modelId, d.privacyEnforced])).toEqual([
      ['gpt-cloud', false],
      ['gpt-cloud', false],
    ]);
  });

  it('handoffs are tools the model calls by their tool name; the next agent is routed by its own router agent', async () => {
    const { runner, decisions } = setup(server);
    const billing = new Agent({ name: 'Billing', instructions: 'You handle invoices.', model: 'billing', handoffDescription: 'Invoices and refunds.' });
    const triage = new Agent({ name: 'Triage', instructions: 'Route the customer.', model: 'assistant', tools: [getWeather], handoffs: [billing] });
    server.enqueue(openaiToolCall('transfer_to_Billing', {}), openaiWire.completion('Your invoice is on its way.'));

    const result = await runner.run(triage, 'Where is my invoice?');

    expect(result.finalOutput).toBe('Your invoice is on its way.');
    expect(result.lastAgent?.name).toBe('Billing');
    expect(decisions.map((d) => [d.agentId, d.modelId])).toEqual([
      ['assistant', 'gpt-cloud'],
      ['billing', 'local-llm'],
    ]);
    const tools = bodyOf(server.requests[0]!).tools as Array<{ function: { name: string; description?: string } }>;
    expect(tools.map((t) => t.function.name)).toEqual(['get_weather', 'transfer_to_Billing']);
    expect(tools[1]!.function.description).toContain('Invoices and refunds.');
    expect(bodyOf(server.requests[1]!)).toMatchObject({ model: 'local-llm', messages: expect.arrayContaining([{ role: 'system', content: 'You handle invoices.' }]) });
  });


  it('aborting a run while the model answers rejects with ABORTED (named AbortError, as the SDK expects); nothing stays reserved', async () => {
    const { runner, ledger } = setup(server);
    server.enqueue({ ...openaiWire.completion('too late'), delayMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    const error = await runner.run(weatherAgent(), QUESTION, { signal: controller.signal }).catch((e: unknown) => e);

    expect(RequestAbortedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ABORTED', name: 'AbortError' });
    expect(ledger.openReservations).toBe(0);
    expect(server.requests).toHaveLength(1);
  });
});

describe('routerModelProvider and RouterModel', () => {
  it("getModel(name) is the RouterModel of the router agent `name`, one per agent", () => {
    const { router } = setup(server);
    const provider = routerModelProvider(router);
    const model = provider.getModel('assistant');
    expect(model).toBeInstanceOf(RouterModel);
    expect((model as RouterModel).agentId).toBe('assistant');
    expect(provider.getModel('assistant')).toBe(model);
  });

  it('an agent naming an unknown router agent fails its run with UnknownAgentError; no request is made', async () => {
    const { runner } = setup(server);
    const error = await runner.run(new Agent({ name: 'Lost', model: 'nobody' }), 'hi').catch((e: unknown) => e);
    expect(UnknownAgentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'UNKNOWN_AGENT', agentId: 'nobody' });
    expect((error as Error).message).toContain('Known agents: assistant, billing');
    expect(server.requests).toHaveLength(0);
  });

  it('an agent that names no model is told to name a router agent', () => {
    const { router } = setup(server);
    let error: unknown;
    try {
      routerModelProvider(router).getModel('');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'Agent.model' });
    expect((error as Error).message).toContain("new Agent({ model: '<agent id>' })");
  });

  it('models keyed by an unknown router model id fail when the provider is built', () => {
    const { router } = setup(server);
    const sdkModel = new RouterModel(router, 'assistant');
    expect(() => routerModelProvider(router, { models: { 'gpt-5': sdkModel } })).toThrow(/Unknown model "gpt-5" \(RouterModel models\)/);
    expect(() => routerModelProvider(router, { models: { claude: {} as never } })).toThrow(/models\.claude.*getResponse/);
    expect(() => new RouterModel(router, 'nobody')).toThrow(RouterError);
  });
});
