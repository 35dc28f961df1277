// An OpenAI Agents SDK agent whose every model call is routed by llm-agent-router: a support agent
// with an order-lookup tool. The first turn goes to the cloud model; the lookup returns a customer's
// e-mail address, so the next turn — which would send it — is kept on the local model. Runs with no
// API keys: both models are the router's scriptable mock provider.
//
//   npx tsx examples/openai-agents-agent.ts
import { Agent, Runner, tool } from '@openai/agents-core';
import { z } from 'zod';
import { createRouter, MemoryLedger, ledgerDay, microsToUsd, type RouterConfigInput } from 'llm-agent-router';
import { routerModelProvider } from 'llm-agent-router/openai-agents';
import { createMockProvider, type MockResponder } from 'llm-agent-router/test';

const config: RouterConfigInput = {
  models: {
    'gpt-4o': { provider: 'openai', type: 'cloud', cost_per_1k_tokens: { input: 0.0025, output: 0.01 } },
    'llama-3-8b': { provider: 'local', type: 'local', endpoint: 'http://localhost:8080' },
  },
  agents: {
    support_agent: { model_preferences: { primary: 'gpt-4o', fallback: 'llama-3-8b' } },
  },
  routing: {
    default_strategy: 'in_order',
    strategies: { in_order: { rules: [{ dynamic_routing: false }] } },
    global_rules: [{ name: 'privacy_enforcement', condition: 'data.contains_pii', action: 'force_local_model' }],
  },
};

// Both mock models behave alike: call the lookup tool first, answer once its result is in.
const reply: MockResponder = (request) => {
  const last = request.messages[request.messages.length - 1];
  if (last?.role === 'tool') return { text: 'Order 17 shipped yesterday; I have e-mailed the customer the tracking link.' };
  return { toolCalls: [{ toolCallId: 'call_1', toolName: 'lookup_order', input: { orderId: 17 } }] };
};

const ledger = new MemoryLedger();
const router = createRouter(config, {
  ledger,
  logger: {},
  providers: {
    openai: createMockProvider({ name: 'openai', responses: reply }),
    local: createMockProvider({ name: 'local', responses: reply }),
  },
});

// Every turn's decision, as it is made.
let turn = 0;
router.on((event) => {
  turn += 1;
  const { decision } = event;
  console.log(`turn ${turn}: ${decision.agentId} → ${decision.modelId} (${decision.modelType})${decision.privacyEnforced ? ' — kept local: the conversation holds PII' : ''}`);
});

const lookupOrder = tool({
  name: 'lookup_order',
  description: 'Looks up an order by id.',
  parameters: z.object({ orderId: z.number() }),
  execute: async ({ orderId }) => ({ orderId, status: 'shipped', customer: { name: 'Jane Doe', email: 'jane.doe@example.com' } }),
});

const agent = new Agent({
  name: 'Support',
  instructions: 'You answer questions about orders. Use the lookup tool.',
  model: 'support_agent', // the router agent that routes this agent's calls
  tools: [lookupOrder],
});

// Tracing is off so the run exports nothing.
const runner = new Runner({ modelProvider: routerModelProvider(router), tracingDisabled: true });
const result = await runner.run(agent, 'Has order 17 shipped?');

console.log(`\nanswer: ${result.finalOutput}`);
for (const [index, response] of result.rawResponses.entries()) {
  const served = response.providerData?.['router'] as { modelId: string; costUsd: number };
  console.log(`  turn ${index + 1} served by ${served.modelId}, cost $${served.costUsd.toFixed(6)}`);
}
const report = await ledger.report(ledgerDay(Date.now()));
console.log(`ledger today: ${report.calls} calls, $${microsToUsd(report.totalMicros).toFixed(6)}`);
