// Host-made calls: the router decides, the host's own LangChain chat models make the call, under
// router.execute (fallbacks, breakers, budget reservation, usage from usage_metadata). Through
// `routerMiddleware` in langchain's createAgent, and through RouterChatModel's `models` option.
// The host's models are WireChatModel (see wire-chat-model.ts): real BaseChatModel subclasses that
// call the wire server over fetch, as ChatOpenAI would (`@langchain/openai` is not installed here).
import { AIMessageChunk, HumanMessage, type BaseMessage } from '@langchain/core/messages';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { createAgent } from 'langchain';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { RouterChatModel, routerMetadataOf, routerMiddleware } from 'llm-agent-router/langchain';
import { chunk, DONE } from '../../helpers/openai-wire.js';
import { openaiWire, useWireServer } from '../../helpers/wire-server.js';
import { costOf, customerTool, DAY, setup, textReply, toolCallReply, wireModels } from './setup.js';
import { WireChatModel } from './wire-chat-model.js';

const server = useWireServer();
const EMAIL = 'jane.doe@example.com';
const QUESTION = 'Who is the customer of order 17?';

function hostModels() {
  const baseURL = () => server.url;
  return {
    'gpt-cloud': new WireChatModel({ baseURL, model: 'lc-gpt' }),
    'claude-cloud': new WireChatModel({ baseURL, model: 'lc-claude' }),
    'local-llm': new WireChatModel({ baseURL, model: 'lc-llama' }),
  };
}

const routerOf = (message: BaseMessage) => routerMetadataOf(message)!;

