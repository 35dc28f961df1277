// RouterChatModel inside real agent loops — LangGraph's createReactAgent and langchain's
// createAgent — with a tool, against the local wire server: every step routes anew (decisions
// observable through router.on), a 503 on the first model falls back inside the step, the ledger
// books each step, a tool result with an e-mail address keeps the next step local, and streaming
// the agent yields token chunks and ends an abort as an abort with nothing left reserved.
import { AIMessage, AIMessageChunk, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { createAgent } from 'langchain';
import { describe, expect, it, vi } from 'vitest';
import { RouterChatModel, routerMetadataOf } from 'llm-agent-router/langchain';
import { chunk, DONE, sse, toolFragment, usageChunk } from '../../helpers/openai-wire.js';
import { anthropicWire, openaiWire, useWireServer } from '../../helpers/wire-server.js';
import { costOf, customerTool, DAY, setup, textReply, toolCallReply, wireModels } from './setup.js';

const server = useWireServer();
const EMAIL = 'jane.doe@example.com';
const QUESTION = 'Who is the customer of order 17?';

const routerOf = (message: BaseMessage) => routerMetadataOf(message)!;

describe("LangGraph's createReactAgent with RouterChatModel", () => {
  it('routes every step, falls back inside a step on a 503, and books each step in the ledger', async () => {
    const { router, ledger, decisions } = setup(server);
    const claudeUsage = { input_tokens: 50, output_tokens: 15 };
    const gptUsage = { prompt_tokens: 90, completion_tokens: 12 };
    server.enqueue(
      // Step 1: gpt-cloud is overloaded; claude-cloud serves the tool call instead.
      openaiWire.error(503, 'overloaded'),
      anthropicWire.message('', { content: [{ type: 'tool_use', id: 'toolu_17', name: 'lookup_customer', input: { order: 17 } }], stopReason: 'tool_use', usage: claudeUsage }),
      // Step 2: gpt-cloud is back and answers from the tool result.
      textReply('Order 17 belongs to customer #4411.', gptUsage),
    );
    const agent = createReactAgent({ llm: new RouterChatModel({ router, agentId: 'assistant' }), tools: [customerTool(false)] });

    const { messages } = await agent.invoke({ messages: [{ role: 'user', content: QUESTION }] });

    expect(messages.at(-1)!.text).toBe('Order 17 belongs to customer #4411.');
    // One decision per step, each on the conversation so far.
    expect(decisions.map((d) => d.modelId)).toEqual(['gpt-cloud', 'gpt-cloud']);
    expect(decisions.map((d) => d.estimatedTokens.input)).toSatisfy((inputs: number[]) => inputs[1]! > inputs[0]!);
    const [, step1, toolResult, step2] = messages;
    expect(routerOf(step1!)).toMatchObject({ modelId: 'claude-cloud', usedFallback: true, attempts: [{ modelId: 'gpt-cloud', ok: false }, { modelId: 'claude-cloud', ok: true }] });
    expect((step1 as AIMessage).tool_calls).toMatchObject([{ id: 'toolu_17', name: 'lookup_customer', args: { order: 17 } }]);
    expect((toolResult as ToolMessage).tool_call_id).toBe('toolu_17');
    expect(routerOf(step2!)).toMatchObject({ modelId: 'gpt-cloud', usedFallback: false });
    // The conversation moved from the Messages API to chat completions with the call's id intact.
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/messages', '/v1/chat/completions']);
    const step2Body = server.requests[2]!.body as { messages: Array<Record<string, unknown>> };
    expect(step2Body.messages).toContainEqual(expect.objectContaining({ role: 'tool', tool_call_id: 'toolu_17', content: 'Order 17 belongs to customer #4411' }));

    const spend = await ledger.report(DAY);
    expect(spend.calls).toBe(2);
    const claudeCost = costOf('claude-cloud', { prompt_tokens: 50, completion_tokens: 15 });
    const gptCost = costOf('gpt-cloud', gptUsage);
    expect(spend.byModel['claude-cloud']! / 1e6).toBeCloseTo(claudeCost, 9);
    expect(spend.byModel['gpt-cloud']! / 1e6).toBeCloseTo(gptCost, 9);
    expect(spend.totalMicros / 1e6).toBeCloseTo(claudeCost + gptCost, 9);
    expect(routerOf(step1!).costUsd).toBeCloseTo(claudeCost, 9);
    expect(ledger.openReservations).toBe(0);
  });

  it('a tool result with an e-mail address sends step 2 to the local model', async () => {
    const { router, decisions } = setup(server);
    server.enqueue(toolCallReply('call_1', 'lookup_customer', { order: 17 }), textReply(`The customer is ${EMAIL}.`));
    const agent = createReactAgent({ llm: new RouterChatModel({ router, agentId: 'assistant' }), tools: [customerTool(true)] });

    const { messages } = await agent.invoke({ messages: [{ role: 'user', content: QUESTION }] });

    expect(wireModels(server)).toEqual(['gpt-wire', 'llama-wire']);
    expect(decisions.map((d) => d.modelId)).toEqual(['gpt-cloud', 'local-llm']);
    expect(decisions[1]!.privacyEnforced).toBe(true);
    expect(decisions[1]!.fallbacks).toEqual([]);
    expect(routerOf(messages.at(-1)!).modelId).toBe('local-llm');
    // The address reached the local model only.
    expect(JSON.stringify(server.requests[0]!.body)).not.toContain(EMAIL);
    expect(JSON.stringify(server.requests[1]!.body)).toContain(EMAIL);
  });

  it("streams the agent's steps as token chunks (streamMode 'messages')", async () => {
    const { router, decisions } = setup(server);
    server.enqueue(
      sse([
        chunk({ role: 'assistant', content: '' }),
        chunk({ tool_calls: [toolFragment(0, { id: 'call_9', name: 'lookup_customer', arguments: '{"order":' })] }),
        chunk({ tool_calls: [toolFragment(0, { arguments: '17}' })] }),
        chunk({}, 'tool_calls'),
        usageChunk({ prompt_tokens: 30, completion_tokens: 9, total_tokens: 39 }),
        DONE,
      ]),
      openaiWire.stream(['Customer ', '#4411', '.']),
    );
    const agent = createReactAgent({ llm: new RouterChatModel({ router, agentId: 'assistant' }), tools: [customerTool(false)] });

    const tokens: string[] = [];
    let toolChunks = 0;
    for await (const [message] of await agent.stream({ messages: [{ role: 'user', content: QUESTION }] }, { streamMode: 'messages' })) {
      if (!AIMessageChunk.isInstance(message)) continue;
      if (message.text) tokens.push(message.text);
      toolChunks += message.tool_call_chunks?.length ?? 0;
    }

    expect(tokens).toEqual(['Customer ', '#4411', '.']);
    expect(toolChunks).toBeGreaterThan(0);
    expect(decisions).toHaveLength(2);
    expect(server.requests.every((r) => (r.body as { stream?: boolean }).stream === true)).toBe(true);
  });

  it('aborting the streaming agent mid-answer ends with an AbortError and nothing reserved', async () => {
    const { router, ledger } = setup(server);
    server.enqueue({
      type: 'sse',
      events: [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Looking ' }), chunk({ content: 'it up' }), chunk({}, 'stop'), DONE],
      ending: 'end',
      pause: { afterEvents: 2, ms: 5_000 },
    });
    const agent = createReactAgent({ llm: new RouterChatModel({ router, agentId: 'assistant' }), tools: [customerTool(false)] });
    const controller = new AbortController();

    const tokens: string[] = [];
    const error = await (async () => {
      for await (const [message] of await agent.stream({ messages: [{ role: 'user', content: QUESTION }] }, { streamMode: 'messages', signal: controller.signal })) {
        if (message.text) tokens.push(message.text);
        controller.abort();
      }
    })().catch((e: unknown) => e);

    expect(tokens).toEqual(['Looking ']);
    expect((error as Error).name).toBe('AbortError');
    await vi.waitFor(() => expect(ledger.openReservations).toBe(0), { timeout: 2_000 });
    expect((await ledger.report(DAY)).reservedMicros).toBe(0);
  });
});

describe("langchain's createAgent with RouterChatModel", () => {
  it('runs the tool loop, one routed call per step', async () => {
    const { router, decisions } = setup(server);
    server.enqueue(toolCallReply('call_2', 'lookup_customer', { order: 17 }), textReply('Customer #4411.'));
    const agent = createAgent({ model: new RouterChatModel({ router, agentId: 'assistant' }), tools: [customerTool(false)], systemPrompt: 'You look up customers.' });

    const { messages } = await agent.invoke({ messages: [{ role: 'user', content: QUESTION }] });

    expect(messages.at(-1)!.text).toBe('Customer #4411.');
    expect(decisions.map((d) => d.modelId)).toEqual(['gpt-cloud', 'gpt-cloud']);
    const first = server.requests[0]!.body as { messages: Array<{ role: string; content: unknown }>; tools: unknown[] };
    expect(first.messages[0]).toEqual({ role: 'system', content: 'You look up customers.' });
    expect(first.tools).toHaveLength(1);
  });
});
