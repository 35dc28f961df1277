// RedisLink, the one way the Redis stores reach Redis: option checks, scripts loaded once and again
// after SCRIPT FLUSH, the per-command deadline (also against a Redis that hangs in DEBUG SLEEP), the
// pause after a failure, and the unavailable / recovered events reported once each.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, StateUnavailableError } from '../../src/errors.js';
import { createRedisLedger, type RedisLedgerEvent, type RedisLedgerOptions } from '../../src/redis.js';
import { RedisLink, script, type RedisLinkEvent, type RedisScriptClient } from '../../src/redis/redis-link.js';
import { ledgerDay, type LedgerEntry } from '../../src/state/cost-ledger.js';
import { REDIS_MISSING_MESSAGE, redisAvailable, startRedis, type RedisServer } from '../support/redis-server.js';

const title = (text: string) => (redisAvailable() ? text : `${text} (skipped: ${REDIS_MISSING_MESSAGE})`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const entry = (agentId: string, costMicros: number): LedgerEntry => ({ agentId, modelId: 'gpt', costMicros, inputTokens: 1, outputTokens: 1, at: Date.now() });
let seq = 0;
const freshPrefix = () => `link-test-${process.pid}-${++seq}`;
const fakeClient: RedisScriptClient = { evalsha: async () => [0, 0, 0, 0, 0], script: async () => 'sha' };

/** Delegates to a real client and counts what the link asks of it. */
function counting(real: Redis) {
  const calls = { load: 0, evalsha: 0 };
  const client: RedisScriptClient = {
    evalsha: (...args) => {
      calls.evalsha += 1;
      return real.evalsha(...(args as [string, number, ...(string | number)[]]));
    },
    script: (subcommand, source) => {
      calls.load += 1;
      return real.script(subcommand, source);
    },
  };
  return { client, calls };
}

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('RedisLink and createRedisLedger options', () => {
  const ledgerWith = (options: Partial<RedisLedgerOptions>) => () => createRedisLedger({ client: fakeClient, onEvent: () => {}, ...options } as RedisLedgerOptions);
  it.each([
    ['options.commandTimeoutMs', { commandTimeoutMs: 0 }],
    ['options.commandTimeoutMs', { commandTimeoutMs: Number.NaN }],
    ['options.retryIntervalMs', { retryIntervalMs: -1 }],
    ['options.retryIntervalMs', { retryIntervalMs: Number.POSITIVE_INFINITY }],
    ['options.whenUnavailable', { whenUnavailable: 'maybe' }],
    ['options.prefix', { prefix: 'a{b}' }],
    ['options.prefix', { prefix: 'a b' }],
    ['options.prefix', { prefix: '' }],
    ['options.prefix', { prefix: 'x'.repeat(201) }],
    ['options.clock', { clock: 'wall' }],
    ['options.retainDays', { retainDays: 0 }],
    ['options.maxQueued', { maxQueued: 1.5 }],
    ['client', { client: {} }],
    ['client', { client: { evalsha: async () => null } }],
    ['client', { client: undefined }],
  ] as [string, Partial<RedisLedgerOptions>][])('rejects %s = %o', (argument, options) => {
    const error = thrown(ledgerWith(options));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument, message: expect.stringContaining(argument) });
  });

  it('checks the link options when built directly too, and takes good ones', () => {
    expect(thrown(() => new RedisLink({ script: fakeClient.script } as unknown as RedisScriptClient, 's', {}, () => {}))).toMatchObject({ argument: 'client' });
    expect(thrown(() => new RedisLink(fakeClient, 's', { commandTimeoutMs: -5 }, () => {}))).toMatchObject({ argument: 'options.commandTimeoutMs' });
    expect(() => createRedisLedger({ client: fakeClient, prefix: 'ok-prefix:1', commandTimeoutMs: 1, retryIntervalMs: 1, onEvent: () => {} })).not.toThrow();
  });

  it('gives up on a client that never answers at the deadline, then waits retryIntervalMs before asking again', async () => {
    let asked = 0;
    const hung: RedisScriptClient = { evalsha: () => new Promise(() => {}), script: () => ((asked += 1), new Promise(() => {})) };
    const events: RedisLinkEvent[] = [];
    const link = new RedisLink(hung, 'test store', { commandTimeoutMs: 60, retryIntervalMs: 200 }, (e) => events.push(e));
    const op = script('do a thing', 'return 1');
    const t0 = performance.now();
    const error = await link.run(op, [], []).catch((e: unknown) => e);
    const elapsed = performance.now() - t0;
    expect(StateUnavailableError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toContain('within 60 ms');
    expect(elapsed).toBeGreaterThanOrEqual(55);
    expect(elapsed).toBeLessThan(500);
    expect(link.unavailable).toBe(true);
    // At once, without asking the client, naming this operation and why Redis is out.
    await expect(link.run(script('do another thing', 'return 2'), [], [])).rejects.toMatchObject({
      operation: 'do another thing',
      message: 'The test store could not do another thing: Redis is unavailable (Redis did not answer within 60 ms); it is asked again 200 ms after the failure',
      timedOut: false,
    });
    expect(asked).toBe(1);
    await sleep(220);
    expect(link.unavailable).toBe(false);
    await expect(link.run(op, [], [])).rejects.toSatisfy(StateUnavailableError.isInstance);
    expect(asked).toBe(2);
    expect(events.map((e) => e.type)).toEqual(['redis_unavailable']);
  });
});

