// `models`: the host's own Agents SDK models make the calls, inside router.execute. The router still
// decides every turn (and scans what the SDK model will send), walks its fallback chain, and books
// each call's usage. The SDK models here are the SDK's own ScriptedModel.
import { Agent, setTracingDisabled, Usage, type RunStreamEvent, type StreamEvent } from '@openai/agents-core';
import { assistantMessage, functionCall, modelError, modelResponder, modelResponse, modelStreamResponder, ScriptedModel } from '@openai/agents-core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { RequestAbortedError } from 'llm-agent-router';
import { useWireServer } from '../../helpers/wire-server.js';
import { DAY, EMAIL, lookupCustomer, QUESTION, setup, weatherAgent, weatherCalls } from './agents-setup.js';

const server = useWireServer();
beforeAll(() => setTracingDisabled(true));

const usage = (inputTokens: number, outputTokens: number) => new Usage({ requests: 1, inputTokens, outputTokens });
const http503 = () => Object.assign(new Error('HTTP 503: overloaded'), { status: 503 });

describe('RouterModel with models (the SDK models make the calls)', () => {
  it("a 503 from the first model's SDK model falls back to the next one's; every turn routed and booked", async () => {
    weatherCalls.length = 0;
    const gpt = new ScriptedModel([modelError(http503()), modelResponse({ output: [assistantMessage('Cloudy, 18°C.')], usage: usage(100, 10) })]);
    const claude = new ScriptedModel([modelResponse({ output: [functionCall('get_weather', { city: 'Paris' }, { callId: 'call_9' })], usage: usage(50, 20) })]);
    const local = new ScriptedModel([]);
    const { runner, ledger, decisions } = setup(server, { models: { 'gpt-cloud': gpt, claude, 'local-llm': local } });

    const result = await runner.run(weatherAgent(), QUESTION);

    expect(result.finalOutput).toBe('Cloudy, 18°C.');
    expect(weatherCalls).toEqual([{ city: 'Paris' }]);
    expect(decisions.map((d) => d.modelId)).toEqual(['gpt-cloud', 'gpt-cloud']);
    expect([gpt.calls.length, claude.calls.length, local.calls.length]).toEqual([2, 1, 0]);
    // The SDK model gets the SDK's request as it is: the tool, the conversation with the call and result.
    expect(gpt.calls[1]!.request.tools.map((t) => t.name)).toEqual(['get_weather']);
    expect((gpt.calls[1]!.request.input as Array<{ type?: string }>).map((item) => item.type)).toEqual(['message', 'function_call', 'function_call_result']);
    expect(result.rawResponses.map((r) => r.providerData?.['router'])).toMatchObject([
      { modelId: 'claude', provider: 'anthropic', decidedModelId: 'gpt-cloud', usedFallback: true, costUsd: 0.00045 },
      { modelId: 'gpt-cloud', provider: 'openai', usedFallback: false, costUsd: 0.0013 },
    ]);
    expect(ledger.report(DAY)).toMatchObject({ calls: 2, byModel: { claude: 450, 'gpt-cloud': 1300 } });
    expect(ledger.openReservations).toBe(0);
    // No router adapter was used.
    expect(server.requests).toHaveLength(0);
  });

  it('a tool result with an e-mail address: the next turn is made by the local SDK model; no cloud SDK model sees it', async () => {
    const gpt = new ScriptedModel([modelResponse({ output: [functionCall('lookup_customer', { order: 17 }, { callId: 'call_1' })], usage: usage(40, 12) })]);
    const claude = new ScriptedModel([]);
    const local = new ScriptedModel([modelResponse({ output: [assistantMessage('Order 17 is Jane Doe’s.')], usage: usage(60, 8) })]);
    const { runner, decisions, ledger } = setup(server, { models: { 'gpt-cloud': gpt, claude, 'local-llm': local } });
    const agent = new Agent({ name: 'Support', instructions: 'Answer questions about orders.', model: 'assistant', tools: [lookupCustomer] });

    const result = await runner.run(agent, 'Whose is order 17?');

    expect(result.finalOutput).toBe('Order 17 is Jane Doe’s.');
    expect(decisions.map((d) => [d.modelId, d.privacyEnforced])).toEqual([
      ['gpt-cloud', false],
      ['local-llm', true],
    ]);
    expect(JSON.stringify(local.calls[0]!.request.input)).toContain(EMAIL);
    expect([...gpt.calls, ...claude.calls].some((call) => JSON.stringify(call.request.input).includes(EMAIL))).toBe(false);
    // Both calls booked; the local one is free.
    expect(ledger.report(DAY)).toMatchObject({ calls: 2, totalMicros: 760 });
  });

  it("PII only in an item's providerData (which the SDK model sends) keeps the call local", async () => {
    const gpt = new ScriptedModel([]);
    const local = new ScriptedModel([modelResponse({ output: [assistantMessage('Noted.')], usage: usage(10, 2) })]);
    const { runner, decisions } = setup(server, { models: { 'gpt-cloud': gpt, claude: new ScriptedModel([]), 'local-llm': local } });

    await runner.run(weatherAgent({ tools: [] }), [{ role: 'user', content: 'Remember my contact.', providerData: { contact: EMAIL } }]);

    expect(decisions[0]).toMatchObject({ modelId: 'local-llm', privacyEnforced: true });
    expect(gpt.calls).toHaveLength(0);
    expect(local.calls[0]!.request.input).toEqual([{ role: 'user', content: 'Remember my contact.', providerData: { contact: EMAIL } }]);
  });

  it('a model the router chooses without an SDK model is a failed try: the chain moves on', async () => {
    const claude = new ScriptedModel([modelResponse({ output: [assistantMessage('Hello from Claude.')], usage: usage(10, 2) })]);
    const { runner } = setup(server, { models: { claude, 'local-llm': new ScriptedModel([]) } });
    const result = await runner.run(weatherAgent({ tools: [] }), 'Hi');
    expect(result.finalOutput).toBe('Hello from Claude.');
    expect(result.rawResponses[0]!.providerData?.['router']).toMatchObject({ modelId: 'claude', decidedModelId: 'gpt-cloud', usedFallback: true });
  });

  it('streamed: the SDK model streams, a failure before its first event falls back, usage from response_done is booked', async () => {
    const gpt = new ScriptedModel([modelError(http503())]);
    const claude = new ScriptedModel([modelResponse({ output: [assistantMessage('Streamed by Claude.')], usage: usage(30, 6) })]);
    const { runner, ledger } = setup(server, { models: { 'gpt-cloud': gpt, claude, 'local-llm': new ScriptedModel([]) } });

    const result = await runner.run(weatherAgent({ tools: [] }), QUESTION, { stream: true });
    const events: RunStreamEvent[] = [];
    for await (const event of result) events.push(event);
    await result.completed;

    expect(result.finalOutput).toBe('Streamed by Claude.');
    expect(gpt.calls.map((c) => c.streamed)).toEqual([true]);
    expect(claude.calls.map((c) => c.streamed)).toEqual([true]);
    const deltas = events.flatMap((e) => (e.type === 'raw_model_stream_event' && e.data.type === 'output_text_delta' ? [e.data.delta] : []));
    expect(deltas.join('')).toBe('Streamed by Claude.');
    const done = events.flatMap((e) => (e.type === 'raw_model_stream_event' && e.data.type === 'response_done' ? [e.data.response.providerData?.['router']] : []));
    expect(done).toMatchObject([{ modelId: 'claude', usedFallback: true, costUsd: 0.00018 }]);
    expect(ledger.report(DAY)).toMatchObject({ calls: 1, byModel: { claude: 180 } });
    expect(ledger.openReservations).toBe(0);
  });

  it("aborting a streamed run mid-answer reaches the SDK model's stream; the run is cancelled, its input booked", async () => {
    let streamSignal: AbortSignal | undefined;
    // One delta, then nothing until the stream's signal aborts.
    async function* slowStream(signal: AbortSignal | undefined): AsyncGenerator<StreamEvent> {
      streamSignal = signal;
      yield { type: 'response_started' };
      yield { type: 'output_text_delta', delta: 'Once upon' };
      await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
      throw Object.assign(new Error('The stream was aborted.'), { name: 'AbortError' });
    }
    const gpt = new ScriptedModel([modelStreamResponder((call) => slowStream(call.request.signal))]);
    const { runner, ledger } = setup(server, { models: { 'gpt-cloud': gpt, claude: new ScriptedModel([]), 'local-llm': new ScriptedModel([]) } });
    const controller = new AbortController();

    const result = await runner.run(weatherAgent({ tools: [] }), 'Tell me a story.', { stream: true, signal: controller.signal });
    for await (const event of result) {
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') controller.abort();
    }
    await expect(result.completed).resolves.toBeUndefined();

    expect(result.cancelled).toBe(true);
    expect(streamSignal?.aborted).toBe(true);
    expect(ledger.openReservations).toBe(0);
    // No usage came: the input the router estimated is booked.
    expect(ledger.report(DAY)).toMatchObject({ calls: 1, byModel: { 'gpt-cloud': expect.any(Number) } });
  });

  it('aborting while the SDK model works ends the run with ABORTED; nothing stays reserved', async () => {
    const controller = new AbortController();
    const gpt = new ScriptedModel([
      modelResponder(() => {
        queueMicrotask(() => controller.abort());
        return new Promise<never>(() => {}); // never answers
      }),
    ]);
    const { runner, ledger } = setup(server, { models: { 'gpt-cloud': gpt, claude: new ScriptedModel([]), 'local-llm': new ScriptedModel([]) } });

    const error = await runner.run(weatherAgent({ tools: [] }), QUESTION, { signal: controller.signal }).catch((e: unknown) => e);

    expect(RequestAbortedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ABORTED', name: 'AbortError' });
    expect(ledger.openReservations).toBe(0);
  });
});
