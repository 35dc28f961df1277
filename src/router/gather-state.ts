// Everything decide() reads besides the configuration and its inputs, gathered in one place: the
// strategy in force and where it came from, the budget, today's spend, the request's inspection,
// the overrides and the models' live state.
import { isOwn } from '../own-data.js';
import { taskIdOf } from '../routing/decision-run.js';
import { UnknownStrategyError } from '../errors.js';
import type { CompiledConfig } from '../routing/compile-config.js';
import type { LiveExperiment, RoutingContext, RoutingState, Task } from '../routing/types.js';
import { microsToUsd, type SpendSnapshot } from '../state/cost-ledger.js';
import type { ModelHealth } from '../state/model-health.js';
import type { RequestInspection } from './inspect-request.js';
import type { OverrideStore } from './runtime-overrides.js';

export interface StateSources {
  compiled: CompiledConfig;
  overrides: OverrideStore;
  health: ModelHealth;
  /** Experiments whose status or split the runtime changed (read on every decision). */
  experiments?: { readonly forDecisions: ReadonlyMap<string, LiveExperiment> | undefined };
}

export function gatherState(
  sources: StateSources,
  agentId: string,
  task: Task,
  context: RoutingContext,
  spend: SpendSnapshot,
  inspection: RequestInspection,
  now: number,
): RoutingState {
  const { compiled, overrides } = sources;
  const { strategy, strategySource, requestedStrategy } = resolveStrategy(sources, context, now);
  // Every field the decision may read is the state's own, set here or below (undefined when absent):
  // nothing is read from Object.prototype, and every state has the same shape.
  const state: RoutingState = {
    now,
    strategy,
    strategySource,
    requestedStrategy,
    dailyCostUsd: microsToUsd(spend.totalMicros + spend.reservedMicros),
    agentDailyCostUsd: microsToUsd(spend.agentMicros + spend.agentReservedMicros),
    budgetUsd: budgetInForce(compiled, strategy),
    cloudRefused: undefined,
    notes: undefined,
    agentOverride: undefined,
    taskOverride: undefined,
    experiments: undefined,
    containsPii: inspection.containsPii,
    piiReason: inspection.piiReason,
    inputTokens: inspection.inputTokens,
    inputTokensSource: inspection.inputTokensSource,
    outputTokens: inspection.outputTokens,
    outputLimit: inspection.outputLimit,
    requires: inspection.requires,
    modelStates: sources.health.snapshot(now),
  };
  // Set afterwards rather than spread in: a spread in a literal costs every decision, not just these.
  // The ledger's snapshot (the host's own ledger, maybe): its own field only.
  const unavailable = isOwn(spend, 'unavailable') ? spend.unavailable : undefined;
  if (unavailable !== undefined) state.cloudRefused = `the cost ledger cannot say what was spent (${unavailable}) and fails closed`;
  const live = sources.experiments?.forDecisions;
  if (live) state.experiments = live;
  if (!overrides.isEmpty) {
    const agentOverride = overrides.agentModelAt(agentId, now);
    if (agentOverride) state.agentOverride = { modelId: agentOverride.value, reason: agentOverride.reason };
    // A numeric id names the same task as its digits (`setTaskRouting('42')` applies to `{ id: 42 }`).
    const taskId = taskIdOf(task);
    if (typeof taskId === 'string') {
      const taskOverride = overrides.taskRoutingAt(taskId, now);
      if (taskOverride) state.taskOverride = { modelId: taskOverride.value, reason: taskOverride.reason };
    }
  }
  return state;
}

/** The daily cloud budget under `strategy`: the environment's, else the strategy's, else `routing.budget.daily`. */
export function budgetInForce(compiled: CompiledConfig, strategy: string): number | undefined {
  return compiled.maxCloudSpendPerDay ?? compiled.strategies.get(strategy)?.cloudBudgetPerDay ?? compiled.budgetDaily;
}

function resolveStrategy(sources: StateSources, context: RoutingContext, now: number): Pick<RoutingState, 'strategy' | 'strategySource' | 'requestedStrategy'> {
  const { compiled, overrides } = sources;
  const override = overrides.isEmpty ? undefined : overrides.strategyAt(now);
  const requested = isOwn(context, 'routing_strategy') ? context.routing_strategy : undefined;
  if (override) {
    const keep = typeof requested === 'string' && compiled.strategies.has(requested) && requested !== override.value;
    return { strategy: override.value, strategySource: 'override', requestedStrategy: keep ? requested : undefined };
  }
  if (requested !== undefined) {
    if (typeof requested !== 'string' || !compiled.strategies.has(requested)) {
      throw new UnknownStrategyError(String(requested), [...compiled.strategies.keys()]);
    }
    return { strategy: requested, strategySource: 'context', requestedStrategy: undefined };
  }
  return { strategy: compiled.defaultStrategy.name, strategySource: compiled.defaultStrategy.source, requestedStrategy: undefined };
}
