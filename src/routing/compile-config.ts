// Turns a validated configuration into the structures decide() reads on every request: conditions
// compiled to closures, preference lists resolved, prices per token, strategy flags merged, factor
// weights normalised. Done once per router, so the hot path never parses or looks anything up twice.
import { compileCondition, planConditionSet, type CompiledCondition, type ConditionSet } from '../conditions/index.js';
import {
  BUILTIN_FACTORS,
  type AgentConfig,
  type GlobalOverridesConfig,
  type ModelConfig,
  type RouterConfigInput,
  type RoutingConfig,
} from '../config/schema.js';
import { BUILTIN_STRATEGIES } from '../config/validate-config.js';
import { DEFAULT_MIN_SHARE } from '../config/config-types.js';
import type { FeatureSet } from '../request/types.js';
import { compileStrategy, type CompiledStrategy } from './compile-strategy.js';
import { stableHash } from './stable-hash.js';
import type { TraceStep } from './types.js';

export type { CompiledStrategy };

/**
 * What a section the configuration leaves out reads as: nothing, with no prototype to read through
 * (the checked configuration's own objects have none either; see check-shape.ts).
 */
const NONE = Object.freeze(Object.create(null) as Record<string, never>);

/** The fewest rules an agent decides as one set (path-slots.ts) rather than one by one. */
const RULE_SET_MIN = 8;

/** `"<condition>" is false`, for a rule of the given step. */
function notMatchedStep(step: 'agent_rule' | 'global_rule' | 'verification', rule: string, condition: CompiledCondition): TraceStep {
  return Object.freeze({ step, outcome: 'not_matched', rule, message: `"${condition.source}" is false` });
}

export interface CompiledModel {
  id: string;
  config: ModelConfig;
  type: 'cloud' | 'local';
  provider: string;
  /** The name the provider knows the model by (`model_id`, else the key). */
  providerModelId: string;
  capabilities: ReadonlySet<string>;
  /** USD per token. */
  inputPrice: number;
  outputPrice: number;
  tokensPerSecond: number;
  quality: number;
  requestsPerMinute: number | undefined;
  tokensPerMinute: number | undefined;
  contextWindow: number | undefined;
  /** The most output tokens the model writes in one answer, when the configuration says. */
  maxOutputTokens: number | undefined;
  /** How long one attempt may take (ms), when the configuration says. */
  timeoutMs: number | undefined;
  /** What the model takes besides text; a feature the configuration does not mention counts as supported. */
  supports: FeatureSet;
  /** What conditions see as `model` when the model is idle: its configuration, `id` and default live state. */
  idleView: Readonly<Record<string, unknown>>;
  /**
   * The same fields, with the live ones written in place for each condition about the model that
   * has a live state (decisions are synchronous, and a condition cannot keep or change what it reads).
   */
  liveView: Record<string, unknown>;
}

export interface CompiledRule {
  index: number;
  label: string;
  condition: CompiledCondition;
  modelId: string;
  /** The trace step of the rule not matching: the same every time, so made once (and frozen). */
  notMatched: TraceStep;
  /** The trace step of the rule choosing its model, made once and frozen like `notMatched`. */
  chosen: TraceStep;
  /** The decision's `reason` when the rule chooses its model. */
  reason: string;
}

export interface CompiledAgent {
  id: string;
  config: AgentConfig;
  /** Preferred models by role, in the order written (`primary`, `fallback`, `local_alternative`, ...). */
  roles: ReadonlyMap<string, string>;
  /** Distinct preferred models, in preference order. */
  preferred: readonly string[];
  /** Preferred models followed by models only named in rules: the fallback order. */
  fallbackOrder: readonly string[];
  /** The smallest context window among `fallbackOrder` (Infinity when none states one). */
  smallestContextWindow: number;
  rules: readonly CompiledRule[];
  /**
   * The rules' conditions as one set, the paths they test read once per decision — for an agent
   * with many rules; a few are cheaper evaluated one by one, stopping at the first that matches.
   */
  ruleSet: ConditionSet | undefined;
  /** 0, 1, ... for each rule: the rules in play when the rule set rules none out. */
  ruleIndexes: readonly number[];
  /** Each rule's `notMatched` step, in order, to copy runs of them into a trace. */
  notMatched: readonly TraceStep[];
  capabilitiesRequired: readonly string[];
  /** For every model: the share of `capabilitiesRequired` it offers (1 when none are required). */
  capabilityFit: ReadonlyMap<string, number>;
  /** Every model in the registry, most capable for the agent first (ties in configuration order). */
  byFit: readonly CompiledModel[];
  dailyBudgetUsd: number | undefined;
}

export type GlobalRuleAction = 'switch_to_fallback' | 'switch_to_local_only' | 'force_local_model' | 'require_cloud_verification';

