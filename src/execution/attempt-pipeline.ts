// One model's attempt, the pipeline every call shares (complete, stream, verification, races):
// gate (privacy, rate window, circuit breaker, adapter) → reserve the budget → call with retries
// (try-call.ts: each try under its own reservation, booked whenever its answer comes) → settle the
// actual cost. The router ends a try itself when the caller aborts, whatever the adapter does.
import { ProviderNotConfiguredError, RequestAbortedError, RequestRejectedError } from '../call-errors.js';
import { isPromiseLike } from '../maybe-promise.js';
import type { ProviderAdapter, ProviderRequest, ProviderResponse } from '../providers/provider.js';
import type { CompiledModel } from '../routing/compile-config.js';
import { releaseBudget, reserveBudget, settleBudget } from './budget-reservation.js';
import { skip, type AttemptOutcome, type CallContext } from './call-context.js';
import { isAbort, isHostError, isRejectedRequest, unavailableUntil } from './failures.js';
import { checkResponse } from './response-check.js';
import { callWithRetries, type Caller, type Lease, type TriedCall } from './try-call.js';
import { RACE_LOST } from './try-signal.js';

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
  // A ledger that answers at once is not awaited: no microtask hop between the reservation and the call.
  const reserving = reserveBudget(call, model, now);
  const budget = isPromiseLike(reserving) ? await reserving : reserving;
  if (!budget.ok) {
    deps.health.onCancel(model.id);
    skip(call, model.id, 'budget', budget.error);
    return { ok: false, budgetRefused: true };
  }
  const { reservation, maxTokens } = budget.reserved;
  if (deps.health.sharesState) {
    // Several instances: the shared store checks the model over all of them and counts the request in one step.
    const permit = await deps.health.acquireShared(model.id, deps.clock(), reservation.estimatedInput);
    if (!permit.allowed) {
      deps.health.onCancel(model.id);
      skip(call, model.id, permit.reason);
      await releaseBudget(call, reservation);
      return { ok: false, budgetRefused: false, retryAt: deps.clock() + permit.retryInMs };
    }
  } else {
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
  }
  // `model` first: on Node 20 a literal that adds properties after a leading spread (and any
  // property added to such a copy later) takes a slow path of about a microsecond each.
  const request: ProviderRequest =
    maxTokens === undefined ? { model: model.providerModelId, ...call.request } : { model: model.providerModelId, ...call.request, maxTokens };
  return { model, adapter, reservation, request, startedAt: deps.clock() };
}

/**
 * Ends an attempt whose tries all failed (each try freed or kept its own reservation) and says
 * whether the whole call ends here. An abort — the caller's, or ours when another model won a
 * race — says nothing of the model: no failure is recorded for it.
 */
export function failAttempt(call: CallContext, lease: Lease<Caller>, failed: Extract<TriedCall<unknown>, { ok: false }>, signal: AbortSignal | undefined): Refused {
  const { deps } = call;
  const { error } = failed;
  if (ProviderNotConfiguredError.isInstance(error)) return { ok: false, budgetRefused: false };
  if (isHostError(error)) return { ok: false, budgetRefused: false, fatal: error };
  if (isAbort(error) || signal?.aborted) {
    // A race this model lost: its attempt simply ends, and the race goes on without it.
    if (signal?.reason === RACE_LOST && !call.signal?.aborted) return { ok: false, budgetRefused: false };
    return { ok: false, budgetRefused: false, fatal: new RequestAbortedError(signal?.reason ?? error) };
  }
  deps.metrics.recordCall(lease.model.id, { ok: false, latencyMs: deps.clock() - lease.startedAt });
  // A malformed request fails at once: it is neither retried nor sent down the chain.
  if (isRejectedRequest(error)) return { ok: false, budgetRefused: false, fatal: new RequestRejectedError(call.decision.agentId, lease.model.id, call.attempts, error) };
  // A retry the budget refused counts as a budget refusal: the chain may degrade to a local model.
  const retryAt = unavailableUntil(deps, lease.model);
  return { ok: false, budgetRefused: failed.budgetRefused, ...(retryAt !== undefined ? { retryAt } : {}) };
}

/** `complete()` on one model: the whole pipeline. */
export async function completeOn(call: CallContext, model: CompiledModel, signal: AbortSignal | undefined = call.signal): Promise<AttemptOutcome<Served>> {
  const lease = await acquire(call, model);
  if (!('adapter' in lease)) return lease;
  const { adapter } = lease;
  const outcome = await callWithRetries(
    call,
    lease,
    signal,
    (trySignal) => adapter.complete(lease.request, trySignal.callOptions(adapter.honoursTimeoutMs)).then((value) => checkResponse(value, adapter.provider, model)),
    { unclaimed: (response) => response.usage },
  );
  if (!outcome.ok) return failAttempt(call, lease, outcome, signal);
  // Outside the try: a ledger that fails to book must not be mistaken for a failed call.
  const latencyMs = call.deps.clock() - lease.startedAt;
  const settling = settleBudget(call, model, lease.reservation, outcome.value.usage, latencyMs);
  const costMicros = isPromiseLike(settling) ? await settling : settling;
  return { ok: true, value: { response: outcome.value, modelId: model.id, costMicros, latencyMs } };
}
