// One decision's working state, shared by the steps of decide(): the condition scope, the hard
// constraints found so far, the trace, and the candidates' scores (computed once, on demand).
// A class rather than closures inside decide(): its methods are created once, not on every call.
import { formatTime } from '../errors.js';
import { FEATURE_NAMES, missingFeature } from '../request/request-features.js';
import type { CompiledAgent, CompiledConfig, CompiledModel, CompiledStrategy } from './compile-config.js';
import { complexityOf } from './task-complexity.js';
import { scoreModel, sensitivityOf, qualityFit, type ModelScore, type ScoringInput } from './score-model.js';
import type { DecisionSource, ModelLiveState, RoutingContext, RoutingState, Task, TraceStep } from './types.js';
import { isOwn, readOwn } from '../own-data.js';

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});
/** `data` for a task without any, as conditions read it once the scan has answered (shared, frozen). */
const NO_PII: Readonly<Record<string, unknown>> = Object.freeze({ contains_pii: false });
const PII_FOUND: Readonly<Record<string, unknown>> = Object.freeze({ contains_pii: true });

export interface Chosen {
  modelId: string;
  source: DecisionSource;
  reason: string;
  confidence: number;
}

/**
 * The object conditions see as `model`: its configuration plus its live state. With a live state it
 * is the model's one `liveView`, its live fields written in place: valid until the next call, which
 * is all a condition (evaluated at once) needs.
 */
export function modelView(model: CompiledModel, live: ModelLiveState | undefined): Readonly<Record<string, unknown>> {
  if (!live) return model.idleView;
  const view = model.liveView;
  view.available = live.available;
  view.rate_limit_approaching = live.rate_limit_approaching;
  view.requests_last_minute = live.requests_last_minute;
  view.tokens_last_minute = live.tokens_last_minute;
  view.load = live.load;
  return view;
}

export class DecisionRun {
  readonly trace: TraceStep[] = [];
  readonly constraints: string[] = [];
  /**
   * What conditions read. One object per decision: `model` is set in place for a rule about a model
   * (conditions evaluate synchronously), and cleared for those about the task — no copy per model.
   */
  private readonly conditionScope: Record<string, unknown>;
  readonly containsPii: boolean;
  readonly costLimitReached: boolean;
  /** The task's complexity, or one inferred from its size and needs; undefined when unknown. */
  readonly complexity: number | undefined;
  /**
   * The task's and context's fields the decision itself reads, read once: own properties only (an
   * inherited one, from a polluted Object.prototype say, is never taken), as conditions read them.
   */
  readonly privacyLevel: unknown;
  readonly forceModel: unknown;
  /** `task.id` as a string (a number as its digits), or undefined. */
  readonly taskId: string | undefined;
  localOnly = false;
  cloudOnly = false;
  privacyEnforced = false;
  candidates: string[] = [];
  assigned: { name: string; variant: string } | undefined;
  private scores: Map<string, ModelScore> | undefined;
  private input: ScoringInput | undefined;

