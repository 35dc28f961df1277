// The types of a parsed configuration (models.yaml, agents.yaml, routing.yaml, merged), and the
// fixed lists of keys and actions they name. A parsed map also keeps the keys it does not know
// (they were warned about, not removed); the types leave them out.
/** Strategy rule keys the router understands, with the type of each value. */
export const STRATEGY_RULE_KEYS = [
  'prefer_local_models',
  'prefer_cloud_models',
  'cloud_budget_per_day',
  'fallback_to_cloud_threshold',
  'parallel_requests',
  'cache_responses',
  'allow_cloud_models',
  'required_model_type',
  'cloud_for_complex_tasks',
  'local_for_routine_tasks',
  'dynamic_routing',
  'complex_task_threshold',
  'routine_task_threshold',
] as const;

/** Actions a global rule may take. */
export const GLOBAL_RULE_ACTIONS = [
  'switch_to_fallback',
  'switch_to_local_only',
  'force_local_model',
  'require_cloud_verification',
] as const;

/** The routing factors with built-in calculations; others need an `expression`. */
export const BUILTIN_FACTORS = [
  'task_complexity',
  'cost_efficiency',
  'privacy_requirements',
  'performance_needs',
  'model_availability',
] as const;

/** Keys of `routing.global_overrides` (usually set by an environment file). */
export const GLOBAL_OVERRIDE_KEYS = [
  'max_cloud_spend_per_day',
  'require_local_for_pii',
  'force_local_models',
  'verbose_routing_logs',
  'default_strategy',
  'rate_limit_threshold',
] as const;

export interface ModelConfig {
  provider: string;
  type: 'cloud' | 'local';
  model_id?: string | undefined;
  model_path?: string | undefined;
  endpoint?: string | undefined;
  description?: string | undefined;
  capabilities?: string[] | undefined;
  cost_per_1k_tokens?: { input: number; output: number } | undefined;
  rate_limits?: { requests_per_minute?: number | undefined; tokens_per_minute?: number | undefined } | undefined;
  /** Informational; any other key may be given. */
  resource_requirements?: { [key: string]: unknown; gpu_memory_gb?: number | undefined; cpu_cores?: number | undefined } | undefined;
  performance?: { tokens_per_second?: number | undefined; latency_ms?: number | undefined } | undefined;
  /** 0..1: how capable the model is for hard tasks. Defaults: cloud 0.9, local 0.6. */
  quality?: number | undefined;
  context_window?: number | undefined;
  /** The most output tokens the model writes in one answer; a call's output limit never exceeds it. */
  max_output_tokens?: number | undefined;
  /** How long one attempt on this model may take before the router ends it, in ms. */
  timeout_ms?: number | undefined;
  /**
   * What the model can take besides text. A request that needs one of these routes only to models
   * that have it; a model that says nothing is assumed able, so older configurations keep working.
   */
  supports?:
    | { tools?: boolean | undefined; images?: boolean | undefined; files?: boolean | undefined; json_schema?: boolean | undefined }
    | undefined;
}

export interface RoutingRuleConfig {
  name?: string | undefined;
  condition: string;
  model: string;
  description?: string | undefined;
}

export interface AgentConfig {
  name?: string | undefined;
  description?: string | undefined;
  model_preferences: Record<string, string>;
  routing_rules?: RoutingRuleConfig[] | undefined;
  capabilities_required?: string[] | undefined;
  /** Optional per-agent daily cloud budget in USD, on top of the global one. */
  daily_budget?: number | undefined;
}

export interface StrategyRuleConfig {
  prefer_local_models?: boolean | undefined;
  prefer_cloud_models?: boolean | undefined;
  cloud_budget_per_day?: number | undefined;
  fallback_to_cloud_threshold?: { complexity?: number | undefined; confidence?: number | undefined } | undefined;
  parallel_requests?: boolean | undefined;
  cache_responses?: boolean | undefined;
  allow_cloud_models?: boolean | undefined;
  required_model_type?: 'cloud' | 'local' | undefined;
  cloud_for_complex_tasks?: boolean | undefined;
  local_for_routine_tasks?: boolean | undefined;
  dynamic_routing?: boolean | undefined;
  complex_task_threshold?: number | undefined;
  routine_task_threshold?: number | undefined;
}

