// A command the ledger gave up at its deadline may still reach Redis later; neither a replayed commit
// nor a refused reserve may then count twice or hold budget. Against a real redis-server.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisLedger } from '../../src/redis.js';
import { ledgerDay } from '../../src/state/cost-ledger.js';
import { REDIS_MISSING_MESSAGE, redisAvailable, startRedis, type RedisServer } from '../support/redis-server.js';

const name = (title: string) => (redisAvailable() ? title : `${title} (skipped: ${REDIS_MISSING_MESSAGE})`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A command the ledger gave up at its deadline may still reach Redis later (ioredis keeps it on the
// wire or in its offline queue, and Redis runs it once it answers again). Neither a commit replayed
// from the queue nor a reserve the caller was refused may then count twice or hold budget. (Both did
// when these tests were written: test c saw a reservation nobody held after the restart — 300 000
// micro-dollars for an hour — and a commit given up at its deadline was booked twice.) A slow Redis
// is simulated with CLIENT PAUSE: commands are held, then run.
describe.skipIf(!redisAvailable())(name('a Redis too slow for the deadline: what the ledger gave up must not land later'), () => {
  let server: RedisServer | undefined;
  const clients: Redis[] = [];
  const connect = () => {
    const client = new Redis(server!.url);
    client.on('error', () => {});
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });

  const entry = (costMicros: number) => ({ agentId: 'a', modelId: 'm', inputTokens: 1, outputTokens: 1, costMicros, at: Date.now() });
  const reserveRequest = (amountMicros: number) => {
    const now = Date.now();
    return { day: ledgerDay(now), agentId: 'a', modelId: 'm', amountMicros, limitMicros: 10_000_000, now, expiresAt: now + 3_600_000 };
  };

  it('a commit given up at its deadline is booked once — though Redis runs it late and the queue replays it', async () => {
    const admin = connect();
    const ledger = createRedisLedger({ client: connect(), prefix: `slow-commit-${process.pid}`, commandTimeoutMs: 200, retryIntervalMs: 100, onEvent: () => {} });
    const day = ledgerDay(Number((await admin.time())[0]) * 1000);
    const reserved = await ledger.reserve(reserveRequest(1_000));
    expect(reserved.ok).toBe(true);
    await admin.client('PAUSE', 600, 'ALL');
    await ledger.commit((reserved as { reservationId: string }).reservationId, day, entry(1_000));
    expect(ledger.queuedBookings).toBe(1); // given up at the deadline: queued, to be written once Redis answers
    await sleep(800); // the pause ends; Redis runs the held commit; then the queue is replayed
    const report = await ledger.report(day);
    expect(ledger.queuedBookings).toBe(0);
    expect(report.calls).toBe(1);
    expect(report.totalMicros).toBe(1_000);
  });

  it('a reserve given up at its deadline (refused as unavailable) holds no budget once Redis has run it late', async () => {
    const admin = connect();
    const ledger = createRedisLedger({ client: connect(), prefix: `slow-reserve-${process.pid}`, commandTimeoutMs: 200, retryIntervalMs: 100, onEvent: () => {} });
    const day = ledgerDay(Number((await admin.time())[0]) * 1000);
    expect(await ledger.report(day)).toMatchObject({ reservedMicros: 0 }); // scripts loaded, Redis answers
    await admin.client('PAUSE', 600, 'ALL');
    const refused = await ledger.reserve(reserveRequest(5_000));
    expect(refused).toMatchObject({ ok: false, limit: 'unavailable' }); // the caller holds no reservation
    await sleep(800);
    const report = await ledger.report(day);
    expect(ledger.queuedBookings).toBe(0);
    expect(report.reservedMicros).toBe(0);
    expect(await admin.hlen(`{slow-reserve-${process.pid}}:${day}:rh`)).toBe(0);
  });
});
