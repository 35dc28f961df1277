// A router for the LangChain tests: two cloud models (OpenAI and Anthropic wire formats) and a local
// OpenAI-compatible model, all served by the local wire server through the router's real adapters.
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import type { RouterConfigInput } from 'llm-agent-router';
import { completionWith } from '../../helpers/openai-wire.js';
import type { WireReply, WireServer } from '../../helpers/wire-server.js';
import { wireRouter } from '../../helpers/wire-router.js';

export const CONFIG: RouterConfigInput = {
  models: {
    'gpt-cloud': { provider: 'openai', type: 'cloud', model_id: 'gpt-wire', cost_per_1k_tokens: { input: 0.01, output: 0.03 } },
    'claude-cloud': { provider: 'anthropic', type: 'cloud', model_id: 'claude-wire', cost_per_1k_tokens: { input: 0.003, output: 0.015 } },
    'local-llm': { provider: 'local', type: 'local', model_id: 'llama-wire', endpoint: 'http://localhost:8080' },
  },
  agents: {
    // The cloud models in order, the local model last: a PII step can only go to the local one.
    assistant: { model_preferences: { primary: 'gpt-cloud', fallback: 'claude-cloud', local: 'local-llm' } },
  },
  routing: { default_strategy: 'in_order', strategies: { in_order: { rules: [{ dynamic_routing: false }] } } },
};

export const DAY = '2026-11-25';

export function setup(server: WireServer) {
  return wireRouter(server, CONFIG);
}

/** The model each wire request asked for (the provider's name for it). */
export function wireModels(server: WireServer): string[] {
  return server.requests.map((request) => String((request.body as { model?: unknown }).model));
}

export const bodyOf = (server: WireServer, index: number) => server.requests[index]!.body as Record<string, unknown>;

/** A chat-completions answer calling `name` with `args`. */
export function toolCallReply(id: string, name: string, args: unknown, usage = { prompt_tokens: 40, completion_tokens: 10 }): WireReply {
  return completionWith(
    { content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }] },
    { finishReason: 'tool_calls', usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } },
  );
}

/** A chat-completions text answer with usage. */
export function textReply(text: string, usage = { prompt_tokens: 60, completion_tokens: 8 }): WireReply {
  return completionWith({ content: text }, { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } });
}

/** A customer lookup whose result holds an e-mail address (PII) when `withEmail`. */
export function customerTool(withEmail: boolean) {
  return tool(async ({ order }: { order: number }) => (withEmail ? `Order ${order} belongs to jane.doe@example.com` : `Order ${order} belongs to customer #4411`), {
    name: 'lookup_customer',
    description: 'Finds the customer of an order.',
    schema: z.object({ order: z.number() }),
  });
}

/** Cost in USD of a chat-completions usage on a model of CONFIG. */
export function costOf(modelId: 'gpt-cloud' | 'claude-cloud', usage: { prompt_tokens: number; completion_tokens: number }): number {
  const price = CONFIG.models[modelId]!.cost_per_1k_tokens!;
  return (usage.prompt_tokens * price.input + usage.completion_tokens * price.output) / 1000;
}
