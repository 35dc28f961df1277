// JSON Schemas for editors, generated from the configuration's schema (schema.ts; never written by
// hand), one per YAML file, each wrapping the file's top-level key. `npx llm-agent-router schema
// --out schema` writes them. Only the hover texts below are written here; a text whose field no
// longer exists fails the build of the schemas, so they cannot drift from the definitions either.
import { configSchemas, type SchemaNode } from './schema.js';

export type ConfigFileKind = 'models' | 'agents' | 'routing' | 'environment';

type JsonSchema = Record<string, unknown>;

// Draft-07: the newest draft the YAML language server (VS Code's YAML extension and the editors that
// embed it) validates with; it ignores or rejects 2019-09 / 2020-12 schemas.
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

const FILES: Record<ConfigFileKind, { title: string; description: string; keys: string[]; required: string[] }> = {
  models: {
    title: 'llm-agent-router models.yaml',
    description: 'llm-agent-router models.yaml: the model registry (provider, type, capabilities, prices, rate limits).',
    keys: ['models'],
    required: ['models'],
  },
  agents: {
    title: 'llm-agent-router agents.yaml',
    description: 'llm-agent-router agents.yaml: per-agent model preferences, routing rules and required capabilities.',
    keys: ['agents'],
    required: ['agents'],
  },
  routing: {
    title: 'llm-agent-router routing.yaml',
    description: 'llm-agent-router routing.yaml: strategies, global rules, routing factors and defaults.',
    keys: ['routing', 'metrics'],
    required: ['routing'],
  },
  environment: {
    title: 'llm-agent-router environment overlay',
    description:
      'llm-agent-router environments/<name>.yaml: an overlay merged over the base files. Maps merge key by key, so any ' +
      'part may be given alone; lists and values replace the base ones, so a list is given whole.',
    keys: ['models', 'agents', 'routing', 'metrics'],
    required: [],
  },
};

/**
 * Hover texts by path: `*` is any key of a map, `[]` any item of a list. From docs/configuration.md.
 */
