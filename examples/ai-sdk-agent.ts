// An AI SDK agent whose model is the router: every step of the tool loop is routed anew. Step 1
// asks a cloud model which tool to call; the tool's result holds a customer's e-mail address, so
// step 2 — which sends that result — is kept on the local model. Runs without API keys: the
// router's mock provider plays both models (pass real adapters in `providers` to call real ones).
//
//   npx tsx examples/ai-sdk-agent.ts
import { generateText, stepCountIs, tool } from 'ai';
import { z } from 'zod';
import { createRouter, ledgerDay, MemoryLedger, type RouterConfigInput } from 'llm-agent-router';
import { createRouterModel, type RouterCallMetadata } from 'llm-agent-router/ai-sdk';
import { createMockProvider, type MockResponder } from 'llm-agent-router/test';

const config: RouterConfigInput = {
  models: {
    'gpt-4o': { provider: 'openai', type: 'cloud', cost_per_1k_tokens: { input: 0.0025, output: 0.01 } },
    'llama-3-8b': { provider: 'local', type: 'local', endpoint: 'http://localhost:8080' },
  },
  agents: {
    support_agent: { model_preferences: { primary: 'gpt-4o', local_alternative: 'llama-3-8b' } },
  },
  routing: {
    default_strategy: 'prefer_cloud',
    strategies: { prefer_cloud: { rules: [{ prefer_cloud_models: true }] } },
    global_rules: [{ name: 'privacy_enforcement', condition: 'data.contains_pii', action: 'force_local_model' }],
  },
};

// A scripted model: it calls the lookup tool first, then answers from the tool's result.
const agentScript: MockResponder = (request) => {
  const last = request.messages.at(-1);
  if (last?.role !== 'tool') {
    return { toolCalls: [{ toolCallId: 'call_1', toolName: 'lookupOrder', input: { orderId: 'A-1042' } }], usage: { inputTokens: 120, outputTokens: 18 } };
  }
  return { text: 'Order A-1042 shipped yesterday; the confirmation went to the customer on file.', usage: { inputTokens: 190, outputTokens: 24 } };
};

const ledger = new MemoryLedger();
const router = createRouter(config, {
  ledger,
  providers: {
    openai: createMockProvider({ name: 'openai', responses: agentScript }),
    local: createMockProvider({ name: 'local', responses: agentScript }),
  },
});

const result = await generateText({
  model: createRouterModel(router, 'support_agent', { task: { type: 'customer_support' } }),
  system: 'You are a support agent. Look orders up before answering.',
  prompt: 'Where is my order A-1042?',
  tools: {
    lookupOrder: tool({
      description: 'Looks an order up by its id.',
      inputSchema: z.object({ orderId: z.string() }),
      execute: async ({ orderId }) => ({ orderId, status: 'shipped', customerEmail: 'jane.doe@example.com' }),
    }),
  },
  stopWhen: stepCountIs(3),
});

result.steps.forEach((step, index) => {
  const routed = step.providerMetadata?.['router'] as unknown as RouterCallMetadata;
  const did = step.toolCalls.length > 0 ? `called ${step.toolCalls.map((call) => call.toolName).join(', ')}` : 'answered';
  console.log(`step ${index + 1}: ${step.response.modelId} ${did} ($${routed.costUsd?.toFixed(6)})`);
  console.log(`  why: ${routed.constraints.length > 0 ? routed.constraints.join('; ') : routed.reason}`);
});
console.log(`\nanswer: ${result.text}`);

const spend = await ledger.report(ledgerDay(Date.now()));
console.log(`ledger: ${spend.calls} calls, $${(spend.totalMicros / 1e6).toFixed(6)} today`);
