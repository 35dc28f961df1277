// The router model in a real agent loop, on `ai` 7 and `ai` 6, with `generateText` and `streamText`:
// a two-step tool loop routed anew at every step (each decision seen through `router.on`, each step's
// cost booked in the ledger), a failing first model that falls back inside a step, and a tool result
// carrying an e-mail address that keeps the next step on the local model.
import { generateText } from 'ai';
import { describe, expect, it } from 'vitest';
import { createRouter } from 'llm-agent-router';
import { createRouterModel, type RouterCallMetadata } from 'llm-agent-router/ai-sdk';
import { loadSeed } from '../../helpers/seed.js';
import { anthropicStream } from '../../helpers/anthropic-wire.js';
import { anthropicWire, openaiWire, useWireServer } from '../../helpers/wire-server.js';
import {
  answerReply,
  answerStream,
  CONFIG,
  EMAIL,
  expectDecisions,
  micros,
  servedBy,
  setupRouter,
  toolCallReply,
  toolCallStream,
  WEATHER,
  WEATHER_WITH_CONTACT,
} from './router-setup.js';
import { SDKS } from './sdk-under-test.js';

const server = useWireServer();

const GPT = { input: 0.005, output: 0.015 };
const CLAUDE = { input: 0.003, output: 0.015 };
/** Step 1 (tool call, 40 in / 12 out) and step 2 (answer, 70 in / 9 out) on gpt-cloud. */
const GPT_STEP_1 = micros({ input: 40, output: 12 }, GPT);
const GPT_STEP_2 = micros({ input: 70, output: 9 }, GPT);

/** The chat-completions body of request `index`. */
const bodyOf = (index: number) => server.requests[index]!.body as { messages: Array<Record<string, unknown>>; tools?: unknown[] };

/** An Anthropic tool-use answer: `toolu_1` → weather({ city: 'Paris' }), 50 in / 20 out. */
const claudeToolUse = () =>
  anthropicWire.message('', {
    stopReason: 'tool_use',
    content: [{ type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } }],
    usage: { input_tokens: 50, output_tokens: 20 },
  });

