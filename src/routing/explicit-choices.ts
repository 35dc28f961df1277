// Steps 2 to 4 of a decision and the experiments: the choices someone made explicitly — a task
// override, an operator's agent override, the agent's own rules, an A/B assignment. Each is honoured
// only within the hard constraints; a skipped one says why in the trace.
import type { CompiledRule } from './compile-config.js';
import type { Chosen, DecisionRun } from './decision-run.js';
import type { TraceStep } from './types.js';
import { stableHash } from './stable-hash.js';

/** 2. Task override (setTaskRouting, or task.force_model). */
export function taskOverride(run: DecisionRun): Chosen | undefined {
  const { state, trace } = run;
  const forced = run.forceModel;
  const override = state.taskOverride ?? (typeof forced === 'string' ? { modelId: forced, reason: 'task.force_model' } : undefined);
  if (!override) return undefined;
  const model = run.compiled.models.get(override.modelId);
  const why = model ? run.ineligible(model) : `unknown model "${override.modelId}"`;
  if (why) {
    if (run.tracing) trace.push({ step: 'task_override', outcome: 'skipped', modelId: override.modelId, message: `task override to ${override.modelId} skipped: ${why}` });
    return undefined;
  }
  if (run.tracing) trace.push({ step: 'task_override', outcome: 'chosen', modelId: override.modelId, message: `task override → ${override.modelId}${override.reason ? ` (${override.reason})` : ''}` });
  return { modelId: override.modelId, source: 'task_override', reason: `task override${override.reason ? `: ${override.reason}` : ''}`, confidence: 1 };
}

/** 3. An operator's runtime override of the agent's model (setAgentModel): beats the agent's rules and strategy. */
export function agentOverride(run: DecisionRun): Chosen | undefined {
  const override = run.state.agentOverride;
  if (!override) return undefined;
  const model = run.compiled.models.get(override.modelId);
  const why = model ? run.ineligible(model) : `unknown model "${override.modelId}"`;
  if (why) {
    if (run.tracing) run.trace.push({ step: 'agent_override', outcome: 'skipped', modelId: override.modelId, message: `agent model override skipped: ${why}` });
    return undefined;
  }
  const note = override.reason ? ` (${override.reason})` : '';
  if (run.tracing) run.trace.push({
    step: 'agent_override',
    outcome: 'chosen',
    modelId: override.modelId,
    message: `agent model overridden → ${override.modelId}${note}; an operator's override comes before the agent's routing rules and the strategy`,
  });
  return { modelId: override.modelId, source: 'agent_override', reason: `agent model override${note}`, confidence: 0.95 };
}

/** 4. The agent's rules, first match wins; a rule whose model breaks a constraint is skipped. */
export function agentRules(run: DecisionRun): Chosen | undefined {
  const { rules, ruleSet } = run.agent;
  const count = rules.length;
  if (count === 0) return undefined;
  // The paths the rules test, read once; undefined when a read threw, or for a few rules: each rule
  // then reads for itself.
  const values = ruleSet?.read(run.scope);
  if (ruleSet === undefined || values === undefined) {
    for (let index = 0; index < count; index++) {
      const chosen = ruleMatched(run, rules[index]!, false);
      if (chosen) return chosen;
    }
    return undefined;
  }
  const { trace, tracing } = run;
  // The rules the values leave in play, in order; the others are false without evaluating them.
  const inPlay = ruleSet.candidates(values) ?? run.agent.ruleIndexes;
  // Rules not matched are traced in runs, when the next rule needs its own step or at the end:
  // the steps of the rules before `traced` are in the trace.
  let traced = 0;
  for (let position = ruleSet.next(values, inPlay, 0); position < inPlay.length; position = ruleSet.next(values, inPlay, position + 1)) {
    const index = inPlay[position]!;
    if (tracing) appendNotMatched(trace, run.agent.notMatched, traced, index);
    traced = index + 1;
    const chosen = ruleMatched(run, rules[index]!, ruleSet.chained(index));
    if (chosen) return chosen;
  }
  if (tracing) appendNotMatched(trace, run.agent.notMatched, traced, count);
  return undefined;
}

