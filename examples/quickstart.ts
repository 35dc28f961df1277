// Quick start: load the seed configuration, route a few agent requests and print why each went
// where it did. Runs with no API keys: decisions need no provider, and spend lives in memory.
//
//   npm run demo
import { fileURLToPath } from 'node:url';
import { createRouter, loadConfig, MemoryLedger } from 'llm-agent-router';

const configDir = fileURLToPath(new URL('./config', import.meta.url));
const config = await loadConfig(configDir, { environment: 'production' });
const router = createRouter(config, { ledger: new MemoryLedger() });

const requests = [
  { agent: 'cto_agent', task: { complexity: 9, privacy_level: 'low', prompt: 'Design the event-sourcing architecture for billing.' } },
  { agent: 'cto_agent', task: { complexity: 9, prompt: 'Review the data model. Customer: jane.doe@example.com, SSN 123-45-6789.' } },
  { agent: 'backend_agent', task: { type: 'code_generation', complexity: 5, prompt: 'Write a REST handler for /orders.' } },
  { agent: 'frontend_agent', task: { involves_ui_design: true, prompt: 'Sketch the settings page.' } },
  { agent: 'qa_agent', task: { type: 'test_generation', critical: true, prompt: 'Generate tests for the payment flow.' } },
  { agent: 'qa_agent', task: { complexity: 4, prompt: 'Summarise yesterday\'s flaky tests.' }, context: { routing_strategy: 'cost_optimized' } },
];

console.log(`llm-agent-router quick start — environment: ${router.environment}, ${config.warnings.length} config warnings\n`);
for (const { agent, task, context } of requests) {
  const decision = await router.route(agent, task, context);
  console.log(`${agent} → ${decision.modelId} (${decision.modelType}, ${decision.source}, confidence ${decision.confidence})`);
  console.log(`  why: ${decision.reason}`);
  console.log(`  strategy: ${decision.strategy}; estimated cost $${decision.estimatedCost.toFixed(4)}; fallbacks: ${decision.fallbacks.join(', ') || 'none'}`);
  if (decision.constraints.length) console.log(`  constraints: ${decision.constraints.join('; ')}`);
  if (decision.verification) console.log(`  verification: ${decision.verification.modelId} (${decision.verification.reason})`);
  console.log();
}

// Making the call. With no providers configured, every model is served by the mock provider, so this
// runs without API keys; pass `providers` (see docs/providers.md) to call real models.
const result = await router.complete(
  'backend_agent',
  { messages: [{ role: 'user', content: 'Implement pagination for GET /orders.' }], maxTokens: 400 },
  { task: { type: 'bug_fix', complexity: 8 } },
);
console.log(`complete(): served by ${result.modelId} in ${result.attempts.length} attempt(s), cost $${result.costUsd.toFixed(6)}`);
console.log(`  answer: ${result.text.slice(0, 60)}`);
const spend = await router.ledger.report(new Date().toISOString().slice(0, 10));
console.log(`  ledger today: $${(spend.totalMicros / 1e6).toFixed(6)} over ${spend.calls} call(s)\n`);

// Runtime overrides, as the seed's configuration API describes them.
router.overrides.setStrategy('privacy_first', { duration: '2h' });
const private_ = await router.route('cto_agent', { complexity: 9 });
console.log(`with privacy_first in force for 2h: cto_agent → ${private_.modelId} (${private_.reason})`);

const metrics = await router.metrics();
console.log(`\nmetrics: ${metrics.decisions} decisions, privacy rule activations: ${metrics.privacy_rule_activations}`);
console.log('model usage by agent:', JSON.stringify(metrics.model_usage_by_agent));