export interface CompiledGlobalRule {
  name: string;
  action: GlobalRuleAction;
  condition: CompiledCondition;
  /**
   * The trace step of the rule not matching, made once and frozen: about the task (a constraint or
   * verification rule), and for a fallback rule per model, about the model chosen.
   */
  notMatched: TraceStep;
  notMatchedFor: ReadonlyMap<string, TraceStep>;
  /**
   * For a rule that reads nothing but `model`: its verdict for each model while the model is idle
   * (no live state: the scope's `model` is then the model's fixed idle view), found once.
   */
  whenIdle: ReadonlyMap<string, boolean> | undefined;
}

export type BuiltinFactor = (typeof BUILTIN_FACTORS)[number];

export interface CompiledFactor {
  name: string;
  /** Weight divided by the sum of all weights, so a score stays within 0..1. */
  weight: number;
  builtin: BuiltinFactor | undefined;
  /** `builtin` as a number (its place in BUILTIN_FACTORS), -1 for an expression: what scoring switches on. */
  code: number;
  expression: CompiledCondition | undefined;
}

export interface CompiledExperiment {
  name: string;
  /** The agents taking part; undefined for all. */
  agents: ReadonlySet<string> | undefined;
  condition: CompiledCondition | undefined;
  /** Variants with their configured weight and the upper end of their share of 0..1, in order. */
  variants: readonly { modelId: string; weight: number; upTo: number }[];
  /** Whether it runs from the start (`enabled` is not false); the runtime may start, pause or end it. */
  enabled: boolean;
  allocation: { mode: 'fixed' } | { mode: 'adaptive'; metric: string; minShare: number; seed: number };
}

export interface CompiledConfig {
  models: ReadonlyMap<string, CompiledModel>;
  agents: ReadonlyMap<string, CompiledAgent>;
  strategies: ReadonlyMap<string, CompiledStrategy>;
  /** The default strategy and where it was set. */
  defaultStrategy: { name: string; source: 'environment' | 'config' | 'default' };
  /** Global rules that make the decision local-only (checked first, as hard constraints). */
  constraintRules: readonly CompiledGlobalRule[];
  /** `switch_to_fallback` rules, checked against the chosen model. */
  fallbackRules: readonly CompiledGlobalRule[];
  /** `require_cloud_verification` rules, checked against the chosen model. */
  verificationRules: readonly CompiledGlobalRule[];
  factors: readonly CompiledFactor[];
  /**
   * Whether the factors are the five built-in ones in their usual order (the seed's, and the
   * default): a trace's factor record is then one object literal rather than five keyed writes.
   */
  builtinFactorOrder: boolean;
  experiments: readonly CompiledExperiment[];
  maxCloudSpendPerDay: number | undefined;
  budgetDaily: number | undefined;
  requireLocalForPii: boolean;
  /** Task privacy levels (lower-cased) that keep a decision on local models. */
  localOnlyPrivacyLevels: ReadonlySet<string>;
  /** PII false positives: a finding whose whole text matches one of these is not PII. */
  piiAllowPatterns: readonly RegExp[];
  /** Whether a request with an image or a binary file (which cannot be scanned) stays local. */
  unscannableMediaLocal: boolean;
  forceLocalModels: boolean;
  verboseRoutingLogs: boolean;
  rateLimitThreshold: number;
  defaults: { inputTokens: number; outputTokens: number; maxOutputTokens: number; costReferenceUsd: number };
  /** Whether any rule or factor reads `data.contains_pii` (else the PII scan can be skipped). */
  readsPii: boolean;
  environment: string | undefined;
  metrics: readonly string[];
}

/** The seed's routing factors, used when routing.yaml lists none. */
const DEFAULT_FACTORS: readonly { name: BuiltinFactor; weight: number }[] = [
  { name: 'task_complexity', weight: 0.3 },
  { name: 'cost_efficiency', weight: 0.25 },
  { name: 'privacy_requirements', weight: 0.2 },
  { name: 'performance_needs', weight: 0.15 },
  { name: 'model_availability', weight: 0.1 },
];

const DEFAULT_CLOUD_TPS = 60;
const DEFAULT_LOCAL_TPS = 30;

/** Share (0..1) of the required capabilities the model offers; 1 when none are required. */
export function capabilityFit(model: CompiledModel, required: readonly string[]): number {
  if (required.length === 0) return 1;
  let matched = 0;
  for (const capability of required) if (model.capabilities.has(capability)) matched++;
  return matched / required.length;
}

