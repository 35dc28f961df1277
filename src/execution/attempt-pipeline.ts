// One model's attempt, the pipeline every call shares (complete, stream, verification, races):
// gate (privacy, rate window, circuit breaker, adapter) → reserve the budget → call with retries
// → settle the actual cost, or release the reservation. The router ends a try itself when the
// caller aborts, whatever the adapter does with its signal.
import { ProviderError, ProviderNotConfiguredError, RequestAbortedError, RequestRejectedError } from '../call-errors.js';
import { RouterError } from '../errors.js';
import type { ProviderAdapter, ProviderRequest, ProviderResponse } from '../providers/provider.js';
import type { CompiledModel } from '../routing/compile-config.js';
import { bookUnreserved, releaseBudget, reserveBudget, settleBudget, type Reservation } from './budget-reservation.js';
import { skip, type AttemptOutcome, type CallContext } from './call-context.js';
import { isAbort, isRejectedRequest, noteFailedTry, toProviderError, unavailableUntil } from './failures.js';
import { checkResponse } from './response-check.js';
import { withRetries } from './retry-policy.js';
import { TrySignal } from './try-signal.js';

/** Whoever makes the call: a provider adapter, or the host itself (`router.execute`). */
export type Caller = { readonly provider: string };

/** A model cleared to be called: who calls it, its reservation, and when the attempt began. */
export interface Lease<A extends Caller = ProviderAdapter> {
  model: CompiledModel;
  adapter: A;
  reservation: Reservation;
  request: ProviderRequest;
  startedAt: number;
}

export interface Served {
  response: ProviderResponse;
  modelId: string;
  costMicros: number;
  latencyMs: number;
}

type Refused = Extract<AttemptOutcome<never>, { ok: false }>;

/**
 * The gate and the reservation. Every way out that does not call the model records why and frees
 * what it took. `callerFor` finds who makes the call (by default the model's provider adapter).
 */
export async function acquire<A extends Caller = ProviderAdapter>(
  call: CallContext,
  model: CompiledModel,
  callerFor: (model: CompiledModel) => A = call.deps.adapterFor as unknown as (model: CompiledModel) => A,
): Promise<Lease<A> | Refused> {
  const { deps, decision } = call;
  if (decision.localOnly && model.type !== 'local') {
    // The decision never lists such a model; refuse defensively rather than leak.
    skip(call, model.id, 'privacy');
    return { ok: false, budgetRefused: false };
  }
  const now = deps.clock();
  const rate = deps.health.rateLimited(model.id, now);
  if (rate.limited) {
    skip(call, model.id, 'rate_limited');
    return { ok: false, budgetRefused: false, ...(rate.availableAt !== undefined ? { retryAt: rate.availableAt } : {}) };
  }
  // Claims the single half-open trial when the circuit is half-open; released on every path below.
  const permit = deps.health.tryAcquire(model.id, now);
  if (!permit.allowed) {
    skip(call, model.id, (permit.reason ?? 'circuit_open') as 'circuit_open');
    return { ok: false, budgetRefused: false, ...(permit.retryAt !== undefined ? { retryAt: permit.retryAt } : {}) };
  }
  // Every way out from here frees the permit (a half-open trial included), also when the ledger throws.
  try {
    return await reserveAndCount(call, model, callerFor, now);
  } catch (error) {
    deps.health.onCancel(model.id);
    throw error;
  }
}