const DESCRIPTIONS: Record<string, string> = {
  models: 'The models the router may choose, by id. The id is how agents, rules and overrides name a model.',
  'models.*': 'One model. Its key is the model id used everywhere else.',
  'models.*.provider': 'Which adapter serves the model: a key of createRouter\'s `providers` (anthropic, openai, local, ...).',
  'models.*.type': 'cloud | local. Privacy and local-only constraints allow only local models.',
  'models.*.model_id': 'The name sent to the provider (default: the key).',
  'models.*.model_path': 'Informational: where the weights of a local model live.',
  'models.*.endpoint': 'An OpenAI-compatible server (llama.cpp, vLLM, Ollama, LM Studio); handed to provider factories.',
  'models.*.description': 'Informational.',
  'models.*.capabilities': 'Matched against the agents\' `capabilities_required` in scoring.',
  'models.*.cost_per_1k_tokens': 'USD per 1000 tokens; the ledger prices calls from it. Local models usually omit it (free).',
  'models.*.cost_per_1k_tokens.input': 'USD per 1000 input tokens.',
  'models.*.cost_per_1k_tokens.output': 'USD per 1000 output tokens.',
  'models.*.rate_limits': 'The rate windows: "approaching" above `routing.rate_limit_threshold` (80 %), unavailable when exhausted.',
  'models.*.rate_limits.requests_per_minute': 'Requests per minute the provider allows.',
  'models.*.rate_limits.tokens_per_minute': 'Tokens per minute the provider allows.',
  'models.*.resource_requirements': 'Informational: what a local model needs to run.',
  'models.*.performance': 'Speed, for the `performance_needs` routing factor.',
  'models.*.performance.tokens_per_second': 'Output speed (default 60 for cloud, 30 for local models; `routing.defaults`).',
  'models.*.performance.latency_ms': 'Time to first token, for tasks with `max_latency_ms`.',
  'models.*.quality': '0..1: how capable the model is for hard tasks (default 0.9 cloud, 0.6 local).',
  'models.*.context_window':
    'Tokens. A hard constraint: a request whose input plus output limit exceeds it goes to another model; a task larger than this also scores 0 on `task_complexity`.',
  'models.*.max_output_tokens':
    'The most output tokens the model writes in one answer. A priced call is sent with an output limit no higher, and its budget reservation covers it.',
  'models.*.timeout_ms': 'How long one attempt on this model may take before the router ends it and moves on (ms). Default: the router\'s `timeouts.attemptMs` (10 minutes).',
  'models.*.supports':
    'What the model takes besides text. A request that needs tools, images, files or a JSON schema routes only to models that support it; an unsaid feature counts as supported.',
  'models.*.supports.tools': 'Tool (function) calling.',
  'models.*.supports.images': 'Image inputs.',
  'models.*.supports.files': 'File inputs (PDF, text files).',
  'models.*.supports.json_schema': 'Structured output following a JSON schema (`responseFormat: { type: \'json\', schema }`).',

  agents: 'The agents that call the router, by id (the first argument of `router.route()`).',
  'agents.*': 'One agent: its model preferences, routing rules and required capabilities.',
  'agents.*.name': 'Informational.',
  'agents.*.description': 'Informational.',
  'agents.*.model_preferences':
    'Role → model id, in fallback order. `primary` is replaced by setAgentModel; `local_alternative` is what ' +
    '`prefer_local_models` picks first; `budget_mode` is picked when the budget is constrained. Any other role may be named.',
  'agents.*.routing_rules': 'Checked in order, first match wins. A rule whose model breaks a hard constraint (privacy, local-only, unavailable) is skipped.',
  'agents.*.routing_rules[].name': 'Shown in the decision\'s reason and trace.',
  'agents.*.routing_rules[].condition': 'A condition: `task.complexity > 8 and not data.contains_pii`. A bare name reads the context.',
  'agents.*.routing_rules[].model': 'The model chosen when the condition is true.',
  'agents.*.routing_rules[].description': 'Informational.',
  'agents.*.capabilities_required': 'Counted in the `task_complexity` factor: the share of these a model offers.',
  'agents.*.daily_budget': 'Optional per-agent cap in USD per day, on top of the global budget.',

  routing: 'Strategies, global rules, routing factors and defaults.',
  'routing.default_strategy': 'The strategy when nothing else names one (default `balanced`).',
  'routing.privacy': 'Privacy settings: which privacy levels stay local, PII false positives, unscannable media.',
  'routing.privacy.local_only_levels':
    'Task privacy levels that are a hard local-only constraint, compared case-insensitively (default [high]): no cloud model in the decision, its fallbacks, verification or any attempt.',
  'routing.privacy.allow_patterns':
    'Regular expressions for PII false positives: a finding whose whole text matches one is ignored (e.g. a support address, test card numbers).',
  'routing.privacy.unscannable_media':
    'Images and binary files cannot be scanned for PII. allow (default): they may go to cloud models; local_only: a request carrying one stays local.',
  'routing.strategies': 'Strategies by name. cost_optimized, performance_optimized, privacy_first and balanced exist even when not defined here.',
  'routing.strategies.*.description': 'Informational.',
  'routing.strategies.*.rules': 'A list of one-key rules.',
  'routing.strategies.*.rules[].prefer_local_models': 'Pick the agent\'s `local_alternative` (else the best local model).',
  'routing.strategies.*.rules[].prefer_cloud_models': 'Pick the agent\'s primary if it is a cloud model, else the best cloud model.',
  'routing.strategies.*.rules[].cloud_budget_per_day': 'The daily cloud budget in USD while this strategy is in force (unless the environment sets one).',
  'routing.strategies.*.rules[].fallback_to_cloud_threshold': 'Go to the best cloud model when the task is this complex or the local model is less confident than this.',
  'routing.strategies.*.rules[].fallback_to_cloud_threshold.complexity': 'Task complexity (0..10) from which a cloud model is used.',
  'routing.strategies.*.rules[].fallback_to_cloud_threshold.confidence': 'Confidence (0..1) below which a cloud model is used.',
  'routing.strategies.*.rules[].parallel_requests': '`complete()` races the first two models; the first answer wins.',
  'routing.strategies.*.rules[].cache_responses': '`complete()` answers identical requests from a cache.',
  'routing.strategies.*.rules[].allow_cloud_models': 'false: hard constraint, local models only (also fallbacks and verification).',
  'routing.strategies.*.rules[].required_model_type': 'local (or cloud): only models of this type.',
  'routing.strategies.*.rules[].cloud_for_complex_tasks': 'Tasks with complexity ≥ `complex_task_threshold` (7) are scored among cloud models.',
  'routing.strategies.*.rules[].local_for_routine_tasks': 'Tasks with complexity ≤ `routine_task_threshold` (3) are scored among local models.',
  'routing.strategies.*.rules[].dynamic_routing': 'Pick by the weighted `routing_factors` score (false: the first preferred model).',
  'routing.strategies.*.rules[].complex_task_threshold': 'Complexity from which a task counts as complex (default 7).',
  'routing.strategies.*.rules[].routine_task_threshold': 'Complexity up to which a task counts as routine (default 3).',
  'routing.global_rules': 'Rules applied to every agent: hard constraints first, then post-rules on the chosen model.',
  'routing.global_rules[].name': 'The rule\'s name, shown in decisions and traces.',
  'routing.global_rules[].condition': 'A condition; `model` is the chosen model for switch_to_fallback and require_cloud_verification.',
  'routing.global_rules[].action':
    'force_local_model / switch_to_local_only: local models only; switch_to_fallback: move to the first fallback for ' +
    'which the condition is false; require_cloud_verification: a cloud model verifies the answer.',
  'routing.global_rules[].description': 'Informational.',
  'routing.global_rules[].enabled': 'false turns the rule off.',
  'routing.routing_factors': 'The weighted score of `balanced`; weights are divided by their sum.',
  'routing.routing_factors[].name':
    'task_complexity, cost_efficiency, privacy_requirements, performance_needs or model_availability; any other name needs an `expression`.',
  'routing.routing_factors[].weight': 'The factor\'s weight (≥ 0).',
  'routing.routing_factors[].calculation': 'Informational.',
  'routing.routing_factors[].expression': 'For a custom factor: a condition-language expression yielding a number 0..1 or a boolean, with `model` in scope.',
  'routing.global_overrides': 'Usually set by an environment file.',
  'routing.global_overrides.max_cloud_spend_per_day': 'The daily cloud budget in USD, above any strategy\'s `cloud_budget_per_day`.',
  'routing.global_overrides.require_local_for_pii': 'PII in the data forces local models (default true).',
  'routing.global_overrides.force_local_models': 'Every decision is local-only.',
  'routing.global_overrides.verbose_routing_logs': 'Log every decision through the router\'s logger.',
  'routing.global_overrides.default_strategy': 'The default strategy in this environment.',
  'routing.global_overrides.rate_limit_threshold': 'Overrides `routing.rate_limit_threshold`.',
  'routing.budget': 'Budgets.',
  'routing.budget.daily': 'Daily cloud budget in USD (lowest precedence, after the environment\'s and the strategy\'s).',
  'routing.rate_limit_threshold': 'Share (0..1) of rpm / tpm that counts as "approaching" (default 0.8).',
  'routing.defaults': 'Estimates for tasks and models that do not say.',
  'routing.defaults.input_tokens': 'Input tokens of a task with no text and no count (default 1000).',
  'routing.defaults.output_tokens': 'Output tokens of a task with no `max_output_tokens` (default 500).',
  'routing.defaults.max_output_tokens':
    'The output limit sent with a priced call that gives no `maxTokens` to a model without `max_output_tokens` (default 4096); the budget reservation covers it.',
  'routing.defaults.cost_reference_usd':
    'The cost of one task (USD) at which the `cost_efficiency` factor scores 0.5: free scores 1, ten times the reference about 0.09 (default 0.05).',
  'routing.defaults.cloud_tokens_per_second': 'Speed of cloud models without `performance` (default 60).',
  'routing.defaults.local_tokens_per_second': 'Speed of local models without `performance` (default 30).',
  'routing.metrics': 'Metric names to track (informational; `router.metrics()` reports all).',
  metrics: 'Metric names to track (informational; `router.metrics()` reports all).',
};

