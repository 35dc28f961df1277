// The schema of models.yaml, agents.yaml, routing.yaml and environments/*.yaml, written to accept
// the seed's files exactly as they are. It is plain data (a tree of `SchemaNode`s) read by two small
// interpreters: `checkShape` (check-shape.ts) validates a configuration against it, reporting every
// problem as zod did, and `configJsonSchemas` (json-schema.ts) turns it into JSON Schemas for
// editors. No schema library is loaded with the package: the tree is built on first use.
//
// One tree serves both former modes: an object that is not `open` reports keys it does not know
// (typos surface as warnings), and its parsed value keeps them all the same.

/** Node's timers hold at most 2^31 − 1 ms (about 24.8 days); a longer one would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

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

// ---------------------------------------------------------------------------------------------
// The types of a parsed configuration. A parsed map also keeps the keys it does not know (they were
// warned about, not removed); as before, the types leave them out.

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
  enabled?: boolean | undefined;
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

// ---------------------------------------------------------------------------------------------
// The schema as data. Checks run in the order given, as chained zod checks did.

export type StringCheck =
  | { readonly check: 'min_length'; readonly minimum: number }
  /** An http(s) URL: what `z.url({ protocol: /^https?$/ })` accepted. The parsed value is trimmed. */
  | { readonly check: 'http_url' }
  | { readonly check: 'refine'; readonly test: (value: string) => boolean; readonly message: string };

export type NumberCheck =
  /** A safe integer. */
  | { readonly check: 'int' }
  | { readonly check: 'greater_than'; readonly value: number; readonly inclusive: boolean; readonly message?: string }
  | { readonly check: 'less_than'; readonly value: number; readonly inclusive: boolean; readonly message?: string };

export type SchemaNode =
  | { readonly kind: 'string'; readonly checks: readonly StringCheck[] }
  | { readonly kind: 'number'; readonly checks: readonly NumberCheck[] }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'array'; readonly element: SchemaNode; readonly minItems?: number }
  | {
      readonly kind: 'record';
      readonly value: SchemaNode;
      /** Run on the parsed map when it and its values are valid. */
      readonly refine?: { readonly test: (value: Record<string, unknown>) => boolean; readonly message: string };
    }
  | {
      readonly kind: 'object';
      readonly shape: Readonly<Record<string, SchemaNode>>;
      /** Open: keys not in the shape are kept silently. Otherwise they are reported (and kept). */
      readonly open: boolean;
    }
  | { readonly kind: 'optional'; readonly inner: SchemaNode };

const str = (...checks: StringCheck[]): SchemaNode => ({ kind: 'string', checks });
const num = (...checks: NumberCheck[]): SchemaNode => ({ kind: 'number', checks });
const bool = (): SchemaNode => ({ kind: 'boolean' });
const oneOf = (values: readonly string[]): SchemaNode => ({ kind: 'enum', values });
const list = (element: SchemaNode, minItems?: number): SchemaNode =>
  minItems === undefined ? { kind: 'array', element } : { kind: 'array', element, minItems };
const map = (value: SchemaNode, refine?: { test: (value: Record<string, unknown>) => boolean; message: string }): SchemaNode =>
  refine ? { kind: 'record', value, refine } : { kind: 'record', value };
const obj = (shape: Record<string, SchemaNode>, open = false): SchemaNode => ({ kind: 'object', shape, open });
const opt = (inner: SchemaNode): SchemaNode => ({ kind: 'optional', inner });

const INT: NumberCheck = { check: 'int' };
const min = (value: number, message?: string): NumberCheck =>
  message === undefined ? { check: 'greater_than', value, inclusive: true } : { check: 'greater_than', value, inclusive: true, message };
const above = (value: number): NumberCheck => ({ check: 'greater_than', value, inclusive: false });
const max = (value: number, message?: string): NumberCheck =>
  message === undefined ? { check: 'less_than', value, inclusive: true } : { check: 'less_than', value, inclusive: true, message };

function isRegExpSource(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}

export interface ConfigSchemas {
  /** The whole configuration (models, agents, routing, metrics). */
  config: SchemaNode;
}