async function reserveAndCount<A extends Caller>(call: CallContext, model: CompiledModel, callerFor: (model: CompiledModel) => A, now: number): Promise<Lease<A> | Refused> {
  const { deps } = call;
  let adapter: A;
  try {
    adapter = callerFor(model);
  } catch (error) {
    deps.health.onCancel(model.id);
    skip(call, model.id, 'no_provider', error);
    return { ok: false, budgetRefused: false };
  }
  const budget = await reserveBudget(call, model, now);
  if (!budget.ok) {
    deps.health.onCancel(model.id);
    skip(call, model.id, 'budget', budget.error);
    return { ok: false, budgetRefused: true };
  }
  const { reservation, maxTokens } = budget.reserved;
  if (reservation.id !== undefined) {
    // Other calls ran while the ledger was awaited: check the window again and count this request
    // in the same synchronous step, or concurrent calls all pass the check before any is counted.
    const again = deps.health.rateLimited(model.id, deps.clock());
    if (again.limited) {
      deps.health.onCancel(model.id);
      skip(call, model.id, 'rate_limited');
      await releaseBudget(call, reservation);
      return { ok: false, budgetRefused: false, ...(again.availableAt !== undefined ? { retryAt: again.availableAt } : {}) };
    }
  }
  deps.health.recordRequest(model.id, now, reservation.estimatedInput);
  const request: ProviderRequest = { ...call.request, model: model.providerModelId };
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  return { model, adapter, reservation, request, startedAt: deps.clock() };
}

export interface RetryCallOptions {
  /** Keep the successful try's signal alive for the caller (a stream reads on after opening). */
  keepSignal?: boolean;
}

/**
 * Runs `invoke` with retries under `lease`, recording each try and its effect on the breaker. Each
 * try gets its own signal, which aborts with the caller's and when the try runs past the model's
 * timeout — a timed-out try is a retryable `timeout` failure, whatever the adapter did.
 */
export async function callWithRetries<T>(
  call: CallContext,
  lease: Lease<Caller>,
  signal: AbortSignal | undefined,
  invoke: (signal: AbortSignal) => Promise<T>,
  options: RetryCallOptions = {},
): Promise<{ ok: true; value: T; signal: TrySignal | undefined } | { ok: false; error: unknown }> {
  const { deps } = call;
  const { model } = lease;
  const timeoutMs = model.timeoutMs ?? deps.timeouts.attemptMs;
  let tryNumber = 0;
  let kept: TrySignal | undefined;
  const once = async () => {
    tryNumber += 1;
    // A retry is a new request for the rate window.
    if (tryNumber > 1) deps.health.recordRequest(model.id, deps.clock(), 0);
    const t0 = deps.clock();
    const trySignal = new TrySignal(signal, timeoutMs);
    try {
      const value = await trySignal.race(invoke(trySignal.signal), endedTry(trySignal, lease, timeoutMs));
      deps.health.onSuccess(model.id, deps.clock());
      call.attempts.push({ modelId: model.id, attempt: tryNumber, ok: true, durationMs: deps.clock() - t0 });
      if (options.keepSignal) {
        trySignal.restart(Number.POSITIVE_INFINITY);
        kept = trySignal;
      } else trySignal.dispose();
      return value;
    } catch (thrown) {
      trySignal.dispose();
      if (ProviderNotConfiguredError.isInstance(thrown)) {
        // The host cannot call this model (`router.execute` without a client for it): a skip, not a failure.
        deps.health.onCancel(model.id);
        skip(call, model.id, 'no_provider', thrown);
        throw thrown;
      }
      if (isHostError(thrown)) {
        // The host's own code refused (a RouterError that is no provider failure): not the model's
        // fault, and no other model would fare better. It ends the call as it is.
        deps.health.onCancel(model.id);
        call.attempts.push({ modelId: model.id, attempt: tryNumber, ok: false, durationMs: deps.clock() - t0, error: thrown });
        throw thrown;
      }
      const error = toProviderError(thrown, lease.adapter.provider, model, signal);
      call.attempts.push({ modelId: model.id, attempt: tryNumber, ok: false, durationMs: deps.clock() - t0, error });
      noteFailedTry(deps, model, error);
      throw error;
    }
  };
  try {
    return { ok: true, value: await withRetries(call, model, signal, once), signal: kept };
  } catch (error) {
    kept?.dispose();
    return { ok: false, error };
  }
}

