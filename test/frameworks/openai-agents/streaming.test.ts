// Streamed runs (`run(agent, input, { stream: true })`) through the SDK's real Runner: text deltas as
// the SDK's output_text_delta events, a tool loop whose turns are routed and booked, a fallback before
// the first token, and an abort that ends the SDK's way with nothing left reserved.
import { setTracingDisabled, type RunStreamEvent } from '@openai/agents-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunk, DONE, sse, toolFragment, usageChunk } from '../../helpers/openai-wire.js';
import { anthropicWire, openaiWire, useWireServer } from '../../helpers/wire-server.js';
import { DAY, QUESTION, setup, weatherAgent, weatherCalls } from './agents-setup.js';

const server = useWireServer();
beforeAll(() => setTracingDisabled(true));

/**
 * Which model served each turn, from the `response_done` events: the Runner keeps a streamed response's
 * usage and output but not its providerData, so the stream's own events carry it.
 */
function served(events: RunStreamEvent[]): unknown[] {
  return events.flatMap((event) => (event.type === 'raw_model_stream_event' && event.data.type === 'response_done' ? [event.data.response.providerData?.['router']] : []));
}

/** The text deltas among a streamed run's events. */
function textDeltas(events: RunStreamEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta' ? [event.data.delta] : []));
}

const streamedToolCall = () =>
  sse([
    chunk({ role: 'assistant', content: null }),
    chunk({ tool_calls: [toolFragment(0, { id: 'call_1', name: 'get_weather', arguments: '' })] }),
    chunk({ tool_calls: [toolFragment(0, { arguments: '{"city":' })] }),
    chunk({ tool_calls: [toolFragment(0, { arguments: '"Paris"}' })] }),
    chunk({}, 'tool_calls'),
    usageChunk({ prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 }),
    DONE,
  ]);

describe('run(agent, input, { stream: true })', () => {
  it('yields text deltas, runs the tool between turns, completes, and books each turn', async () => {
    const { runner, ledger, decisions } = setup(server);
    weatherCalls.length = 0;
    server.enqueue(streamedToolCall(), openaiWire.stream(['It is 18°C', ' and cloudy', ' in Paris.']));

    const result = await runner.run(weatherAgent(), QUESTION, { stream: true });
    const events: RunStreamEvent[] = [];
    for await (const event of result) events.push(event);
    await result.completed;

    expect(textDeltas(events)).toEqual(['It is 18°C', ' and cloudy', ' in Paris.']);
    expect(result.finalOutput).toBe('It is 18°C and cloudy in Paris.');
    expect(weatherCalls).toEqual([{ city: 'Paris' }]);
    expect(decisions.map((d) => d.modelId)).toEqual(['gpt-cloud', 'gpt-cloud']);
    expect(server.requests.map((r) => (r.body as { stream?: boolean }).stream)).toEqual([true, true]);
    // The router's other parts reach the SDK as raw model events (here: the tool call's input).
    const raw = events.flatMap((event) => (event.type === 'raw_model_stream_event' && event.data.type === 'model' ? [(event.data.event as { type: string }).type] : []));
    expect(raw).toEqual(['tool-input-start', 'tool-input-delta', 'tool-input-delta', 'tool-input-end', 'tool-call']);
    // Usage from the stream's usage chunks: 40 + 12 tokens, then 12 + 3.
    expect(ledger.report(DAY)).toMatchObject({ calls: 2, totalMicros: 760 + 120 + 90 });
    expect(ledger.openReservations).toBe(0);
    expect(result.runContext.usage).toMatchObject({ requests: 2, inputTokens: 52, outputTokens: 15 });
    expect(served(events)).toMatchObject([{ modelId: 'gpt-cloud' }, { modelId: 'gpt-cloud' }]);
    const started = events.flatMap((event) => (event.type === 'raw_model_stream_event' && event.data.type === 'response_started' ? [event.data.providerData] : []));
    expect(started).toEqual([{ router: { modelId: 'gpt-cloud' } }, { router: { modelId: 'gpt-cloud' } }]);
  });

  it('a 503 before the first token falls back to the next model inside the turn', async () => {
    const { runner, ledger } = setup(server);
    server.enqueue(openaiWire.error(503, 'overloaded'), anthropicWire.stream(['Cloudy, ', '18°C.']));

    const result = await runner.run(weatherAgent({ tools: [] }), QUESTION, { stream: true });
    const events: RunStreamEvent[] = [];
    for await (const event of result) events.push(event);
    await result.completed;

    expect(textDeltas(events)).toEqual(['Cloudy, ', '18°C.']);
    expect(result.finalOutput).toBe('Cloudy, 18°C.');
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/messages']);
    expect(served(events)).toMatchObject([{ modelId: 'claude', decidedModelId: 'gpt-cloud', usedFallback: true }]);
    expect(ledger.report(DAY).byModel).toEqual({ claude: 20 * 3 + 2 * 15 });
  });

  it('aborting mid-answer ends the run as an abort: the stream closes, completed resolves, nothing stays reserved', async () => {
    const { runner, ledger } = setup(server);
    // Two deltas, then the server holds the stream open far longer than the test runs.
    server.enqueue({ type: 'sse', events: openaiWire.streamEvents(['It is', ' 18°C', ' in Paris.']), ending: 'end', pause: { afterEvents: 3, ms: 10_000 } });
    const controller = new AbortController();

    const result = await runner.run(weatherAgent({ tools: [] }), QUESTION, { stream: true, signal: controller.signal });
    const text: string[] = [];
    for await (const event of result) {
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') {
        text.push(event.data.delta);
        if (text.length === 2) controller.abort();
      }
    }
    await expect(result.completed).resolves.toBeUndefined();

    expect(text).toEqual(['It is', ' 18°C']);
    expect(result.cancelled).toBe(true);
    expect(result.error).toBeNull();
    expect(ledger.openReservations).toBe(0);
    // The aborted turn is booked at the input estimated and the output consumed, never left reserved.
    expect(ledger.report(DAY)).toMatchObject({ calls: 1, reservedMicros: 0 });
    expect(ledger.report(DAY).totalMicros).toBeGreaterThan(0);
  });
});
