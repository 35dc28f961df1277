// The Redis cost ledger against a real, throw-away redis-server: the CostLedger contract (checked
// against MemoryLedger, by example and by fast-check), atomic reservations under concurrency,
// reservation expiry on either clock, key names, expiry and exact money, and both outage modes.
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisLedger, type RedisLedger, type RedisLedgerEvent, type RedisLedgerOptions } from '../../src/redis.js';
import { ledgerDay, type CostLedger, type LedgerEntry, type ReserveResult } from '../../src/state/cost-ledger.js';
import { MemoryLedger } from '../../src/state/memory-ledger.js';
import { REDIS_MISSING_MESSAGE, redisAvailable, startRedis, type RedisServer } from '../support/redis-server.js';

const DAY_MS = 86_400_000;
const title = (text: string) => (redisAvailable() ? text : `${text} (skipped: ${REDIS_MISSING_MESSAGE})`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const entry = (agentId: string, modelId: string, costMicros: number): LedgerEntry => ({ agentId, modelId, costMicros, inputTokens: 10, outputTokens: 5, at: Date.now() });
let seq = 0;
const freshPrefix = () => `ledger-test-${process.pid}-${++seq}`;

function connect(port: number, fast = false): Redis {
  const client = new Redis(port, '127.0.0.1', fast ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 50 } : {});
  client.on('error', () => {}); // failures reach the ledger through its commands
  return client;
}

async function until<T>(attempt: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}

const shape = (result: ReserveResult) => (result.ok ? { ok: true } : result);

