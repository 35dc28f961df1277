// The tries of one model's call, shared by `complete()`, `stream()` and `execute()`: retries with
// backoff, a per-try signal that ends the try on the caller's abort and on the model's timeout, and
// the money of every try. Each try is covered by its own budget reservation, kept until its
// provider call settles: a try the router gave up on (timed out, aborted, lost a race) may still be
// answered and billed, and its answer is then booked against that reservation — never unreserved,
// never silently — while a retry runs under a reservation of its own.
import { ProviderError, ProviderNotConfiguredError, type AttemptRecord } from '../call-errors.js';
import type { BudgetExceededError } from '../errors.js';
import type { ProviderAdapter, ProviderRequest } from '../providers/provider.js';
import type { TokenUsage } from '../request/types.js';
import type { CompiledModel } from '../routing/compile-config.js';
import { releaseBudget, reserveRetry, settleBudget, type Reservation } from './budget-reservation.js';
import { skip, type CallContext } from './call-context.js';
import { isHostError, noteFailedTry, toProviderError } from './failures.js';
import { checkUsage } from './response-check.js';
import { withRetries } from './retry-policy.js';
import { RACE_LOST, TrySignal } from './try-signal.js';

/** Whoever makes the call: a provider adapter, or the host itself (`router.execute`). */
export type Caller = { readonly provider: string };

/** A model cleared to be called: who calls it, its reservation, and when the attempt began. */
export interface Lease<A extends Caller = ProviderAdapter> {
  model: CompiledModel;
  adapter: A;
  /** The first try's reservation; once a try answered, that try's (what the call settles against). */
  reservation: Reservation;
  request: ProviderRequest;
  startedAt: number;
}

export interface TryOptions<T> {
  /** Keep the successful try's signal alive for the caller (a stream reads on after opening). */
  keepSignal?: boolean;
  /**
   * An answer nobody takes — it came after its try was given up, or as the caller aborted: close
   * what it holds open (a stream), and say what it used, now or once known. It is booked against
   * its try's reservation; when its usage cannot be had, the estimated input is booked.
   */
  unclaimed: (value: T) => TokenUsage | PromiseLike<TokenUsage>;
}

export type TriedCall<T> =
  | { ok: true; value: T; signal: TrySignal | undefined }
  /** `budgetRefused`: a retry was due but the budget could not cover it (`error` is the last try's). */
  | { ok: false; error: unknown; budgetRefused: boolean };

/** Thrown out of p-retry to stop retrying: the budget refused a retry, or the ledger failed. */
class StopRetrying extends Error {
  constructor(
    readonly refused: BudgetExceededError | undefined,
    readonly ledgerError?: { error: unknown },
  ) {
    super('stop retrying');
  }
}

/**
 * Runs `invoke` with retries under `lease`, recording each try and its effect on the breaker. Each
 * try gets its own signal, which aborts with the caller's and when the try runs past the model's
 * timeout — a timed-out try is a retryable `timeout` failure, whatever the adapter did — and its
 * own reservation: released when its call fails, booked when it answers, whenever that is. On
 * success `lease.reservation` is the answering try's, for the caller to settle.
 */