export interface StrategyConfig {
  description?: string | undefined;
  rules?: StrategyRuleConfig[] | undefined;
}

export interface GlobalRuleConfig {
  name: string;
  condition: string;
  action: (typeof GLOBAL_RULE_ACTIONS)[number];
  description?: string | undefined;
  enabled?: boolean | undefined;
}

export interface RoutingFactorConfig {
  name: string;
  weight: number;
  calculation?: string | undefined;
  /** For a custom factor: a condition-language expression yielding a number in 0..1. */
  expression?: string | undefined;
}

/** The least share of traffic an adaptive experiment leaves each variant, unless it says. */
export const DEFAULT_MIN_SHARE = 0.05;

export interface ExperimentConfig {
  name: string;
  description?: string | undefined;
  /** The agents in the experiment; all agents when absent. */
  agents?: string[] | undefined;
  /** Only tasks for which this condition holds take part. */
  condition?: string | undefined;
  variants: {
    model: string;
    /** Relative share of the tasks this variant gets. Default 1. */
    weight?: number | undefined;
  }[];
  /** `false`: configured but not running until `router.experiments.start(name)`. */
  enabled?: boolean | undefined;
  /**
   * How tasks are split. `fixed` (default): by the weights. `adaptive`: traffic shifts toward the
   * variant with the better `metric` (from `router.feedback`, values 0..1) by Thompson sampling,
   * never below `min_share` (default 0.05) for any variant; `seed` makes the sampling repeatable.
   */
  allocation?:
    | {
        mode?: 'fixed' | 'adaptive' | undefined;
        metric?: string | undefined;
        min_share?: number | undefined;
        seed?: number | undefined;
      }
    | undefined;
}

export interface GlobalOverridesConfig {
  max_cloud_spend_per_day?: number | undefined;
  require_local_for_pii?: boolean | undefined;
  force_local_models?: boolean | undefined;
  verbose_routing_logs?: boolean | undefined;
  default_strategy?: string | undefined;
  rate_limit_threshold?: number | undefined;
}

export interface PrivacyConfig {
  /** Privacy levels that keep a task on local models, compared case-insensitively. Default ['high']. */
  local_only_levels?: string[] | undefined;
  /** PII findings whose whole text matches one of these regular expressions are not PII (false positives). */
  allow_patterns?: string[] | undefined;
  /** Images and binary files cannot be scanned for PII: `allow` sends them (default), `local_only` keeps them local. */
  unscannable_media?: 'allow' | 'local_only' | undefined;
}

export interface RoutingConfig {
  default_strategy?: string | undefined;
  privacy?: PrivacyConfig | undefined;
  strategies?: Record<string, StrategyConfig> | undefined;
  global_rules?: GlobalRuleConfig[] | undefined;
  routing_factors?: RoutingFactorConfig[] | undefined;
  global_overrides?: GlobalOverridesConfig | undefined;
  budget?: { daily?: number | undefined } | undefined;
  rate_limit_threshold?: number | undefined;
  defaults?:
    | {
        input_tokens?: number | undefined;
        output_tokens?: number | undefined;
        /** The output limit of a priced call that gives none and whose model states none. Default 4096. */
        max_output_tokens?: number | undefined;
        /** The cost of a task (USD) at which `cost_efficiency` scores 0.5. Default 0.05. */
        cost_reference_usd?: number | undefined;
        cloud_tokens_per_second?: number | undefined;
        local_tokens_per_second?: number | undefined;
      }
    | undefined;
  metrics?: string[] | undefined;
  experiments?: ExperimentConfig[] | undefined;
}

/**
 * A router configuration in the shape of the YAML files: `models` (models.yaml), `agents`
 * (agents.yaml) and `routing` (routing.yaml), with any environment overlay already merged in.
 */
export interface RouterConfigInput {
  models: Record<string, ModelConfig>;
  agents: Record<string, AgentConfig>;
  routing?: RoutingConfig;
  metrics?: string[];
}