describe("routerMiddleware in langchain's createAgent", () => {
  it('the chosen model makes each call, a 503 falls back to the next, and the usage it reports is booked', async () => {
    const { router, ledger, decisions } = setup(server);
    const models = hostModels();
    server.enqueue(
      openaiWire.error(503, 'overloaded'),
      toolCallReply('call_1', 'lookup_customer', { order: 17 }, { prompt_tokens: 40, completion_tokens: 10 }),
      textReply('Customer #4411.', { prompt_tokens: 60, completion_tokens: 8 }),
    );
    const agent = createAgent({
      model: models['gpt-cloud'],
      tools: [customerTool(false)],
      systemPrompt: 'You look up customers.',
      middleware: [routerMiddleware(router, 'assistant', { models })],
    });

    const { messages } = await agent.invoke({ messages: [{ role: 'user', content: QUESTION }] });

    expect(messages.at(-1)!.text).toBe('Customer #4411.');
    expect(wireModels(server)).toEqual(['lc-gpt', 'lc-claude', 'lc-gpt']);
    expect(decisions.map((d) => d.modelId)).toEqual(['gpt-cloud', 'gpt-cloud']);
    // The agent's own call: its system prompt and tools, bound to the chosen model.
    const body = models['claude-cloud'].sent[0]!;
    expect(body['messages']).toContainEqual({ role: 'system', content: 'You look up customers.' });
    expect((body['tools'] as Array<{ function: { name: string } }>).map((t) => t.function.name)).toEqual(['lookup_customer']);
    expect(routerOf(messages[1]!)).toMatchObject({ modelId: 'claude-cloud', usedFallback: true, attempts: [{ modelId: 'gpt-cloud', ok: false }, { modelId: 'claude-cloud', ok: true }] });
    expect(routerOf(messages.at(-1)!)).toMatchObject({ modelId: 'gpt-cloud', usedFallback: false });

    const spend = await ledger.report(DAY);
    expect(spend.calls).toBe(2);
    expect(spend.byModel['claude-cloud']! / 1e6).toBeCloseTo(costOf('claude-cloud', { prompt_tokens: 40, completion_tokens: 10 }), 9);
    expect(spend.byModel['gpt-cloud']! / 1e6).toBeCloseTo(costOf('gpt-cloud', { prompt_tokens: 60, completion_tokens: 8 }), 9);
    expect(ledger.openReservations).toBe(0);
  });

  it('a tool result with an e-mail address sends the next step to the local model', async () => {
    const { router, decisions } = setup(server);
    const models = hostModels();
    server.enqueue(toolCallReply('call_1', 'lookup_customer', { order: 17 }), textReply(`It is ${EMAIL}.`));
    const agent = createAgent({ model: models['gpt-cloud'], tools: [customerTool(true)], middleware: [routerMiddleware(router, 'assistant', { models })] });

    await agent.invoke({ messages: [{ role: 'user', content: QUESTION }] });

    expect(wireModels(server)).toEqual(['lc-gpt', 'lc-llama']);
    expect(decisions[1]).toMatchObject({ modelId: 'local-llm', privacyEnforced: true, fallbacks: [] });
    expect(models['gpt-cloud'].sent.some((body) => JSON.stringify(body).includes(EMAIL))).toBe(false);
  });

  it('a model the router chooses but the host did not give is skipped, and the chain moves on', async () => {
    const { router } = setup(server);
    const { 'claude-cloud': claude, 'local-llm': local } = hostModels();
    server.enqueue(textReply('Hello from claude.'));
    const agent = createAgent({ model: claude, tools: [], middleware: [routerMiddleware(router, 'assistant', { models: { 'claude-cloud': claude, 'local-llm': local } })] });

    const { messages } = await agent.invoke({ messages: [{ role: 'user', content: 'Hi' }] });

    expect(wireModels(server)).toEqual(['lc-claude']);
    // A skip, not a failure: gpt-cloud's breaker is untouched.
    expect(routerOf(messages.at(-1)!).attempts[0]).toMatchObject({ modelId: 'gpt-cloud', ok: false, skipped: 'no_provider', error: expect.stringContaining('No LangChain model is given for "gpt-cloud"') });
    expect(router.modelState('gpt-cloud')?.available).toBe(true);
  });

  it('an abort ends the step as an AbortError and releases the reservation', async () => {
    const { router, ledger } = setup(server);
    const models = hostModels();
    server.enqueue({ ...textReply('late'), delayMs: 5_000 } as never);
    const agent = createAgent({ model: models['gpt-cloud'], tools: [], middleware: [routerMiddleware(router, 'assistant', { models })] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    const error = await agent.invoke({ messages: [{ role: 'user', content: 'Slow?' }] }, { signal: controller.signal }).catch((e: unknown) => e);

    expect((error as Error).name).toBe('AbortError');
    await vi.waitFor(() => expect(ledger.openReservations).toBe(0), { timeout: 2_000 });
    expect((await ledger.report(DAY)).calls).toBe(0);
  });
});

describe('RouterChatModel with `models`: the host model makes the call', () => {
  it('invoke: tools and tool_choice bound to the chosen model, fallback on 503, cost booked', async () => {
    const { router, ledger } = setup(server);
    const models = hostModels();
    server.enqueue(openaiWire.error(503, 'overloaded'), toolCallReply('call_5', 'lookup_customer', { order: 5 }, { prompt_tokens: 30, completion_tokens: 6 }));
    const model = new RouterChatModel({ router, agentId: 'assistant', models }).bindTools([customerTool(false)], { tool_choice: 'any' });

    const answer = await model.invoke([new HumanMessage('Customer of order 5?')]);

    expect(AIMessageChunk.isInstance(answer)).toBe(true);
    expect(answer.tool_calls).toMatchObject([{ id: 'call_5', name: 'lookup_customer', args: { order: 5 } }]);
    expect(answer.usage_metadata).toMatchObject({ input_tokens: 30, output_tokens: 6 });
    expect(routerOf(answer)).toMatchObject({ modelId: 'claude-cloud', usedFallback: true });
    expect(wireModels(server)).toEqual(['lc-gpt', 'lc-claude']);
    expect(models['claude-cloud'].sent[0]).toMatchObject({ tool_choice: 'required', tools: [{ type: 'function', function: { name: 'lookup_customer' } }] });
    expect((await ledger.report(DAY)).byModel['claude-cloud']! / 1e6).toBeCloseTo(costOf('claude-cloud', { prompt_tokens: 30, completion_tokens: 6 }), 9);
  });

  it('withStructuredOutput passes the schema to the host model as its response_format', async () => {
    const { router } = setup(server);
    const models = hostModels();
    server.enqueue(textReply('{"city":"Oslo"}'));
    const model = new RouterChatModel({ router, agentId: 'assistant', models });

    const parsed = await model.withStructuredOutput(z.object({ city: z.string() }), { name: 'place' }).invoke('Capital of Norway?');

    expect(parsed).toEqual({ city: 'Oslo' });
    expect(models['gpt-cloud'].sent[0]!['response_format']).toMatchObject({ type: 'json_schema', json_schema: { name: 'place', schema: { type: 'object' } } });
  });

  it('streams the chosen model, once, inside a LangGraph agent', async () => {
    const { router, ledger } = setup(server);
    const models = hostModels();
    server.enqueue(openaiWire.stream(['Hello ', 'there.']));
    const agent = createReactAgent({ llm: new RouterChatModel({ router, agentId: 'assistant', models }), tools: [customerTool(false)] });

    const tokens: string[] = [];
    for await (const [message] of await agent.stream({ messages: [{ role: 'user', content: 'Hi' }] }, { streamMode: 'messages' })) {
      if (message.text) tokens.push(message.text);
    }

    // Each token once: the inner model's run is tagged not to stream, this model passes its chunks on.
    expect(tokens).toEqual(['Hello ', 'there.']);
    expect(wireModels(server)).toEqual(['lc-gpt']);
    expect((await ledger.report(DAY)).calls).toBe(1);
    expect(ledger.openReservations).toBe(0);
  });

  it('aborting mid-stream ends with an AbortError and books what was consumed', async () => {
    const { router, ledger } = setup(server);
    const models = hostModels();
    server.enqueue({
      type: 'sse',
      events: [chunk({ role: 'assistant', content: '' }), chunk({ content: 'one ' }), chunk({ content: 'two' }), chunk({}, 'stop'), DONE],
      ending: 'end',
      pause: { afterEvents: 2, ms: 5_000 },
    });
    const model = new RouterChatModel({ router, agentId: 'assistant', models });
    const controller = new AbortController();

    const seen: string[] = [];
    const error = await (async () => {
      for await (const part of await model.stream('Count', { signal: controller.signal })) {
        seen.push(part.text);
        if (part.text === 'one ') controller.abort();
      }
    })().catch((e: unknown) => e);

    expect(seen).not.toContain('two');
    expect((error as Error).name).toBe('AbortError');
    await vi.waitFor(() => expect(ledger.openReservations).toBe(0), { timeout: 2_000 });
    expect((await ledger.report(DAY)).calls).toBe(1);
  });
});
