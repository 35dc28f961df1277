// The V3 stream the router model returns, read part by part: `stream-start` and `response-metadata`
// naming the model that serves, reasoning and text blocks each opened and closed, tool input and the
// tool call with its input as JSON text, and exactly one `finish` — last — with usage and the
// router's metadata. A fallback happens before `doStream` resolves, never inside the stream.
import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { describe, expect, it, vi } from 'vitest';
import { createRouterModel } from 'llm-agent-router/ai-sdk';
import { chunk, DONE, sse, toolFragment, usageChunk } from '../../helpers/openai-wire.js';
import { openaiWire, useWireServer } from '../../helpers/wire-server.js';
import { pausedAnswerStream, setupRouter } from './router-setup.js';

const server = useWireServer();

async function readAll(stream: ReadableStream<LanguageModelV3StreamPart>): Promise<LanguageModelV3StreamPart[]> {
  const parts: LanguageModelV3StreamPart[] = [];
  for await (const part of stream as unknown as AsyncIterable<LanguageModelV3StreamPart>) parts.push(part);
  return parts;
}

describe('doStream', () => {
  it('emits the V3 part sequence: blocks opened and closed, the tool call as JSON text, one finish last', async () => {
    const { router } = setupRouter(server);
    server.enqueue(
      sse([
        chunk({ role: 'assistant', content: '' }),
        chunk({ reasoning_content: 'Weather needs ' }),
        chunk({ reasoning_content: 'the tool.' }),
        chunk({ content: 'Checking.' }),
        chunk({ tool_calls: [toolFragment(0, { id: 'call_1', name: 'weather', arguments: '{"city":' })] }),
        chunk({ tool_calls: [toolFragment(0, { arguments: '"Paris"}' })] }),
        chunk({}, 'tool_calls'),
        usageChunk({ prompt_tokens: 40, completion_tokens: 12, total_tokens: 52, completion_tokens_details: { reasoning_tokens: 5 } }),
        DONE,
      ]),
    );
    const model = createRouterModel(router, 'assistant');

    const { stream } = await model.doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] }],
      tools: [{ type: 'function', name: 'weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
    });
    const parts = await readAll(stream);

    const shown = parts.map((part) => {
      switch (part.type) {
        case 'finish':
          return { type: part.type, finishReason: part.finishReason, usage: part.usage };
        case 'response-metadata':
          return { type: part.type, modelId: part.modelId };
        default:
          return part;
      }
    });
    expect(shown).toEqual([
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', modelId: 'gpt-cloud' },
      { type: 'reasoning-start', id: 'rsn-0' },
      { type: 'reasoning-delta', id: 'rsn-0', delta: 'Weather needs ' },
      { type: 'reasoning-delta', id: 'rsn-0', delta: 'the tool.' },
      { type: 'reasoning-end', id: 'rsn-0' },
      { type: 'text-start', id: 'txt-1' },
      { type: 'text-delta', id: 'txt-1', delta: 'Checking.' },
      { type: 'text-end', id: 'txt-1' },
      { type: 'tool-input-start', id: 'call_1', toolName: 'weather' },
      { type: 'tool-input-delta', id: 'call_1', delta: '{"city":' },
      { type: 'tool-input-delta', id: 'call_1', delta: '"Paris"}' },
      { type: 'tool-input-end', id: 'call_1' },
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: '{"city":"Paris"}' },
      { type: 'response-metadata', modelId: 'gpt-cloud' },
      {
        type: 'finish',
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        usage: { inputTokens: { total: 40, noCache: 40, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 12, text: 7, reasoning: 5 } },
      },
    ]);
    const finish = parts.at(-1) as Extract<LanguageModelV3StreamPart, { type: 'finish' }>;
    expect(finish.providerMetadata?.['router']).toMatchObject({ modelId: 'gpt-cloud', usedFallback: false, costUsd: (40 * 0.005 + 12 * 0.015) / 1000 });
  });

  it('falls back before it resolves: the stream it returns is the serving model\'s from its first part', async () => {
    const { router } = setupRouter(server);
    server.enqueue(openaiWire.error(503, 'overloaded'), { type: 'json', body: {} }, openaiWire.stream(['Local ', 'answer.']));
    const model = createRouterModel(router, 'assistant');

    const { stream } = await model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi.' }] }] });
    const parts = await readAll(stream);

    // gpt-cloud failed (503) and claude-cloud got no valid answer; the local model served.
    expect(parts[1]).toEqual({ type: 'response-metadata', modelId: 'local-llm' });
    expect(parts.filter((p) => p.type === 'text-delta').map((p) => (p as { delta: string }).delta)).toEqual(['Local ', 'answer.']);
    expect(parts.filter((p) => p.type === 'finish')).toHaveLength(1);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', providerMetadata: { router: { modelId: 'local-llm', decidedModelId: 'gpt-cloud', usedFallback: true } } });
  });

  it('rejects, before any stream, when every model fails', async () => {
    const { router } = setupRouter(server);
    server.enqueue(openaiWire.error(503, 'overloaded'), openaiWire.error(503, 'overloaded'), openaiWire.error(503, 'overloaded'));
    const model = createRouterModel(router, 'assistant');

    await expect(model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi.' }] }] })).rejects.toMatchObject({ code: 'ALL_MODELS_FAILED' });
  });

  it('a consumer that stops reading mid-answer ends the provider stream at once and settles the reservation', async () => {
    const { router, ledger, report } = setupRouter(server);
    // The first delta, then the server goes quiet for ten seconds.
    server.enqueue(pausedAnswerStream());
    const model = createRouterModel(router, 'assistant');

    const { stream } = await model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi.' }] }] });
    const reader = stream.getReader();
    let part = await reader.read();
    while (!part.done && part.value.type !== 'text-delta') part = await reader.read();
    expect(ledger.openReservations).toBe(1);
    // Let the stream ask the router for its next part, which the quiet server holds back.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await reader.cancel('enough');

    // Well before the server would have sent anything more.
    await vi.waitFor(() => expect(ledger.openReservations).toBe(0), { timeout: 2_000 });
    expect((await report()).calls).toBe(1);
  });
});
