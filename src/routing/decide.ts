// decide(): the pure core. Same inputs, same decision — no I/O, no clock, no randomness. The order
// of a decision is DESIGN.md's: hard constraints, task override, agent rules, agent override,
// strategy, post-rules; and never a cloud model when a local-only constraint is active.
import { formatTime, NoEligibleModelError, UnknownAgentError, UnknownStrategyError } from '../errors.js';
import type { CompiledAgent, CompiledConfig, CompiledGlobalRule, CompiledModel, CompiledStrategy } from './compile-config.js';
import { estimateCost, scoreModel, sensitivityOf, type ModelScore, type ScoringInput } from './score-model.js';
import type {
  DecisionSource,
  ModelLiveState,
  RoutingContext,
  RoutingDecision,
  RoutingState,
  Task,
  TraceStep,
  Verification,
} from './types.js';

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/** The object conditions see as `model`: its configuration plus its live state. */
export function modelView(model: CompiledModel, live: ModelLiveState | undefined): Readonly<Record<string, unknown>> {
  if (!live) return model.idleView;
  return {
    ...model.idleView,
    available: live.available,
    rate_limit_approaching: live.rate_limit_approaching,
    requests_last_minute: live.requests_last_minute,
    tokens_last_minute: live.tokens_last_minute,
    load: live.load,
  };
}

interface Chosen {
  modelId: string;
  source: DecisionSource;
  reason: string;
  confidence: number;
}

export function decide(
  compiled: CompiledConfig,
  agentId: string,
  task: Task,
  context: RoutingContext,
  state: RoutingState,
): RoutingDecision {
  const agent = compiled.agents.get(agentId);
  if (!agent) throw new UnknownAgentError(agentId, [...compiled.agents.keys()]);
  const strategy = compiled.strategies.get(state.strategy);
  if (!strategy) throw new UnknownStrategyError(state.strategy, [...compiled.strategies.keys()]);
  return new DecisionRun(compiled, agent, strategy, task, context, state).run();
}

/**
 * One decision's working state. A class rather than closures inside decide(): its methods are
 * created once, not on every call, which keeps a decision to a few allocations.
 */
class DecisionRun {
  readonly trace: TraceStep[] = [];
  readonly constraints: string[] = [];
  readonly scope: Record<string, unknown>;
  readonly containsPii: boolean;
  readonly costLimitReached: boolean;
  localOnly = false;
  cloudOnly = false;
  privacyEnforced = false;
  candidates: string[] = [];
  private scores: Map<string, ModelScore> | undefined;
  private assigned: { name: string; variant: string } | undefined;

  constructor(
    readonly compiled: CompiledConfig,
    readonly agent: CompiledAgent,
    readonly strategy: CompiledStrategy,
    readonly task: Task,
    readonly context: RoutingContext,
    readonly state: RoutingState,
  ) {
    // The condition scope. `data` gains `contains_pii` from the detector when the task did not say.
    const taskData = isObject(task.data) ? task.data : EMPTY;
    // Only an explicit boolean is the task's word; anything else (null, 'yes', 1) was scanned, and a
    // truthy value counts as PII too.
    let data = taskData;
    const given = ownDataValue(taskData, 'contains_pii');
    if (typeof given !== 'boolean' && (state.containsPii !== undefined || given !== undefined)) {
      data = withDataProperty(taskData, 'contains_pii', Boolean(given) || state.containsPii === true);
    }
    this.containsPii = data.contains_pii === true;
    this.costLimitReached =
      typeof context.cost_limit_reached === 'boolean'
        ? context.cost_limit_reached
        : (state.budgetUsd !== undefined && state.dailyCostUsd >= state.budgetUsd) ||
          (agent.dailyBudgetUsd !== undefined && state.agentDailyCostUsd >= agent.dailyBudgetUsd);
    this.scope = {
      task,
      context,
      agent: agent.config,
      model: undefined,
      data,
      daily_cost: state.dailyCostUsd,
      budget: state.budgetUsd,
      cost_limit_reached: this.costLimitReached,
    };
  }

