// The `models` option: `@ai-sdk/openai` models pointed at the wire server make the calls themselves
// (their own request bodies and user agent), under the router's decision, fallback chain and budget —
// on `ai` 7 and `ai` 6, generating and streaming. A fallback between two such models inside a step,
// a tool result with PII sending the next step to the local model, a chosen model the option does
// not map being skipped, and an abort mid-stream releasing the reservation.
import { createOpenAI } from '@ai-sdk/openai';
import { describe, expect, it, vi } from 'vitest';
import type { RouterConfigInput } from 'llm-agent-router';
import { createRouterModel } from 'llm-agent-router/ai-sdk';
import { openaiWire, useWireServer } from '../../helpers/wire-server.js';
import { answerReply, answerStream, EMAIL, expectDecisions, micros, pausedAnswerStream, setupRouter, toolCallReply, toolCallStream, WEATHER, WEATHER_WITH_CONTACT } from './router-setup.js';
import { SDKS } from './sdk-under-test.js';

const server = useWireServer();

const PRICE = { input: 0.005, output: 0.015 };
const MINI_PRICE = { input: 0.00015, output: 0.0006 };

/** Two OpenAI cloud models and a local one; the AI SDK's models make the calls, so the router needs no adapters. */
const CONFIG: RouterConfigInput = {
  models: {
    'gpt-4o': { provider: 'openai', type: 'cloud', cost_per_1k_tokens: PRICE },
    'gpt-4o-mini': { provider: 'openai', type: 'cloud', cost_per_1k_tokens: MINI_PRICE },
    'local-llm': { provider: 'local', type: 'local', model_id: 'llama-3-8b' },
  },
  agents: { assistant: { model_preferences: { primary: 'gpt-4o', fallback: 'gpt-4o-mini', local_alternative: 'local-llm' } } },
  routing: {
    default_strategy: 'in_order',
    strategies: { in_order: { rules: [{ dynamic_routing: false }] } },
    global_rules: [{ name: 'privacy_enforcement', condition: 'data.contains_pii', action: 'force_local_model' }],
  },
};

function sdkModels() {
  const openai = createOpenAI({ baseURL: `${server.url}/v1`, apiKey: 'test' });
  const local = createOpenAI({ baseURL: `${server.url}/v1`, apiKey: 'none', name: 'local' });
  return { 'gpt-4o': openai.chat('gpt-4o'), 'gpt-4o-mini': openai.chat('gpt-4o-mini'), 'local-llm': local.chat('llama-3-8b') };
}

/**
 * The model each request named, and whether `@ai-sdk/openai` sent it: its fetch carries the AI SDK's
 * provider-utils user agent and none of the `x-stainless-*` headers the `openai` package (the
 * router's own adapter) sends.
 */
const sent = () =>
  server.requests.map((r) => ({
    model: (r.body as { model: string }).model,
    bySdk: String(r.headers['user-agent']).includes('ai-sdk-provider-utils/') && r.headers['x-stainless-lang'] === undefined,
  }));