/** Constraints zod keeps in refinements, which have no JSON Schema form of their own. */
const REFINEMENTS: Record<string, JsonSchema> = {
  'agents.*.model_preferences': { minProperties: 1 },
};

/** The JSON Schema of each configuration file, for editors (`# yaml-language-server: $schema=...`). */
export function configJsonSchemas(): Record<ConfigFileKind, Record<string, unknown>> {
  const generated = toJsonSchema(configSchemas().config);
  const topLevel = generated.properties as Record<string, JsonSchema>;
  const document: JsonSchema = { type: 'object', properties: topLevel };
  for (const [path, description] of Object.entries(DESCRIPTIONS)) Object.assign(at(document, path), { description });
  for (const [path, constraint] of Object.entries(REFINEMENTS)) Object.assign(at(document, path), constraint);

  const file = (kind: ConfigFileKind) => {
    const { title, description, keys, required } = FILES[kind];
    const properties: Record<string, JsonSchema> = {};
    for (const key of keys) {
      const schema = topLevel[key];
      if (!schema) throw new Error(`the configuration schema has no top-level "${key}"`);
      properties[key] = kind === 'environment' ? overlayOf(schema) : structuredClone(schema);
    }
    return {
      $schema: DRAFT_07,
      $id: `llm-agent-router/${kind}.schema.json`,
      title,
      description,
      type: 'object',
      properties,
      required,
      additionalProperties: false,
    };
  };
  return { models: file('models'), agents: file('agents'), routing: file('routing'), environment: file('environment') };
}