describe('RedisLink: a command given up at its deadline', () => {
  it('is not sent once its script has loaded late (its caller already went on without it)', async () => {
    let evalshas = 0;
    let finishLoad: (() => void) | undefined;
    const slow: RedisScriptClient = {
      evalsha: async () => ((evalshas += 1), 1),
      script: () => new Promise((resolve) => (finishLoad = () => resolve('OK'))),
    };
    const link = new RedisLink(slow, 'test store', { commandTimeoutMs: 30, retryIntervalMs: 1 }, () => {});
    const error = await link.run(script('reserve', 'return 1'), ['k'], []).catch((e: unknown) => e);
    expect(error).toMatchObject({ timedOut: true });
    finishLoad!();
    await sleep(10);
    expect(evalshas).toBe(0);
  });
});

describe.skipIf(!redisAvailable())(title('RedisLink on a live redis-server'), () => {
  let server: RedisServer;
  let real: Redis;
  beforeAll(async () => {
    server = (await startRedis())!;
    real = new Redis(server.port, '127.0.0.1');
    real.on('error', () => {});
  });
  afterAll(async () => {
    real?.disconnect();
    await server?.stop();
  });

  it('loads a script once, runs it by SHA1, and loads it again after SCRIPT FLUSH without an outage', async () => {
    const { client, calls } = counting(real);
    const events: RedisLinkEvent[] = [];
    const link = new RedisLink(client, 'test store', {}, (e) => events.push(e));
    const op = script('add', "return redis.call('INCRBY', KEYS[1], ARGV[1])");
    const key = `{${freshPrefix()}}:n`;
    for (let i = 1; i <= 5; i += 1) expect(await link.run(op, [key], [10])).toBe(10 * i);
    expect(calls).toEqual({ load: 1, evalsha: 5 });
    expect(await real.script('EXISTS', op.sha)).toEqual([1]);

    await real.script('FLUSH');
    expect(await real.script('EXISTS', op.sha)).toEqual([0]);
    expect(await link.run(op, [key], [1])).toBe(51);
    expect(calls).toEqual({ load: 2, evalsha: 7 }); // NOSCRIPT, LOAD, evalsha again
    expect(events).toEqual([]);
  });

  it('keeps the ledger working after SCRIPT FLUSH', async () => {
    const events: RedisLedgerEvent[] = [];
    const ledger = createRedisLedger({ client: real, prefix: freshPrefix(), onEvent: (e) => events.push(e) });
    const now = Date.now();
    const day = ledgerDay(now);
    await ledger.record(day, entry('a', 100));
    await real.script('FLUSH');
    const held = await ledger.reserve({ day, agentId: 'a', modelId: 'gpt', amountMicros: 50, limitMicros: 1_000, now, expiresAt: now + 60_000 });
    expect(held.ok).toBe(true);
    await real.script('FLUSH');
    await ledger.commit(held.ok ? held.reservationId : '', day, entry('a', 40));
    await real.script('FLUSH');
    expect(await ledger.snapshot({ day, agentId: 'a', now })).toEqual({ totalMicros: 140, reservedMicros: 0, agentMicros: 140, agentReservedMicros: 0 });
    expect(await ledger.report(day)).toMatchObject({ totalMicros: 140, calls: 2 });
    expect(events).toEqual([]);
    expect(ledger.queuedBookings).toBe(0);
  });

  it('counts a script Redis refuses as unavailable, reports it once, pauses, and reports the recovery', async () => {
    const { client, calls } = counting(real);
    const events: RedisLinkEvent[] = [];
    const link = new RedisLink(client, 'test store', { retryIntervalMs: 150 }, (e) => {
      events.push(e);
      throw new Error('a listener that throws must not break the call');
    });
    const key = `{${freshPrefix()}}:k`;
    const incr = script('incr', "return redis.call('INCR', KEYS[1])");
    await real.hset(key, 'f', '1'); // INCR on a hash: WRONGTYPE
    const first = await link.run(incr, [key], []).catch((e: unknown) => e);
    expect(first).toMatchObject({ store: 'test store', operation: 'incr', message: expect.stringContaining('WRONGTYPE') });
    const asked = calls.evalsha;
    await expect(link.run(incr, [key], [])).rejects.toMatchObject({ operation: 'incr', message: expect.stringContaining('Redis is unavailable (WRONGTYPE') });
    expect(calls.evalsha).toBe(asked);
    await sleep(170);
    await expect(link.run(incr, [key], [])).rejects.toThrow(/WRONGTYPE/);
    expect(events.map((e) => e.type)).toEqual(['redis_unavailable']);
    await real.del(key);
    await sleep(170);
    expect(await link.run(incr, [key], [])).toBe(1);
    expect(events.map((e) => e.type)).toEqual(['redis_unavailable', 'redis_recovered']);
    expect((events[1] as { downMs: number }).downMs).toBeGreaterThanOrEqual(300);
    expect(link.unavailable).toBe(false);
  });
});