  constructor(
    readonly compiled: CompiledConfig,
    readonly agent: CompiledAgent,
    readonly strategy: CompiledStrategy,
    readonly task: Task,
    readonly context: RoutingContext,
    readonly state: RoutingState,
    /**
     * Whether to write the trace: `createRouter`'s `trace` option (on by default). Without it a
     * refusal is decided again with the trace (decide() is pure), so that it explains itself.
     */
    readonly tracing: boolean = true,
  ) {
    // `data.contains_pii` in conditions: the task's `true`, or the scan's verdict. A task's `false`
    // cannot switch the scan off; anything but a boolean counts as PII when truthy.
    // Each read by its own name: the router's copy holds every such field as its own (see `decide`).
    const taskData = isObject(task.data) ? task.data : EMPTY;
    this.privacyLevel = task.privacy_level;
    this.forceModel = task.force_model;
    this.taskId = taskIdOf(task);
    const costLimit = isOwn(context, 'cost_limit_reached') ? context.cost_limit_reached : undefined;
    // No data (most tasks): nothing to ask a descriptor of.
    const given = taskData === EMPTY ? undefined : readOwn(taskData, 'contains_pii');
    const containsPii = given === true || (typeof given !== 'boolean' && Boolean(given)) || state.containsPii === true;
    this.containsPii = containsPii;
    const data =
      given === containsPii || (given === undefined && state.containsPii === undefined)
        ? taskData
        : taskData === EMPTY
          ? containsPii
            ? PII_FOUND
            : NO_PII
          : withDataProperty(taskData, 'contains_pii', containsPii);
    this.costLimitReached =
      typeof costLimit === 'boolean'
        ? costLimit
        : (state.budgetUsd !== undefined && state.dailyCostUsd >= state.budgetUsd) ||
          (agent.dailyBudgetUsd !== undefined && state.agentDailyCostUsd >= agent.dailyBudgetUsd);
    if (state.notes !== undefined) for (const note of state.notes) if (this.tracing) this.trace.push({ step: 'input', outcome: 'info', message: note });
    const complexity = complexityOf(task, state);
    this.complexity = complexity.value;
    if (complexity.inferredFrom !== undefined) {
      if (this.tracing) this.trace.push({ step: 'input', outcome: 'info', message: `complexity ${complexity.value} inferred from ${complexity.inferredFrom} (the task gives none)` });
    }
    this.conditionScope = {
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

  requireLocal(why: string, privacy: boolean): void {
    this.localOnly = true;
    if (privacy) this.privacyEnforced = true;
    this.constraints.push(`local only: ${why}`);
    if (this.tracing) this.trace.push({ step: 'constraint', outcome: 'applied', message: `local models only: ${why}` });
  }

  /** Why a model may not serve this request (a hard constraint), or undefined when it may. */
  ineligible(model: CompiledModel): string | undefined {
    if (this.localOnly && model.type !== 'local') return 'it is a cloud model and only local models are allowed';
    if (this.cloudOnly && model.type !== 'cloud') return 'it is a local model and only cloud models are allowed';
    const missing = this.state.requires && missingFeature(model.supports, this.state.requires);
    if (missing) return `the request needs ${FEATURE_NAMES[missing]}, which it does not support`;
    if (model.contextWindow !== undefined) {
      const needed = this.state.inputTokens + (this.state.outputLimit ?? 0);
      if (needed > model.contextWindow) return `the request needs ${needed} tokens of context and it holds ${model.contextWindow}`;
    }
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
  registryAlternatives(except: string | undefined, limit: number): string[] {
    const ids: string[] = [];
    for (const model of this.agent.byFit) {
      if (ids.length >= limit) break;
      if (model.id !== except && this.ineligible(model) === undefined) ids.push(model.id);
    }
    return ids;
  }

  /** The scope of a condition about the task (no `model`). */
  get scope(): Record<string, unknown> {
    this.conditionScope.model = undefined;
    return this.conditionScope;
  }

  /** The scope of a condition about `model`; valid until the next call of this or `scope`. */
  scopeWithModel(model: CompiledModel): Record<string, unknown> {
    this.conditionScope.model = modelView(model, this.state.modelStates?.get(model.id));
    return this.conditionScope;
  }

  /** Scores are computed at most once per decision, and only if a step needs them. */
  scoreOf(id: string): ModelScore {
    this.scores ??= this.scoreCandidates(this.candidates, this.trace);
    return this.scores.get(id) ?? this.scoreCandidates([id], []).get(id)!;
  }

  /** What scoring reads of the task and candidates, built once per decision. */
  private scoringInput(): ScoringInput {
    if (this.input) return this.input;
    const { compiled, state, task } = this;
    let maxTokensPerSecond = 0;
    for (const id of this.candidates) maxTokensPerSecond = Math.max(maxTokensPerSecond, compiled.models.get(id)!.tokensPerSecond);
    this.input = {
      complexity: this.complexity ?? 5,
      sensitivity: sensitivityOf(this.privacyLevel, this.containsPii),
      inputTokens: state.inputTokens,
      outputTokens: state.outputTokens,
      capabilityFit: this.agent.capabilityFit,
      costReferenceUsd: compiled.defaults.costReferenceUsd,
      maxTokensPerSecond,
      maxLatencyMs: maxLatencyOf(task),
      modelStates: state.modelStates,
      scopes: this,
    };
    return this.input;
  }

  private scoreCandidates(candidates: readonly string[], trace: TraceStep[]): Map<string, ModelScore> {
    const input = this.scoringInput();
    const scores = new Map<string, ModelScore>();
    for (const id of candidates) {
      const score = scoreModel(this.compiled.models.get(id)!, this.compiled.factors, input, this.tracing, this.compiled.builtinFactorOrder);
      scores.set(id, score);
      if (this.tracing) trace.push({ step: 'score', outcome: 'info', modelId: id, score: score.score, factors: score.factors, message: `${id} scores ${score.score}` });
    }
    return scores;
  }

  /** How likely the model copes with the task (0..1): the confidence of a strategy's choice. */
  confidenceIn(id: string): number {
    return Math.round(qualityFit(this.compiled.models.get(id)!, this.scoringInput()) * 1000) / 1000;
  }

  best(ids: readonly string[]): string {
    let top = ids[0]!;
    for (const id of ids) if (this.scoreOf(id).score > this.scoreOf(top).score) top = id;
    return top;
  }

  pick(id: string, why: string): Chosen {
    const label = `strategy ${this.strategy.name}`;
    const score = this.scoreOf(id).score;
    if (this.tracing) this.trace.push({ step: 'strategy', outcome: 'chosen', modelId: id, score, message: `${label}: ${why} → ${id}` });
    return { modelId: id, source: 'strategy', reason: `${label}: ${why}`, confidence: this.confidenceIn(id) };
  }
}

/** A copy of `source`'s own data properties (never running a getter) with one more property. */
function withDataProperty(source: Readonly<Record<string, unknown>>, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(source)) {
    const own = readOwn(source, name);
    if (own !== undefined) Object.defineProperty(copy, name, { value: own, enumerable: true, writable: true, configurable: true });
  }
  copy[key] = value;
  return copy;
}

function maxLatencyOf(task: Task): number | undefined {
  const ms = task.max_latency_ms;
  return typeof ms === 'number' ? ms : undefined;
}

/** The `id` of the router's copy of a task as a string (a number as its digits), or undefined. */
export function taskIdOf(task: Task): string | undefined {
  const id = task.id;
  return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