  run(): RoutingDecision {
    const { compiled, agent, strategy, state, task, trace } = this;
    this.applyConstraints();

    let chosen = this.taskOverride() ?? this.agentRules() ?? this.agentOverride() ?? this.experiment();

    // The candidates a strategy ranks, and the order fallbacks are taken in: the agent's preferred
    // models; if none is eligible, any eligible model in the registry.
    // setAgentModel replaces the primary: the replaced model is no longer a candidate or a fallback.
    const replaced = state.agentOverride ? agent.roles.get('primary') : undefined;
    for (const id of agent.fallbackOrder) if (id !== replaced && this.eligible(id)) this.candidates.push(id);
    let widened = false;
    if (this.candidates.length === 0) {
      for (const id of agent.fallbackOrder) {
        trace.push({ step: 'strategy', outcome: 'skipped', modelId: id, message: `${id} skipped: ${this.ineligible(compiled.models.get(id)!)}` });
      }
      this.candidates = this.registryAlternatives(undefined, Number.POSITIVE_INFINITY);
      widened = this.candidates.length > 0;
      if (widened) {
        trace.push({ step: 'strategy', outcome: 'info', message: `none of the agent's preferred models is eligible; considering every eligible model: ${this.candidates.join(', ')}` });
      }
    }
    if (!chosen && this.candidates.length === 0) {
      throw new NoEligibleModelError(
        agent.id,
        this.constraints.length ? this.constraints : ['every model is unavailable'],
        trace,
        earliestAvailable(compiled, state, this.localOnly, this.cloudOnly),
      );
    }

    // 4. The strategy in force.
    chosen ??= this.applyStrategy();

    let fallbacks: string[] = [];
    for (const id of this.candidates) if (id !== chosen.modelId) fallbacks.push(id);
    if (fallbacks.length === 0 && !widened) {
      // No preferred alternate is eligible: the most capable eligible models in the registry.
      fallbacks = this.registryAlternatives(chosen.modelId, 2);
    }

    // 5. Post-rules on the chosen model: rate-limit protection, then cloud verification.
    for (const rule of compiled.fallbackRules) {
      if (!this.ruleMatchesModel(rule, chosen.modelId)) {
        trace.push({ step: 'global_rule', outcome: 'not_matched', rule: rule.name, modelId: chosen.modelId, message: `"${rule.condition.source}" is false for ${chosen.modelId}` });
        continue;
      }
      let next: string | undefined;
      for (const id of fallbacks) {
        if (!this.ruleMatchesModel(rule, id)) {
          next = id;
          break;
        }
      }
      if (next === undefined) {
        trace.push({ step: 'global_rule', outcome: 'skipped', rule: rule.name, modelId: chosen.modelId, message: `"${rule.condition.source}" is true for ${chosen.modelId}, but no fallback is free of it; keeping ${chosen.modelId}` });
        continue;
      }
      trace.push({ step: 'global_rule', outcome: 'applied', rule: rule.name, modelId: next, message: `"${rule.condition.source}" is true for ${chosen.modelId} → switched to fallback ${next}` });
      const moved: string = next;
      fallbacks = [...fallbacks.filter((id) => id !== moved), chosen.modelId];
      chosen = {
        modelId: next,
        source: 'global_rule',
        reason: `global rule ${rule.name}: ${chosen.modelId} → ${next} (${rule.condition.source}); before it, ${chosen.reason}`,
        confidence: Math.round(chosen.confidence * 0.9 * 1000) / 1000,
      };
    }

    const verification = this.verification(chosen.modelId);

    trace.push({ step: 'fallbacks', outcome: 'info', message: fallbacks.length ? `fallbacks in order: ${fallbacks.join(', ')}` : 'no eligible fallback' });

    const model = compiled.models.get(chosen.modelId)!;
    const decision: RoutingDecision = {
      agentId: agent.id,
      modelId: chosen.modelId,
      provider: model.provider,
      modelType: model.type,
      reason: chosen.reason,
      confidence: chosen.confidence,
      estimatedCost: roundUsd(estimateCost(model, state.inputTokens, state.outputTokens)),
      estimatedTokens: { input: state.inputTokens, output: state.outputTokens },
      budgetUsd: state.budgetUsd,
      source: chosen.source,
      strategy: strategy.name,
      fallbacks,
      constraints: this.constraints,
      localOnly: this.localOnly,
      privacyEnforced: this.privacyEnforced,
      execution: { parallelRequests: strategy.parallelRequests, cacheResponses: strategy.cacheResponses },
      trace,
      decidedAt: state.now,
    };
    if (verification) decision.verification = verification;
    if (this.assigned) decision.experiment = this.assigned;
    if (typeof task.id === 'string') decision.taskId = task.id;
    return decision;
  }

