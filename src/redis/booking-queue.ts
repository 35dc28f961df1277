// Bookings a Redis ledger could not write while Redis was down, in the order they happened, with
// running totals per day so the spend they stand for still counts before they are written.
import { addToTotal, type DayReport, type LedgerEntry, type SpendSnapshot } from '../state/cost-ledger.js';

/** A write to the ledger; `id` makes booking it twice (a replay of a command Redis ran late) a no-op. */
export type Booking =
  | { kind: 'record'; id: string; day: string; entry: LedgerEntry }
  | { kind: 'commit'; id: string; reservationId: string; day: string; entry: LedgerEntry }
  | { kind: 'release'; id: string; reservationId: string; day: string };

interface DayTotals {
  totalMicros: number;
  calls: number;
  byAgent: Map<string, number>;
  byModel: Map<string, number>;
}

export class BookingQueue {
  private items: Booking[] = [];
  private head = 0;
  private readonly days = new Map<string, DayTotals>();

  constructor(
    private readonly max: number,
    private readonly onDrop: (booking: Booking) => void,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  push(booking: Booking): void {
    if (this.size >= this.max) this.onDrop(this.shift()!);
    this.items.push(booking);
    this.count(booking, 1);
  }

  peek(): Booking | undefined {
    return this.items[this.head];
  }

  shift(): Booking | undefined {
    const booking = this.items[this.head];
    if (!booking) return undefined;
    this.head += 1;
    this.count(booking, -1);
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return booking;
  }

  /** `spend` with what the queue holds for `day` added. */
  addTo(day: string, agentId: string, spend: SpendSnapshot): SpendSnapshot {
    const totals = this.days.get(day);
    if (!totals) return spend;
    return { ...spend, totalMicros: spend.totalMicros + totals.totalMicros, agentMicros: spend.agentMicros + (totals.byAgent.get(agentId) ?? 0) };
  }

  /** `report` with what the queue holds for its day added. */
  addToReport(report: DayReport): DayReport {
    const totals = this.days.get(report.day);
    if (!totals) return report;
    const byAgent = { ...report.byAgent };
    const byModel = { ...report.byModel };
    for (const [agent, micros] of totals.byAgent) byAgent[agent] = (byAgent[agent] ?? 0) + micros;
    for (const [model, micros] of totals.byModel) byModel[model] = (byModel[model] ?? 0) + micros;
    return { ...report, totalMicros: report.totalMicros + totals.totalMicros, calls: report.calls + totals.calls, byAgent, byModel };
  }

  private count(booking: Booking, sign: 1 | -1): void {
    if (booking.kind === 'release') return;
    const { entry, day } = booking;
    let totals = this.days.get(day);
    if (!totals) {
      totals = { totalMicros: 0, calls: 0, byAgent: new Map(), byModel: new Map() };
      this.days.set(day, totals);
    }
    totals.totalMicros += sign * entry.costMicros;
    totals.calls += sign;
    addToTotal(totals.byAgent, entry.agentId, sign * entry.costMicros);
    addToTotal(totals.byModel, entry.modelId, sign * entry.costMicros);
    if (totals.calls === 0) this.days.delete(day);
  }
}