export async function callWithRetries<T>(
  call: CallContext,
  lease: Lease<Caller>,
  signal: AbortSignal | undefined,
  /** Makes the provider call of one try; `trySignal.signal` (or `callOptions`) is what it is given to stop by. */
  invoke: (trySignal: TrySignal) => Promise<T>,
  options: TryOptions<T>,
): Promise<TriedCall<T>> {
  const { deps } = call;
  const { model } = lease;
  const timeoutMs = model.timeoutMs ?? deps.timeouts.attemptMs;
  const first = lease.reservation;
  let tryNumber = 0;
  let kept: TrySignal | undefined;
  let lastError: unknown;
  /** The try that answered in time: its value is the call's unless the call ends anyway (an abort as it came). */
  let answered: { value: T; reservation: Reservation; startedAt: number } | undefined;

  /** Books an answer nobody takes against its try's reservation; out of any caller's sight, so a failure is logged. */
  const bookUnclaimed = (value: T, reservation: Reservation, startedAt: number) => {
    const booking = (async () => {
      let usage: TokenUsage;
      try {
        usage = checkUsage(await options.unclaimed(value), (why) => new Error(why));
      } catch {
        // What it used is unknown: the provider read the prompt, at least.
        usage = { inputTokens: reservation.estimatedInput, outputTokens: 0 };
      }
      await settleBudget(call, model, reservation, usage, deps.clock() - startedAt);
    })();
    booking.catch((error: unknown) => deps.warn(`a late answer from ${model.id} could not be booked`, error));
  };
  /**
   * The router stopped waiting, the provider call goes on. A try that timed out or lost a race keeps
   * its reservation until the call settles: what it may still bill stays covered. A caller who
   * aborted is done with the call: its reservation goes now, and an answer that comes anyway is
   * booked uncovered, reported as an overrun.
   */
  const keepUntilSettled = (settlement: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>, reservation: Reservation, startedAt: number) => {
    if (call.signal?.aborted) {
      void release(reservation);
      reservation = { id: undefined, estimateMicros: 0, estimatedInput: reservation.estimatedInput };
    }
    void settlement.then((late) => (late.ok ? bookUnclaimed(late.value, reservation, startedAt) : release(reservation)));
  };
  const release = (reservation: Reservation) => releaseBudget(call, reservation).catch((error: unknown) => deps.warn(`a reservation for ${model.id} could not be released`, error));

  const once = async () => {
    tryNumber += 1;
    let reservation = first;
    if (tryNumber > 1) {
      reservation = await reserveFor(call, model, first);
      // A retry is a new request for the rate window, and sends the prompt again.
      deps.health.recordRequest(model.id, deps.clock(), reservation.estimatedInput);
    }
    const t0 = deps.clock();
    // A race's signal (not the caller's) is the router's own: an adapter may be handed it as it is.
    const trySignal = new TrySignal(signal, timeoutMs, signal !== undefined && signal !== call.signal);
    // How the provider call ends, whenever it does; it never rejects (a thrown adapter included).
    // Not `new Promise((resolve) => resolve(invoke(...)))`: resolving with a promise costs two more
    // microtask hops on every call.
    let called: Promise<T>;
    try {
      called = Promise.resolve(invoke(trySignal));
    } catch (error) {
      called = Promise.reject(error);
    }
    const settlement = called.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    let endedFirst = true;
    try {
      const outcome = await trySignal.race(settlement, endedTry(trySignal, lease, timeoutMs));
      endedFirst = false;
      if (!outcome.ok) {
        await release(reservation);
        throw outcome.error;
      }
      deps.health.onSuccess(model.id, deps.clock());
      call.attempts.push({ modelId: model.id, provider: model.provider, providerModelId: model.providerModelId, attempt: tryNumber, ok: true, startedAt: t0, durationMs: deps.clock() - t0 });
      answered = { value: outcome.value, reservation, startedAt: t0 };
      if (options.keepSignal) {
        trySignal.restart(Number.POSITIVE_INFINITY);
        kept = trySignal;
      } else trySignal.dispose();
      return outcome.value;
    } catch (thrown) {
      trySignal.dispose();
      if (endedFirst) keepUntilSettled(settlement, reservation, t0);
      lastError = classify(call, lease, tryNumber, t0, thrown, signal);
      // A cooldown or an opened circuit is written to the shared store before the call moves on,
      // so another instance asked after this call sees it.
      const shared = deps.health.flushed();
      if (shared) await shared;
      throw lastError;
    }
  };

  try {
    const value = await withRetries(call, model, signal, once);
    lease.reservation = answered!.reservation;
    return { ok: true, value, signal: kept };
  } catch (error) {
    kept?.dispose();
    // A try answered, but the call ended as it came (the caller aborted): what it used is booked.
    if (answered) bookUnclaimed(answered.value, answered.reservation, answered.startedAt);
    if (error instanceof StopRetrying) {
      if (error.ledgerError) throw error.ledgerError.error;
      return { ok: false, error: lastError, budgetRefused: true };
    }
    return { ok: false, error, budgetRefused: false };
  }
}