  /** 1. Hard constraints: local-only (privacy, environment, cost breaker) and cloud-only. */
  private applyConstraints(): void {
    const { compiled, strategy, trace } = this;
    if (compiled.forceLocalModels) this.requireLocal('force_local_models is set for this environment', false);
    if (!strategy.allowCloud) this.requireLocal(`strategy ${strategy.name} does not allow cloud models`, true);
    const requested = this.state.requestedStrategy === undefined ? undefined : compiled.strategies.get(this.state.requestedStrategy);
    if (requested && !requested.allowCloud && strategy.allowCloud) {
      this.requireLocal(`the request asked for strategy ${requested.name}, which does not allow cloud models`, true);
    }
    if (strategy.requiredType === 'cloud') {
      this.cloudOnly = true;
      this.constraints.push(`cloud only: strategy ${strategy.name}`);
      trace.push({ step: 'constraint', outcome: 'applied', message: `cloud models only: strategy ${strategy.name} requires them` });
    }
    let piiHandled = false;
    for (const rule of compiled.constraintRules) {
      const result = rule.condition.evaluateDetailed(this.scope);
      if (result.error) {
        // A local-only rule fails closed: when it cannot tell, the data stays local.
        trace.push({ step: 'global_rule', outcome: 'error', rule: rule.name, message: `"${rule.condition.source}" could not be evaluated (${result.error}); a local-only rule fails closed` });
        if (rule.action === 'force_local_model') piiHandled = true;
        this.requireLocal(`global rule ${rule.name} could not be evaluated and fails closed`, rule.action === 'force_local_model');
      } else if (result.value) {
        if (rule.action === 'force_local_model') piiHandled = true;
        this.requireLocal(`global rule ${rule.name} (${rule.condition.source})`, rule.action === 'force_local_model');
      } else {
        trace.push({ step: 'global_rule', outcome: 'not_matched', rule: rule.name, message: `"${rule.condition.source}" is false` });
      }
    }
    if (this.containsPii && !piiHandled && compiled.requireLocalForPii) {
      this.requireLocal('the data contains PII (require_local_for_pii)', true);
    }
  }

  private requireLocal(why: string, privacy: boolean): void {
    this.localOnly = true;
    if (privacy) this.privacyEnforced = true;
    this.constraints.push(`local only: ${why}`);
    this.trace.push({ step: 'constraint', outcome: 'applied', message: `local models only: ${why}` });
  }

  /** Why a model may not serve this request, or undefined when it may. */
  ineligible(model: CompiledModel): string | undefined {
    if (this.localOnly && model.type !== 'local') return 'it is a cloud model and only local models are allowed';
    if (this.cloudOnly && model.type !== 'cloud') return 'it is a local model and only cloud models are allowed';
    const live = this.state.modelStates?.get(model.id);
    if (live && !live.available) {
      return `it is unavailable (${live.unavailableReason ?? 'unavailable'}${live.availableAt !== undefined ? ` until ${formatTime(live.availableAt)}` : ''})`;
    }
    return undefined;
  }

