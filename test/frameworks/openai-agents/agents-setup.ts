// What the Agents SDK tests share: a router over the wire server (an OpenAI cloud model, an Anthropic
// cloud model and an OpenAI-compatible local one), its ledger and decisions, a weather tool, and a
// Runner on `routerModelProvider` with tracing off (it would otherwise export spans).
import { Agent, Runner, tool, type Model } from '@openai/agents-core';
import { z } from 'zod';
import type { RouterConfigInput } from 'llm-agent-router';
import { routerModelProvider } from 'llm-agent-router/openai-agents';
import { completionWith } from '../../helpers/openai-wire.js';
import type { RecordedRequest, WireReply, WireServer } from '../../helpers/wire-server.js';
import { wireRouter } from '../../helpers/wire-router.js';

/** The ledger day of `manualClock()`. */
export const DAY = '2026-11-25';
export const EMAIL = 'jane.doe@example.com';
export const SYSTEM = 'You are a weather assistant.';
export const QUESTION = 'What is the weather in Paris?';
export const CLOUD = ['gpt-cloud', 'claude'];

export const CONFIG: RouterConfigInput = {
  models: {
    'gpt-cloud': { provider: 'openai', type: 'cloud', model_id: 'gpt-test-cloud', cost_per_1k_tokens: { input: 0.01, output: 0.03 } },
    claude: { provider: 'anthropic', type: 'cloud', model_id: 'claude-test-model', cost_per_1k_tokens: { input: 0.003, output: 0.015 } },
    'local-llm': { provider: 'local', type: 'local' },
  },
  agents: {
    // The OpenAI cloud model first, Anthropic behind it, the local model last.
    assistant: { model_preferences: { primary: 'gpt-cloud', fallback: 'claude', local: 'local-llm' } },
    billing: { model_preferences: { primary: 'local-llm' } },
  },
  routing: {
    // The agent's models in the order it prefers them: no scoring, no thresholds.
    default_strategy: 'in_order',
    strategies: { in_order: { rules: [{ dynamic_routing: false }] } },
    global_rules: [{ name: 'privacy_enforcement', condition: 'data.contains_pii', action: 'force_local_model' }],
  },
};

export function setup(server: WireServer, options: { models?: Record<string, Model> } = {}) {
  const { router, ledger, decisions } = wireRouter(server, CONFIG);
  const runner = new Runner({ modelProvider: routerModelProvider(router, options.models ? { models: options.models } : {}), tracingDisabled: true });
  return { router, ledger, decisions, runner };
}

export const weatherCalls: Array<{ city: string }> = [];

export const getWeather = tool({
  name: 'get_weather',
  description: 'The current weather in a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => {
    weatherCalls.push({ city });
    return { city, temperature: 18, sky: 'cloudy' };
  },
});

/** The customer record a lookup returns: it holds an e-mail address. */
export const lookupCustomer = tool({
  name: 'lookup_customer',
  description: 'The customer of an order.',
  parameters: z.object({ order: z.number() }),
  execute: async ({ order }) => ({ order, name: 'Jane Doe', email: EMAIL }),
});

export function weatherAgent(extra: Partial<ConstructorParameters<typeof Agent>[0]> = {}) {
  return new Agent({ name: 'Weather', instructions: SYSTEM, model: 'assistant', tools: [getWeather], ...extra });
}

/** A chat-completions answer that calls one tool. */
export function openaiToolCall(name: string, args: object, id = 'call_1'): WireReply {
  return completionWith(
    { content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }] },
    { finishReason: 'tool_calls', usage: { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 } },
  );
}

export const bodyOf = (request: RecordedRequest) => request.body as { model?: string; messages?: unknown[]; tools?: unknown[]; response_format?: unknown };
