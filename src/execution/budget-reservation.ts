// Budget reservation around one model's call: reserve the estimated cost before it (refused when
// the daily budget could not cover it), one reservation per try (a retry reserves again), then
// settle each try's actual cost — whenever its answer comes — or release the reservation when its
// call fails. Money is integer micro-dollars, through the ledger's helpers. A ledger that answers at
// once (the in-memory one) is worked with synchronously: each step returns a value, or a promise when
// the ledger gave one, and is called only from async code, which turns a throw into a rejection.
import { BudgetExceededError } from '../errors.js';
import { thenMaybe, type MaybePromise } from '../maybe-promise.js';
import type { TokenUsage } from '../request/types.js';
import type { CompiledModel } from '../routing/compile-config.js';
import { ledgerDay, microsToUsd, usdToMicros, type ReserveRequest } from '../state/cost-ledger.js';
import type { CallContext, ExecutorDeps } from './call-context.js';

export interface Reservation {
  /** The ledger's id, when something was reserved (free calls reserve nothing). */
  id: string | undefined;
  estimateMicros: number;
  /** Input tokens counted in the rate window when the call started. */
  estimatedInput: number;
}

/** What a call of `model` costs for the given tokens, in micro-dollars. */
export function callCostMicros(model: CompiledModel, inputTokens: number, outputTokens: number): number {
  return usdToMicros(inputTokens * model.inputPrice + outputTokens * model.outputPrice);
}

/**
 * Input is reserved with this margin over the router's own estimate: a token estimate from
 * characters runs low on code and non-Latin text, and the reservation must cover what the
 * provider will bill. A count the task states (`estimated_tokens`) is trusted as it is.
 */
export const INPUT_RESERVATION_MARGIN = 1.25;
/** A priced call whose remaining budget affords fewer output tokens than this is refused (or degraded to local). */
export const MIN_USEFUL_OUTPUT_TOKENS = 64;

/**
 * The output limit a call is sent with. A priced model's call always carries one — the least of the
 * caller's `maxTokens`, the model's own limit and the configured default — so that its reservation
 * covers the most it can cost. A free model keeps the caller's limit, if any.
 */
export function outputLimit(call: CallContext, model: CompiledModel): number | undefined {
  const requested = call.request.maxTokens;
  if (!isPriced(model)) return requested;
  const limit = model.maxOutputTokens ?? call.deps.compiled.defaults.maxOutputTokens;
  return requested === undefined ? limit : Math.min(requested, limit);
}

export function isPriced(model: CompiledModel): boolean {
  return model.inputPrice > 0 || model.outputPrice > 0;
}

export interface Reserved {
  reservation: Reservation;
  /** The output limit the reservation covers: what the call must be sent with. */
  maxTokens: number | undefined;
}

/**
 * Reserves the most the call can cost: the input on a conservative estimate and the whole output
 * limit. When the budget cannot cover that, the limit shrinks to what the rest of the budget
 * affords — refused when that is too small to be useful, so the chain degrades to a local model.
 */
export type BudgetReserved = { ok: true; reserved: Reserved } | { ok: false; error: BudgetExceededError | undefined };

export function reserveBudget(call: CallContext, model: CompiledModel, now: number): MaybePromise<BudgetReserved> {
  const { decision } = call;
  const estimatedInput = decision.estimatedTokens.input;
  let maxTokens = outputLimit(call, model);
  if (!isPriced(model)) return { ok: true, reserved: { reservation: { id: undefined, estimateMicros: 0, estimatedInput }, maxTokens } };
  const reservedInput = decision.estimatedTokens.inputGiven ? estimatedInput : Math.ceil(estimatedInput * INPUT_RESERVATION_MARGIN);
  const settled = (result: ReserveOutcome): BudgetReserved => {
    if (!result.ok) return { ok: false, error: refusal(call, result) };
    return { ok: true, reserved: { reservation: { id: result.reservationId, estimateMicros: result.amountMicros, estimatedInput }, maxTokens } };
  };
  return thenMaybe(reserveMicros(call, model, callCostMicros(model, reservedInput, maxTokens!), now), (result) => {
    if (!result.ok && (result.limit === 'global' || result.limit === 'agent')) {
      // What the rest of the budget affords after the input, once: a second refusal (the other limit,
      // or concurrent calls taking the rest meanwhile) ends it.
      const affordable = affordableOutput(model, reservedInput, result.limitMicros - result.usedMicros, maxTokens!);
      if (affordable >= Math.min(MIN_USEFUL_OUTPUT_TOKENS, maxTokens!) && affordable < maxTokens!) {
        maxTokens = affordable;
        return thenMaybe(reserveMicros(call, model, callCostMicros(model, reservedInput, maxTokens), now), settled);
      }
    }
    return settled(result);
  });
}

/**
 * A retry's own reservation, for as much as the first try's: the try before it may still be
 * answered (and billed) late, so it keeps its own. Refused when the budget cannot cover both.
 */
export async function reserveRetry(call: CallContext, model: CompiledModel, first: Reservation, now: number): Promise<{ ok: true; reservation: Reservation } | { ok: false; error: BudgetExceededError | undefined }> {
  if (first.id === undefined) return { ok: true, reservation: { ...first } };
  const result = await reserveMicros(call, model, first.estimateMicros, now);
  if (!result.ok) return { ok: false, error: refusal(call, result) };
  return { ok: true, reservation: { id: result.reservationId, estimateMicros: result.amountMicros, estimatedInput: first.estimatedInput } };
}