  eligible(id: string): boolean {
    const model = this.compiled.models.get(id);
    return model !== undefined && this.ineligible(model) === undefined;
  }

  /** Eligible registry models other than `except`, most capable for the agent first. */
  private registryAlternatives(except: string | undefined, limit: number): string[] {
    const fit = this.agent.capabilityFit;
    const models: CompiledModel[] = [];
    for (const model of this.compiled.models.values()) {
      if (model.id !== except && this.ineligible(model) === undefined) models.push(model);
    }
    models.sort((a, b) => fit.get(b.id)! - fit.get(a.id)!);
    return models.slice(0, limit).map((model) => model.id);
  }

  /** 2. Task override (setTaskRouting, or task.force_model). */
  private taskOverride(): Chosen | undefined {
    const { state, task, trace } = this;
    const override = state.taskOverride ?? (typeof task.force_model === 'string' ? { modelId: task.force_model, reason: 'task.force_model' } : undefined);
    if (!override) return undefined;
    const model = this.compiled.models.get(override.modelId);
    const why = model ? this.ineligible(model) : `unknown model "${override.modelId}"`;
    if (why) {
      trace.push({ step: 'task_override', outcome: 'skipped', modelId: override.modelId, message: `task override to ${override.modelId} skipped: ${why}` });
      return undefined;
    }
    trace.push({ step: 'task_override', outcome: 'chosen', modelId: override.modelId, message: `task override → ${override.modelId}${override.reason ? ` (${override.reason})` : ''}` });
    return { modelId: override.modelId, source: 'task_override', reason: `task override${override.reason ? `: ${override.reason}` : ''}`, confidence: 1 };
  }

  /** 3. The agent's rules, first match wins; a rule whose model breaks a constraint is skipped. */
  private agentRules(): Chosen | undefined {
    const { trace } = this;
    for (const rule of this.agent.rules) {
      const result = rule.condition.evaluateDetailed(this.scope);
      if (result.error) {
        trace.push({ step: 'agent_rule', outcome: 'error', rule: rule.label, message: `"${rule.condition.source}" could not be evaluated (${result.error}); treated as false` });
        continue;
      }
      if (!result.value) {
        trace.push({ step: 'agent_rule', outcome: 'not_matched', rule: rule.label, message: `"${rule.condition.source}" is false` });
        continue;
      }
      const why = this.ineligible(this.compiled.models.get(rule.modelId)!);
      if (why) {
        trace.push({ step: 'agent_rule', outcome: 'skipped', rule: rule.label, modelId: rule.modelId, message: `"${rule.condition.source}" matched, but ${rule.modelId} is skipped: ${why}` });
        continue;
      }
      trace.push({ step: 'agent_rule', outcome: 'chosen', rule: rule.label, modelId: rule.modelId, message: `"${rule.condition.source}" matched → ${rule.modelId}` });
      return { modelId: rule.modelId, source: 'agent_rule', reason: `agent rule ${rule.label}: ${rule.condition.source}`, confidence: 0.9 };
    }
    return undefined;
  }

  /** 3b. A runtime override of the agent's model (setAgentModel) replaces its primary. */
  private agentOverride(): Chosen | undefined {
    const override = this.state.agentOverride;
    if (!override) return undefined;
    const model = this.compiled.models.get(override.modelId);
    const why = model ? this.ineligible(model) : `unknown model "${override.modelId}"`;
    if (why) {
      this.trace.push({ step: 'agent_override', outcome: 'skipped', modelId: override.modelId, message: `agent model override skipped: ${why}` });
      return undefined;
    }
    const note = override.reason ? ` (${override.reason})` : '';
    this.trace.push({ step: 'agent_override', outcome: 'chosen', modelId: override.modelId, message: `agent model overridden → ${override.modelId}${note}` });
    return { modelId: override.modelId, source: 'agent_override', reason: `agent model override${note}`, confidence: 0.95 };
  }

