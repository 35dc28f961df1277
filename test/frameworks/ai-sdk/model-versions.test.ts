// The `models` option with AI SDK models of each specification version: V3 and V4 (the SDK's own
// mock models from `ai/test`) and V2 (a model written to the V2 interface): each is called with the
// options in its own shape, and its answer comes back in V3's — content, finish reason, usage and
// warnings — with provider tools and the router's own provider options never sent to it.
import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModelV2, LanguageModelV2StreamPart } from '@ai-sdk/provider';
import { generateText, streamText } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV3, MockLanguageModelV4 } from 'ai/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRouterModel } from 'llm-agent-router/ai-sdk';
import { useWireServer } from '../../helpers/wire-server.js';
import { EMAIL, micros, setupRouter } from './router-setup.js';

const server = useWireServer();
beforeAll(() => {
  // The warnings these tests provoke are asserted on; the SDK need not print them too.
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
});
const GPT = { input: 0.005, output: 0.015 };
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

const v4Usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});

/** A model written to the V2 interface, answering "old" with V2's finish reason and flat usage. */
function legacyModel(): LanguageModelV2 {
  const usage = { inputTokens: 11, outputTokens: 7, totalTokens: 18 };
  return {
    specificationVersion: 'v2',
    provider: 'legacy',
    modelId: 'legacy-1',
    supportedUrls: {},
    doGenerate: async () => ({ content: [{ type: 'text', text: 'old' }], finishReason: 'unknown', usage, warnings: [{ type: 'unsupported-setting', setting: 'topK' }] }),
    doStream: async () => ({
      stream: convertArrayToReadableStream<LanguageModelV2StreamPart>([
        { type: 'stream-start', warnings: [] },
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'old' },
        { type: 'text-end', id: 't' },
        { type: 'finish', finishReason: 'stop', usage },
      ]),
    }),
  };
}

