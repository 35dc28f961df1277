// The fallback chain: the decision's model, then its fallbacks, each through the attempt pipeline
// until one serves. When budget refusals stopped the cloud models, the chain degrades to local
// models (that can serve the request) before it gives up; `parallel_requests` races the first two.
import { BudgetExceededError } from '../errors.js';
import { AllModelsFailedError, RequestAbortedError } from '../call-errors.js';
import { missingFeature, requestFeatures } from '../request/request-features.js';
import type { CompiledModel } from '../routing/compile-config.js';
import type { AttemptOutcome, CallContext } from './call-context.js';

export type Attempt<T> = (model: CompiledModel) => Promise<AttemptOutcome<T>>;
/** Races several models; either the winner or every loser's outcome. */
export type Hedge<T> = (models: CompiledModel[]) => Promise<{ winner: T; modelId: string } | { outcomes: AttemptOutcome<T>[] }>;

export async function walkChain<T>(call: CallContext, attempt: Attempt<T>, hedge?: Hedge<T>): Promise<{ value: T; modelId: string }> {
  const { deps, decision, signal } = call;
  const chain = [decision.modelId, ...decision.fallbacks];
  const tried = new Set<string>();
  const retryAts: number[] = [];
  let budgetRefusals = 0;
  let otherFailures = 0;
  const note = (outcome: AttemptOutcome<T>) => {
    if (outcome.ok) return;
    if (outcome.fatal) throw outcome.fatal;
    if (outcome.retryAt !== undefined) retryAts.push(outcome.retryAt);
    if (outcome.budgetRefused) budgetRefusals++;
    else otherFailures++;
  };
  let index = 0;
  if (hedge && chain.length > 1) {
    const models = chain.slice(0, 2).map((id) => deps.compiled.models.get(id)!);
    models.forEach((m) => tried.add(m.id));
    const raced = await hedge(models);
    if ('winner' in raced) return { value: raced.winner, modelId: raced.modelId };
    raced.outcomes.forEach(note);
    index = 2;
  }
  for (; index < chain.length || (budgetRefusals > 0 && index === chain.length); index++) {
    if (index === chain.length) {
      // Every cloud model was over budget: degrade to local models before refusing.
      const extra = localDegradation(call, new Set([...chain, ...tried]));
      if (extra.length === 0) break;
      chain.push(...extra);
    }
    if (signal?.aborted) throw new RequestAbortedError(signal.reason);
    const modelId = chain[index]!;
    if (tried.has(modelId)) continue;
    tried.add(modelId);
    const outcome = await attempt(deps.compiled.models.get(modelId)!);
    if (outcome.ok) return { value: outcome.value, modelId };
    note(outcome);
  }
  throw failure(call, retryAts, budgetRefusals > 0 && otherFailures === 0);
}

/** Local models not tried yet that can take the request, unless the decision must stay in the cloud. */
function localDegradation(call: CallContext, tried: ReadonlySet<string>): string[] {
  const { decision, deps } = call;
  if (decision.cloudOnly) return [];
  const requires = requestFeatures(call.request);
  const out: string[] = [];
  for (const model of deps.compiled.models.values()) {
    if (model.type !== 'local' || tried.has(model.id) || missingFeature(model.supports, requires)) continue;
    if (model.contextWindow !== undefined && decision.estimatedTokens.input + (call.request.maxTokens ?? 0) > model.contextWindow) continue;
    out.push(model.id);
  }
  return out;
}

function failure(call: CallContext, retryAts: number[], budgetOnly: boolean): Error {
  if (budgetOnly) {
    const refusal = call.attempts.find((a) => a.skipped === 'budget')?.error;
    if (BudgetExceededError.isInstance(refusal)) return refusal;
  }
  const retryAt = retryAts.length > 0 ? Math.min(...retryAts) : undefined;
  return new AllModelsFailedError(call.decision.agentId, call.attempts, retryAt);
}