  /**
   * 3c. A/B experiments: a task takes part when its agent and condition match; its variant follows
   * from a hash of the experiment's name and the task's id, so the same task always gets the same
   * model. An assigned variant that breaks a constraint is skipped, never swapped for another.
   */
  private experiment(): Chosen | undefined {
    const { trace, task } = this;
    for (const experiment of this.compiled.experiments) {
      if (experiment.agents && !experiment.agents.has(this.agent.id)) continue;
      const key = typeof task.id === 'string' || typeof task.id === 'number' ? String(task.id) : undefined;
      if (key === undefined) {
        trace.push({ step: 'experiment', outcome: 'skipped', rule: experiment.name, message: `experiment ${experiment.name} needs task.id to assign a variant` });
        continue;
      }
      if (experiment.condition && !experiment.condition.evaluate(this.scope)) {
        trace.push({ step: 'experiment', outcome: 'not_matched', rule: experiment.name, message: `experiment ${experiment.name}: "${experiment.condition.source}" is false` });
        continue;
      }
      const point = stableHash(`${experiment.name}\u0000${key}`);
      const variant = experiment.variants.find((v) => point < v.upTo) ?? experiment.variants[experiment.variants.length - 1]!;
      const why = this.ineligible(this.compiled.models.get(variant.modelId)!);
      if (why) {
        trace.push({ step: 'experiment', outcome: 'skipped', rule: experiment.name, modelId: variant.modelId, message: `experiment ${experiment.name} assigned ${variant.modelId}, skipped: ${why}` });
        continue;
      }
      this.assigned = { name: experiment.name, variant: variant.modelId };
      trace.push({ step: 'experiment', outcome: 'chosen', rule: experiment.name, modelId: variant.modelId, message: `experiment ${experiment.name} assigned task ${key} → ${variant.modelId}` });
      return { modelId: variant.modelId, source: 'strategy', reason: `experiment ${experiment.name}: variant ${variant.modelId}`, confidence: 0.8 };
    }
    return undefined;
  }

  private ruleMatchesModel(rule: CompiledGlobalRule, modelId: string): boolean {
    const model = this.compiled.models.get(modelId)!;
    return rule.condition.evaluate(this.scopeWithModel(model));
  }

  scopeWithModel(model: CompiledModel): Record<string, unknown> {
    return { ...this.scope, model: modelView(model, this.state.modelStates?.get(model.id)) };
  }

  /** 5b. `require_cloud_verification` rules: a cloud verifier, never under a local-only constraint. */
  private verification(chosenId: string): Verification | undefined {
    const { trace } = this;
    for (const rule of this.compiled.verificationRules) {
      const result = rule.condition.evaluateDetailed(this.scopeWithModel(this.compiled.models.get(chosenId)!));
      if (!result.value) {
        trace.push({ step: 'verification', outcome: result.error ? 'error' : 'not_matched', rule: rule.name, message: `"${rule.condition.source}" is ${result.error ? `not evaluable (${result.error})` : 'false'}` });
        continue;
      }
      if (this.localOnly) {
        trace.push({ step: 'verification', outcome: 'skipped', rule: rule.name, message: `"${rule.condition.source}" matched, but cloud verification is forbidden: ${this.constraints.join('; ')}` });
        continue;
      }
      if (this.task.privacy_level === 'high') {
        trace.push({ step: 'verification', outcome: 'skipped', rule: rule.name, message: `"${rule.condition.source}" matched, but the task's privacy_level is high: its text is not sent to a cloud verifier` });
        continue;
      }
      const verifier = this.pickVerifier(chosenId);
      if (!verifier) {
        trace.push({ step: 'verification', outcome: 'skipped', rule: rule.name, message: `"${rule.condition.source}" matched, but no cloud model is available to verify` });
        continue;
      }
      trace.push({ step: 'verification', outcome: 'applied', rule: rule.name, modelId: verifier, message: `"${rule.condition.source}" matched → ${verifier} verifies the answer` });
      return { modelId: verifier, reason: `global rule ${rule.name}: ${rule.condition.source}` };
    }
    return undefined;
  }

