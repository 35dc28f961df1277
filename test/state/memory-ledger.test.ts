import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ledgerDay, MemoryLedger, usdToMicros } from '../../src/index.js';

const DAY = '2026-11-25';
const NOW = Date.parse('2026-11-25T10:00:00Z');
const entry = (agentId: string, modelId: string, costMicros: number) => ({ agentId, modelId, inputTokens: 10, outputTokens: 5, costMicros, at: NOW });

describe('MemoryLedger', () => {
  it('sums spend per day, agent and model in integer micro-dollars', () => {
    const ledger = new MemoryLedger();
    ledger.record(DAY, entry('a', 'm1', usdToMicros(0.1)));
    ledger.record(DAY, entry('a', 'm2', usdToMicros(0.2)));
    ledger.record(DAY, entry('b', 'm1', usdToMicros(0.3)));
    ledger.record('2026-11-24', entry('a', 'm1', 999));
    expect(ledger.snapshot({ day: DAY, agentId: 'a', now: NOW })).toEqual({ totalMicros: 600_000, reservedMicros: 0, agentMicros: 300_000, agentReservedMicros: 0 });
    expect(ledger.report(DAY)).toEqual({ day: DAY, totalMicros: 600_000, reservedMicros: 0, byAgent: { a: 300_000, b: 300_000 }, byModel: { m1: 400_000, m2: 200_000 }, calls: 3 });
  });

  it('0.1 + 0.2 a million times does not drift', () => {
    const ledger = new MemoryLedger();
    for (let i = 0; i < 100_000; i++) ledger.record(DAY, entry('a', 'm', usdToMicros(0.1) + usdToMicros(0.2)));
    expect(ledger.snapshot({ day: DAY, agentId: 'a', now: NOW }).totalMicros).toBe(30_000_000_000);
  });

  it('reserve checks the global and agent limits atomically, commit settles, release frees', () => {
    const ledger = new MemoryLedger();
    const base = { day: DAY, agentId: 'a', modelId: 'm', now: NOW, expiresAt: NOW + 60_000 };
    const first = ledger.reserve({ ...base, amountMicros: 600, limitMicros: 1000 });
    expect(first.ok).toBe(true);
    expect(ledger.reserve({ ...base, amountMicros: 500, limitMicros: 1000 })).toEqual({ ok: false, limit: 'global', usedMicros: 600, limitMicros: 1000 });
    expect(ledger.reserve({ ...base, amountMicros: 300, agentLimitMicros: 800 })).toMatchObject({ ok: false, limit: 'agent' });
    if (!first.ok) throw new Error('unreachable');
    ledger.commit(first.reservationId, DAY, entry('a', 'm', 250));
    expect(ledger.snapshot({ day: DAY, agentId: 'a', now: NOW })).toMatchObject({ totalMicros: 250, reservedMicros: 0 });
    const second = ledger.reserve({ ...base, amountMicros: 700, limitMicros: 1000 });
    expect(second.ok).toBe(true);
    if (second.ok) ledger.release(second.reservationId);
    expect(ledger.openReservations).toBe(0);
    expect(ledger.snapshot({ day: DAY, agentId: 'a', now: NOW }).reservedMicros).toBe(0);
  });

  it('unsettled reservations expire', () => {
    const ledger = new MemoryLedger();
    ledger.reserve({ day: DAY, agentId: 'a', modelId: 'm', amountMicros: 900, now: NOW, expiresAt: NOW + 1000 });
    expect(ledger.snapshot({ day: DAY, agentId: 'a', now: NOW + 999 }).reservedMicros).toBe(900);
    expect(ledger.snapshot({ day: DAY, agentId: 'a', now: NOW + 1000 }).reservedMicros).toBe(0);
    expect(ledger.openReservations).toBe(0);
  });

  it('property: settled + reserved never exceeds the limit, whatever the order of operations', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('reserve', 'commit', 'release'), fc.integer({ min: 0, max: 400 })), { maxLength: 60 }), (ops) => {
        const ledger = new MemoryLedger();
        const open: string[] = [];
        for (const [op, amount] of ops) {
          if (op === 'reserve') {
            const result = ledger.reserve({ day: DAY, agentId: 'a', modelId: 'm', amountMicros: amount, limitMicros: 1000, now: NOW, expiresAt: NOW + 1e6 });
            if (result.ok) open.push(result.reservationId);
          } else if (open.length > 0) {
            const id = open.shift()!;
            if (op === 'commit') ledger.commit(id, DAY, entry('a', 'm', 0));
            else ledger.release(id);
          }
          const s = ledger.snapshot({ day: DAY, agentId: 'a', now: NOW });
          expect(s.totalMicros + s.reservedMicros).toBeLessThanOrEqual(1000);
        }
      }),
    );
  });

  it('keeps a bounded number of days', () => {
    const ledger = new MemoryLedger({ retainDays: 2 });
    for (const day of ['2026-11-20', '2026-11-21', '2026-11-22']) ledger.record(day, entry('a', 'm', 1));
    expect(ledger.report('2026-11-20').calls).toBe(0);
    expect(ledger.report('2026-11-22').calls).toBe(1);
  });

  it('ledgerDay is the UTC date', () => {
    expect(ledgerDay(Date.parse('2026-11-25T23:59:59.999Z'))).toBe('2026-11-25');
    expect(ledgerDay(Date.parse('2026-11-26T00:00:00Z'))).toBe('2026-11-26');
  });
});