/** Ends an attempt that failed: frees its reservation and says whether the whole call ends here. */
export async function failAttempt(call: CallContext, lease: Lease<Caller>, error: unknown, signal: AbortSignal | undefined): Promise<Refused> {
  const { deps } = call;
  await releaseBudget(call, lease.reservation);
  if (ProviderNotConfiguredError.isInstance(error)) return { ok: false, budgetRefused: false };
  if (isHostError(error)) return { ok: false, budgetRefused: false, fatal: error };
  // An abort — the caller's, or ours when another model won a race — says nothing of the model.
  if (isAbort(error) || signal?.aborted) return { ok: false, budgetRefused: false, fatal: new RequestAbortedError(signal?.reason ?? error) };
  deps.metrics.recordCall(lease.model.id, { ok: false, latencyMs: deps.clock() - lease.startedAt });
  // A malformed request fails at once: it is neither retried nor sent down the chain.
  if (isRejectedRequest(error)) return { ok: false, budgetRefused: false, fatal: new RequestRejectedError(call.decision.agentId, lease.model.id, call.attempts, error) };
  const retryAt = unavailableUntil(deps, lease.model);
  return { ok: false, budgetRefused: false, ...(retryAt !== undefined ? { retryAt } : {}) };
}

/** `complete()` on one model: the whole pipeline. */
export async function completeOn(call: CallContext, model: CompiledModel, signal: AbortSignal | undefined = call.signal): Promise<AttemptOutcome<Served>> {
  const lease = await acquire(call, model);
  if (!('adapter' in lease)) return lease;
  const { adapter } = lease;
  const { deps } = call;
  // An answer can land after the router stopped waiting for its try (the caller aborted, the try
  // timed out): the provider served it and will bill it, so it is booked either way — against the
  // reservation when it is the call's answer, directly when its try was already given up.
  let answered: ProviderResponse | undefined;
  let released = false;
  const bookLate = (response: ProviderResponse) =>
    bookUnreserved(call, model, response.usage).catch((error: unknown) => deps.warn(`a late answer from ${model.id} could not be booked`, error));
  const outcome = await callWithRetries(call, lease, signal, (trySignal) =>
    adapter.complete(lease.request, { signal: trySignal }).then((value) => {
      const response = checkResponse(value, adapter.provider, model);
      if (released || trySignal.aborted) void bookLate(response);
      else answered = response;
      return response;
    }),
  );
  if (!outcome.ok) {
    if (answered === undefined) {
      released = true;
      return failAttempt(call, lease, outcome.error, signal);
    }
    await settleBudget(call, model, lease.reservation, answered.usage, deps.clock() - lease.startedAt);
    return { ok: false, budgetRefused: false, fatal: new RequestAbortedError(signal?.reason ?? outcome.error) };
  }
  // Outside the try: a ledger that fails to book must not be mistaken for a failed call.
  const latencyMs = deps.clock() - lease.startedAt;
  const costMicros = await settleBudget(call, model, lease.reservation, outcome.value.usage, latencyMs);
  return { ok: true, value: { response: outcome.value, modelId: model.id, costMicros, latencyMs } };
}

/** A router error the host's own code threw inside an attempt: anything but a provider failure or an abort. */
function isHostError(error: unknown): boolean {
  return RouterError.isInstance(error) && !ProviderError.isInstance(error) && !RequestAbortedError.isInstance(error) && !ProviderNotConfiguredError.isInstance(error);
}

/** Why a try's signal ended it: it timed out (retryable), or the caller aborted. */
export function endedTry(trySignal: TrySignal, lease: Lease<Caller>, timeoutMs: number): () => ProviderError {
  const context = { provider: lease.adapter.provider, modelId: lease.model.id };
  return () =>
    trySignal.timedOut
      ? new ProviderError(`Call to ${lease.model.id} timed out after ${timeoutMs} ms`, { ...context, kind: 'timeout', retryable: true })
      : new ProviderError(`Call to ${lease.model.id} aborted`, { ...context, kind: 'abort', retryable: false, cause: trySignal.signal.reason });
}