/** The not-matched steps of rules `from` to `to - 1` (a long run is copied in one go). */
function appendNotMatched(trace: TraceStep[], steps: readonly TraceStep[], from: number, to: number): void {
  if (to - from > 8 && to - from <= 4096) trace.push(...(from === 0 && to === steps.length ? steps : steps.slice(from, to)));
  else for (let index = from; index < to; index++) trace.push(steps[index]!);
}

/**
 * A rule that matched (`tested`: its test over the values held) or is to be evaluated on the scope:
 * its model when it may serve, with its trace.
 */
function ruleMatched(run: DecisionRun, rule: CompiledRule, tested: boolean): Chosen | undefined {
  if (!tested && !matchesOnScope(run, rule)) return undefined;
  const { trace, tracing } = run;
  const why = run.ineligible(run.compiled.models.get(rule.modelId)!);
  if (why) {
    if (tracing) trace.push({ step: 'agent_rule', outcome: 'skipped', rule: rule.label, modelId: rule.modelId, message: `"${rule.condition.source}" matched, but ${rule.modelId} is skipped: ${why}` });
    return undefined;
  }
  if (tracing) trace.push(rule.chosen);
  return { modelId: rule.modelId, source: 'agent_rule', reason: rule.reason, confidence: 0.9 };
}

/** A rule evaluated on the decision's scope, its error or its not matching written to the trace. */
function matchesOnScope(run: DecisionRun, rule: CompiledRule): boolean {
  // Without a trace, only the verdict counts: an error reads as false either way.
  if (!run.tracing) return rule.condition.evaluate(run.scope);
  const result = rule.condition.evaluateDetailed(run.scope);
  if (result.error) {
    run.trace.push({ step: 'agent_rule', outcome: 'error', rule: rule.label, message: `"${rule.condition.source}" could not be evaluated (${result.error}); treated as false` });
    return false;
  }
  if (!result.value) run.trace.push(rule.notMatched);
  return result.value;
}

/**
 * A/B experiments: a task takes part when its agent and condition match; its variant follows from
 * a hash of the experiment's name and the task's id, so the same task always gets the same model.
 * An assigned variant that breaks a constraint is skipped, never swapped for another.
 */
export function experiment(run: DecisionRun): Chosen | undefined {
  const { trace } = run;
  const live = run.state.experiments;
  for (const experiment of run.compiled.experiments) {
    if (experiment.agents && !experiment.agents.has(run.agent.id)) continue;
    const now = live?.get(experiment.name);
    if (!(now ? now.running : experiment.enabled)) {
      if (run.tracing) trace.push({ step: 'experiment', outcome: 'skipped', rule: experiment.name, message: `experiment ${experiment.name} is ${now?.status ?? 'paused'}` });
      continue;
    }
    const key = run.taskId;
    if (key === undefined) {
      if (run.tracing) trace.push({ step: 'experiment', outcome: 'skipped', rule: experiment.name, message: `experiment ${experiment.name} needs task.id to assign a variant` });
      continue;
    }
    if (experiment.condition && !experiment.condition.evaluate(run.scope)) {
      if (run.tracing) trace.push({ step: 'experiment', outcome: 'not_matched', rule: experiment.name, message: `experiment ${experiment.name}: "${experiment.condition.source}" is false` });
      continue;
    }
    const point = stableHash(`${experiment.name}\u0000${key}`);
    const upTo = now?.of === experiment ? now.upTo : undefined;
    let index = 0;
    const last = experiment.variants.length - 1;
    while (index < last && point >= (upTo ? upTo[index]! : experiment.variants[index]!.upTo)) index++;
    const variant = experiment.variants[index]!;
    const why = run.ineligible(run.compiled.models.get(variant.modelId)!);
    if (why) {
      if (run.tracing) trace.push({ step: 'experiment', outcome: 'skipped', rule: experiment.name, modelId: variant.modelId, message: `experiment ${experiment.name} assigned ${variant.modelId}, skipped: ${why}` });
      continue;
    }
    run.assigned = { name: experiment.name, variant: variant.modelId };
    if (run.tracing) trace.push({ step: 'experiment', outcome: 'chosen', rule: experiment.name, modelId: variant.modelId, message: `experiment ${experiment.name} assigned task ${key} → ${variant.modelId}${upTo ? ' (adaptive split)' : ''}` });
    return { modelId: variant.modelId, source: 'strategy', reason: `experiment ${experiment.name}: variant ${variant.modelId}`, confidence: 0.8 };
  }
  return undefined;
}
