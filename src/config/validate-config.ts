// Validates a configuration object: the schema first, then the checks a schema cannot express
// (references between files, condition syntax, strategy names), collecting every problem found.
// Errors make the config unusable; warnings flag what is legal but probably not meant.
import { DEFAULT_MIN_SHARE } from './config-types.js';
import { compileCondition } from '../conditions/index.js';
import { ConditionSyntaxError, type ConfigIssue } from '../errors.js';
import { checkShape, type ShapeIssue } from './check-shape.js';
import { BUILTIN_FACTORS, configSchemas, STRATEGY_RULE_KEYS, type RouterConfigInput } from './schema.js';
import type { PathSegment } from './yaml-source.js';
import { isRecord, ownOption } from '../own-data.js';
import { checkProviders, checkReservedNames, entries, type Report } from './check-names.js';

/** Maps a path in the merged config to where it was written. */
export type Locator = (
  path: readonly PathSegment[],
  innerIndex?: number,
  which?: 'key' | 'value',
) => { file?: string; line?: number; column?: number };

export interface ValidationResult {
  config: RouterConfigInput | undefined;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** The built-in strategy names, usable even when routing.yaml defines none of them. */
export const BUILTIN_STRATEGIES = ['cost_optimized', 'performance_optimized', 'privacy_first', 'balanced'] as const;

export { BUILTIN_PROVIDERS } from './check-names.js';

export interface ValidateOptions {
  /**
   * The names adapters are registered under (`createRouter({ providers })`: provider names or model
   * ids). A provider name one typo from a built-in one is an error unless it is among them (then a
   * warning) or the model's own id is (its adapter serves it whatever the provider is called). Left
   * out — when loading files, before the adapters are known — such a name is a warning, and
   * `createRouter` checks it again against the names registered there.
   */
  providers?: readonly string[];
}

export function validateConfig(input: unknown, locate: Locator = () => ({}), options: ValidateOptions = {}): ValidationResult {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const issue = (
    severity: 'error' | 'warning',
    kind: string,
    path: readonly PathSegment[],
    message: string,
    innerIndex?: number,
  ) => {
    (severity === 'error' ? errors : warnings).push({
      ...locate(path, innerIndex, kind === 'unknown_key' ? 'key' : 'value'),
      path: formatPath(path),
      severity,
      kind,
      message,
    });
  };

  const parsed = checkShape(configSchemas().config, input);
  for (const shapeIssue of parsed.issues) reportShapeIssue(shapeIssue, issue);
  if (!isRecord(input)) return { config: undefined, errors, warnings };

  // Read from the checked copy: the input's own fields only, with no prototype behind them (a value
  // planted on Object.prototype is never taken for a field). The conditions the input's lists were
  // found valid with come along, so that they are not compiled again.
  const checked = parsed.value as Record<string, unknown>;
  carryConditionFacts(input, checked);
  checkReservedNames(input, issue);
  checkReferences(checked, issue);
  checkProviders(checked, issue, options.providers);

  if (errors.length > 0) return { config: undefined, errors, warnings };
  // Only unknown keys (now warnings) were found by the schema; the parsed value keeps them.
  return { config: checked as unknown as RouterConfigInput, errors, warnings };
}


function reportShapeIssue(shapeIssue: ShapeIssue, issue: Report): void {
  const path = shapeIssue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
  if (shapeIssue.code === 'unrecognized_keys') {
    for (const key of shapeIssue.keys ?? []) {
      issue('warning', 'unknown_key', [...path, key], `unknown key "${key}" is ignored (a typo?)`);
    }
    return;
  }
  if (shapeIssue.code === 'invalid_type') {
    issue('error', 'invalid_type', path, `expected ${shapeIssue.expected}, got ${describeReceived(shapeIssue.input)}`);
    return;
  }
  issue('error', shapeIssue.code === 'invalid_value' ? 'invalid_value' : 'invalid', path, shapeIssue.message);
}

function describeReceived(value: unknown): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${String(value)}`;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}


/** What validation learns from compiling a condition: all it needs to check it again. */
interface ConditionFacts {
  /** The text compiled. */
  source: string;
  /** The text with runs of white space made one space, to find rules with the same condition. */
  normalized: string;
  /** True whatever the task: no names, and true. */
  alwaysTrue: boolean;
  /** Reads `model`. */
  readsModel: boolean;
}

/**
 * The facts of the conditions validated, by the list holding them (an agent's routing rules, the
 * global rules, experiments, routing factors) and position. `createRouter` validates the result of
 * `parseConfig` again: a condition whose text is unchanged since is not compiled a second time just
 * to be checked. Only these few facts are kept (never the compiled condition), weakly: a
 * configuration dropped takes its entries with it.
 */
const validatedConditions = new WeakMap<readonly unknown[], (ConditionFacts | undefined)[]>();

/**
 * Checks the condition `list[index][field]` (compiling it unless an earlier validation of this
 * list did), reporting a syntax error at its exact character.
 */
function checkCondition(
  list: readonly unknown[],
  index: number,
  field: 'condition' | 'expression',
  path: () => PathSegment[],
  issue: Report,
): ConditionFacts | undefined {
  const holder = list[index];
  const source = isRecord(holder) ? holder[field] : undefined;
  if (typeof source !== 'string') return undefined;
  let known = validatedConditions.get(list);
  const earlier = known?.[index];
  if (earlier !== undefined && earlier.source === source) return earlier;
  let compiled: ReturnType<typeof compileCondition>;
  try {
    compiled = compileCondition(source);
  } catch (error) {
    if (ConditionSyntaxError.isInstance(error)) {
      issue('error', 'condition_syntax', [...path(), field], `${error.reason} at character ${error.index} of "${source}"`, error.index);
      return undefined;
    }
    throw error;
  }
  const normalized = compiled.source.replace(/\s+/g, ' ').trim();
  const facts: ConditionFacts = {
    source,
    // The same text kept once when nothing was collapsed (the usual case).
    normalized: normalized === source ? source : normalized,
    alwaysTrue: compiled.identifiers.length === 0 && compiled.evaluate({}),
    readsModel: compiled.identifiers.includes('model'),
  };
  if (known === undefined) validatedConditions.set(list, (known = []));
  known[index] = facts;
  return facts;
}

/**
 * Hands the facts of the conditions validated in `input` on to the same lists in `parsed` (its
 * checked copy: what `createRouter` receives, and validates again).
 */
function carryConditionFacts(input: Record<string, unknown>, parsed: Record<string, unknown>): void {
  const carry = (from: unknown, to: unknown) => {
    const known = Array.isArray(from) ? validatedConditions.get(from) : undefined;
    if (known !== undefined && Array.isArray(to)) validatedConditions.set(to, known);
  };
  const agents = isRecord(input.agents) ? input.agents : {};
  for (const [agentId, agent] of entries(parsed.agents)) {
    const source = Object.hasOwn(agents, agentId) ? agents[agentId] : undefined;
    if (isRecord(source) && isRecord(agent)) carry(ownOption(source, 'routing_rules'), agent.routing_rules);
  }
  const routing = isRecord(input.routing) ? input.routing : undefined;
  if (routing === undefined || !isRecord(parsed.routing)) return;
  carry(ownOption(routing, 'global_rules'), parsed.routing.global_rules);
  carry(ownOption(routing, 'experiments'), parsed.routing.experiments);
  carry(ownOption(routing, 'routing_factors'), parsed.routing.routing_factors);
}



function checkReferences(input: Record<string, unknown>, issue: Report): void {
  const models = isRecord(input.models) ? input.models : {};
  const modelIds = Object.keys(models);
  const knownModel = (id: unknown) => typeof id === 'string' && Object.hasOwn(models, id);
  const unknownModel = (id: unknown, path: PathSegment[]) => {
    if (typeof id === 'string' && !knownModel(id)) {
      issue('error', 'unknown_model', path, `unknown model "${id}"; models.yaml defines: ${modelIds.join(', ') || '(none)'}`);
    }
  };


  const allCapabilities = new Set<string>();
  for (const [id, model] of entries(models)) {
    if (!isRecord(model)) continue;
    for (const capability of list(model.capabilities)) if (typeof capability === 'string') allCapabilities.add(capability);
    if (model.type === 'cloud' && model.cost_per_1k_tokens === undefined) {
      issue('warning', 'missing_cost', ['models', id], `cloud model "${id}" has no cost_per_1k_tokens: its calls will count as free against the budget`);
    }
  }

  for (const [agentId, agent] of entries(input.agents)) {
    if (!isRecord(agent)) continue;
    for (const [role, modelId] of entries(agent.model_preferences)) {
      unknownModel(modelId, ['agents', agentId, 'model_preferences', role]);
    }
    let alwaysMatchedAt: number | undefined;
    const seen = new Map<string, number>();
    const rules = list(agent.routing_rules);
    rules.forEach((rule, index) => {
      if (!isRecord(rule)) return;
      const rulePath = (): PathSegment[] => ['agents', agentId, 'routing_rules', index];
      if (typeof rule.model === 'string' && !knownModel(rule.model)) unknownModel(rule.model, [...rulePath(), 'model']);
      const condition = checkCondition(rules, index, 'condition', rulePath, issue);
      if (!condition) return;
      if (alwaysMatchedAt !== undefined) {
        issue('warning', 'unreachable_rule', rulePath(), `rule can never be reached: rule ${alwaysMatchedAt} always matches first`);
      } else {
        const earlier = seen.get(condition.normalized);
        if (earlier !== undefined) {
          issue('warning', 'unreachable_rule', rulePath(), `rule can never be reached: rule ${earlier} has the same condition`);
        } else {
          seen.set(condition.normalized, index);
        }
      }
      if (condition.alwaysTrue) alwaysMatchedAt ??= index;
      if (condition.readsModel) {
        issue('warning', 'model_not_in_scope', [...rulePath(), 'condition'], 'agent rules run before a model is chosen: `model` is always undefined here');
      }
    });
    list(agent.capabilities_required).forEach((capability, index) => {
      if (typeof capability === 'string' && !allCapabilities.has(capability)) {
        issue('warning', 'unknown_capability', ['agents', agentId, 'capabilities_required', index], `no model offers the capability "${capability}"`);
      }
    });
  }

  const routing = isRecord(input.routing) ? input.routing : {};
  const strategyNames = new Set<string>([...BUILTIN_STRATEGIES, ...Object.keys(isRecord(routing.strategies) ? routing.strategies : {})]);
  const checkStrategyName = (name: unknown, path: PathSegment[]) => {
    if (typeof name === 'string' && !strategyNames.has(name)) {
      issue('error', 'unknown_strategy', path, `unknown strategy "${name}"; known: ${[...strategyNames].join(', ')}`);
    }
  };
  checkStrategyName(routing.default_strategy, ['routing', 'default_strategy']);
  if (isRecord(routing.global_overrides)) {
    checkStrategyName(routing.global_overrides.default_strategy, ['routing', 'global_overrides', 'default_strategy']);
  }

  for (const [name, strategy] of entries(routing.strategies)) {
    if (!isRecord(strategy)) continue;
    const merged = Object.create(null) as Record<string, unknown>;
    list(strategy.rules).forEach((rule) => {
      for (const [key, value] of entries(rule)) {
        if ((STRATEGY_RULE_KEYS as readonly string[]).includes(key)) merged[key] = value;
      }
    });
    if (merged.prefer_local_models === true && merged.prefer_cloud_models === true) {
      issue('error', 'conflicting_rules', ['routing', 'strategies', name, 'rules'], 'prefer_local_models and prefer_cloud_models cannot both be true');
    }
    if (merged.allow_cloud_models === false && merged.prefer_cloud_models === true) {
      issue('warning', 'conflicting_rules', ['routing', 'strategies', name, 'rules'], 'prefer_cloud_models has no effect when allow_cloud_models is false');
    }
  }

  const globalRules = list(routing.global_rules);
  globalRules.forEach((rule, index) => {
    if (!isRecord(rule)) return;
    const path: PathSegment[] = ['routing', 'global_rules', index];
    const condition = checkCondition(globalRules, index, 'condition', () => path, issue);
    if (condition && (rule.action === 'switch_to_local_only' || rule.action === 'force_local_model') && condition.readsModel) {
      issue('warning', 'model_not_in_scope', [...path, 'condition'], `"${String(rule.action)}" is decided before a model is chosen: \`model\` is undefined here`);
    }
  });

  const agentIds = new Set(Object.keys(isRecord(input.agents) ? input.agents : {}));
  const experiments = list(routing.experiments);
  experiments.forEach((experiment, index) => {
    if (!isRecord(experiment)) return;
    const path: PathSegment[] = ['routing', 'experiments', index];
    checkCondition(experiments, index, 'condition', () => path, issue);
    list(experiment.agents).forEach((agentId, i) => {
      if (typeof agentId === 'string' && !agentIds.has(agentId)) issue('error', 'unknown_agent', [...path, 'agents', i], `unknown agent "${agentId}"`);
    });
    let total = 0;
    list(experiment.variants).forEach((variant, i) => {
      if (!isRecord(variant)) return;
      unknownModel(variant.model, [...path, 'variants', i, 'model']);
      total += typeof variant.weight === 'number' ? variant.weight : 1;
    });
    if (list(experiment.variants).length > 0 && total <= 0) issue('error', 'invalid', [...path, 'variants'], 'the variants\' weights must not all be 0');
    const allocation = experiment.allocation;
    if (isRecord(allocation) && allocation.mode === 'adaptive') {
      if (allocation.metric === undefined) issue('error', 'invalid', [...path, 'allocation', 'metric'], 'an adaptive experiment needs the feedback metric it learns from');
      const minShare = typeof allocation.min_share === 'number' ? allocation.min_share : DEFAULT_MIN_SHARE;
      const variants = list(experiment.variants).length;
      if (variants > 0 && minShare * variants > 1) {
        issue('error', 'invalid', [...path, 'allocation', 'min_share'], `min_share ${minShare} for ${variants} variants adds up to more than all the traffic`);
      }
    }
  });

  const factors = list(routing.routing_factors);
  let weightSum = 0;
  factors.forEach((factor, index) => {
    if (!isRecord(factor)) return;
    const path: PathSegment[] = ['routing', 'routing_factors', index];
    if (typeof factor.weight === 'number') weightSum += factor.weight;
    const builtin = (BUILTIN_FACTORS as readonly unknown[]).includes(factor.name);
    if (typeof factor.expression === 'string') {
      checkCondition(factors, index, 'expression', () => path, issue);
    } else if (!builtin && typeof factor.name === 'string') {
      issue('error', 'unknown_factor', [...path, 'name'], `unknown routing factor "${factor.name}": use one of ${BUILTIN_FACTORS.join(', ')} or give an \`expression\``);
    }
  });
  if (factors.length > 0 && Math.abs(weightSum - 1) > 1e-6) {
    issue('warning', 'weights_sum', ['routing', 'routing_factors'], `routing factor weights sum to ${Number(weightSum.toFixed(6))}, not 1; scores are normalised by the sum`);
  }
}