describe.each(SDKS)('the models option on $name', (sdk) => {
  for (const mode of ['generate', 'stream'] as const) {
    const run = async (model: Parameters<typeof sdk.generate>[0], toolResult: unknown) => {
      if (mode === 'generate') return sdk.generate(model, { toolResult });
      const streamed = await sdk.stream(model, { toolResult });
      expect(streamed.errors).toEqual([]);
      return streamed.run!;
    };
    const toolCall = (model: string) => (mode === 'generate' ? toolCallReply(model) : toolCallStream());
    const answer = (model: string) => (mode === 'generate' ? answerReply(model) : answerStream());

    it(`${mode}: the chosen model's own implementation makes each step's call, booked by the router`, async () => {
      const { router, decisions, report } = setupRouter(server, CONFIG);
      server.enqueue(toolCall('gpt-4o'), answer('gpt-4o'));

      const result = await run(createRouterModel(router, 'assistant', { models: sdkModels() }), WEATHER);

      expect(result.text).toBe('It is 18°C and cloudy in Paris.');
      expect(sent()).toEqual([
        { model: 'gpt-4o', bySdk: true },
        { model: 'gpt-4o', bySdk: true },
      ]);
      expectDecisions(decisions, ['gpt-4o', 'gpt-4o']);
      expect(result.steps.map((s) => [s.modelId, s.finishReason])).toEqual([
        ['gpt-4o', 'tool-calls'],
        ['gpt-4o', 'stop'],
      ]);
      const step1 = micros({ input: 40, output: 12 }, PRICE);
      const step2 = micros({ input: 70, output: 9 }, PRICE);
      expect(result.steps.map((s) => s.router.costUsd)).toEqual([step1 / 1e6, step2 / 1e6]);
      expect(result.steps[0]!.router.attempts).toEqual([{ modelId: 'gpt-4o', attempt: 1, ok: true }]);
      const spent = await report();
      expect(spent).toMatchObject({ calls: 2, reservedMicros: 0, byModel: { 'gpt-4o': step1 + step2 } });
      // A priced model's call carries the output limit its budget reservation covers (the default, 4096).
      expect(server.requests.map((r) => (r.body as { max_tokens?: number }).max_tokens)).toEqual([4096, 4096]);
      // The tool result went back in the SDK's own wire shape.
      expect((server.requests[1]!.body as { messages: unknown[] }).messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_1', content: JSON.stringify(WEATHER) });
    });

    it(`${mode}: a 503 from the first model falls back to the second inside the step`, async () => {
      const { router, decisions } = setupRouter(server, CONFIG);
      server.enqueue(openaiWire.error(503, 'overloaded'), toolCall('gpt-4o-mini'), answer('gpt-4o'));

      const result = await run(createRouterModel(router, 'assistant', { models: sdkModels() }), WEATHER);

      expect(sent().map((s) => s.model)).toEqual(['gpt-4o', 'gpt-4o-mini', 'gpt-4o']);
      expect(sent().every((s) => s.bySdk)).toBe(true);
      expectDecisions(decisions, ['gpt-4o', 'gpt-4o']);
      expect(result.steps.map((s) => s.modelId)).toEqual(['gpt-4o-mini', 'gpt-4o']);
      expect(result.steps[0]!.router).toMatchObject({
        modelId: 'gpt-4o-mini',
        decidedModelId: 'gpt-4o',
        usedFallback: true,
        attempts: [
          { modelId: 'gpt-4o', attempt: 1, ok: false },
          { modelId: 'gpt-4o-mini', attempt: 1, ok: true },
        ],
      });
    });

    it(`${mode}: a tool result with an e-mail address sends step 2 to the local model`, async () => {
      const { router, decisions } = setupRouter(server, CONFIG);
      server.enqueue(toolCall('gpt-4o'), answer('llama-3-8b'));

      const result = await run(createRouterModel(router, 'assistant', { models: sdkModels() }), WEATHER_WITH_CONTACT);

      expect(sent().map((s) => s.model)).toEqual(['gpt-4o', 'llama-3-8b']);
      expectDecisions(decisions, ['gpt-4o', 'local-llm']);
      expect(decisions[1]!.constraints.join(' ')).toContain('email');
      expect(result.steps.map((s) => s.modelId)).toEqual(['gpt-4o', 'local-llm']);
      expect(JSON.stringify(server.requests[1]!.body)).toContain(EMAIL);
    });
  }

  it('a chosen model the option does not map is skipped (no_provider) and the chain moves on', async () => {
    const { router } = setupRouter(server, CONFIG);
    server.enqueue(answerReply('gpt-4o-mini', 'Hello.'));
    const { 'gpt-4o': _unmapped, ...models } = sdkModels();

    const result = await sdk.generate(createRouterModel(router, 'assistant', { models }));

    expect(sent().map((s) => s.model)).toEqual(['gpt-4o-mini']);
    expect(result.steps[0]!.router).toMatchObject({
      modelId: 'gpt-4o-mini',
      decidedModelId: 'gpt-4o',
      attempts: [
        { modelId: 'gpt-4o', ok: false, skipped: 'no_provider' },
        { modelId: 'gpt-4o-mini', ok: true },
      ],
    });
    // The gap is the host's configuration, not the model's health.
    expect(router.modelState('gpt-4o')).toMatchObject({ available: true });
  });

  it("a stream that dies before its first content part falls back; the next model's stream is the answer", async () => {
    const { router } = setupRouter(server, CONFIG);
    server.enqueue(openaiWire.streamCut([]), answerStream(['Hello ', 'there.']));

    const streamed = await sdk.stream(createRouterModel(router, 'assistant', { models: sdkModels() }));

    expect(streamed.errors).toEqual([]);
    expect(streamed.run!.text).toBe('Hello there.');
    expect(sent().map((s) => s.model)).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(streamed.run!.steps[0]!.router).toMatchObject({ modelId: 'gpt-4o-mini', usedFallback: true });
  });

  it('aborting mid-stream ends the call as an abort and releases the reservation', async () => {
    const { router, ledger, report } = setupRouter(server, CONFIG);
    server.enqueue(pausedAnswerStream());
    const controller = new AbortController();
    const reservedWhileStreaming: number[] = [];

    const streamed = await sdk.stream(createRouterModel(router, 'assistant', { models: sdkModels() }), {
      abortSignal: controller.signal,
      onTextDelta: () => {
        reservedWhileStreaming.push(ledger.openReservations);
        controller.abort();
      },
    });

    expect(reservedWhileStreaming).toEqual([1]);
    expect(streamed.parts).toContain('abort');
    expect(streamed.errors).toEqual([]);
    await vi.waitFor(() => expect(ledger.openReservations).toBe(0));
    expect((await report()).calls).toBe(1);
  });
});