  /** The agent's first eligible cloud model, else the most capable eligible cloud model. */
  private pickVerifier(chosenId: string): string | undefined {
    for (const id of this.agent.fallbackOrder) {
      const model = this.compiled.models.get(id);
      if (model && this.usableVerifier(model, chosenId)) return id;
    }
    const fit = this.agent.capabilityFit;
    let best: CompiledModel | undefined;
    for (const model of this.compiled.models.values()) {
      if (this.usableVerifier(model, chosenId) && (!best || fit.get(model.id)! > fit.get(best.id)!)) best = model;
    }
    return best?.id;
  }

  private usableVerifier(model: CompiledModel, chosenId: string): boolean {
    return model.id !== chosenId && model.type === 'cloud' && this.ineligible(model) === undefined;
  }

  /** Scores are computed at most once per decision, and only if a step needs them. */
  scoreOf(id: string): ModelScore {
    this.scores ??= this.scoreCandidates(this.candidates, this.trace);
    return this.scores.get(id) ?? this.scoreCandidates([id], []).get(id)!;
  }

  private scoreCandidates(candidates: readonly string[], trace: TraceStep[]): Map<string, ModelScore> {
    const { compiled, state, task } = this;
    const models = candidates.map((id) => compiled.models.get(id)!);
    let maxCost = 0;
    let maxTokensPerSecond = 0;
    for (const model of models) {
      maxCost = Math.max(maxCost, estimateCost(model, state.inputTokens, state.outputTokens));
      maxTokensPerSecond = Math.max(maxTokensPerSecond, model.tokensPerSecond);
    }
    const input: ScoringInput = {
      complexity: typeof task.complexity === 'number' && Number.isFinite(task.complexity) ? Math.min(10, Math.max(0, task.complexity)) : 5,
      sensitivity: sensitivityOf(task, this.containsPii),
      inputTokens: state.inputTokens,
      outputTokens: state.outputTokens,
      capabilityFit: this.agent.capabilityFit,
      maxCost,
      maxTokensPerSecond,
      maxLatencyMs: typeof task.max_latency_ms === 'number' ? task.max_latency_ms : undefined,
      modelStates: state.modelStates,
      scopes: this,
    };
    const scores = new Map<string, ModelScore>();
    for (const model of models) {
      const score = scoreModel(model, compiled.factors, input);
      scores.set(model.id, score);
      trace.push({ step: 'score', outcome: 'info', modelId: model.id, score: score.score, factors: score.factors, message: `${model.id} scores ${score.score}` });
    }
    return scores;
  }

  private best(ids: readonly string[]): string {
    let top = ids[0]!;
    for (const id of ids) if (this.scoreOf(id).score > this.scoreOf(top).score) top = id;
    return top;
  }

  private pick(id: string, why: string): Chosen {
    const label = `strategy ${this.strategy.name}`;
    const score = this.scoreOf(id).score;
    this.trace.push({ step: 'strategy', outcome: 'chosen', modelId: id, score, message: `${label}: ${why} → ${id}` });
    return { modelId: id, source: 'strategy', reason: `${label}: ${why}`, confidence: confidenceOf(score) };
  }

