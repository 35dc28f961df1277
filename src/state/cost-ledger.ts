// The cost ledger interface: where the router reads today's spend and books what calls cost.
// Money is integer micro-dollars throughout, so sums never drift. Every method may be synchronous
// (the in-memory ledger) or return a promise (a ledger backed by a remote store); `reserve` must
// check and reserve in one atomic step so concurrent callers cannot overrun a limit together.

import { InvalidArgumentError } from '../errors.js';
import type { MaybePromise } from '../maybe-promise.js';

/** One USD is 1 000 000 micro-dollars. */
export const MICROS_PER_USD = 1_000_000;

export function usdToMicros(usd: number): number {
  return Math.round(usd * MICROS_PER_USD);
}

export function microsToUsd(micros: number): number {
  return micros / MICROS_PER_USD;
}

/** Money must be a finite number: NaN or Infinity would poison every later sum and limit check. */
export function requireMicros(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidArgumentError(name, `expected a finite number of micro-dollars, got ${String(value)}`);
}

/** Adds `amount` to a running total in a map, dropping totals that come back to 0. */
export function addToTotal(map: Map<string, number>, key: string, amount: number): void {
  const next = (map.get(key) ?? 0) + amount;
  if (next === 0) map.delete(key);
  else map.set(key, next);
}

const DAY_MS = 86_400_000;
// Formatting a date is slow next to a decision; the current day's key is kept with its bounds.
let cachedDayStart = Number.NaN;
let cachedDay = '';

/** The ledger's day key for an epoch-ms time: the UTC calendar date, `YYYY-MM-DD`. */
export function ledgerDay(epochMs: number): string {
  if (epochMs >= cachedDayStart && epochMs < cachedDayStart + DAY_MS) return cachedDay;
  const day = new Date(epochMs).toISOString().slice(0, 10);
  cachedDayStart = Math.floor(epochMs / DAY_MS) * DAY_MS;
  cachedDay = day;
  return day;
}

export interface LedgerEntry {
  agentId: string;
  modelId: string;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  /** Epoch ms of the call. */
  at: number;
}

export interface SpendQuery {
  day: string;
  agentId: string;
  /** The router's clock, for expiring reservations that were never settled. */
  now: number;
}

export interface SpendSnapshot {
  /** Settled spend of every agent today. */
  totalMicros: number;
  /** Reserved but not yet settled, every agent. */
  reservedMicros: number;
  /** Settled spend of the queried agent today. */
  agentMicros: number;
  agentReservedMicros: number;
  /**
   * Set when the ledger cannot say what was spent (its store is unreachable) and refuses to guess:
   * the router then sends nothing to the cloud until it can.
   */
  unavailable?: string;
}

export interface ReserveRequest {
  day: string;
  agentId: string;
  modelId: string;
  amountMicros: number;
  /** Refuse if settled + reserved + amount would exceed this, across all agents. */
  limitMicros?: number;
  /** Refuse if the agent's settled + reserved + amount would exceed this. */
  agentLimitMicros?: number;
  now: number;
  /** When an unsettled reservation stops counting (epoch ms). */
  expiresAt: number;
}

export type ReserveResult =
  | { ok: true; reservationId: string }
  | { ok: false; limit: 'global' | 'agent'; usedMicros: number; limitMicros: number }
  /** The ledger's store cannot be reached, and it fails closed: no priced call until it can. */
  | { ok: false; limit: 'unavailable'; reason: string };

export interface DayReport {
  day: string;
  totalMicros: number;
  reservedMicros: number;
  byAgent: Record<string, number>;
  byModel: Record<string, number>;
  calls: number;
}

/** A ledger may answer at once (in memory) or later (a shared store). */
export type { MaybePromise };

export interface CostLedger {
  /** Today's spend: settled and reserved, in total and for one agent. Read on every decision. */
  snapshot(query: SpendQuery): MaybePromise<SpendSnapshot>;
  /** Books a call's actual cost directly (no reservation). */
  record(day: string, entry: LedgerEntry): MaybePromise<void>;
  /** Atomically checks the limits and reserves `amountMicros`. */
  reserve(request: ReserveRequest): MaybePromise<ReserveResult>;
  /** Replaces a reservation by the actual cost. Committing an expired or unknown reservation still books the entry. */
  commit(reservationId: string, day: string, entry: LedgerEntry): MaybePromise<void>;
  /** Drops a reservation (failed or aborted call). Unknown ids are ignored. */
  release(reservationId: string): MaybePromise<void>;
  /** Spend of one day by agent and model. */
  report(day: string): MaybePromise<DayReport>;
}
