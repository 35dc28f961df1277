// A LangChain agent (`createAgent` from `langchain`) whose every step is routed by llm-agent-router:
// a support agent with a customer-lookup tool, asked two questions. For the first, every step goes
// to the cloud model. For the second, the lookup returns a customer's e-mail address, so the step
// that would send it is kept on the local model. Runs with no API keys: both models are the
// router's scriptable mock provider.
//
//   npx tsx examples/langchain-agent.ts
import { tool } from '@langchain/core/tools';
import { createAgent } from 'langchain';
import { z } from 'zod';
import { createRouter, ledgerDay, MemoryLedger, microsToUsd, type RouterConfigInput } from 'llm-agent-router';
import { RouterChatModel, routerMetadataOf } from 'llm-agent-router/langchain';
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

// Both mock models behave alike: look the order up first, answer from the tool's result.
const reply: MockResponder = (request) => {
  const last = request.messages[request.messages.length - 1];
  if (last?.role !== 'tool') return { toolCalls: [{ toolCallId: `call_${request.messages.length}`, toolName: 'lookup_customer', input: { order: 17 } }] };
  const result = last.content[0]!.output;
  return { text: `Here is what I found: ${result.type === 'text' ? result.value : JSON.stringify(result.value)}.` };
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

// Every step's decision, as the router makes it.
router.on(({ decision }) => {
  console.log(`  routed: ${decision.modelId} (${decision.modelType})${decision.privacyEnforced ? ' — kept local: the conversation holds PII' : ''}`);
});

function lookupCustomer(withEmail: boolean) {
  return tool(async ({ order }) => (withEmail ? `order ${order} was placed by jane.doe@example.com` : `order ${order} shipped yesterday`), {
    name: 'lookup_customer',
    description: 'Looks up an order and its customer.',
    schema: z.object({ order: z.number() }),
  });
}

const model = new RouterChatModel({ router, agentId: 'support_agent', task: { type: 'customer_support' } });

for (const [question, withEmail] of [
  ['Has order 17 shipped?', false],
  ['Who placed order 17?', true],
] as const) {
  console.log(`\nquestion: ${question}`);
  const agent = createAgent({ model, tools: [lookupCustomer(withEmail)], systemPrompt: 'You answer questions about orders.' });
  const { messages } = await agent.invoke({ messages: [{ role: 'user', content: question }] });
  let step = 0;
  for (const message of messages) {
    const served = routerMetadataOf(message);
    if (!served) continue;
    step += 1;
    console.log(`  step ${step}: served by ${served.modelId}, cost $${served.costUsd.toFixed(6)}`);
  }
  console.log(`answer: ${messages.at(-1)!.text}`);
}

const report = await ledger.report(ledgerDay(Date.now()));
console.log(`\nledger today: ${report.calls} calls, $${microsToUsd(report.totalMicros).toFixed(6)}`);
