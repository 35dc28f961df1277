// createRedisModelState against a real, throw-away redis-server: one minute's requests and tokens
// counted over every client, rpm / tpm refusals with a sensible retry time, windows that slide,
// token corrections, blocks that every client honours and that never shorten, keys under the
// prefix that expire, an outage that never throws nor waits past the command timeout, and an
// atomic acquire (100 concurrent acquires from 4 clients, rpm 10: exactly 10 pass).
//
// The library is imported from src/ (not `llm-agent-router/redis`): vitest.config.ts aliases the
// other entries to src/, but not `redis`, which then resolves to the built dist/ instead.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisModelState, type RedisLinkEvent } from '../../src/redis.js';
import type { ModelLimits } from '../../src/state/model-live-state.js';
import type { SharedModelState } from '../../src/state/shared-model-state.js';
import { REDIS_MISSING_MESSAGE, redisAvailable, startRedis, type RedisServer } from '../support/redis-server.js';

const name = (title: string) => (redisAvailable() ? title : `${title} (skipped: ${REDIS_MISSING_MESSAGE})`);

let prefixCounter = 0;
/** A fresh prefix per test, so tests never see each other's keys. */
const freshPrefix = () => `mst-${process.pid}-${++prefixCounter}`;

const limits = (id: string, requestsPerMinute?: number, tokensPerMinute?: number): ModelLimits => ({ id, requestsPerMinute, tokensPerMinute });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Redis's own clock, epoch ms. */
async function redisNow(client: Redis): Promise<number> {
  const [seconds, micros] = await client.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** Waits, if need be, so that at least `room` ms remain in Redis's current second; returns Redis's now. */
async function earlyInSecond(client: Redis, room = 600): Promise<number> {
  let now = await redisNow(client);
  if (1000 - (now % 1000) < room) {
    await sleep(1000 - (now % 1000) + 5);
    now = await redisNow(client);
  }
  return now;
}

describe.skipIf(!redisAvailable())(name('createRedisModelState against redis-server'), () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  /** A connected client; closed in afterAll. */
  const client = (port = server.port) => {
    const made = new Redis(port, '127.0.0.1');
    made.on('error', () => {}); // a killed server is expected in one test; the store reports it
    clients.push(made);
    return made;
  };
  /** A store on its own client (another "instance"), with the given prefix. */
  const instance = (prefix: string, extra: { commandTimeoutMs?: number; retryIntervalMs?: number; onEvent?: (event: RedisLinkEvent) => void } = {}) =>
    createRedisModelState({ client: client(), prefix, onEvent: () => {}, ...extra });

  beforeAll(async () => {
    const started = await startRedis();
    if (!started) throw new Error('startRedis() returned undefined although redis-server is available');
    server = started;
  });

  afterAll(async () => {
    for (const made of clients) made.disconnect();
    await server?.stop();
  });

  it('acquire counts each request and refuses at rpm with reason rate_limited and a retry within the minute', async () => {
    const state = instance(freshPrefix());
    const model = limits('gpt-x', 3);
    for (let i = 0; i < 3; i++) expect(await state.acquire(model, 10)).toEqual({ allowed: true });
    const refused = await state.acquire(model, 10);
    expect(refused.allowed).toBe(false);
    if (refused.allowed) return;
    expect(refused.reason).toBe('rate_limited');
    // The oldest request leaves the window 60 s after its second began: within a minute, not before ~59 s.
    expect(refused.retryInMs).toBeGreaterThan(58_000);
    expect(refused.retryInMs).toBeLessThanOrEqual(60_000);
    // A refusal counts nothing.
    const facts = await state.read([model]);
    expect(facts.get('gpt-x')).toEqual({ requests: 3, tokens: 30 });
  });

  it('acquire refuses at tpm: the request that reaches the limit passes, the next is refused', async () => {
    const state = instance(freshPrefix());
    const model = limits('tok', undefined, 1000);
    expect(await state.acquire(model, 600)).toEqual({ allowed: true });
    expect(await state.acquire(model, 600)).toEqual({ allowed: true }); // 600 < 1000 before it: counted, now 1200
    const refused = await state.acquire(model, 1);
    expect(refused).toMatchObject({ allowed: false, reason: 'rate_limited' });
    if (!refused.allowed) {
      expect(refused.retryInMs).toBeGreaterThan(0);
      expect(refused.retryInMs).toBeLessThanOrEqual(60_000);
    }
    expect((await state.read([model])).get('tok')).toEqual({ requests: 2, tokens: 1200 });
    // rpm and tpm of other models are independent.
    expect(await state.acquire(limits('other', undefined, 1000), 5)).toEqual({ allowed: true });
  });

  it('read sums what several clients (instances) counted, and a model with nothing to report is left out', async () => {
    const prefix = freshPrefix();
    const stores = [instance(prefix), instance(prefix), instance(prefix), instance(prefix)];
    const model = limits('shared', 100, 100_000);
    await Promise.all(stores.map(async (store, i) => {
      await store.acquire(model, 100 * (i + 1));
      await store.acquire(model, 0);
    }));
    for (const store of stores) {
      const facts = await store.read([model, limits('idle', 5)]);
      expect(facts.get('shared')).toEqual({ requests: 8, tokens: 100 + 200 + 300 + 400 });
      expect(facts.has('idle')).toBe(false);
    }
    // Another prefix is another namespace: it sees nothing.
    expect((await instance(freshPrefix()).read([model])).size).toBe(0);
  });

  it('the window slides: requests leave it 60 s after their second, and a refusal says when (retryInMs)', async () => {
    const prefix = freshPrefix();
    const raw = client();
    const state = createRedisModelState({ client: raw, prefix, onEvent: () => {} });
    const model = limits('slide', 3);
    // Seed the hash as if 2 requests came 59 s ago and 1 came 30 s ago (what the scripts themselves
    // write: L the newest second, R / T totals, r<sec> / t<sec> buckets), then age it by waiting.
    const now = await earlyInSecond(raw);
    const second = Math.floor(now / 1000);
    const key = `{${prefix}}:model:slide`;
    await raw.hset(key, { L: second, R: 3, T: 70, [`r${second - 59}`]: 2, [`t${second - 59}`]: 50, [`r${second - 30}`]: 1, [`t${second - 30}`]: 20 });
    await raw.pexpire(key, 61_000);
    expect((await state.read([model])).get('slide')).toEqual({ requests: 3, tokens: 70 });
    const refused = await state.acquire(model, 1);
    expect(refused).toMatchObject({ allowed: false, reason: 'rate_limited' });
    if (refused.allowed) return;
    // The two oldest leave at the start of the next second.
    expect(refused.retryInMs).toBeGreaterThan(0);
    expect(refused.retryInMs).toBeLessThanOrEqual(1000 - (now % 1000) + 50);
    await sleep(refused.retryInMs + 30);
    expect((await state.read([model])).get('slide')).toEqual({ requests: 1, tokens: 20 });
    expect(await state.acquire(model, 5)).toEqual({ allowed: true });
    expect(await state.acquire(model, 5)).toEqual({ allowed: true });
    expect(await state.acquire(model, 5)).toMatchObject({ allowed: false, reason: 'rate_limited' });
    // The buckets that left are gone from the hash.
    const fields = await raw.hkeys(key);
    expect(fields).not.toContain(`r${second - 59}`);
    expect(fields).toContain(`r${second - 30}`);
  });

  it('a hash idle for a minute or more counts nothing (a stale window is not carried over)', async () => {
    const prefix = freshPrefix();
    const raw = client();
    const state = createRedisModelState({ client: raw, prefix, onEvent: () => {} });
    const second = Math.floor((await redisNow(raw)) / 1000);
    const key = `{${prefix}}:model:old`;
    await raw.hset(key, { L: second - 61, R: 5, T: 500, [`r${second - 61}`]: 5, [`t${second - 61}`]: 500 });
    expect((await state.read([limits('old', 5)])).has('old')).toBe(false);
    expect(await state.acquire(limits('old', 5), 7)).toEqual({ allowed: true });
    expect((await state.read([limits('old', 5)])).get('old')).toEqual({ requests: 1, tokens: 7 });
  });

  it('count adds requests and tokens without checking, and negative tokens correct an estimate', async () => {
    const state = instance(freshPrefix());
    const model = limits('corr', 2, 10_000);
    expect(await state.acquire(model, 500)).toEqual({ allowed: true });
    await state.count('corr', 0, -300);
    expect((await state.read([model])).get('corr')).toEqual({ requests: 1, tokens: 200 });
    await state.count('corr', 1, 50); // a retry: counted past any limit check
    await state.count('corr', 1, 0);
    expect((await state.read([model])).get('corr')).toEqual({ requests: 3, tokens: 250 });
    // Over rpm now (3 ≥ 2): acquire refuses though count went past the limit unchecked.
    expect(await state.acquire(model, 1)).toMatchObject({ allowed: false, reason: 'rate_limited' });
    // A correction below zero never reads as negative tokens.
    await state.count('corr', 0, -10_000);
    expect((await state.read([model])).get('corr')).toEqual({ requests: 3, tokens: 0 });
    // Non-finite numbers count as 0 rather than break the script.
    await expect(state.count('corr', Number.NaN, Number.POSITIVE_INFINITY)).resolves.toBeUndefined();
    expect((await state.read([model])).get('corr')?.requests).toBe(3);
  });

  it('block makes acquire refuse with its reason, read reports blockedForMs / blockedReason, and a block never shortens', async () => {
    const prefix = freshPrefix();
    const [a, b] = [instance(prefix), instance(prefix)];
    const model = limits('blk', 100);
    await a.block('blk', 5000, 'cooling_down');
    const refused = await b.acquire(model, 1);
    expect(refused).toMatchObject({ allowed: false, reason: 'cooling_down' });
    if (!refused.allowed) {
      expect(refused.retryInMs).toBeGreaterThan(4500);
      expect(refused.retryInMs).toBeLessThanOrEqual(5000);
    }
    let fact = (await b.read([model])).get('blk');
    expect(fact?.blockedReason).toBe('cooling_down');
    expect(fact?.blockedForMs).toBeGreaterThan(4500);
    expect(fact?.blockedForMs).toBeLessThanOrEqual(5000);
    expect(fact?.requests).toBe(0); // the refused acquire counted nothing

    // A shorter block (any reason) leaves the longer one as it was.
    await b.block('blk', 1000, 'circuit_open');
    fact = (await a.read([model])).get('blk');
    expect(fact?.blockedReason).toBe('cooling_down');
    expect(fact?.blockedForMs).toBeGreaterThan(4000);

    // A longer one replaces it, with its reason.
    await b.block('blk', 20_000, 'circuit_open');
    fact = (await a.read([model])).get('blk');
    expect(fact?.blockedReason).toBe('circuit_open');
    expect(fact?.blockedForMs).toBeGreaterThan(19_000);
    expect(await a.acquire(model, 1)).toMatchObject({ allowed: false, reason: 'circuit_open' });

    // Zero or negative durations block nothing.
    await a.block('free', 0, 'cooling_down');
    await a.block('free', -5, 'circuit_open');
    expect(await a.acquire(limits('free', 100), 1)).toEqual({ allowed: true });
  });

  it('a block ends on time, and the requests counted before it still count after it', async () => {
    const state = instance(freshPrefix());
    const model = limits('short', 100);
    expect(await state.acquire(model, 3)).toEqual({ allowed: true });
    await state.block('short', 300, 'cooling_down');
    expect(await state.acquire(model, 3)).toMatchObject({ allowed: false, reason: 'cooling_down' });
    await sleep(350);
    const fact = (await state.read([model])).get('short');
    expect(fact).toEqual({ requests: 1, tokens: 3 });
    expect(await state.acquire(model, 3)).toEqual({ allowed: true });
  });

  it('every key starts with {prefix}: and expires: about a minute when not blocked, past the block when blocked', async () => {
    const prefix = freshPrefix();
    const raw = client();
    const state = createRedisModelState({ client: raw, prefix, onEvent: () => {} });
    await state.acquire(limits('m1', 10, 1000), 5);
    await state.count('m2', 1, 10);
    await state.block('m3', 120_000, 'circuit_open');
    await state.read([limits('m1', 10), limits('m2', 10), limits('m3', 10), limits('never-touched', 10)]);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await raw.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    expect(keys.length).toBeGreaterThanOrEqual(3);
    for (const key of keys) expect(key.startsWith(`{${prefix}}:`)).toBe(true);
    for (const id of ['m1', 'm2']) {
      const ttl = await raw.pttl(`{${prefix}}:model:${id}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(61_000);
    }
    const blockedTtl = await raw.pttl(`{${prefix}}:model:m3`);
    expect(blockedTtl).toBeGreaterThan(119_000);
    expect(blockedTtl).toBeLessThanOrEqual(121_000);
    // Nothing was written for a model only read, and nothing persists without an expiry.
    expect(await raw.exists(`{${prefix}}:model:never-touched`)).toBe(0);
    for (const key of keys) expect(await raw.pttl(key), key).toBeGreaterThan(0);
  });

  // A refusal on a new or stale key (only a limit of 0 refuses a fresh window; the SharedModelState
  // contract takes any ModelLimits) still leaves the key with an expiry.
  it('a refused acquire on a new key leaves the key with an expiry', async () => {
    const prefix = freshPrefix();
    const raw = client();
    const state = createRedisModelState({ client: raw, prefix, onEvent: () => {} });
    expect(await state.acquire(limits('zero', 0), 1)).toMatchObject({ allowed: false, reason: 'rate_limited' });
    const ttl = await raw.pttl(`{${prefix}}:model:zero`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(61_000);
  });

  it('100 concurrent acquires from 4 clients with rpm 10 let exactly 10 through', async () => {
    const prefix = freshPrefix();
    const stores = [instance(prefix), instance(prefix), instance(prefix), instance(prefix)];
    const model = limits('race', 10);
    const permits = await Promise.all(Array.from({ length: 100 }, (_, i) => stores[i % 4]!.acquire(model, 1)));
    expect(permits.filter((permit) => permit.allowed)).toHaveLength(10);
    for (const permit of permits.filter((p) => !p.allowed)) {
      expect(permit).toMatchObject({ allowed: false, reason: 'rate_limited' });
      if (!permit.allowed) expect(permit.retryInMs).toBeLessThanOrEqual(60_000);
    }
    expect((await stores[0]!.read([model])).get('race')).toEqual({ requests: 10, tokens: 10 });
  });

  it('when Redis is killed every operation resolves within commandTimeoutMs + margin and never throws; it recovers after a restart', async () => {
    const own = await startRedis();
    if (!own) throw new Error('startRedis() returned undefined');
    try {
      const events: RedisLinkEvent[] = [];
      // Default ioredis options: commands issued while the server is gone wait in its offline queue
      // (up to 20 reconnection attempts): only the store's own deadline keeps them short.
      const raw = client(own.port);
      const commandTimeoutMs = 200;
      const retryIntervalMs = 300;
      const state = createRedisModelState({ client: raw, prefix: freshPrefix(), commandTimeoutMs, retryIntervalMs, onEvent: (event) => events.push(event) });
      const model = limits('gone', 1, 10);
      expect(await state.acquire(model, 1)).toEqual({ allowed: true });
      expect(await state.acquire(model, 1)).toMatchObject({ allowed: false }); // Redis counts: rpm 1 reached

      await own.kill();
      const timed = async <T>(work: Promise<T>): Promise<{ value: T; ms: number }> => {
        const t0 = performance.now();
        const value = await work;
        return { value, ms: performance.now() - t0 };
      };
      // The first command waits out the deadline; the rest take the unavailable path at once.
      const first = await timed(state.read([model]));
      expect(first.value.size).toBe(0);
      expect(first.ms).toBeLessThan(commandTimeoutMs + 300);
      const ops = await Promise.all([
        timed(state.acquire(model, 1)),
        timed(state.count('gone', 1, 5)),
        timed(state.block('gone', 10_000, 'circuit_open')),
        timed(state.read([model])),
      ]);
      expect(ops[0]!.value).toEqual({ allowed: true }); // own view only: the shared limit is not enforced
      expect(ops[1]!.value).toBeUndefined();
      expect(ops[2]!.value).toBeUndefined();
      expect(ops[3]!.value.size).toBe(0);
      for (const op of ops) expect(op.ms).toBeLessThan(commandTimeoutMs + 300);

      // After the retry interval, each operation tries Redis again: still bounded by the deadline.
      await sleep(retryIntervalMs + 50);
      const again = await Promise.all([timed(state.acquire(model, 1)), timed(state.read([model])), timed(state.count('gone', 0, 1)), timed(state.block('gone', 100, 'cooling_down'))]);
      expect(again[0]!.value).toEqual({ allowed: true });
      expect(again[1]!.value.size).toBe(0);
      for (const op of again) expect(op.ms).toBeLessThan(commandTimeoutMs + 300);
      expect(events.filter((event) => event.type === 'redis_unavailable')).toHaveLength(1);

      // Back (empty: no persistence; its script cache is empty too): the store loads its scripts again.
      await own.restart();
      const deadline = Date.now() + 5000;
      let recovered = false;
      while (!recovered && Date.now() < deadline) {
        await sleep(retryIntervalMs + 20);
        await state.acquire(model, 1);
        recovered = ((await state.read([model])).get('gone')?.requests ?? 0) >= 1;
      }
      expect(recovered).toBe(true);
      expect(events.map((event) => event.type)).toEqual(['redis_unavailable', 'redis_recovered']);
      expect(await state.acquire(model, 1)).toMatchObject({ allowed: false, reason: 'rate_limited' });
    } finally {
      await own.stop();
    }
  });
});