/** A retry's reservation, or why there is none: the budget refused it (a `budget` skip) or the ledger failed. */
async function reserveFor(call: CallContext, model: CompiledModel, first: Reservation): Promise<Reservation> {
  let renewed: Awaited<ReturnType<typeof reserveRetry>>;
  try {
    renewed = await reserveRetry(call, model, first, call.deps.clock());
  } catch (error) {
    throw new StopRetrying(undefined, { error });
  }
  if (renewed.ok) return renewed.reservation;
  skip(call, model.id, 'budget', renewed.error);
  throw new StopRetrying(renewed.error);
}

/** Records a failed try and gives the error it ends with: the host's own, or a `ProviderError`. */
function classify(call: CallContext, lease: Lease<Caller>, tryNumber: number, t0: number, thrown: unknown, signal: AbortSignal | undefined): unknown {
  const { deps } = call;
  const { model } = lease;
  if (ProviderNotConfiguredError.isInstance(thrown)) {
    // The host cannot call this model (`router.execute` without a client for it): a skip, not a failure.
    deps.health.onCancel(model.id);
    skip(call, model.id, 'no_provider', thrown);
    return thrown;
  }
  if (isHostError(thrown)) {
    // The host's own code refused (a RouterError that is no provider failure): not the model's
    // fault, and no other model would fare better. It ends the call as it is.
    deps.health.onCancel(model.id);
    call.attempts.push({ modelId: model.id, provider: model.provider, providerModelId: model.providerModelId, attempt: tryNumber, ok: false, startedAt: t0, durationMs: deps.clock() - t0, error: thrown });
    return thrown;
  }
  const error = toProviderError(thrown, lease.adapter.provider, model, signal);
  const record: AttemptRecord = { modelId: model.id, provider: model.provider, providerModelId: model.providerModelId, attempt: tryNumber, ok: false, startedAt: t0, durationMs: deps.clock() - t0, error };
  if (error.cause === RACE_LOST) record.raceLost = true;
  call.attempts.push(record);
  noteFailedTry(deps, model, error);
  return error;
}

/** Why a try's signal ended it: it timed out (retryable), or the caller aborted. */
export function endedTry(trySignal: TrySignal, lease: Lease<Caller>, timeoutMs: number): () => ProviderError {
  return () => {
    const context = { provider: lease.adapter.provider, modelId: lease.model.id };
    if (trySignal.timedOut) return new ProviderError(`Call to ${lease.model.id} timed out after ${timeoutMs} ms`, { ...context, kind: 'timeout', retryable: true });
    const reason = trySignal.endReason;
    if (reason === RACE_LOST) return raceLost(lease.model, lease.adapter.provider);
    return new ProviderError(`Call to ${lease.model.id} aborted`, { ...context, kind: 'abort', retryable: false, cause: reason });
  };
}

/** One error per model for every race it lost: nothing is allocated for a loser. */
const lostRaces = new WeakMap<CompiledModel, ProviderError>();
function raceLost(model: CompiledModel, provider: string): ProviderError {
  let error = lostRaces.get(model);
  if (error?.provider !== provider) {
    // Shared by every call's attempts: frozen, so no caller can change what another reads.
    const made = new ProviderError(`Call to ${model.id} aborted: another model answered first`, { provider, modelId: model.id, kind: 'abort', retryable: false, cause: RACE_LOST });
    Object.freeze(made);
    lostRaces.set(model, made);
    error = made;
  }
  return error;
}