describe.skipIf(!redisAvailable())(title('RedisLedger on a live redis-server'), () => {
  let server: RedisServer;
  let client: Redis;
  const ledger = (options: Partial<RedisLedgerOptions> = {}): RedisLedger =>
    createRedisLedger({ client, prefix: freshPrefix(), onEvent: () => {}, ...options });

  beforeAll(async () => {
    server = (await startRedis())!;
    client = connect(server.port);
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('behaves as MemoryLedger on limits, refusals, unknown ids and reports', async () => {
    const now = Date.now();
    const day = ledgerDay(now);
    const mem = new MemoryLedger();
    const red = ledger({ clock: 'router' });
    const both = async <T>(run: (l: CostLedger) => T | Promise<T>): Promise<T> => {
      const expected = await run(mem);
      const actual = await run(red);
      expect(actual).toEqual(expected);
      return actual;
    };
    const reserve = async (agentId: string, amountMicros: number, limits: { limitMicros?: number; agentLimitMicros?: number }) => {
      const request = { day, agentId, modelId: 'gpt', amountMicros, now, expiresAt: now + 60_000, ...limits };
      const [m, r] = [mem.reserve(request), await red.reserve(request)];
      expect(shape(r)).toEqual(shape(m));
      return [m, r] as const;
    };

    await both((l) => l.record(day, entry('a', 'gpt', 400)));
    const [m1, r1] = await reserve('a', 300, { limitMicros: 1_000, agentLimitMicros: 800 });
    expect(r1.ok && /^\d{4}-\d{2}-\d{2}:/.test(r1.reservationId)).toBe(true);
    expect(await reserve('b', 301, { limitMicros: 1_000 })).toEqual([
      { ok: false, limit: 'global', usedMicros: 700, limitMicros: 1_000 },
      { ok: false, limit: 'global', usedMicros: 700, limitMicros: 1_000 },
    ]);
    expect((await reserve('a', 101, { limitMicros: 5_000, agentLimitMicros: 800 }))[1]).toEqual({ ok: false, limit: 'agent', usedMicros: 700, limitMicros: 800 });
    expect((await reserve('b', 300, { limitMicros: 1_000, agentLimitMicros: 300 }))[1].ok).toBe(true);
    expect((await reserve('c', 0, { limitMicros: 0 }))[1].ok).toBe(true); // nothing to reserve: never refused
    expect(await both((l) => l.snapshot({ day, agentId: 'a', now }))).toEqual({ totalMicros: 400, reservedMicros: 600, agentMicros: 400, agentReservedMicros: 300 });

    const firstId = (l: CostLedger) => { const r = l === mem ? m1 : r1; return r.ok ? r.reservationId : ''; };
    await both((l) => l.commit(firstId(l), day, entry('a', 'gpt', 250)));
    await both((l) => l.commit('never-issued', day, entry('b', 'claude', 70))); // unknown id: still books
    await both((l) => l.commit(`${day}:987654`, day, entry('b', 'claude', 30)));
    await both((l) => l.release('never-issued')); // ignored
    await both((l) => l.release(`${day}:987654`));
    await both((l) => l.release(firstId(l))); // already committed
    expect(await both((l) => l.snapshot({ day, agentId: 'b', now }))).toEqual({ totalMicros: 750, reservedMicros: 300, agentMicros: 100, agentReservedMicros: 300 });
    expect(await both((l) => l.report(day))).toEqual({ day, totalMicros: 750, reservedMicros: 300, byAgent: { a: 650, b: 100 }, byModel: { gpt: 650, claude: 100 }, calls: 4 });
  });

  it('matches MemoryLedger on random operation sequences (router clock)', async () => {
    const agentId = fc.constantFrom('a', 'b', 'c');
    const modelId = fc.constantFrom('m1', 'm2');
    // Ttls start at 1: an expiresAt <= now (Redis holds such a reservation 1 ms, MemoryLedger drops it at once)
    // is a known difference.
    const maybe = (max: number) => fc.option(fc.integer({ min: 0, max }), { nil: undefined });
    const op = fc.oneof(
      fc.record({ kind: fc.constant('reserve' as const), agentId, modelId, amount: fc.integer({ min: -2, max: 700 }), limit: maybe(3_000), agentLimit: maybe(1_500), ttl: fc.integer({ min: 1, max: 300 }) }),
      fc.record({ kind: fc.constant('commit' as const), pick: fc.nat(12), agentId, modelId, cost: fc.integer({ min: 0, max: 900 }) }),
      fc.record({ kind: fc.constant('release' as const), pick: fc.nat(12) }),
      fc.record({ kind: fc.constant('record' as const), agentId, modelId, cost: fc.integer({ min: 0, max: 900 }) }),
      fc.record({ kind: fc.constant('snapshot' as const), agentId }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 150 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        const day = ledgerDay(Date.now());
        let now = Date.parse(`${day}T00:00:00Z`) + 3_600_000;
        const mem = new MemoryLedger();
        const red = ledger({ clock: 'router' });
        const ids: [string, string][] = [];
        const pick = (i: number): [string, string] => ids[i] ?? (i % 2 ? ['unknown', 'unknown'] : ['r999', `${day}:999`]);
        for (const o of ops) {
          if (o.kind === 'tick') now += o.ms;
          else if (o.kind === 'snapshot') expect(await red.snapshot({ day, agentId: o.agentId, now })).toEqual(mem.snapshot({ day, agentId: o.agentId, now }));
          else if (o.kind === 'record') {
            mem.record(day, entry(o.agentId, o.modelId, o.cost));
            await red.record(day, entry(o.agentId, o.modelId, o.cost));
          } else if (o.kind === 'release') {
            const [m, r] = pick(o.pick);
            mem.release(m);
            await red.release(r);
          } else if (o.kind === 'commit') {
            const [m, r] = pick(o.pick);
            mem.commit(m, day, entry(o.agentId, o.modelId, o.cost));
            await red.commit(r, day, entry(o.agentId, o.modelId, o.cost));
          } else {
            const request = { day, agentId: o.agentId, modelId: o.modelId, amountMicros: o.amount, limitMicros: o.limit, agentLimitMicros: o.agentLimit, now, expiresAt: now + o.ttl };
            const m = mem.reserve(request);
            const r = await red.reserve(request);
            expect(shape(r)).toEqual(shape(m));
            if (m.ok && r.ok) ids.push([m.reservationId, r.reservationId]);
          }
        }
        for (const agent of ['a', 'b', 'c']) expect(await red.snapshot({ day, agentId: agent, now })).toEqual(mem.snapshot({ day, agentId: agent, now }));
        expect(await red.report(day)).toEqual(mem.report(day));
      }),
      { numRuns: 50 },
    );
  });

  it('never reserves past the limit under 200 concurrent reserves from 4 clients', async () => {
    const prefix = freshPrefix();
    const clients = Array.from({ length: 4 }, () => connect(server.port));
    try {
      const ledgers = clients.map((c) => createRedisLedger({ client: c, prefix, onEvent: () => {} }));
      const limit = 10_000;
      const amount = 137;
      const now = Date.now();
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          ledgers[i % 4]!.reserve({ day: ledgerDay(now), agentId: `agent-${i % 7}`, modelId: 'gpt', amountMicros: amount, limitMicros: limit, now, expiresAt: now + 60_000 }),
        ),
      );
      const granted = results.filter((r) => r.ok);
      expect(granted.length * amount).toBeLessThanOrEqual(limit);
      expect(granted).toHaveLength(Math.floor(limit / amount));
      expect(new Set(granted.map((r) => r.ok && r.reservationId)).size).toBe(granted.length);
      for (const r of results) if (!r.ok) expect(r).toMatchObject({ limit: 'global', limitMicros: limit });
      const spend = await ledgers[0]!.snapshot({ day: ledgerDay(now), agentId: 'agent-0', now });
      expect(spend.reservedMicros).toBe(granted.length * amount);
    } finally {
      for (const c of clients) c.disconnect();
    }
  });

  it('drops an unsettled reservation at its expiresAt on the router clock, and a committed expired one still books', async () => {
    const red = ledger({ clock: 'router' });
    const day = ledgerDay(Date.now());
    const t = Date.parse(`${day}T00:00:00Z`) + 1_000;
    const held = await red.reserve({ day, agentId: 'a', modelId: 'gpt', amountMicros: 500, limitMicros: 800, now: t, expiresAt: t + 1_000 });
    expect(held.ok).toBe(true);
    expect(await red.snapshot({ day, agentId: 'a', now: t + 999 })).toMatchObject({ reservedMicros: 500, agentReservedMicros: 500 });
    expect(await red.reserve({ day, agentId: 'b', modelId: 'gpt', amountMicros: 400, limitMicros: 800, now: t + 999, expiresAt: t + 5_000 })).toMatchObject({ ok: false, usedMicros: 500 });
    expect(await red.snapshot({ day, agentId: 'a', now: t + 1_000 })).toMatchObject({ reservedMicros: 0, agentReservedMicros: 0 });
    const second = await red.reserve({ day, agentId: 'b', modelId: 'gpt', amountMicros: 800, limitMicros: 800, now: t + 1_000, expiresAt: t + 5_000 });
    expect(second.ok).toBe(true);
    await red.commit(held.ok ? held.reservationId : '', day, entry('a', 'gpt', 120));
    await red.release(second.ok ? second.reservationId : '');
    expect(await red.report(day)).toMatchObject({ totalMicros: 120, reservedMicros: 0, calls: 1, byAgent: { a: 120 } });
  });

  it('expires a short reservation in real time on the Redis clock', async () => {
    const red = ledger();
    const now = Date.now();
    const day = ledgerDay(now);
    expect((await red.reserve({ day, agentId: 'a', modelId: 'gpt', amountMicros: 900, limitMicros: 1_000, now, expiresAt: now + 50 })).ok).toBe(true);
    expect(await red.snapshot({ day, agentId: 'a', now: Date.now() })).toMatchObject({ reservedMicros: 900 });
    await sleep(150);
    // the router's `now` is ignored on the Redis clock: even an old one sees the reservation gone
    expect(await red.snapshot({ day, agentId: 'a', now })).toMatchObject({ reservedMicros: 0, agentReservedMicros: 0 });
    expect((await red.reserve({ day, agentId: 'a', modelId: 'gpt', amountMicros: 1_000, limitMicros: 1_000, now, expiresAt: now + 60_000 })).ok).toBe(true);
  });

  it('keeps every key under {prefix}:, expires a day retainDays+1 days after it starts, and books money exactly', async () => {
    await client.flushall();
    const prefix = freshPrefix();
    const red = createRedisLedger({ client, prefix, retainDays: 2, onEvent: () => {} });
    const now = Date.now();
    const day = ledgerDay(now);
    const big = 9_007_199_254_740_000; // below 2^53, far past 1e14
    const open = await red.reserve({ day, agentId: 'rich', modelId: 'gpt', amountMicros: big - 1, limitMicros: Number.MAX_SAFE_INTEGER, now, expiresAt: now + 60_000 });
    expect(open.ok).toBe(true);
    await red.record(day, entry('rich', 'gpt', big));
    await red.release('nobody');
    const keys = await client.keys('*');
    // `:b` holds the ids of applied bookings (so a replayed one is not booked twice), for two days past the day.
    expect(keys.sort()).toEqual([`{${prefix}}:${day}:b`, `{${prefix}}:${day}:rh`, `{${prefix}}:${day}:rz`, `{${prefix}}:${day}:t`]);
    const expected = Date.parse(`${day}T00:00:00Z`) + 3 * DAY_MS - Date.now();
    for (const key of keys) {
      const ttl = await client.pttl(key);
      expect(ttl).toBeGreaterThan(expected - 10_000);
      expect(ttl).toBeLessThanOrEqual(expected + 1_000);
    }
    const t = `{${prefix}}:${day}:t`;
    expect(await client.hget(t, 'total')).toBe('9007199254740000');
    expect(await client.hget(t, 'a:rich')).toBe('9007199254740000');
    expect(await client.hget(t, 'reserved')).toBe('9007199254739999');
    expect(await red.snapshot({ day, agentId: 'rich', now })).toEqual({ totalMicros: big, reservedMicros: big - 1, agentMicros: big, agentReservedMicros: big - 1 });
    await red.commit(open.ok ? open.reservationId : '', day, entry('other', 'claude', 991));
    expect(await client.hget(t, 'total')).toBe('9007199254740991');
    expect(await red.report(day)).toEqual({ day, totalMicros: Number.MAX_SAFE_INTEGER, reservedMicros: 0, byAgent: { rich: big, other: 991 }, byModel: { gpt: big, claude: 991 }, calls: 2 });
  });

  // A zero-cost booking (a local model) counts the call only: the report lists no agent or model with 0.
  it('reports a zero-cost booking as MemoryLedger does', async () => {
    const red = ledger({ clock: 'router' });
    const mem = new MemoryLedger();
    const day = ledgerDay(Date.now());
    mem.record(day, entry('a', 'llama', 0));
    await red.record(day, entry('a', 'llama', 0));
    expect(await red.report(day)).toEqual(mem.report(day));
  });

  // On the router clock a day long before Redis's real time must not get an expiry in the past (Redis would
  // delete what was just written).
  it('keeps what is booked on a past day of the router clock (e.g. a simulation)', async () => {
    const red = ledger({ clock: 'router' });
    const day = '2020-03-01';
    const now = Date.parse(`${day}T12:00:00Z`);
    expect((await red.reserve({ day, agentId: 'a', modelId: 'gpt', amountMicros: 300, limitMicros: 1_000, now, expiresAt: now + 60_000 })).ok).toBe(true);
    await red.record(day, entry('a', 'gpt', 100));
    expect(await red.snapshot({ day, agentId: 'a', now })).toEqual({ totalMicros: 100, reservedMicros: 300, agentMicros: 100, agentReservedMicros: 300 });
  });
});

