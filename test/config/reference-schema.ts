// The zod definitions the configuration schema was first written with, kept verbatim as the oracle
// the hand-written checker (src/config/check-shape.ts) and JSON Schema generator are compared with.
// Not used by the library itself: the core no longer loads zod.
import { z } from 'zod';

type Mode = 'strict' | 'loose';

function obj<T extends z.ZodRawShape>(mode: Mode, shape: T) {
  return mode === 'strict' ? z.strictObject(shape) : z.looseObject(shape);
}

const nonNegative = z.number().finite().nonnegative();
const positiveInt = z.number().int().positive();
/** Node's timers hold at most 2^31 − 1 ms (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;
const share = z.number().finite().min(0).max(1);
const nameString = z.string().min(1);


/** Actions a global rule may take. */
const GLOBAL_RULE_ACTIONS = [
  'switch_to_fallback',
  'switch_to_local_only',
  'force_local_model',
  'require_cloud_verification',
] as const;



function isRegExpSource(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}

function buildSchemas(mode: Mode) {
  const model = obj(mode, {
    provider: nameString,
    type: z.enum(['cloud', 'local']),
    model_id: nameString.optional(),
    model_path: z.string().optional(),
    endpoint: z.url({ protocol: /^https?$/ }).optional(),
    description: z.string().optional(),
    capabilities: z.array(nameString).optional(),
    cost_per_1k_tokens: obj(mode, { input: nonNegative, output: nonNegative }).optional(),
    rate_limits: obj(mode, {
      requests_per_minute: positiveInt.optional(),
      tokens_per_minute: positiveInt.optional(),
    }).optional(),
    resource_requirements: z.looseObject({
      gpu_memory_gb: nonNegative.optional(),
      cpu_cores: positiveInt.optional(),
    }).optional(),
    performance: obj(mode, {
      tokens_per_second: z.number().finite().positive().optional(),
      latency_ms: nonNegative.optional(),
    }).optional(),
    /** 0..1: how capable the model is for hard tasks. Defaults: cloud 0.9, local 0.6. */
    quality: share.optional(),
    context_window: positiveInt.optional(),
    /** The most output tokens the model writes in one answer; a call's output limit never exceeds it. */
    max_output_tokens: positiveInt.optional(),
    /** How long one attempt on this model may take before the router ends it, in ms. */
    timeout_ms: positiveInt.max(MAX_TIMER_MS, { message: `at most ${MAX_TIMER_MS} ms (about 24.8 days)` }).optional(),
    /**
     * What the model can take besides text. A request that needs one of these routes only to models
     * that have it; a model that says nothing is assumed able, so older configurations keep working.
     */
    supports: obj(mode, {
      tools: z.boolean().optional(),
      images: z.boolean().optional(),
      files: z.boolean().optional(),
      json_schema: z.boolean().optional(),
    }).optional(),
  });

  const routingRule = obj(mode, {
    name: z.string().optional(),
    condition: z.string(),
    model: nameString,
    description: z.string().optional(),
  });

  const agent = obj(mode, {
    name: z.string().optional(),
    description: z.string().optional(),
    model_preferences: z.record(z.string(), nameString).refine((prefs) => Object.keys(prefs).length > 0, {
      message: 'model_preferences needs at least one model (usually `primary`)',
    }),
    routing_rules: z.array(routingRule).optional(),
    capabilities_required: z.array(nameString).optional(),
    /** Optional per-agent daily cloud budget in USD, on top of the global one. */
    daily_budget: nonNegative.optional(),
  });

  const strategyRule = obj(mode, {
    prefer_local_models: z.boolean().optional(),
    prefer_cloud_models: z.boolean().optional(),
    cloud_budget_per_day: nonNegative.optional(),
    fallback_to_cloud_threshold: obj(mode, {
      complexity: z.number().finite().min(0).max(10).optional(),
      confidence: share.optional(),
    }).optional(),
    parallel_requests: z.boolean().optional(),
    cache_responses: z.boolean().optional(),
    allow_cloud_models: z.boolean().optional(),
    required_model_type: z.enum(['cloud', 'local']).optional(),
    cloud_for_complex_tasks: z.boolean().optional(),
    local_for_routine_tasks: z.boolean().optional(),
    dynamic_routing: z.boolean().optional(),
    complex_task_threshold: z.number().finite().min(0).max(10).optional(),
    routine_task_threshold: z.number().finite().min(0).max(10).optional(),
  });

  const strategy = obj(mode, {
    description: z.string().optional(),
    rules: z.array(strategyRule).optional(),
  });

  const globalRule = obj(mode, {
    name: nameString,
    condition: z.string(),
    action: z.enum(GLOBAL_RULE_ACTIONS),
    description: z.string().optional(),
    enabled: z.boolean().optional(),
  });

  const routingFactor = obj(mode, {
    name: nameString,
    weight: z.number().finite().nonnegative(),
    calculation: z.string().optional(),
    /** For a custom factor: a condition-language expression yielding a number in 0..1. */
    expression: z.string().optional(),
  });

  const experimentVariant = obj(mode, {
    model: nameString,
    /** Relative share of the tasks this variant gets. Default 1. */
    weight: z.number().finite().nonnegative().optional(),
  });

  const experiment = obj(mode, {
    name: nameString,
    description: z.string().optional(),
    /** The agents in the experiment; all agents when absent. */
    agents: z.array(nameString).optional(),
    /** Only tasks for which this condition holds take part. */
    condition: z.string().optional(),
    variants: z.array(experimentVariant).min(1),
    enabled: z.boolean().optional(),
    allocation: obj(mode, {
      mode: z.enum(['fixed', 'adaptive']).optional(),
      metric: nameString.optional(),
      min_share: z.number().finite().min(0).lt(1).optional(),
      seed: z.number().int().optional(),
    }).optional(),
  });

  const globalOverrides = obj(mode, {
    max_cloud_spend_per_day: nonNegative.optional(),
    require_local_for_pii: z.boolean().optional(),
    force_local_models: z.boolean().optional(),
    verbose_routing_logs: z.boolean().optional(),
    default_strategy: nameString.optional(),
    rate_limit_threshold: share.optional(),
  });

  const privacy = obj(mode, {
    /** Privacy levels that keep a task on local models, compared case-insensitively. Default ['high']. */
    local_only_levels: z.array(nameString).optional(),
    /** PII findings whose whole text matches one of these regular expressions are not PII (false positives). */
    allow_patterns: z
      .array(
        z.string().refine(isRegExpSource, { message: 'not a valid regular expression' }),
      )
      .optional(),
    /** Images and binary files cannot be scanned for PII: `allow` sends them (default), `local_only` keeps them local. */
    unscannable_media: z.enum(['allow', 'local_only']).optional(),
  });

  const routing = obj(mode, {
    default_strategy: nameString.optional(),
    privacy: privacy.optional(),
    strategies: z.record(z.string(), strategy).optional(),
    global_rules: z.array(globalRule).optional(),
    routing_factors: z.array(routingFactor).optional(),
    global_overrides: globalOverrides.optional(),
    budget: obj(mode, { daily: nonNegative.optional() }).optional(),
    rate_limit_threshold: share.optional(),
    defaults: obj(mode, {
      input_tokens: positiveInt.optional(),
      output_tokens: positiveInt.optional(),
      /** The output limit of a priced call that gives none and whose model states none. Default 4096. */
      max_output_tokens: positiveInt.optional(),
      /** The cost of a task (USD) at which `cost_efficiency` scores 0.5. Default 0.05. */
      cost_reference_usd: z.number().finite().positive().optional(),
      cloud_tokens_per_second: z.number().finite().positive().optional(),
      local_tokens_per_second: z.number().finite().positive().optional(),
    }).optional(),
    metrics: z.array(nameString).optional(),
    experiments: z.array(experiment).optional(),
  });

  const config = obj(mode, {
    models: z.record(z.string(), model),
    agents: z.record(z.string(), agent),
    routing: routing.optional(),
    metrics: z.array(nameString).optional(),
  });

  return { privacy, model, agent, routingRule, strategy, strategyRule, globalRule, routingFactor, experiment, routing, globalOverrides, config };
}

export const referenceStrict = buildSchemas('strict');
export const referenceLoose = buildSchemas('loose');
