// The embedded cost ledger: one process, in memory, every operation synchronous (so a reservation's
// check and booking cannot interleave with another's). Keeps a bounded number of days.
import {
  addToTotal,
  requireMicros,
  type CostLedger,
  type DayReport,
  type LedgerEntry,
  type ReserveRequest,
  type ReserveResult,
  type SpendQuery,
  type SpendSnapshot,
} from './cost-ledger.js';
import { ownOption } from '../own-data.js';

interface DayTotals {
  totalMicros: number;
  reservedMicros: number;
  calls: number;
  byAgent: Map<string, number>;
  byModel: Map<string, number>;
  reservedByAgent: Map<string, number>;
}

interface Reservation {
  day: string;
  agentId: string;
  amountMicros: number;
  expiresAt: number;
}

export interface MemoryLedgerOptions {
  /** How many distinct days to keep (oldest dropped first). Default 31. */
  retainDays?: number;
}

export class MemoryLedger implements CostLedger {
  private readonly days = new Map<string, DayTotals>();
  private readonly reservations = new Map<string, Reservation>();
  private readonly retainDays: number;
  private nextId = 0;
  /** The earliest expiry among open reservations; lets most calls skip the expiry sweep. */
  private nextExpiry = Number.POSITIVE_INFINITY;

  constructor(options: MemoryLedgerOptions = {}) {
    this.retainDays = Math.max(1, options.retainDays ?? 31);
  }

  snapshot(query: SpendQuery): SpendSnapshot {
    this.expire(query.now);
    const totals = this.days.get(query.day);
    if (!totals) return { totalMicros: 0, reservedMicros: 0, agentMicros: 0, agentReservedMicros: 0 };
    return {
      totalMicros: totals.totalMicros,
      reservedMicros: totals.reservedMicros,
      agentMicros: totals.byAgent.get(query.agentId) ?? 0,
      agentReservedMicros: totals.reservedByAgent.get(query.agentId) ?? 0,
    };
  }

  record(day: string, entry: LedgerEntry): void {
    requireMicros('entry.costMicros', entry.costMicros);
    const totals = this.day(day);
    const cost = Math.max(0, Math.round(entry.costMicros));
    totals.totalMicros += cost;
    totals.calls += 1;
    addToTotal(totals.byAgent, entry.agentId, cost);
    addToTotal(totals.byModel, entry.modelId, cost);
  }

  reserve(request: ReserveRequest): ReserveResult {
    requireMicros('amountMicros', request.amountMicros);
    this.expire(request.now);
    const totals = this.day(request.day);
    const amount = Math.max(0, Math.round(request.amountMicros));
    // The request's own limits only (none planted on Object.prototype is taken for one).
    const limitMicros = ownOption(request, 'limitMicros');
    const agentLimitMicros = ownOption(request, 'agentLimitMicros');
    if (limitMicros !== undefined) {
      const used = totals.totalMicros + totals.reservedMicros;
      if (amount > 0 && used + amount > limitMicros) {
        return { ok: false, limit: 'global', usedMicros: used, limitMicros };
      }
    }
    if (agentLimitMicros !== undefined) {
      const used = (totals.byAgent.get(request.agentId) ?? 0) + (totals.reservedByAgent.get(request.agentId) ?? 0);
      if (amount > 0 && used + amount > agentLimitMicros) {
        return { ok: false, limit: 'agent', usedMicros: used, limitMicros: agentLimitMicros };
      }
    }
    const reservationId = `r${++this.nextId}`;
    this.reservations.set(reservationId, { day: request.day, agentId: request.agentId, amountMicros: amount, expiresAt: request.expiresAt });
    totals.reservedMicros += amount;
    holdFor(totals.reservedByAgent, request.agentId, amount);
    if (request.expiresAt < this.nextExpiry) this.nextExpiry = request.expiresAt;
    return { ok: true, reservationId };
  }

  commit(reservationId: string, day: string, entry: LedgerEntry): void {
    requireMicros('entry.costMicros', entry.costMicros);
    this.release(reservationId);
    this.record(day, entry);
  }

  release(reservationId: string): void {
    const reservation = this.reservations.get(reservationId);
    if (!reservation) return;
    this.reservations.delete(reservationId);
    const totals = this.days.get(reservation.day);
    if (!totals) return;
    totals.reservedMicros -= reservation.amountMicros;
    holdFor(totals.reservedByAgent, reservation.agentId, -reservation.amountMicros);
  }

  report(day: string): DayReport {
    const totals = this.days.get(day);
    return {
      day,
      totalMicros: totals?.totalMicros ?? 0,
      reservedMicros: totals?.reservedMicros ?? 0,
      byAgent: Object.fromEntries(totals?.byAgent ?? []),
      byModel: Object.fromEntries(totals?.byModel ?? []),
      calls: totals?.calls ?? 0,
    };
  }

  /** Reservations not yet committed or released (for tests and diagnostics). */
  get openReservations(): number {
    return this.reservations.size;
  }

  private day(day: string): DayTotals {
    let totals = this.days.get(day);
    if (!totals) {
      totals = { totalMicros: 0, reservedMicros: 0, calls: 0, byAgent: new Map(), byModel: new Map(), reservedByAgent: new Map() };
      this.days.set(day, totals);
      while (this.days.size > this.retainDays) {
        const oldest = [...this.days.keys()].sort()[0]!;
        this.days.delete(oldest);
      }
    }
    return totals;
  }

  private expire(now: number): void {
    if (now < this.nextExpiry) return;
    let next = Number.POSITIVE_INFINITY;
    for (const [id, reservation] of this.reservations) {
      if (reservation.expiresAt <= now) this.release(id);
      else if (reservation.expiresAt < next) next = reservation.expiresAt;
    }
    this.nextExpiry = next;
  }
}

/**
 * Moves an agent's reserved total by `amount`. A total back at 0 is kept rather than dropped: an
 * agent's reservations come and go on every call, and dropping and re-adding its key each time
 * churns the map (one key per agent and day at most).
 */
function holdFor(reserved: Map<string, number>, agentId: string, amount: number): void {
  reserved.set(agentId, (reserved.get(agentId) ?? 0) + amount);
}
