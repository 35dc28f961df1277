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

export { STRATEGY_RULE_KEYS, GLOBAL_RULE_ACTIONS, BUILTIN_FACTORS, GLOBAL_OVERRIDE_KEYS } from './config-types.js';
import { STRATEGY_RULE_KEYS, GLOBAL_RULE_ACTIONS, BUILTIN_FACTORS, GLOBAL_OVERRIDE_KEYS } from './config-types.js';

// The types of a parsed configuration live in config-types.ts; they are re-exported here.
export type { ModelConfig, RoutingRuleConfig, AgentConfig, StrategyRuleConfig, StrategyConfig, GlobalRuleConfig, RoutingFactorConfig, ExperimentConfig, GlobalOverridesConfig, PrivacyConfig, RoutingConfig, RouterConfigInput } from './config-types.js';
import type { ModelConfig, RoutingRuleConfig, AgentConfig, StrategyRuleConfig, StrategyConfig, GlobalRuleConfig, RoutingFactorConfig, ExperimentConfig, GlobalOverridesConfig, PrivacyConfig, RoutingConfig, RouterConfigInput } from './config-types.js';

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

/**
 * Every node and check of the tree is made without a prototype (and frozen): a field a node does not
 * have (`minItems`, `refine`, a check's `message`) reads as missing even when something was planted
 * on Object.prototype under its name.
 */
function own<T extends object>(value: T): T {
  return Object.freeze(Object.assign(Object.create(null) as T, value));
}

const str = (...checks: StringCheck[]): SchemaNode => own({ kind: 'string', checks: checks.map(own) });
const num = (...checks: NumberCheck[]): SchemaNode => own({ kind: 'number', checks: checks.map(own) });
const bool = (): SchemaNode => own({ kind: 'boolean' });
const oneOf = (values: readonly string[]): SchemaNode => own({ kind: 'enum', values });
const list = (element: SchemaNode, minItems?: number): SchemaNode =>
  own(minItems === undefined ? { kind: 'array', element } : { kind: 'array', element, minItems });
const map = (value: SchemaNode, refine?: { test: (value: Record<string, unknown>) => boolean; message: string }): SchemaNode =>
  own(refine ? { kind: 'record', value, refine: own(refine) } : { kind: 'record', value });
const obj = (shape: Record<string, SchemaNode>, open = false): SchemaNode => own({ kind: 'object', shape: own(shape), open });
const opt = (inner: SchemaNode): SchemaNode => own({ kind: 'optional', inner });

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
    allocation: opt(
      obj({
        mode: opt(oneOf(['fixed', 'adaptive'])),
        metric: opt(nameString()),
        min_share: opt(num(min(0), { check: 'less_than', value: 1, inclusive: false })),
        seed: opt(num(INT)),
      }),
    ),
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