describe('AI SDK models of each specification version under the router', () => {
  it('V3: gets the call options as given, without provider tools or the router key; its metadata is kept', async () => {
    const { router, decisions } = setupRouter(server);
    const v3 = new MockLanguageModelV3({
      doGenerate: {
        content: [{ type: 'text', text: 'Hello from V3.' }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: v4Usage(20, 5),
        warnings: [],
        providerMetadata: { mock: { requestId: 'r-1' } },
      },
    });
    const openai = createOpenAI({ apiKey: 'test' });

    const result = await generateText({
      model: createRouterModel(router, 'assistant', { models: { 'gpt-cloud': v3 } }),
      prompt: 'Hi.',
      tools: { web_search: openai.tools.webSearch({}) },
      maxOutputTokens: 100,
      providerOptions: { 'llm-agent-router': { task: { id: 'task-7' } }, openai: { user: 'u-1' } },
    });

    expect(result.text).toBe('Hello from V3.');
    const call = v3.doGenerateCalls[0]!;
    expect(call.tools).toBeUndefined();
    expect(call.providerOptions).toEqual({ openai: { user: 'u-1' } });
    expect(call.maxOutputTokens).toBe(100);
    expect(call.prompt).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi.' }] }]);
    // The per-call task reached the router.
    expect(decisions[0]).toMatchObject({ modelId: 'gpt-cloud', taskId: 'task-7' });
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'unsupported', feature: 'provider-defined tool web_search (openai.web_search)' })]);
    expect(result.providerMetadata).toMatchObject({ mock: { requestId: 'r-1' }, router: { modelId: 'gpt-cloud', costUsd: micros({ input: 20, output: 5 }, GPT) / 1e6 } });
    expect(result.response.modelId).toBe('gpt-cloud');
  });

  it("V2: its string finish reason, flat usage and warnings come back in V3's shapes, and its usage is booked", async () => {
    const { router, report } = setupRouter(server);
    const model = createRouterModel(router, 'assistant', { models: { 'gpt-cloud': legacyModel() } });

    const generated = await generateText({ model, prompt: 'Hi.' });
    expect(generated.text).toBe('old');
    expect(generated.finishReason).toBe('other');
    expect(generated.usage).toMatchObject({ inputTokens: 11, outputTokens: 7 });
    expect(generated.warnings).toEqual([{ type: 'unsupported', feature: 'topK' }]);

    const streamed = streamText({ model, prompt: 'Hi.' });
    expect(await streamed.text).toBe('old');
    expect(await streamed.finishReason).toBe('stop');
    expect(await streamed.usage).toMatchObject({ inputTokens: 11, outputTokens: 7 });

    expect((await report()).byModel).toEqual({ 'gpt-cloud': 2 * micros({ input: 11, output: 7 }, GPT) });
  });

  it('V4: gets its file data wrapped; parts V3 has no place for are dropped, and `interrupted` reads as `other`', async () => {
    const { router } = setupRouter(server);
    const v4 = new MockLanguageModelV4({
      doGenerate: {
        content: [{ type: 'custom', kind: 'mock.note' }, { type: 'text', text: 'Hello from V4.', citations: [] }],
        finishReason: { unified: 'interrupted', raw: 'cut' },
        usage: v4Usage(30, 4),
        warnings: [{ type: 'deprecated', setting: 'seed', message: 'seed is going away' }],
      },
      doStream: {
        stream: convertArrayToReadableStream([
          { type: 'stream-start', warnings: [] },
          { type: 'ping' },
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'Hello ' },
          { type: 'custom', kind: 'mock.note' },
          { type: 'text-delta', id: 't', delta: 'again.' },
          { type: 'text-end', id: 't', citations: [] },
          { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: v4Usage(30, 2) },
        ]),
      },
    });
    const model = createRouterModel(router, 'assistant', { models: { 'gpt-cloud': v4 } });
    const messages = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'What is this?' }, { type: 'file' as const, data: PNG, mediaType: 'image/png' }] }];

    const generated = await generateText({ model, messages });
    expect(generated.text).toBe('Hello from V4.');
    expect(generated.finishReason).toBe('other');
    expect(generated.warnings).toEqual([{ type: 'other', message: 'seed: seed is going away' }]);
    const sentImage = (v4.doGenerateCalls[0]!.prompt[0]!.content as Array<{ type: string; data?: unknown }>)[1];
    expect(sentImage).toMatchObject({ type: 'file', mediaType: 'image/png', data: { type: 'data', data: PNG } });

    const streamed = streamText({ model, messages });
    const parts: string[] = [];
    for await (const part of streamed.fullStream) parts.push(part.type);
    expect(await streamed.text).toBe('Hello again.');
    expect(parts).not.toContain('custom');
    expect(parts).not.toContain('error');
  });

  it("PII only in what the neutral request cannot carry (a message's provider options) still keeps the call local", async () => {
    const { router, decisions } = setupRouter(server);
    const answer = (text: string) => ({ content: [{ type: 'text' as const, text }], finishReason: { unified: 'stop' as const, raw: 'stop' }, usage: v4Usage(5, 2), warnings: [] });
    const cloud = new MockLanguageModelV3({ doGenerate: answer('from the cloud') });
    const local = new MockLanguageModelV3({ doGenerate: answer('from the local model') });

    const result = await generateText({
      model: createRouterModel(router, 'assistant', { models: { 'gpt-cloud': cloud, 'local-llm': local } }),
      messages: [{ role: 'user', content: 'Hello.', providerOptions: { openai: { user: EMAIL } } }],
    });

    expect(result.text).toBe('from the local model');
    expect(cloud.doGenerateCalls).toHaveLength(0);
    expect(decisions[0]).toMatchObject({ modelId: 'local-llm', localOnly: true });
    // What the model was sent still carries the provider options: they were scanned, not dropped.
    expect(local.doGenerateCalls[0]!.prompt[0]).toMatchObject({ providerOptions: { openai: { user: EMAIL } } });
  });
});