  /** 4. The strategy in force, over the eligible candidates. */
  private applyStrategy(): Chosen {
    const { agent, strategy, candidates, compiled } = this;
    // The `budget_mode` role is the agent's own answer to a tight budget.
    const budgetModel = agent.roles.get('budget_mode');
    if ((this.costLimitReached || this.context.budget_mode === true) && budgetModel !== undefined && candidates.includes(budgetModel)) {
      return this.pick(budgetModel, 'the budget is constrained and the agent names a budget_mode model');
    }

    const complexity = typeof this.task.complexity === 'number' ? this.task.complexity : undefined;
    const local: string[] = [];
    const cloud: string[] = [];
    for (const id of candidates) (compiled.models.get(id)!.type === 'local' ? local : cloud).push(id);

    if (strategy.preferLocal) {
      if (local.length === 0) return this.pick(this.best(candidates), 'prefers local models, but none is eligible; highest score');
      const role = agent.roles.get('local_alternative');
      const localChoice = role !== undefined && local.includes(role) ? role : this.best(local);
      const threshold = strategy.fallbackToCloud;
      if (threshold && cloud.length > 0) {
        if (threshold.complexity !== undefined && complexity !== undefined && complexity >= threshold.complexity) {
          return this.pick(this.best(cloud), `task complexity ${complexity} ≥ ${threshold.complexity} falls back to the cloud`);
        }
        const confidence = confidenceOf(this.scoreOf(localChoice).score);
        if (threshold.confidence !== undefined && confidence < threshold.confidence) {
          return this.pick(this.best(cloud), `confidence in ${localChoice} is ${confidence} < ${threshold.confidence}, so it falls back to the cloud`);
        }
      }
      return this.pick(localChoice, 'prefers local models');
    }

    if (strategy.preferCloud) {
      if (cloud.length === 0) return this.pick(this.best(candidates), 'prefers cloud models, but none is eligible; highest score');
      const primary = agent.roles.get('primary');
      return this.pick(primary !== undefined && cloud.includes(primary) ? primary : this.best(cloud), 'prefers cloud models');
    }

    let pool: readonly string[] = candidates;
    let why = 'highest weighted score';
    if (strategy.cloudForComplexTasks && complexity !== undefined && complexity >= strategy.complexThreshold && cloud.length > 0) {
      pool = cloud;
      why = `complex task (complexity ${complexity} ≥ ${strategy.complexThreshold}) goes to the cloud; highest score`;
    } else if (strategy.localForRoutineTasks && complexity !== undefined && complexity <= strategy.routineThreshold && local.length > 0) {
      pool = local;
      why = `routine task (complexity ${complexity} ≤ ${strategy.routineThreshold}) stays local; highest score`;
    }
    if (!strategy.dynamicRouting) return this.pick(pool[0]!, why.replace(/highest (weighted )?score/, 'first preferred model'));
    return this.pick(this.best(pool), why);
  }
}

/** A confidence from a 0..1 score: a decent model for the task is never below 0.5. */
function confidenceOf(score: number): number {
  return Math.round((0.5 + score / 2) * 1000) / 1000;
}

/** The earliest time an unavailable model that the constraints would allow frees up. */
function earliestAvailable(compiled: CompiledConfig, state: RoutingState, localOnly: boolean, cloudOnly: boolean): number | undefined {
  let earliest: number | undefined;
  for (const model of compiled.models.values()) {
    if ((localOnly && model.type !== 'local') || (cloudOnly && model.type !== 'cloud')) continue;
    const at = state.modelStates?.get(model.id)?.availableAt;
    if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
  }
  return earliest;
}

/**
 * FNV-1a over the string's UTF-16 units, finished with murmur3's avalanche so that ids differing in
 * one digit land far apart; scaled to 0..1. The seeded hash experiments assign variants by.
 */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}

function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** An own data property's value, never running a getter. */
function ownDataValue(source: Readonly<Record<string, unknown>>, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(source, key);
  return descriptor && 'value' in descriptor ? descriptor.value : undefined;
}

/** A copy of `source`'s own data properties (never running a getter) with one more property. */
function withDataProperty(source: Readonly<Record<string, unknown>>, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(source)) {
    const descriptor = Object.getOwnPropertyDescriptor(source, name);
    if (descriptor && 'value' in descriptor) Object.defineProperty(copy, name, { value: descriptor.value, enumerable: true, writable: true, configurable: true });
  }
  copy[key] = value;
  return copy;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