type ReserveOutcome =
  | { ok: true; reservationId: string; amountMicros: number }
  | { ok: false; limit: 'global' | 'agent' | 'unpriceable'; usedMicros: number; limitMicros: number; amountMicros: number }
  | { ok: false; limit: 'unavailable'; reason: string; amountMicros: number };

/** Asks the ledger for `amountMicros` under the call's global and agent limits. */
function reserveMicros(call: CallContext, model: CompiledModel, amountMicros: number, now: number): MaybePromise<ReserveOutcome> {
  const { deps, decision } = call;
  if (!Number.isFinite(amountMicros)) return { ok: false, limit: 'unpriceable', usedMicros: 0, limitMicros: 0, amountMicros };
  const agent = deps.compiled.agents.get(decision.agentId);
  // Every field the ledger may read is the request's own, a limit undefined when there is none (no
  // spreads: they make the literal take a slow path): a ledger never reads one through Object.prototype.
  const request: ReserveRequest = {
    day: ledgerDay(now),
    agentId: decision.agentId,
    modelId: model.id,
    amountMicros,
    limitMicros: decision.budgetUsd !== undefined ? usdToMicros(decision.budgetUsd) : undefined,
    agentLimitMicros: agent?.dailyBudgetUsd !== undefined ? usdToMicros(agent.dailyBudgetUsd) : undefined,
    now,
    expiresAt: now + deps.reservationTtlMs,
  };
  // Not `{ ...result, amountMicros }`: on Node 20 a property added after a leading spread takes a
  // slow path of about a microsecond; Object.assign onto a fresh literal does not.
  return thenMaybe(deps.ledger.reserve(request), (result) => Object.assign({}, result, { amountMicros }) as ReserveOutcome);
}

function refusal(call: CallContext, result: Extract<ReserveOutcome, { ok: false }>): BudgetExceededError | undefined {
  if (result.limit === 'unpriceable') return undefined;
  if (result.limit === 'unavailable') return new BudgetExceededError(call.decision.agentId, 0, 0, microsToUsd(result.amountMicros), result.reason);
  return new BudgetExceededError(call.decision.agentId, microsToUsd(result.limitMicros), microsToUsd(result.usedMicros), microsToUsd(result.amountMicros));
}

/** The most output tokens (up to `max`) that `roomMicros` pays for after `inputTokens`, priced exactly as a reservation is. */
function affordableOutput(model: CompiledModel, inputTokens: number, roomMicros: number, max: number): number {
  const fits = (output: number) => callCostMicros(model, inputTokens, output) <= roomMicros;
  if (model.outputPrice <= 0) return fits(0) ? max : 0;
  // A first guess in USD, then corrected by the rounding the reservation itself applies.
  let tokens = Math.min(max, Math.max(0, Math.floor(microsToUsd(roomMicros - callCostMicros(model, inputTokens, 0)) / model.outputPrice)));
  while (tokens > 0 && !fits(tokens)) tokens--;
  while (tokens < max && fits(tokens + 1)) tokens++;
  return tokens;
}

/**
 * Books a try's actual cost against its reservation (or directly, for a free call), reports a cost
 * above what was reserved, corrects the token window and records the call. Every answer a provider
 * served goes through here — the call's own, and one that came after its try was given up.
 */
export function settleBudget(call: CallContext, model: CompiledModel, reservation: Reservation, usage: TokenUsage, latencyMs: number): MaybePromise<number> {
  const { deps } = call;
  const now = deps.clock();
  return thenMaybe(bookUsage(deps, call.decision.agentId, model, reservation.id, usage, now), (cost) => afterBooking(call, model, reservation, usage, latencyMs, now, cost));
}

/** What follows a try's booking: an overrun reported, the token window corrected, the call recorded. */
function afterBooking(call: CallContext, model: CompiledModel, reservation: Reservation, usage: TokenUsage, latencyMs: number, now: number, cost: number): number {
  const { deps, decision } = call;
  if (cost > reservation.estimateMicros) {
    // Booked at actual (above), and reported — also an answer whose reservation was already let go
    // (it came after the caller aborted): while the budget is overdrawn the ledger refuses every cloud call.
    deps.metrics.recordOverrun();
    deps.emit({ type: 'budget_overrun', decision, agentId: decision.agentId, modelId: model.id, reservedUsd: microsToUsd(reservation.estimateMicros), actualUsd: microsToUsd(cost), usage });
  }
  deps.health.recordTokens(model.id, now, usage.inputTokens + usage.outputTokens - reservation.estimatedInput);
  deps.metrics.recordCall(model.id, { ok: true, latencyMs, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens });
  return cost;
}

/** The ledger entry for `usage` on `model`: committed in place of a reservation, or recorded. Returns the cost. */
export function bookUsage(deps: ExecutorDeps, agentId: string, model: CompiledModel, reservationId: string | undefined, usage: TokenUsage, now: number): MaybePromise<number> {
  const cost = callCostMicros(model, usage.inputTokens, usage.outputTokens);
  const entry = { agentId, modelId: model.id, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costMicros: cost, at: now };
  const booked = reservationId !== undefined ? deps.ledger.commit(reservationId, ledgerDay(now), entry) : deps.ledger.record(ledgerDay(now), entry);
  return thenMaybe(booked, () => cost);
}

export async function releaseBudget(call: CallContext, reservation: Reservation): Promise<void> {
  if (reservation.id !== undefined) await call.deps.ledger.release(reservation.id);
}
