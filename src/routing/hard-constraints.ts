// Step 1 of a decision: the hard constraints, which nothing later may break. Local-only comes from
// the environment, the strategy (or the one the request asked for), global rules, PII in what would
// be sent, a privacy level configured as local-only, and media the scan cannot read; cloud-only
// from a strategy that requires cloud models. What a model must support (tools, images, a JSON
// schema, the context size) is checked per model in `DecisionRun.ineligible`.
import type { DecisionRun } from './decision-run.js';

export function applyHardConstraints(run: DecisionRun): void {
  const { compiled, strategy, state, trace } = run;
  if (compiled.forceLocalModels) run.requireLocal('force_local_models is set for this environment', false);
  if (state.cloudRefused !== undefined) run.requireLocal(state.cloudRefused, false);
  if (!strategy.allowCloud) run.requireLocal(`strategy ${strategy.name} does not allow cloud models`, true);
  const requested = state.requestedStrategy === undefined ? undefined : compiled.strategies.get(state.requestedStrategy);
  if (requested && !requested.allowCloud && strategy.allowCloud) {
    run.requireLocal(`the request asked for strategy ${requested.name}, which does not allow cloud models`, true);
  }
  if (strategy.requiredType === 'cloud') {
    run.cloudOnly = true;
    run.constraints.push(`cloud only: strategy ${strategy.name}`);
    if (run.tracing) trace.push({ step: 'constraint', outcome: 'applied', message: `cloud models only: strategy ${strategy.name} requires them` });
  }

  const level = run.privacyLevel;
  if (typeof level === 'string' && compiled.localOnlyPrivacyLevels.has(level.toLowerCase())) {
    run.requireLocal(`the task's privacy_level is ${level}, which is local-only`, true);
  }

  let piiHandled = false;
  for (const rule of compiled.constraintRules) {
    const result = rule.condition.evaluateDetailed(run.scope);
    if (result.error) {
      // A local-only rule fails closed: when it cannot tell, the data stays local.
      if (run.tracing) trace.push({ step: 'global_rule', outcome: 'error', rule: rule.name, message: `"${rule.condition.source}" could not be evaluated (${result.error}); a local-only rule fails closed` });
      if (rule.action === 'force_local_model') piiHandled = true;
      run.requireLocal(`global rule ${rule.name} could not be evaluated and fails closed`, rule.action === 'force_local_model');
    } else if (result.value) {
      if (rule.action === 'force_local_model') piiHandled = true;
      const why = rule.action === 'force_local_model' && run.containsPii && state.piiReason ? `; ${state.piiReason}` : '';
      run.requireLocal(`global rule ${rule.name} (${rule.condition.source})${why}`, rule.action === 'force_local_model');
    } else {
      if (run.tracing) trace.push(rule.notMatched);
    }
  }
  if (run.containsPii && !piiHandled && compiled.requireLocalForPii) {
    run.requireLocal(`what would be sent contains PII (require_local_for_pii)${state.piiReason ? `: ${state.piiReason}` : ''}`, true);
  }
}