describe.skipIf(!redisAvailable())(title('RedisLedger while Redis is down'), () => {
  let server: RedisServer | undefined;
  let client: Redis | undefined;
  let prefix = '';
  const events: RedisLedgerEvent[] = [];
  const start = async (whenUnavailable: 'fail_closed' | 'fail_open') => {
    events.length = 0;
    server = (await startRedis())!;
    client = connect(server.port, true);
    await until(async () => (await client!.ping()) === 'PONG' || undefined);
    prefix = freshPrefix();
    const options = { client, prefix, commandTimeoutMs: 200, retryIntervalMs: 300, onEvent: (e: RedisLedgerEvent) => events.push(e) };
    return createRedisLedger(whenUnavailable === 'fail_closed' ? options : { ...options, whenUnavailable });
  };
  const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const value = await work();
    return [value, performance.now() - t0];
  };
  afterEach(async () => {
    client?.disconnect();
    await server?.stop();
    client = undefined;
    server = undefined;
  });

  it('fails closed: answers unavailable fast, queues bookings (counted meanwhile) and writes them on recovery', async () => {
    const red = await start('fail_closed');
    const now = Date.now();
    const day = ledgerDay(now);
    await red.record(day, entry('a', 'gpt', 100));
    const before = await red.reserve({ day, agentId: 'a', modelId: 'gpt', amountMicros: 40, now, expiresAt: now + 60_000 });
    expect(before.ok).toBe(true);
    expect(await red.snapshot({ day, agentId: 'a', now })).toEqual({ totalMicros: 100, reservedMicros: 40, agentMicros: 100, agentReservedMicros: 40 });

    await server!.kill();
    const [spend, snapMs] = await timed(() => red.snapshot({ day, agentId: 'a', now }));
    expect(spend).toMatchObject({ totalMicros: 100, reservedMicros: 40, agentMicros: 100 });
    expect(typeof spend.unavailable).toBe('string');
    expect(snapMs).toBeLessThan(1_000);
    const [refused, reserveMs] = await timed(() => red.reserve({ day, agentId: 'a', modelId: 'gpt', amountMicros: 1, now, expiresAt: now + 60_000 }));
    expect(refused).toEqual({ ok: false, limit: 'unavailable', reason: expect.any(String) });
    expect(reserveMs).toBeLessThan(1_000);
    const free = await red.reserve({ day, agentId: 'a', modelId: 'local', amountMicros: 0, now, expiresAt: now + 60_000 });
    expect(free.ok && free.reservationId.startsWith('local:')).toBe(true);

    await red.record(day, entry('a', 'gpt', 50));
    await red.commit(before.ok ? before.reservationId : '', day, entry('b', 'claude', 30));
    await red.release(`${day}:12345`);
    expect(red.queuedBookings).toBe(3);
    await sleep(350); // past retryIntervalMs: the next operation asks Redis again, and fails again
    const [down, againMs] = await timed(() => red.snapshot({ day, agentId: 'a', now }));
    expect(againMs).toBeLessThan(1_000);
    // last known (100 settled, 40 reserved) + queued (50 by a, 30 by b); the committed reservation still counts until written
    expect(down).toEqual({ totalMicros: 180, reservedMicros: 40, agentMicros: 150, agentReservedMicros: 40, unavailable: expect.any(String) });
    expect(events.map((e) => e.type)).toEqual(['redis_unavailable']);
    expect(events[0]).toMatchObject({ mode: 'fail_closed', store: 'Redis cost ledger' });
    await expect(red.report(day)).rejects.toThrow();

    await server!.restart(); // a fresh, empty server
    await until(async () => ((await red.snapshot({ day, agentId: 'a', now })).unavailable === undefined ? true : undefined));
    expect(red.queuedBookings).toBe(0);
    expect(await red.report(day)).toEqual({ day, totalMicros: 80, reservedMicros: 0, byAgent: { a: 50, b: 30 }, byModel: { gpt: 50, claude: 30 }, calls: 2 });
    expect(events.map((e) => e.type)).toEqual(['redis_unavailable', 'redis_recovered']);
    expect(events[1]).toMatchObject({ mode: 'fail_closed', downMs: expect.any(Number) });
  });

  it('fails open: reserves locally within limit minus the last spend Redis reported, and books to Redis after recovery', async () => {
    const red = await start('fail_open');
    const now = Date.now();
    const day = ledgerDay(now);
    const ask = (amountMicros: number) => red.reserve({ day, agentId: 'a', modelId: 'gpt', amountMicros, limitMicros: 1_000, now, expiresAt: now + 60_000 });
    await red.record(day, entry('a', 'gpt', 300));
    expect(await red.snapshot({ day, agentId: 'a', now })).toMatchObject({ totalMicros: 300 });

    await server!.kill();
    const [first, ms] = await timed(() => ask(600));
    expect(ms).toBeLessThan(1_000);
    expect(first.ok && first.reservationId.startsWith('local:')).toBe(true);
    expect(await ask(200)).toEqual({ ok: false, limit: 'global', usedMicros: 900, limitMicros: 1_000 });
    const second = await ask(100);
    expect(second.ok && second.reservationId.startsWith('local:')).toBe(true);
    const spend = await red.snapshot({ day, agentId: 'a', now });
    expect(spend).toEqual({ totalMicros: 300, reservedMicros: 700, agentMicros: 300, agentReservedMicros: 700 });
    expect(events.map((e) => [e.type, 'mode' in e && e.mode])).toEqual([['redis_unavailable', 'fail_open']]);

    await server!.restart();
    await until(() => red.report(day));
    // The local reservations still hold money once Redis is back: 700 of the 1000 are taken.
    expect(await ask(400)).toMatchObject({ ok: false, limit: 'global' });
    await red.commit(first.ok ? first.reservationId : '', day, entry('a', 'gpt', 550));
    await red.release(second.ok ? second.reservationId : '');
    expect(red.queuedBookings).toBe(0);
    expect(await red.report(day)).toEqual({ day, totalMicros: 550, reservedMicros: 0, byAgent: { a: 550 }, byModel: { gpt: 550 }, calls: 1 });
    expect(await client!.hget(`{${prefix}}:${day}:t`, 'total')).toBe('550');
    expect(await red.snapshot({ day, agentId: 'a', now })).toEqual({ totalMicros: 550, reservedMicros: 0, agentMicros: 550, agentReservedMicros: 0 });
    expect(events.map((e) => e.type)).toEqual(['redis_unavailable', 'redis_recovered']);
  });

  // The global spend Redis last reported holds for every agent, also one not read before the outage.
  it('fails open from the last global spend Redis reported, also for an agent not read before the outage', async () => {
    const red = await start('fail_open');
    const now = Date.now();
    const day = ledgerDay(now);
    await red.record(day, entry('a', 'gpt', 900));
    expect(await red.snapshot({ day, agentId: 'a', now })).toMatchObject({ totalMicros: 900 });
    await server!.kill();
    expect(await red.reserve({ day, agentId: 'b', modelId: 'gpt', amountMicros: 500, limitMicros: 1_000, now, expiresAt: now + 60_000 }))
      .toEqual({ ok: false, limit: 'global', usedMicros: 900, limitMicros: 1_000 });
  });
});