describe.each(SDKS)('a two-step tool loop on $name', (sdk) => {
  for (const mode of ['generate', 'stream'] as const) {
    const run = async (model: Parameters<typeof sdk.generate>[0], toolResult: unknown) => {
      if (mode === 'generate') return sdk.generate(model, { toolResult });
      const streamed = await sdk.stream(model, { toolResult });
      expect(streamed.errors).toEqual([]);
      return streamed.run!;
    };
    const toolCall = () => (mode === 'generate' ? toolCallReply('gpt-4o') : toolCallStream());
    const answer = () => (mode === 'generate' ? answerReply('gpt-4o') : answerStream());

    it(`${mode}: routes each step anew, names the serving model, and books each step's cost`, async () => {
      const { router, decisions, report } = setupRouter(server);
      server.enqueue(toolCall(), answer());

      const result = await run(createRouterModel(router, 'assistant'), WEATHER);

      expect(result.text).toBe('It is 18°C and cloudy in Paris.');
      expect(result.toolInputs).toEqual([{ city: 'Paris' }]);
      // One decision per step, both for the first preferred model.
      expectDecisions(decisions, ['gpt-cloud', 'gpt-cloud']);
      expect(result.steps.map((s) => [s.modelId, s.finishReason])).toEqual([
        ['gpt-cloud', 'tool-calls'],
        ['gpt-cloud', 'stop'],
      ]);
      expect(result.steps.map((s) => [s.inputTokens, s.outputTokens])).toEqual([
        [40, 12],
        [70, 9],
      ]);
      expect(result.steps[0]!.router).toEqual({
        modelId: 'gpt-cloud',
        provider: 'openai',
        decidedModelId: 'gpt-cloud',
        source: 'strategy',
        reason: decisions[0]!.reason,
        strategy: 'in_order',
        constraints: [],
        costUsd: GPT_STEP_1 / 1e6,
        usedFallback: false,
        attempts: [{ modelId: 'gpt-cloud', attempt: 1, ok: true }],
      });
      expect(result.steps[1]!.router.costUsd).toBe(GPT_STEP_2 / 1e6);
      // The router's metadata survives a JSON round trip unchanged: JSON values only.
      expect(JSON.parse(JSON.stringify(result.steps[1]!.router))).toEqual(result.steps[1]!.router);

      const spent = await report();
      expect(spent.calls).toBe(2);
      expect(spent.byModel).toEqual({ 'gpt-cloud': GPT_STEP_1 + GPT_STEP_2 });
      expect(spent.reservedMicros).toBe(0);

      // The router's own adapter (the `openai` package) made both calls.
      expect(servedBy(server.requests)).toEqual(['gpt-4o', 'gpt-4o']);
      expect(server.requests.map((r) => r.headers['x-stainless-lang'])).toEqual(['js', 'js']);
      // Step 2 carried the conversation so far: the call and its result under the same id.
      const step2 = bodyOf(1).messages;
      expect(step2.slice(1)).toEqual([
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: JSON.stringify(WEATHER) },
      ]);
      expect(bodyOf(0).tools).toEqual([expect.objectContaining({ type: 'function', function: expect.objectContaining({ name: 'weather', description: 'The current weather in a city.' }) })]);
    });

    it(`${mode}: a failing first model (503) falls back inside the step; the next step routes anew`, async () => {
      const { router, decisions, report } = setupRouter(server);
      server.enqueue(
        openaiWire.error(503, 'overloaded'),
        mode === 'generate' ? claudeToolUse() : anthropicStream([{ type: 'tool_use', id: 'toolu_1', name: 'weather', json: ['{"city":', '"Paris"}'] }], { stopReason: 'tool_use' }),
        answer(),
      );

      const result = await run(createRouterModel(router, 'assistant'), WEATHER);

      expect(servedBy(server.requests)).toEqual(['gpt-4o', 'anthropic', 'gpt-4o']);
      expectDecisions(decisions, ['gpt-cloud', 'gpt-cloud']);
      expect(result.steps.map((s) => s.modelId)).toEqual(['claude-cloud', 'gpt-cloud']);
      expect(result.steps[0]!.router).toMatchObject({
        modelId: 'claude-cloud',
        provider: 'anthropic',
        decidedModelId: 'gpt-cloud',
        usedFallback: true,
        attempts: [
          { modelId: 'gpt-cloud', attempt: 1, ok: false },
          { modelId: 'claude-cloud', attempt: 1, ok: true },
        ],
      });
      // The tool result went back to OpenAI under Anthropic's tool-call id.
      expect(bodyOf(2).messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'toolu_1', content: JSON.stringify(WEATHER) });
      const claudeStep = mode === 'generate' ? micros({ input: 50, output: 20 }, CLAUDE) : micros({ input: 30, output: 12 }, CLAUDE);
      expect((await report()).byModel).toEqual({ 'claude-cloud': claudeStep, 'gpt-cloud': GPT_STEP_2 });
    });

    it(`${mode}: a tool result with an e-mail address keeps step 2 on the local model`, async () => {
      const { router, decisions, report } = setupRouter(server);
      server.enqueue(toolCall(), mode === 'generate' ? answerReply('llama-3-8b') : answerStream());

      const result = await run(createRouterModel(router, 'assistant'), WEATHER_WITH_CONTACT);

      // Step 1 held no PII and went to the cloud; step 2 sends the tool result, and stays local.
      expect(servedBy(server.requests)).toEqual(['gpt-4o', 'llama-3-8b']);
      expectDecisions(decisions, ['gpt-cloud', 'local-llm']);
      expect(decisions[1]!.localOnly).toBe(true);
      expect(decisions[1]!.fallbacks).toEqual([]);
      expect(result.steps.map((s) => s.modelId)).toEqual(['gpt-cloud', 'local-llm']);
      expect(result.steps[1]!.router.constraints).toEqual(['local only: global rule privacy_enforcement (data.contains_pii); the PII scan found email']);
      expect(JSON.stringify(bodyOf(1).messages)).toContain(EMAIL);
      expect(JSON.stringify(bodyOf(0))).not.toContain(EMAIL);
      // Both steps are booked; the local model is free, so only step 1 cost anything.
      const spent = await report();
      expect(spent.calls).toBe(2);
      expect(spent.byModel).toEqual({ 'gpt-cloud': GPT_STEP_1 });
    });
  }
});

describe('the router model alone', () => {
  it('is a LanguageModelV3 named after the agent, and refuses an unknown agent or a bad models option at once', () => {
    const { router } = setupRouter(server);
    const model = createRouterModel(router, 'assistant');
    expect(model).toMatchObject({ specificationVersion: 'v3', provider: 'llm-agent-router', modelId: 'assistant', supportedUrls: {} });
    expect(() => createRouterModel(router, 'nobody')).toThrow(/Unknown agent "nobody"/);
    expect(() => createRouterModel(router, 'assistant', { models: { 'gpt-5': {} as never } })).toThrow(/"gpt-5" is not a model of the router's configuration/);
    expect(() => createRouterModel(router, 'assistant', { models: { 'gpt-cloud': { specificationVersion: 'v1' } as never } })).toThrow(/expected an AI SDK language model/);
    expect(Object.keys(CONFIG.models)).toContain('gpt-cloud');
  });

  it("reports the cloud verification a global rule asked for, and `verify: false` turns it off", async () => {
    // The seed's quality_assurance rule: a critical task on a local model is verified by a cloud model.
    const router = createRouter(await loadSeed('production'), { logger: {} });
    const ask = async (verify?: boolean) => {
      const model = createRouterModel(router, 'qa_agent', { task: { type: 'test_generation', critical: true }, ...(verify === undefined ? {} : { verify }) });
      const { providerMetadata } = await generateText({ model, prompt: 'Generate tests for the payment flow.' });
      return providerMetadata?.['router'] as unknown as RouterCallMetadata;
    };

    const verified = await ask();
    expect(['llama-3-70b', 'deepseek-coder-33b', 'qwen-2-72b']).toContain(verified.modelId);
    expect(verified.verification).toMatchObject({ verdict: expect.stringMatching(/^(verified|issues)$/) });
    expect(['claude-3-opus', 'gpt-4-turbo']).toContain(verified.verification!.modelId);
    expect((await ask(false)).verification).toBeUndefined();
  });
});
