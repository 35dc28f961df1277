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

export async function reserveBudget(call: CallContext, model: CompiledModel, now: number): Promise<{ ok: true; reservation: Reservation } | { ok: false; error: BudgetExceededError | undefined }> {
  const { deps, decision } = call;
  const estimatedInput = decision.estimatedTokens.input;
  const estimateMicros = callCostMicros(model, estimatedInput, call.request.maxTokens ?? decision.estimatedTokens.output);
  if (!Number.isFinite(estimateMicros)) return { ok: false, error: undefined };
  if (estimateMicros <= 0) return { ok: true, reservation: { id: undefined, estimateMicros: 0, estimatedInput } };
  const agent = deps.compiled.agents.get(decision.agentId);
  const result = await deps.ledger.reserve({
    day: ledgerDay(now),
    agentId: decision.agentId,
    modelId: model.id,
    amountMicros: estimateMicros,
    ...(decision.budgetUsd !== undefined ? { limitMicros: usdToMicros(decision.budgetUsd) } : {}),
    ...(agent?.dailyBudgetUsd !== undefined ? { agentLimitMicros: usdToMicros(agent.dailyBudgetUsd) } : {}),
    now,
    expiresAt: now + deps.reservationTtlMs,
  });
  if (!result.ok) {
    return { ok: false, error: new BudgetExceededError(decision.agentId, microsToUsd(result.limitMicros), microsToUsd(result.usedMicros), microsToUsd(estimateMicros)) };
  }
  return { ok: true, reservation: { id: result.reservationId, estimateMicros, estimatedInput } };
}

/** Books the actual cost (replacing the reservation), corrects the token window, records the call. Returns the cost. */
export async function settleBudget(call: CallContext, model: CompiledModel, reservation: Reservation, usage: TokenUsage, latencyMs: number): Promise<number> {
  const { deps, decision } = call;
  const now = deps.clock();
  const cost = callCostMicros(model, usage.inputTokens, usage.outputTokens);
  const entry = { agentId: decision.agentId, modelId: model.id, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costMicros: cost, at: now };
  if (reservation.id !== undefined) await deps.ledger.commit(reservation.id, ledgerDay(now), entry);
  else await deps.ledger.record(ledgerDay(now), entry);
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
