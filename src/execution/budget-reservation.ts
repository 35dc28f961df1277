// Budget reservation around one model's call: reserve the estimated cost before it (refused when
// the daily budget could not cover it), then settle the actual cost after it — or release the
// reservation on failure and abort. Money is integer micro-dollars, through the ledger's helpers.
import { BudgetExceededError } from '../errors.js';
import type { TokenUsage } from '../request/types.js';
import type { CompiledModel } from '../routing/compile-config.js';
import { ledgerDay, microsToUsd, usdToMicros } from '../state/cost-ledger.js';
import type { CallContext } from './call-context.js';

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
export async function reserveBudget(call: CallContext, model: CompiledModel, now: number): Promise<{ ok: true; reserved: Reserved } | { ok: false; error: BudgetExceededError | undefined }> {
  const { deps, decision } = call;
  const estimatedInput = decision.estimatedTokens.input;
  let maxTokens = outputLimit(call, model);
  if (!isPriced(model)) return { ok: true, reserved: { reservation: { id: undefined, estimateMicros: 0, estimatedInput }, maxTokens } };
  const reservedInput = decision.estimatedTokens.inputGiven ? estimatedInput : Math.ceil(estimatedInput * INPUT_RESERVATION_MARGIN);
  const agent = deps.compiled.agents.get(decision.agentId);
  const reserve = (output: number) => {
    const amountMicros = callCostMicros(model, reservedInput, output);
    if (!Number.isFinite(amountMicros)) return { ok: false as const, limit: 'unpriceable' as const, usedMicros: 0, limitMicros: 0, amountMicros };
    const result = deps.ledger.reserve({
      day: ledgerDay(now),
      agentId: decision.agentId,
      modelId: model.id,
      amountMicros,
      ...(decision.budgetUsd !== undefined ? { limitMicros: usdToMicros(decision.budgetUsd) } : {}),
      ...(agent?.dailyBudgetUsd !== undefined ? { agentLimitMicros: usdToMicros(agent.dailyBudgetUsd) } : {}),
      now,
      expiresAt: now + deps.reservationTtlMs,
    });
    return Promise.resolve(result).then((settled) => ({ ...settled, amountMicros }));
  };
  let result = await reserve(maxTokens!);
  if (!result.ok) {
    // What the rest of the budget affords after the input, once: a second refusal (the other limit,
    // or concurrent calls taking the rest meanwhile) ends it.
    const left = result.limitMicros - result.usedMicros - callCostMicros(model, reservedInput, 0);
    const affordable = model.outputPrice > 0 ? Math.floor(left / (model.outputPrice * 1_000_000)) : left >= 0 ? maxTokens! : 0;
    if (affordable >= Math.min(MIN_USEFUL_OUTPUT_TOKENS, maxTokens!) && affordable < maxTokens!) {
      maxTokens = affordable;
      result = await reserve(maxTokens);
    }
  }
  if (!result.ok) {
    if (result.limit === 'unpriceable') return { ok: false, error: undefined };
    return { ok: false, error: new BudgetExceededError(decision.agentId, microsToUsd(result.limitMicros), microsToUsd(result.usedMicros), microsToUsd(result.amountMicros)) };
  }
  return { ok: true, reserved: { reservation: { id: result.reservationId, estimateMicros: result.amountMicros, estimatedInput }, maxTokens } };
}

/** Books the actual cost (replacing the reservation), corrects the token window, records the call. Returns the cost. */
export async function settleBudget(call: CallContext, model: CompiledModel, reservation: Reservation, usage: TokenUsage, latencyMs: number): Promise<number> {
  const { deps, decision } = call;
  const now = deps.clock();
  const cost = callCostMicros(model, usage.inputTokens, usage.outputTokens);
  const entry = { agentId: decision.agentId, modelId: model.id, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costMicros: cost, at: now };
  if (reservation.id !== undefined) await deps.ledger.commit(reservation.id, ledgerDay(now), entry);
  else await deps.ledger.record(ledgerDay(now), entry);
  if (reservation.id !== undefined && cost > reservation.estimateMicros) {
    // Booked at actual (above); while the budget is overdrawn the ledger refuses every cloud call.
    deps.metrics.recordOverrun();
    deps.emit({ type: 'budget_overrun', decision, agentId: decision.agentId, modelId: model.id, reservedUsd: microsToUsd(reservation.estimateMicros), actualUsd: microsToUsd(cost), usage });
  }
  deps.health.recordTokens(model.id, now, usage.inputTokens + usage.outputTokens - reservation.estimatedInput);
  deps.metrics.recordCall(model.id, { ok: true, latencyMs, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens });
  return cost;
}

export async function releaseBudget(call: CallContext, reservation: Reservation): Promise<void> {
  if (reservation.id !== undefined) await call.deps.ledger.release(reservation.id);
}

/** Books a call whose reservation was already released (an answer that arrived after the caller gave up). */
export async function bookUnreserved(call: CallContext, model: CompiledModel, usage: TokenUsage): Promise<void> {
  const { deps, decision } = call;
  const now = deps.clock();
  const cost = callCostMicros(model, usage.inputTokens, usage.outputTokens);
  deps.health.recordTokens(model.id, now, usage.inputTokens + usage.outputTokens);
  await deps.ledger.record(ledgerDay(now), { agentId: decision.agentId, modelId: model.id, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costMicros: cost, at: now });
}
