// The router's metrics: the GenAI client histograms (tokens and duration per model call) and the
// router's own counters (decisions, cost, fallbacks, privacy-enforced decisions).
import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import type { ObservedEnd } from '../execution/call-observer.js';
import type { TryView } from './describe-tries.js';
import { GEN_AI, genAiAttributes, ROUTER } from './span-attributes.js';

export const METRICS = {
  tokenUsage: 'gen_ai.client.token.usage',
  operationDuration: 'gen_ai.client.operation.duration',
  decisions: 'llm_router.decisions',
  cost: 'llm_router.cost',
  fallbacks: 'llm_router.fallbacks',
  privacyEnforced: 'llm_router.privacy_enforced',
} as const;

// The bucket boundaries the GenAI semantic conventions advise.
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

export interface RouterInstruments {
  tokenUsage: Histogram;
  operationDuration: Histogram;
  decisions: Counter;
  cost: Counter;
  fallbacks: Counter;
  privacyEnforced: Counter;
}

export function createInstruments(meter: Meter): RouterInstruments {
  return {
    tokenUsage: meter.createHistogram(METRICS.tokenUsage, {
      description: 'Input and output tokens of each model call that served',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
    operationDuration: meter.createHistogram(METRICS.operationDuration, {
      description: 'Duration of each model call (each try), in seconds',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    decisions: meter.createCounter(METRICS.decisions, { description: 'Routing decisions, by agent, strategy, source and chosen model', unit: '{decision}' }),
    cost: meter.createCounter(METRICS.cost, { description: 'Cost booked for served calls, in USD, by agent and model', unit: 'usd' }),
    fallbacks: meter.createCounter(METRICS.fallbacks, { description: 'Calls a fallback model served instead of the chosen one', unit: '{call}' }),
    privacyEnforced: meter.createCounter(METRICS.privacyEnforced, { description: 'Decisions a privacy constraint kept on local models', unit: '{decision}' }),
  };
}

export function recordMetrics(instruments: RouterInstruments, agentId: string, end: ObservedEnd, tries: readonly TryView[]): void {
  const { decision, result } = end;
  if (decision) {
    instruments.decisions.add(1, { [ROUTER.agent]: agentId, [ROUTER.strategy]: decision.strategy, [ROUTER.source]: decision.source, [ROUTER.model]: decision.modelId });
    if (decision.privacyEnforced) instruments.privacyEnforced.add(1, { [ROUTER.agent]: agentId });
  }
  if (result) {
    if (result.costUsd !== undefined && Number.isFinite(result.costUsd) && result.costUsd >= 0) {
      instruments.cost.add(result.costUsd, { [ROUTER.agent]: agentId, [ROUTER.model]: result.modelId });
    }
    if (result.usedFallback) {
      instruments.fallbacks.add(1, { [ROUTER.agent]: agentId, [ROUTER.model]: decision?.modelId ?? result.modelId, [ROUTER.servedModel]: result.modelId });
    }
  }
  for (const view of tries) {
    instruments.operationDuration.record((view.endedAt - view.startedAt) / 1000, genAiAttributes(view));
    const usage = view.served ? result?.usage : undefined;
    if (usage) {
      recordTokens(instruments.tokenUsage, usage.inputTokens, view, 'input');
      recordTokens(instruments.tokenUsage, usage.outputTokens, view, 'output');
    }
  }
}

function recordTokens(histogram: Histogram, tokens: number, view: TryView, type: 'input' | 'output'): void {
  if (!Number.isFinite(tokens) || tokens < 0) return;
  // A fresh object rather than a spread: spreading attribute objects costs a microsecond each.
  const attributes = genAiAttributes(view);
  attributes[GEN_AI.tokenType] = type;
  histogram.record(tokens, attributes);
}
