// `router.execute()`: a call the host makes itself — through a framework's own model, an SDK the
// router has no adapter for — run under the router's decision and the same attempt pipeline as
// `complete()`: the fallback chain, retries with backoff and Retry-After, circuit breakers, rate
// windows and the budget reservation, settled with the usage the host reports.
import type { AttemptRecord } from '../call-errors.js';
import { InvalidArgumentError } from '../errors.js';
import { isPromiseLike } from '../maybe-promise.js';
import type { TokenUsage } from '../request/types.js';
import type { CompiledModel } from '../routing/compile-config.js';
import type { RoutingDecision } from '../routing/types.js';
import { microsToUsd } from '../state/cost-ledger.js';
import { acquire, failAttempt } from './attempt-pipeline.js';
import { callWithRetries, type Caller } from './try-call.js';
import { releaseBudget, settleBudget } from './budget-reservation.js';
import type { AttemptOutcome, CallContext } from './call-context.js';
import { walkChain } from './fallback-chain.js';
import { checkUsage } from './response-check.js';
import type { ModelInfo } from './types.js';

/** What the host's `attempt` is given, once per model tried. */
export interface ExecuteAttempt {
  /** The model to call (its key in models.yaml). */
  modelId: string;
  /** Its settings: provider, type, the provider's name for it, endpoint. */
  model: ModelInfo;
  decision: RoutingDecision;
  /** Aborts when the caller aborts or the router gives up on this try: pass it to the call. */
  signal: AbortSignal;
  /**
   * The output limit the budget reservation covers (a priced model always has one): send it with
   * the call, or the provider may bill past what was reserved.
   */
  maxOutputTokens: number | undefined;
  /**
   * The router's token estimator (the one `createRouter` was given): for a call whose provider
   * reports no usage, count what was sent and received with it.
   */
  estimateTokens: (text: string) => number;
}

/**
 * What `attempt` returns: its value, and the usage the provider reported — now, or as a promise
 * for a stream whose usage is known only at its end (the call is settled then).
 */
export interface ExecuteAttemptResult<T> {
  value: T;
  usage: TokenUsage | PromiseLike<TokenUsage>;
}

export interface ExecuteResult<T> {
  value: T;
  /** The model that served (not the decision's after a fallback). */
  modelId: string;
  decision: RoutingDecision;
  attempts: AttemptRecord[];
  usedFallback: boolean;
  /** Resolves once the usage is known and booked: what was used and what it cost. */
  settled: Promise<{ usage: TokenUsage; costUsd: number }>;
}

export type ExecuteFn<T> = (attempt: ExecuteAttempt) => Promise<ExecuteAttemptResult<T>>;

interface Served<T> {
  value: T;
  settled: Promise<{ usage: TokenUsage; costUsd: number }>;
}

/** Runs `attempt` down the decision's chain until one model serves. */
export async function executeCall<T>(call: CallContext, attempt: ExecuteFn<T>): Promise<ExecuteResult<T>> {
  if (typeof attempt !== 'function') throw new InvalidArgumentError('attempt', 'expected a function ({ modelId, model, decision, signal }) => Promise<{ value, usage }>');
  const { value, modelId } = await walkChain(call, (model) => executeOn(call, model, attempt));
  call.deps.metrics.recordServed(call.decision, modelId);
  return { value: value.value, modelId, decision: call.decision, attempts: call.attempts, usedFallback: modelId !== call.decision.modelId, settled: value.settled };
}

async function executeOn<T>(call: CallContext, model: CompiledModel, attempt: ExecuteFn<T>): Promise<AttemptOutcome<Served<T>>> {
  const host: Caller = { provider: model.provider };
  const lease = await acquire(call, model, () => host);
  if (!('adapter' in lease)) return lease;
  const info: ModelInfo = { id: model.id, provider: model.provider, type: model.type, providerModelId: model.providerModelId, endpoint: model.config.endpoint };
  const maxOutputTokens = lease.request.maxTokens;
  const estimateTokens = (text: string) => call.deps.tokenEstimator.estimate(text);
  // The try's signal outlives the attempt while a stream's usage is pending: the caller's abort
  // still reaches the host's stream.
  // A host call that answers after its try was given up is booked with the usage it reports.
  const outcome = await callWithRetries(call, lease, call.signal, (trySignal) => attempt({ modelId: model.id, model: info, decision: call.decision, signal: trySignal.signal, maxOutputTokens, estimateTokens }), {
    keepSignal: true,
    unclaimed: (returned) => returned.usage,
  });
  if (!outcome.ok) return failAttempt(call, lease, outcome, call.signal);
  const { deps } = call;
  const release = () => outcome.signal?.dispose();
  const returned: unknown = outcome.value;
  // The host's own `usage` only: none planted on Object.prototype is taken for it.
  if (typeof returned !== 'object' || returned === null || !Object.hasOwn(returned, 'usage')) {
    // The host's code is wrong, not the model: no other model would do better.
    release();
    await releaseBudget(call, lease.reservation);
    return { ok: false, budgetRefused: false, fatal: new InvalidArgumentError('attempt', `the attempt for ${model.id} must return { value, usage }`) };
  }
  const bad = (why: string) => new InvalidArgumentError('usage', `the attempt for ${model.id} reported ${why}`);
  const settle = async (usage: TokenUsage) => {
    let checked: TokenUsage;
    try {
      checked = checkUsage(usage, bad);
    } catch (error) {
      // A host that reports no usable counts is booked what was reserved for it, then told.
      const reserved = { inputTokens: lease.reservation.estimatedInput, outputTokens: maxOutputTokens ?? call.decision.estimatedTokens.output };
      await settleBudget(call, model, lease.reservation, reserved, deps.clock() - lease.startedAt);
      throw error;
    }
    const costMicros = await settleBudget(call, model, lease.reservation, checked, deps.clock() - lease.startedAt);
    return { usage: checked, costUsd: microsToUsd(costMicros) };
  };
  const { usage } = outcome.value;
  if (!isPromiseLike(usage)) {
    release();
    return { ok: true, value: { value: outcome.value.value, settled: Promise.resolve(await settle(usage)) } };
  }
  // A stream's usage comes at its end. If it never does, the input that was estimated is booked:
  // the provider read the prompt either way.
  const settled = Promise.resolve(usage)
    .then(settle, async (error: unknown) => {
      deps.health.onFailure(model.id, deps.clock());
      await settle({ inputTokens: lease.reservation.estimatedInput, outputTokens: 0 });
      throw error;
    })
    .finally(release);
  // Nobody may be listening to `settled`; a failed stream is reported where it is consumed.
  settled.catch(() => {});
  return { ok: true, value: { value: outcome.value.value, settled } };
}
