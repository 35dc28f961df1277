// What the AI SDK integration tests share: a small configuration (two cloud models and a local one,
// all served by the local wire server through the router's real adapters), a router built on it,
// and the wire replies of the tool loop every test runs: "what is the weather in Paris?".
import { expect } from 'vitest';
import { ledgerDay, type RouterConfigInput, type RoutingDecision } from 'llm-agent-router';
import { chunk, completionWith, DONE, sse, toolFragment, usageChunk } from '../../helpers/openai-wire.js';
import type { RecordedRequest, WireReply, WireServer } from '../../helpers/wire-server.js';
import { wireRouter } from '../../helpers/wire-router.js';

export const EMAIL = 'jane.doe@example.com';

/** The provider names of the models, as the wire server sees them in `body.model`. */
export const WIRE_MODEL = { 'gpt-cloud': 'gpt-4o', 'claude-cloud': 'claude-test-model', 'local-llm': 'llama-3-8b' } as const;

export const CONFIG: RouterConfigInput = {
  models: {
    'gpt-cloud': { provider: 'openai', type: 'cloud', model_id: WIRE_MODEL['gpt-cloud'], cost_per_1k_tokens: { input: 0.005, output: 0.015 } },
    'claude-cloud': { provider: 'anthropic', type: 'cloud', model_id: WIRE_MODEL['claude-cloud'], cost_per_1k_tokens: { input: 0.003, output: 0.015 } },
    'local-llm': { provider: 'local', type: 'local', model_id: WIRE_MODEL['local-llm'], endpoint: 'http://localhost:8080' },
  },
  agents: {
    // The agent's models in the order it prefers them: OpenAI, then Anthropic, then the local model.
    assistant: { model_preferences: { primary: 'gpt-cloud', fallback: 'claude-cloud', local_alternative: 'local-llm' } },
  },
  routing: {
    default_strategy: 'in_order',
    strategies: { in_order: { rules: [{ dynamic_routing: false }] } },
    global_rules: [{ name: 'privacy_enforcement', condition: 'data.contains_pii', action: 'force_local_model' }],
  },
};

export function setupRouter(server: WireServer, config: RouterConfigInput = CONFIG) {
  const { router, ledger, clock, decisions } = wireRouter(server, config);
  /** Today's spend by model, in micro-dollars, and the number of calls booked. */
  const report = () => ledger.report(ledgerDay(clock()));
  return { router, ledger, clock, decisions, report };
}

/** Which model each request went to: `anthropic` for the Messages API, else the OpenAI body's `model`. */
export function servedBy(requests: readonly RecordedRequest[]): string[] {
  return requests.map((request) => (request.path.endsWith('/messages') ? 'anthropic' : String((request.body as { model?: unknown }).model)));
}

export const WEATHER = { city: 'Paris', temperature: 18, sky: 'cloudy' };
export const WEATHER_WITH_CONTACT = { ...WEATHER, contact: EMAIL };

/** Step 1 over chat completions: the model calls `weather({ city: 'Paris' })`. */
export function toolCallReply(model: string, usage = { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 }): WireReply {
  const reply = completionWith(
    { content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
    { finishReason: 'tool_calls', usage },
  );
  (reply as { body: Record<string, unknown> }).body['model'] = model;
  return reply;
}

/** Step 2 over chat completions: the answer in text. */
export function answerReply(model: string, text = 'It is 18°C and cloudy in Paris.', usage = { prompt_tokens: 70, completion_tokens: 9, total_tokens: 79 }): WireReply {
  const reply = completionWith({ content: text }, { finishReason: 'stop', usage });
  (reply as { body: Record<string, unknown> }).body['model'] = model;
  return reply;
}

/** Step 1 streamed: the tool call in two argument fragments, then the usage. */
export function toolCallStream(): WireReply {
  return sse([
    chunk({ role: 'assistant', content: null, tool_calls: [toolFragment(0, { id: 'call_1', name: 'weather', arguments: '' })] }),
    chunk({ tool_calls: [toolFragment(0, { arguments: '{"city":' })] }),
    chunk({ tool_calls: [toolFragment(0, { arguments: '"Paris"}' })] }),
    chunk({}, 'tool_calls'),
    usageChunk({ prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 }),
    DONE,
  ]);
}

/** Step 2 streamed: the answer in deltas, then the usage. */
export function answerStream(deltas = ['It is 18°C ', 'and cloudy ', 'in Paris.']): WireReply {
  return sse([
    chunk({ role: 'assistant', content: '' }),
    ...deltas.map((content) => chunk({ content })),
    chunk({}, 'stop'),
    usageChunk({ prompt_tokens: 70, completion_tokens: 9, total_tokens: 79 }),
    DONE,
  ]);
}

/** An answer whose first delta arrives at once, and the rest only after a long pause (to abort mid-answer). */
export function pausedAnswerStream(): WireReply {
  return {
    type: 'sse',
    events: [chunk({ role: 'assistant', content: '' }), chunk({ content: 'It is ' }), chunk({ content: '18°C.' }), chunk({}, 'stop'), usageChunk({ prompt_tokens: 70, completion_tokens: 9, total_tokens: 79 }), DONE],
    ending: 'end',
    pause: { afterEvents: 2, ms: 10_000 },
  };
}

/** The cost of a call at `inputPer1k` / `outputPer1k` USD, in micro-dollars. */
export function micros(usage: { input: number; output: number }, price: { input: number; output: number }): number {
  return Math.round(((usage.input * price.input + usage.output * price.output) / 1000) * 1e6);
}

/** The JSON Schema of the weather tool's input. */
export const WEATHER_INPUT = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } as const;

export function expectDecisions(decisions: readonly RoutingDecision[], modelIds: string[]): void {
  expect(decisions.map((d) => d.modelId)).toEqual(modelIds);
}
