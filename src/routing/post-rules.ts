// Step 6 of a decision: global rules applied to the chosen model — `switch_to_fallback` (e.g. rate
// limit protection moves to the next model free of the condition) and `require_cloud_verification`
// (a cloud model checks the answer, never under a local-only constraint).
import type { CompiledGlobalRule, CompiledModel } from './compile-config.js';
import type { Chosen, DecisionRun } from './decision-run.js';
import type { Verification } from './types.js';

export function applyFallbackRules(run: DecisionRun, chosen: Chosen, fallbacks: string[]): { chosen: Chosen; fallbacks: string[] } {
  const { trace } = run;
  for (const rule of run.compiled.fallbackRules) {
    if (!ruleMatchesModel(run, rule, chosen.modelId)) {
      if (run.tracing) trace.push(rule.notMatchedFor.get(chosen.modelId)!);
      continue;
    }
    const next = fallbacks.find((id) => !ruleMatchesModel(run, rule, id));
    if (next === undefined) {
      if (run.tracing) trace.push({ step: 'global_rule', outcome: 'skipped', rule: rule.name, modelId: chosen.modelId, message: `"${rule.condition.source}" is true for ${chosen.modelId}, but no fallback is free of it; keeping ${chosen.modelId}` });
      continue;
    }
    if (run.tracing) trace.push({ step: 'global_rule', outcome: 'applied', rule: rule.name, modelId: next, message: `"${rule.condition.source}" is true for ${chosen.modelId} → switched to fallback ${next}` });
    fallbacks = [...fallbacks.filter((id) => id !== next), chosen.modelId];
    chosen = {
      modelId: next,
      source: 'global_rule',
      reason: `global rule ${rule.name}: ${chosen.modelId} → ${next} (${rule.condition.source}); before it, ${chosen.reason}`,
      confidence: Math.round(chosen.confidence * 0.9 * 1000) / 1000,
    };
  }
  return { chosen, fallbacks };
}

function ruleMatchesModel(run: DecisionRun, rule: CompiledGlobalRule, modelId: string): boolean {
  // A rule about the model alone, the model idle: the verdict the configuration found for it.
  if (rule.whenIdle !== undefined && run.state.modelStates?.get(modelId) === undefined) return rule.whenIdle.get(modelId)!;
  return rule.condition.evaluate(run.scopeWithModel(run.compiled.models.get(modelId)!));
}

/** `require_cloud_verification` rules: a cloud verifier, never under a local-only constraint. */
export function verificationFor(run: DecisionRun, chosenId: string): Verification | undefined {
  const { trace } = run;
  for (const rule of run.compiled.verificationRules) {
    const result = rule.condition.evaluateDetailed(run.scopeWithModel(run.compiled.models.get(chosenId)!));
    if (!result.value) {
      if (!run.tracing) continue;
      if (result.error) trace.push({ step: 'verification', outcome: 'error', rule: rule.name, message: `"${rule.condition.source}" is not evaluable (${result.error})` });
      else trace.push(rule.notMatched);
      continue;
    }
    if (run.localOnly) {
      if (run.tracing) trace.push({ step: 'verification', outcome: 'skipped', rule: rule.name, message: `"${rule.condition.source}" matched, but cloud verification is forbidden: ${run.constraints.join('; ')}` });
      continue;
    }
    const verifier = pickVerifier(run, chosenId);
    if (!verifier) {
      if (run.tracing) trace.push({ step: 'verification', outcome: 'skipped', rule: rule.name, message: `"${rule.condition.source}" matched, but no cloud model is available to verify` });
      continue;
    }
    if (run.tracing) trace.push({ step: 'verification', outcome: 'applied', rule: rule.name, modelId: verifier, message: `"${rule.condition.source}" matched → ${verifier} verifies the answer` });
    return { modelId: verifier, reason: `global rule ${rule.name}: ${rule.condition.source}` };
  }
  return undefined;
}

/** The agent's first eligible cloud model, else the most capable eligible cloud model. */
function pickVerifier(run: DecisionRun, chosenId: string): string | undefined {
  for (const id of run.agent.fallbackOrder) {
    const model = run.compiled.models.get(id);
    if (model && usableVerifier(run, model, chosenId)) return id;
  }
  const fit = run.agent.capabilityFit;
  let best: CompiledModel | undefined;
  for (const model of run.compiled.models.values()) {
    if (usableVerifier(run, model, chosenId) && (!best || fit.get(model.id)! > fit.get(best.id)!)) best = model;
  }
  return best?.id;
}

function usableVerifier(run: DecisionRun, model: CompiledModel, chosenId: string): boolean {
  return model.id !== chosenId && model.type === 'cloud' && run.ineligible(model) === undefined;
}
