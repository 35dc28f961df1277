// The weighted score `balanced` (and the tie-breaks of the other strategies) rank models by. Every
// factor is a number in 0..1 and the weights are normalised to sum to 1, so a score is also 0..1.
// The formulas are documented in docs/strategies.md; keep the two in step.
import type { ConditionScope } from '../conditions/index.js';
import type { CompiledFactor, CompiledModel } from './compile-config.js';
import type { ModelLiveState, Task } from './types.js';
import type { ModelLiveStates } from '../state/model-live-state.js';

export interface ScoringInput {
  /** Effective complexity 0..10 (the task's, else 5). */
  complexity: number;
  /** Data sensitivity 0..1 (PII or privacy_level high → 1, medium → 0.5, low/unset → 0). */
  sensitivity: number;
  inputTokens: number;
  outputTokens: number;
  /** Share of the agent's required capabilities each model offers (see `capabilityFit`). */
  capabilityFit: ReadonlyMap<string, number>;
  /** The task cost (USD) at which `cost_efficiency` is 0.5: cost counts on an absolute scale. */
  costReferenceUsd: number;
  /** Highest speed among the candidates, for normalising. */
  maxTokensPerSecond: number;
  /** A response-time need in ms (`task.max_latency_ms`), if the task states one. */
  maxLatencyMs: number | undefined;
  modelStates: ModelLiveStates | undefined;
  /** Gives the scope for custom `expression` factors, with `model` set to the candidate. */
  scopes: { scopeWithModel(model: CompiledModel): ConditionScope };
}

const clamp01 = (value: number) => (value < 0 ? 0 : value > 1 ? 1 : Number.isFinite(value) ? value : 0);

export function estimateCost(model: CompiledModel, inputTokens: number, outputTokens: number): number {
  return inputTokens * model.inputPrice + outputTokens * model.outputPrice;
}

/** 0..1 from PII and the task's `privacy_level` (its own, as `DecisionRun.privacyLevel` reads it). */
export function sensitivityOf(privacyLevel: unknown, containsPii: boolean): number {
  if (containsPii) return 1;
  switch (typeof privacyLevel === 'string' ? privacyLevel.toLowerCase() : undefined) {
    case 'high':
      return 1;
    case 'medium':
      return 0.5;
    default:
      return 0;
  }
}

/**
 * How likely the model copes with a task this complex, 0..1: certain once its quality clears the
 * need (complexity / 10) by a quarter, falling steeply below that; 0 when the task does not fit its
 * context window. Being more capable than needed is no fault here (cost_efficiency charges for
 * it). This is the confidence of a strategy's choice; the `task_complexity` factor also weighs in
 * the share of the agent's required capabilities the model offers.
 */
export function qualityFit(model: CompiledModel, input: Pick<ScoringInput, 'complexity' | 'inputTokens' | 'outputTokens'>): number {
  if (model.contextWindow !== undefined && input.inputTokens + input.outputTokens > model.contextWindow) return 0;
  return clamp01(0.5 + 2 * (model.quality - input.complexity / 10));
}

/** One factor's 0..1 value for the model; `factor.code` is its place in BUILTIN_FACTORS (-1: an expression). */
function factorValue(factor: CompiledFactor, model: CompiledModel, input: ScoringInput): number {
  switch (factor.code) {
    case 0: // task_complexity
      return qualityFit(model, input) * (input.capabilityFit.get(model.id) ?? 1);
    case 1: {
      // cost_efficiency — absolute, not relative to the priciest candidate: a $0.04 task and a $3.30 one score apart.
      const cost = estimateCost(model, input.inputTokens, input.outputTokens);
      return input.costReferenceUsd / (input.costReferenceUsd + cost);
    }
    case 2: // privacy_requirements
      return model.type === 'local' ? 1 : 1 - input.sensitivity;
    case 3: {
      // performance_needs
      if (input.maxLatencyMs !== undefined) {
        const expectedMs = (model.config.performance?.latency_ms ?? 0) + (input.outputTokens / model.tokensPerSecond) * 1000;
        return expectedMs <= input.maxLatencyMs ? 1 : clamp01(input.maxLatencyMs / expectedMs);
      }
      return input.maxTokensPerSecond > 0 ? clamp01(model.tokensPerSecond / input.maxTokensPerSecond) : 1;
    }
    case 4: {
      // model_availability
      const live = input.modelStates?.get(model.id);
      return live ? clamp01(1 - live.load) : 1;
    }
    default: {
      const value = factor.expression?.evaluateValue(input.scopes.scopeWithModel(model));
      return typeof value === 'number' ? clamp01(value) : typeof value === 'boolean' ? (value ? 1 : 0) : 0;
    }
  }
}

export interface ModelScore {
  modelId: string;
  score: number;
  factors: Record<string, number>;
}

const NO_FACTORS: Readonly<Record<string, number>> = Object.freeze({});

/**
 * The model's weighted score; each factor's value too when `withFactors` (for the trace).
 * `builtinOrder`: the factors are the five built-in ones in BUILTIN_FACTORS' order.
 */
export function scoreModel(model: CompiledModel, factors: readonly CompiledFactor[], input: ScoringInput, withFactors = true, builtinOrder = false): ModelScore {
  if (withFactors && builtinOrder) return scoreBuiltin(model, factors, input);
  let score = 0;
  const values: Record<string, number> = withFactors ? {} : (NO_FACTORS as Record<string, number>);
  for (const factor of factors) {
    const value = factorValue(factor, model, input);
    if (withFactors) values[factor.name] = Math.round(value * 1000) / 1000;
    score += factor.weight * value;
  }
  return { modelId: model.id, score: Math.round(score * 10000) / 10000, factors: values };
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/**
 * `scoreModel` for the five built-in factors in their usual order, with the trace's factor record
 * written as one literal (five keyed writes to an empty object cost a traced strategy decision about
 * a tenth): the same values under the same keys in the same order, the sum added in the same order.
 */
function scoreBuiltin(model: CompiledModel, factors: readonly CompiledFactor[], input: ScoringInput): ModelScore {
  const complexity = factorValue(factors[0]!, model, input);
  const cost = factorValue(factors[1]!, model, input);
  const privacy = factorValue(factors[2]!, model, input);
  const performance = factorValue(factors[3]!, model, input);
  const availability = factorValue(factors[4]!, model, input);
  let score = 0;
  score += factors[0]!.weight * complexity;
  score += factors[1]!.weight * cost;
  score += factors[2]!.weight * privacy;
  score += factors[3]!.weight * performance;
  score += factors[4]!.weight * availability;
  return {
    modelId: model.id,
    score: Math.round(score * 10000) / 10000,
    factors: {
      task_complexity: round3(complexity),
      cost_efficiency: round3(cost),
      privacy_requirements: round3(privacy),
      performance_needs: round3(performance),
      model_availability: round3(availability),
    },
  };
}