describe.skipIf(!redisAvailable())(title('RedisLedger against a Redis that hangs (DEBUG SLEEP)'), () => {
  let server: RedisServer;
  let client: Redis;
  let other: Redis;
  beforeAll(async () => {
    server = (await startRedis({ args: ['--enable-debug-command', 'local'] }))!;
    client = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 50 });
    other = new Redis(server.port, '127.0.0.1');
    for (const c of [client, other]) c.on('error', () => {});
    while (client.status !== 'ready') await sleep(20); // without an offline queue, commands fail until then
    await other.ping();
  });
  let sleeper: Promise<unknown> | undefined;
  afterEach(async () => {
    await sleeper; // let the server wake before the next test
    sleeper = undefined;
  });
  afterAll(async () => {
    client?.disconnect();
    other?.disconnect();
    await server?.stop();
  });
  const hang = async (seconds: number) => {
    sleeper = other.call('DEBUG', 'SLEEP', String(seconds));
    await sleep(50); // the server is now inside DEBUG SLEEP
  };

  it('answers on the unavailable path within the command timeout, never waiting out the hang', async () => {
    const events: RedisLedgerEvent[] = [];
    const ledger = createRedisLedger({ client, prefix: freshPrefix(), commandTimeoutMs: 200, retryIntervalMs: 5_000, onEvent: (e) => events.push(e) });
    const now = Date.now();
    const day = ledgerDay(now);
    await ledger.record(day, entry('a', 70));
    expect(await ledger.snapshot({ day, agentId: 'a', now })).toMatchObject({ totalMicros: 70 });

    await hang(2);
    let t0 = performance.now();
    const spend = await ledger.snapshot({ day, agentId: 'a', now });
    expect(performance.now() - t0).toBeLessThan(800);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    expect(spend).toEqual({ totalMicros: 70, reservedMicros: 0, agentMicros: 70, agentReservedMicros: 0, unavailable: expect.stringContaining('did not answer within 200 ms') });
    t0 = performance.now();
    expect(await ledger.reserve({ day, agentId: 'a', modelId: 'gpt', amountMicros: 5, now, expiresAt: now + 60_000 })).toMatchObject({ ok: false, limit: 'unavailable' });
    expect(performance.now() - t0).toBeLessThan(100); // the link is paused: Redis is not asked
    expect(events.map((e) => e.type)).toEqual(['redis_unavailable']);
  });

  it('times out on a fresh ledger too, while the script is still being loaded', async () => {
    const ledger = createRedisLedger({ client, prefix: freshPrefix(), commandTimeoutMs: 200, onEvent: () => {} });
    const now = Date.now();
    await hang(1);
    const t0 = performance.now();
    const refused = await ledger.reserve({ day: ledgerDay(now), agentId: 'a', modelId: 'gpt', amountMicros: 5, now, expiresAt: now + 60_000 });
    expect(performance.now() - t0).toBeLessThan(800);
    expect(refused).toMatchObject({ ok: false, limit: 'unavailable', reason: expect.stringContaining('200 ms') });
  });

  // A booking whose command timed out is queued, but Redis still runs the command once it wakes: the replay
  // carries the same booking id, and the script does not book it twice.
  it('books a call once when its command timed out but Redis ran it later', async () => {
    const ledger = createRedisLedger({ client, prefix: freshPrefix(), commandTimeoutMs: 200, retryIntervalMs: 100, onEvent: () => {} });
    const day = ledgerDay(Date.now());
    await ledger.report(day); // scripts loaded
    await hang(1);
    await ledger.record(day, entry('a', 100));
    expect(ledger.queuedBookings).toBe(1);
    await sleeper;
    await sleep(150);
    expect(await ledger.report(day)).toMatchObject({ totalMicros: 100, calls: 1 });
  });

  it('releases a reservation whose command timed out but ran later, once Redis answers again', async () => {
    const ledger = createRedisLedger({ client, prefix: freshPrefix(), commandTimeoutMs: 200, retryIntervalMs: 100, onEvent: () => {} });
    const now = Date.now();
    const day = ledgerDay(now);
    await ledger.report(day); // scripts loaded
    await hang(1);
    const refused = await ledger.reserve({ day, agentId: 'a', modelId: 'gpt', amountMicros: 500, limitMicros: 10_000, now, expiresAt: now + 3_600_000 });
    expect(refused).toMatchObject({ ok: false, limit: 'unavailable' });
    expect(ledger.queuedBookings).toBe(1); // the release of what the late command may reserve
    await sleeper;
    await sleep(150);
    // Redis ran the reservation after its deadline; the replayed release frees it (without it, 500 stays held for an hour).
    expect(await ledger.snapshot({ day, agentId: 'a', now: Date.now() })).toEqual({ totalMicros: 0, reservedMicros: 0, agentMicros: 0, agentReservedMicros: 0 });
    expect(ledger.queuedBookings).toBe(0);
  });
});