/**
 * The draft-07 JSON Schema of a node, keyword for keyword (and in the same order) as zod's
 * `toJSONSchema` wrote it for the zod definitions the schema was first written with. Refinements
 * have no JSON Schema form and are left out (see REFINEMENTS).
 */
export function toJsonSchema(node: SchemaNode): JsonSchema {
  switch (node.kind) {
    case 'optional':
      return toJsonSchema(node.inner);
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { type: 'string', enum: [...node.values] };
    case 'string': {
      const out: JsonSchema = { type: 'string' };
      let minimum: number | undefined;
      for (const check of node.checks) if (check.check === 'min_length') minimum = Math.max(minimum ?? check.minimum, check.minimum);
      if (minimum !== undefined) out.minLength = minimum;
      if (node.checks.some((check) => check.check === 'http_url')) out.format = 'uri';
      return out;
    }
    case 'number': {
      const bounds: { minimum?: number; exclusiveMinimum?: number; maximum?: number; exclusiveMaximum?: number } = {};
      const narrowMin = (key: 'minimum' | 'exclusiveMinimum', value: number) => {
        if (bounds[key] === undefined || value > bounds[key]) bounds[key] = value;
      };
      const narrowMax = (key: 'maximum' | 'exclusiveMaximum', value: number) => {
        if (bounds[key] === undefined || value < bounds[key]) bounds[key] = value;
      };
      let isInt = false;
      for (const check of node.checks) {
        if (check.check === 'int') {
          isInt = true;
          narrowMin('minimum', Number.MIN_SAFE_INTEGER);
          narrowMax('maximum', Number.MAX_SAFE_INTEGER);
        } else if (check.check === 'greater_than') {
          narrowMin(check.inclusive ? 'minimum' : 'exclusiveMinimum', check.value);
        } else {
          narrowMax(check.inclusive ? 'maximum' : 'exclusiveMaximum', check.value);
        }
      }
      const out: JsonSchema = { type: isInt ? 'integer' : 'number' };
      const { minimum, exclusiveMinimum, maximum, exclusiveMaximum } = bounds;
      if (exclusiveMinimum !== undefined && exclusiveMinimum >= (minimum ?? Number.NEGATIVE_INFINITY)) out.exclusiveMinimum = exclusiveMinimum;
      else if (minimum !== undefined) out.minimum = minimum;
      if (exclusiveMaximum !== undefined && exclusiveMaximum <= (maximum ?? Number.POSITIVE_INFINITY)) out.exclusiveMaximum = exclusiveMaximum;
      else if (maximum !== undefined) out.maximum = maximum;
      return out;
    }
    case 'array': {
      const out: JsonSchema = {};
      if (node.minItems !== undefined) out.minItems = node.minItems;
      out.type = 'array';
      out.items = toJsonSchema(node.element);
      return out;
    }
    case 'record':
      return { type: 'object', propertyNames: { type: 'string' }, additionalProperties: toJsonSchema(node.value) };
    case 'object': {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [key, field] of Object.entries(node.shape)) {
        Object.defineProperty(properties, key, { value: toJsonSchema(field), enumerable: true, writable: true, configurable: true });
        if (field.kind !== 'optional') required.push(key);
      }
      const out: JsonSchema = { type: 'object', properties };
      if (required.length > 0) out.required = required;
      out.additionalProperties = node.open ? {} : false;
      return out;
    }
  }
}

/** The schema node at a path like `models.*.rate_limits` or `agents.*.routing_rules[].model`. */
function at(root: JsonSchema, path: string): JsonSchema {
  let node: unknown = root;
  for (const segment of path.split('.')) {
    const list = segment.endsWith('[]');
    const key = list ? segment.slice(0, -2) : segment;
    node = key === '*' ? (node as JsonSchema).additionalProperties : (node as { properties?: Record<string, unknown> }).properties?.[key];
    if (list) node = (node as JsonSchema | undefined)?.items;
    if (typeof node !== 'object' || node === null) throw new Error(`no field "${path}" in the configuration schema`);
  }
  return node as JsonSchema;
}

/**
 * An overlay's view of a schema: maps merge key by key, so no key of a map is required at any
 * depth; a list replaces the base's whole, so its items keep every requirement.
 */
function overlayOf(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  delete out.required;
  delete out.minProperties;
  if (out.properties) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties as Record<string, JsonSchema>).map(([key, value]) => [key, overlayOf(value)]),
    );
  }
  if (typeof out.additionalProperties === 'object' && out.additionalProperties !== null) {
    out.additionalProperties = overlayOf(out.additionalProperties as JsonSchema);
  }
  if (out.items) out.items = structuredClone(out.items);
  return out;
}
