// decide(): the pure core. Same inputs, same decision — no I/O, no clock, no randomness. The order
// of a decision is DESIGN.md's: hard constraints, task override, agent override, agent rules,
// experiments and the strategy, post-rules; and never a cloud model under a local-only constraint.
import { NoEligibleModelError, UnknownAgentError, UnknownStrategyError } from '../errors.js';
import { applyStrategy } from './apply-strategy.js';
import type { CompiledConfig } from './compile-config.js';
import { DecisionRun } from './decision-run.js';
import { agentOverride, agentRules, experiment, taskOverride } from './explicit-choices.js';
import { applyHardConstraints } from './hard-constraints.js';
import { applyFallbackRules, verificationFor } from './post-rules.js';
import { estimateCost } from './score-model.js';
import type { RoutingContext, RoutingDecision, RoutingState, Task } from './types.js';

export { modelView } from './decision-run.js';
export { stableHash } from './stable-hash.js';

/**
 * The decision for `task`, which is the router's own copy of the task (`checkTask`): each field the
 * decision reads itself (`force_model`, `privacy_level`, `data`, `complexity`, ...) is the copy's own
 * (undefined when the task does not hold it), so it is read by name, never from a polluted
 * `Object.prototype`.
 * Conditions read the task as they read any host object (own properties only).
 */
export function decide(
  compiled: CompiledConfig,
  agentId: string,
  task: Task,
  context: RoutingContext,
  state: RoutingState,
  tracing = true,
): RoutingDecision {
  const agent = compiled.agents.get(agentId);
  if (!agent) throw new UnknownAgentError(agentId, [...compiled.agents.keys()]);
  const strategy = compiled.strategies.get(state.strategy);
  if (!strategy) throw new UnknownStrategyError(state.strategy, [...compiled.strategies.keys()]);
  const run = new DecisionRun(compiled, agent, strategy, task, context, state, tracing);
  const { trace } = run;
  applyHardConstraints(run);

  let chosen = taskOverride(run) ?? agentOverride(run) ?? agentRules(run) ?? experiment(run);

  // The candidates a strategy ranks, and the order fallbacks are taken in: the agent's preferred
  // models; if none is eligible, any eligible model in the registry.
  // setAgentModel replaces the primary: the replaced model is no longer a candidate or a fallback.
  const replaced = state.agentOverride ? agent.roles.get('primary') : undefined;
  if (replaced === undefined && everyPreferredEligible(run)) {
    run.candidates = agent.fallbackOrder.slice();
  } else {
    for (const id of agent.fallbackOrder) {
      if (id === replaced) continue;
      const why = run.ineligible(compiled.models.get(id)!);
      if (why === undefined) run.candidates.push(id);
      else if (run.tracing) trace.push({ step: 'strategy', outcome: 'skipped', modelId: id, message: `${id} skipped: ${why}` });
    }
  }
  let widened = false;
  if (run.candidates.length === 0) {
    run.candidates = run.registryAlternatives(undefined, Number.POSITIVE_INFINITY);
    widened = run.candidates.length > 0;
    if (widened) {
      if (run.tracing) trace.push({ step: 'strategy', outcome: 'info', message: `none of the agent's preferred models is eligible; considering every eligible model: ${run.candidates.join(', ')}` });
    }
  }
  if (!chosen && run.candidates.length === 0) {
    throw new NoEligibleModelError(agent.id, run.constraints.length ? run.constraints : ['every model is unavailable'], trace, earliestAvailable(run));
  }

  chosen ??= applyStrategy(run);

  let fallbacks: string[] = [];
  for (const id of run.candidates) if (id !== chosen.modelId) fallbacks.push(id);
  if (fallbacks.length === 0 && !widened) {
    // No preferred alternate is eligible: the most capable eligible models in the registry.
    fallbacks = run.registryAlternatives(chosen.modelId, 2);
  }

  ({ chosen, fallbacks } = applyFallbackRules(run, chosen, fallbacks));
  const verification = verificationFor(run, chosen.modelId);
  if (run.tracing) trace.push({ step: 'fallbacks', outcome: 'info', message: fallbacks.length ? inOrder(fallbacks) : 'no eligible fallback' });

  const model = compiled.models.get(chosen.modelId)!;
  const decision: RoutingDecision = {
    agentId: agent.id,
    modelId: chosen.modelId,
    provider: model.provider,
    modelType: model.type,
    reason: chosen.reason,
    confidence: chosen.confidence,
    estimatedCost: roundUsd(estimateCost(model, state.inputTokens, state.outputTokens)),
    estimatedTokens: { input: state.inputTokens, output: state.outputTokens, inputGiven: state.inputTokensSource === 'task' },
    budgetUsd: state.budgetUsd,
    source: chosen.source,
    strategy: strategy.name,
    fallbacks,
    constraints: run.constraints,
    localOnly: run.localOnly,
    cloudOnly: run.cloudOnly,
    privacyEnforced: run.privacyEnforced,
    execution: { parallelRequests: strategy.parallelRequests, cacheResponses: strategy.cacheResponses },
    trace,
    decidedAt: state.now,
  };
  if (verification) decision.verification = verification;
  if (run.assigned) decision.experiment = run.assigned;
  if (run.taskId !== undefined) decision.taskId = run.taskId;
  return decision;
}

/**
 * Whether nothing can make any of the agent's models ineligible (what `DecisionRun.ineligible`
 * checks, decided for all of them at once): no local- or cloud-only constraint, no feature the
 * request needs, no model with a live state, and the request fits the smallest context window.
 */
function everyPreferredEligible(run: DecisionRun): boolean {
  const { state } = run;
  return (
    !run.localOnly &&
    !run.cloudOnly &&
    state.requires === undefined &&
    state.modelStates === undefined &&
    state.inputTokens + (state.outputLimit ?? 0) <= run.agent.smallestContextWindow
  );
}

/** The earliest time an unavailable model that the constraints would allow frees up. */
function earliestAvailable(run: DecisionRun): number | undefined {
  let earliest: number | undefined;
  for (const model of run.compiled.models.values()) {
    if ((run.localOnly && model.type !== 'local') || (run.cloudOnly && model.type !== 'cloud')) continue;
    const at = run.state.modelStates?.get(model.id)?.availableAt;
    if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
  }
  return earliest;
}

/** `fallbacks in order: a, b`, concatenated: `Array.prototype.join` costs a traced decision 40 ns more. */
function inOrder(ids: readonly string[]): string {
  let message = `fallbacks in order: ${ids[0]!}`;
  for (let i = 1; i < ids.length; i++) message += `, ${ids[i]!}`;
  return message;
}

function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