/** Compiles a configuration that `validateConfig` accepted. */
export function compileConfig(config: RouterConfigInput, environment?: string): CompiledConfig {
  const routing: RoutingConfig = config.routing ?? NONE;
  const defaults: NonNullable<RoutingConfig['defaults']> = routing.defaults ?? NONE;

  const models = new Map<string, CompiledModel>();
  for (const [id, model] of Object.entries(config.models)) {
    const tps =
      model.performance?.tokens_per_second ??
      (model.type === 'cloud'
        ? (defaults.cloud_tokens_per_second ?? DEFAULT_CLOUD_TPS)
        : (defaults.local_tokens_per_second ?? DEFAULT_LOCAL_TPS));
    models.set(id, {
      id,
      config: model,
      type: model.type,
      provider: model.provider,
      providerModelId: model.model_id ?? id,
      capabilities: new Set(model.capabilities ?? []),
      inputPrice: (model.cost_per_1k_tokens?.input ?? 0) / 1000,
      outputPrice: (model.cost_per_1k_tokens?.output ?? 0) / 1000,
      tokensPerSecond: tps,
      quality: model.quality ?? (model.type === 'cloud' ? 0.9 : 0.6),
      requestsPerMinute: model.rate_limits?.requests_per_minute,
      tokensPerMinute: model.rate_limits?.tokens_per_minute,
      contextWindow: model.context_window,
      maxOutputTokens: model.max_output_tokens,
      timeoutMs: model.timeout_ms,
      supports: {
        tools: model.supports?.tools !== false,
        images: model.supports?.images !== false,
        files: model.supports?.files !== false,
        jsonSchema: model.supports?.json_schema !== false,
      },
      idleView: Object.freeze(viewOf(model, id)),
      liveView: viewOf(model, id),
    });
  }

  let readsPii = false;
  const compile = (source: string) => {
    const condition = compileCondition(source);
    if (condition.paths.includes('data.contains_pii') || condition.identifiers.includes('data')) readsPii = true;
    return condition;
  };

  const agents = new Map<string, CompiledAgent>();
  for (const [id, agent] of Object.entries(config.agents)) {
    const roles = new Map(Object.entries(agent.model_preferences));
    const preferred = [...new Set(roles.values())];
    const rules = (agent.routing_rules ?? []).map((rule, index): CompiledRule => {
      const label = rule.name ?? `routing_rules[${index}]`;
      const condition = compile(rule.condition);
      return {
        index,
        label,
        condition,
        modelId: rule.model,
        notMatched: notMatchedStep('agent_rule', label, condition),
        chosen: Object.freeze({ step: 'agent_rule', outcome: 'chosen', rule: label, modelId: rule.model, message: `"${condition.source}" matched → ${rule.model}` }),
        reason: `agent rule ${label}: ${condition.source}`,
      };
    });
    const fit = new Map([...models.values()].map((model) => [model.id, capabilityFit(model, agent.capabilities_required ?? [])]));
    const fallbackOrder = [...new Set([...preferred, ...rules.map((rule) => rule.modelId)])];
    agents.set(id, {
      id,
      config: agent,
      roles,
      preferred,
      fallbackOrder,
      smallestContextWindow: Math.min(...fallbackOrder.map((modelId) => models.get(modelId)?.contextWindow ?? Number.POSITIVE_INFINITY)),
      rules,
      ruleSet: rules.length >= RULE_SET_MIN ? planConditionSet(rules.map((rule) => rule.condition)) : undefined,
      ruleIndexes: rules.map((rule) => rule.index),
      notMatched: rules.map((rule) => rule.notMatched),
      capabilitiesRequired: agent.capabilities_required ?? [],
      capabilityFit: fit,
      byFit: [...models.values()].sort((a, b) => fit.get(b.id)! - fit.get(a.id)!),
      dailyBudgetUsd: agent.daily_budget,
    });
  }

  const strategies = new Map<string, CompiledStrategy>();
  for (const name of BUILTIN_STRATEGIES) {
    strategies.set(name, compileStrategy(name, undefined));
  }
  for (const [name, strategy] of Object.entries(routing.strategies ?? {})) {
    strategies.set(name, compileStrategy(name, strategy.description, strategy.rules ?? []));
  }

  const globalRules = (routing.global_rules ?? [])
    .filter((rule) => rule.enabled !== false)
    .map((rule): CompiledGlobalRule => {
      const condition = compile(rule.condition);
      const step = rule.action === 'require_cloud_verification' ? 'verification' : 'global_rule';
      const notMatchedFor = new Map<string, TraceStep>();
      if (rule.action === 'switch_to_fallback') {
        for (const modelId of models.keys()) {
          notMatchedFor.set(modelId, Object.freeze({ step, outcome: 'not_matched', rule: rule.name, modelId, message: `"${condition.source}" is false for ${modelId}` }));
        }
      }
      const aboutModelOnly = condition.identifiers.length === 1 && condition.identifiers[0] === 'model';
      const whenIdle = aboutModelOnly ? new Map([...models.values()].map((model) => [model.id, condition.evaluate({ model: model.idleView })])) : undefined;
      return { name: rule.name, action: rule.action, condition, notMatched: notMatchedStep(step, rule.name, condition), notMatchedFor, whenIdle };
    });

  const factorConfigs = routing.routing_factors?.length ? routing.routing_factors : DEFAULT_FACTORS;
  const weightSum = factorConfigs.reduce((sum, factor) => sum + factor.weight, 0);
  const factors: CompiledFactor[] = factorConfigs.map((factor) => {
    const expression = 'expression' in factor && factor.expression ? compile(factor.expression) : undefined;
    return {
      name: factor.name,
      weight: weightSum > 0 ? factor.weight / weightSum : 0,
      builtin: expression ? undefined : (BUILTIN_FACTORS as readonly string[]).includes(factor.name) ? (factor.name as BuiltinFactor) : undefined,
      code: expression ? -1 : (BUILTIN_FACTORS as readonly string[]).indexOf(factor.name),
      expression,
    };
  });
  if (factors.some((factor) => factor.builtin === 'privacy_requirements')) readsPii = true;

  const experiments: CompiledExperiment[] = (routing.experiments ?? []).map((experiment) => {
    const total = experiment.variants.reduce((sum, variant) => sum + (variant.weight ?? 1), 0);
    let cumulative = 0;
    const allocation = experiment.allocation;
    return {
      name: experiment.name,
      agents: experiment.agents ? new Set(experiment.agents) : undefined,
      condition: experiment.condition !== undefined ? compile(experiment.condition) : undefined,
      variants: experiment.variants.map((variant) => {
        cumulative += variant.weight ?? 1;
        return { modelId: variant.model, weight: variant.weight ?? 1, upTo: cumulative / total };
      }),
      enabled: experiment.enabled !== false,
      allocation:
        allocation?.mode === 'adaptive'
          ? { mode: 'adaptive' as const, metric: allocation.metric!, minShare: allocation.min_share ?? DEFAULT_MIN_SHARE, seed: allocation.seed ?? Math.floor(stableHash(experiment.name) * 0x1_0000_0000) }
          : { mode: 'fixed' as const },
    };
  });

  const overrides: GlobalOverridesConfig = routing.global_overrides ?? NONE;
  const requireLocalForPii = overrides.require_local_for_pii ?? true;
  if (requireLocalForPii) readsPii = true;

  const defaultStrategy = overrides.default_strategy
    ? { name: overrides.default_strategy, source: 'environment' as const }
    : routing.default_strategy
      ? { name: routing.default_strategy, source: 'config' as const }
      : { name: 'balanced', source: 'default' as const };

  return {
    models,
    agents,
    strategies,
    defaultStrategy,
    constraintRules: globalRules.filter((rule) => rule.action === 'switch_to_local_only' || rule.action === 'force_local_model'),
    fallbackRules: globalRules.filter((rule) => rule.action === 'switch_to_fallback'),
    verificationRules: globalRules.filter((rule) => rule.action === 'require_cloud_verification'),
    factors,
    builtinFactorOrder: factors.length === BUILTIN_FACTORS.length && factors.every((factor, index) => factor.code === index),
    experiments,
    maxCloudSpendPerDay: overrides.max_cloud_spend_per_day,
    budgetDaily: routing.budget?.daily,
    requireLocalForPii,
    localOnlyPrivacyLevels: new Set((routing.privacy?.local_only_levels ?? ['high']).map((level) => level.toLowerCase())),
    piiAllowPatterns: (routing.privacy?.allow_patterns ?? []).map((source) => new RegExp(source, 'u')),
    unscannableMediaLocal: routing.privacy?.unscannable_media === 'local_only',
    forceLocalModels: overrides.force_local_models === true,
    verboseRoutingLogs: overrides.verbose_routing_logs === true,
    rateLimitThreshold: overrides.rate_limit_threshold ?? routing.rate_limit_threshold ?? 0.8,
    defaults: { inputTokens: defaults.input_tokens ?? 1000, outputTokens: defaults.output_tokens ?? 500, maxOutputTokens: defaults.max_output_tokens ?? 4096, costReferenceUsd: defaults.cost_reference_usd ?? 0.05 },
    readsPii,
    environment,
    metrics: routing.metrics ?? config.metrics ?? [],
  };
}

/** What conditions see as `model`: the model's configuration, its id and an idle live state. */
function viewOf(model: ModelConfig, id: string): Record<string, unknown> {
  return { ...model, id, available: true, rate_limit_approaching: false, requests_last_minute: 0, tokens_last_minute: 0, load: 0 };
}