function buildSchemas(): ConfigSchemas {
  const nonNegative = () => num(min(0));
  const positiveInt = () => num(INT, above(0));
  const share = () => num(min(0), max(1));
  const nameString = () => str({ check: 'min_length', minimum: 1 });
  const string = () => str();

  const model = obj({
    provider: nameString(),
    type: oneOf(['cloud', 'local']),
    model_id: opt(nameString()),
    model_path: opt(string()),
    endpoint: opt(str({ check: 'http_url' })),
    description: opt(string()),
    capabilities: opt(list(nameString())),
    cost_per_1k_tokens: opt(obj({ input: nonNegative(), output: nonNegative() })),
    rate_limits: opt(obj({ requests_per_minute: opt(positiveInt()), tokens_per_minute: opt(positiveInt()) })),
    resource_requirements: opt(obj({ gpu_memory_gb: opt(nonNegative()), cpu_cores: opt(positiveInt()) }, true)),
    performance: opt(obj({ tokens_per_second: opt(num(above(0))), latency_ms: opt(nonNegative()) })),
    quality: opt(share()),
    context_window: opt(positiveInt()),
    max_output_tokens: opt(positiveInt()),
    timeout_ms: opt(num(INT, above(0), max(MAX_TIMER_MS, `at most ${MAX_TIMER_MS} ms (about 24.8 days)`))),
    supports: opt(obj({ tools: opt(bool()), images: opt(bool()), files: opt(bool()), json_schema: opt(bool()) })),
  });

  const routingRule = obj({
    name: opt(string()),
    condition: string(),
    model: nameString(),
    description: opt(string()),
  });

  const agent = obj({
    name: opt(string()),
    description: opt(string()),
    model_preferences: map(nameString(), {
      test: (prefs) => Object.keys(prefs).length > 0,
      message: 'model_preferences needs at least one model (usually `primary`)',
    }),
    routing_rules: opt(list(routingRule)),
    capabilities_required: opt(list(nameString())),
    daily_budget: opt(nonNegative()),
  });

  const threshold = () => num(min(0), max(10));
  const strategyRule = obj({
    prefer_local_models: opt(bool()),
    prefer_cloud_models: opt(bool()),
    cloud_budget_per_day: opt(nonNegative()),
    fallback_to_cloud_threshold: opt(obj({ complexity: opt(threshold()), confidence: opt(share()) })),
    parallel_requests: opt(bool()),
    cache_responses: opt(bool()),
    allow_cloud_models: opt(bool()),
    required_model_type: opt(oneOf(['cloud', 'local'])),
    cloud_for_complex_tasks: opt(bool()),
    local_for_routine_tasks: opt(bool()),
    dynamic_routing: opt(bool()),
    complex_task_threshold: opt(threshold()),
    routine_task_threshold: opt(threshold()),
  });

  const strategy = obj({ description: opt(string()), rules: opt(list(strategyRule)) });

  const globalRule = obj({
    name: nameString(),
    condition: string(),
    action: oneOf(GLOBAL_RULE_ACTIONS),
    description: opt(string()),
    enabled: opt(bool()),
  });

  const routingFactor = obj({
    name: nameString(),
    weight: num(min(0)),
    calculation: opt(string()),
    expression: opt(string()),
  });

  const experiment = obj({
    name: nameString(),
    description: opt(string()),
    agents: opt(list(nameString())),
    condition: opt(string()),
    variants: list(obj({ model: nameString(), weight: opt(num(min(0))) }), 1),
    enabled: opt(bool()),
  });

  const globalOverrides = obj({
    max_cloud_spend_per_day: opt(nonNegative()),
    require_local_for_pii: opt(bool()),
    force_local_models: opt(bool()),
    verbose_routing_logs: opt(bool()),
    default_strategy: opt(nameString()),
    rate_limit_threshold: opt(share()),
  });

  const privacy = obj({
    local_only_levels: opt(list(nameString())),
    allow_patterns: opt(list(str({ check: 'refine', test: isRegExpSource, message: 'not a valid regular expression' }))),
    unscannable_media: opt(oneOf(['allow', 'local_only'])),
  });

  const routing = obj({
    default_strategy: opt(nameString()),
    privacy: opt(privacy),
    strategies: opt(map(strategy)),
    global_rules: opt(list(globalRule)),
    routing_factors: opt(list(routingFactor)),
    global_overrides: opt(globalOverrides),
    budget: opt(obj({ daily: opt(nonNegative()) })),
    rate_limit_threshold: opt(share()),
    defaults: opt(
      obj({
        input_tokens: opt(positiveInt()),
        output_tokens: opt(positiveInt()),
        max_output_tokens: opt(positiveInt()),
        cost_reference_usd: opt(num(above(0))),
        cloud_tokens_per_second: opt(num(above(0))),
        local_tokens_per_second: opt(num(above(0))),
      }),
    ),
    metrics: opt(list(nameString())),
    experiments: opt(list(experiment)),
  });

  const config = obj({
    models: map(model),
    agents: map(agent),
    routing: opt(routing),
    metrics: opt(list(nameString())),
  });

  return { config };
}

let schemas: ConfigSchemas | undefined;

/** The configuration's schema, built on first use. */
export function configSchemas(): ConfigSchemas {
  return (schemas ??= buildSchemas());
}
