// Acceptance tests of the Redis-shared state, with real separate processes: four router instances,
// each in its own Node process (test/integration/fixtures/redis-instance/instance.ts, run with
// `node --import tsx`), share one redis-server through createRedisLedger + createRedisModelState.
//
//   a. one daily budget: 1 000 concurrent complete() calls (250 per instance, all in flight
//      together) spend, by Redis's own report, no more than the budget plus one call per instance,
//      and every reservation is settled afterwards;
//   b. one view of the models: a 429 with Retry-After 30 s seen by one instance makes the others
//      skip that model at once;
//   c. an outage: Redis killed while a burst is in flight — no call hangs; fail_closed instances
//      serve locally or refuse with BudgetExceededError (ledgerUnavailable), fail_open instances
//      keep serving on the cloud; once Redis is back the bookings queued meanwhile are written;
//   d. one rate window: rpm 10 over 4 processes lets exactly 10 calls reach the model.
// Then, in this process: a Redis too slow for the deadline (CLIENT PAUSE) must not make the ledger
// book a commit twice or keep a reservation it refused; and fail_closed with no local model.
//
// The processes start once, in parallel, and serve every test (each test creates its own routers
// in them, on its own key prefix); afterAll ends them, and each also exits when its stdin closes.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type CompletionRequest, type RouterConfigInput } from '../../src/index.js';
import { createRedisLedger, createRedisModelState } from '../../src/redis.js';
import { createMockProvider } from '../../src/test.js';
import { ledgerDay } from '../../src/state/cost-ledger.js';
import { REDIS_MISSING_MESSAGE, redisAvailable, startRedis, type RedisServer } from '../support/redis-server.js';
import type { CallRecord } from './fixtures/redis-instance/protocol.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/redis-instance/instance.ts', import.meta.url));
const INSTANCES = 4;

const name = (title: string) => (redisAvailable() ? title : `${title} (skipped: ${REDIS_MISSING_MESSAGE})`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// The child processes and their JSON-lines protocol.

type Reply = Record<string, any>;


interface BurstReply {
  ok: number;
  budgetExceeded: number;
  other: number;
  costUsd: number;
  calls: CallRecord[];
}

const spawned = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of spawned) child.kill('SIGKILL');
});

class Instance {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number | string, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private buffer = '';
  private stderr = '';
  readonly ready: Promise<Reply>;

  constructor(readonly label: string) {
    this.child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    spawned.add(this.child);
    this.child.stdin!.on('error', () => {});
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-8_000);
    });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString();
      for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        if (!line.trim()) continue;
        let reply: Reply;
        try {
          reply = JSON.parse(line) as Reply;
        } catch {
          this.stderr += `\n(stdout, not JSON) ${line}`;
          continue;
        }
        const waiter = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        if (!waiter) continue;
        if (reply.ok === false) waiter.reject(new Error(`${this.label}: ${JSON.stringify(reply.error)}`));
        else waiter.resolve(reply);
      }
    });
    this.child.once('exit', (code, signal) => {
      spawned.delete(this.child);
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`${this.label} exited (code ${code}, signal ${signal}) before answering.\n${this.stderr}`));
      this.waiting.clear();
    });
    this.ready = this.expect('ready', 20_000);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private expect(id: number | string, timeoutMs: number): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.label} gave no answer to #${id} within ${timeoutMs} ms.\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  send(command: Record<string, unknown>, timeoutMs = 20_000): Promise<Reply> {
    const id = this.nextId++;
    const answer = this.expect(id, timeoutMs);
    this.child.stdin!.write(`${JSON.stringify({ id, ...command })}\n`);
    return answer;
  }

  burst(command: Record<string, unknown>, timeoutMs = 30_000): Promise<BurstReply> {
    return this.send({ cmd: 'burst', ...command }, timeoutMs) as Promise<Reply> as Promise<BurstReply>;
  }

  /** Asks it to exit; SIGKILL if it has not within 2 s. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.send({ cmd: 'exit' }, 2_000).catch(() => undefined);
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Configurations.

/** USD per 1k tokens of the priced cloud model. */
const PRICES = { input: 1, output: 2 };
const INPUT_TOKENS = 100;
const MAX_TOKENS = 100;
/** One call's cost: the reservation (input as the task states it + the whole output limit) and the bill alike. */
const CALL_USD = (INPUT_TOKENS * PRICES.input + MAX_TOKENS * PRICES.output) / 1000; // 0.30
const CALL_MICROS = Math.round(CALL_USD * 1e6);
const REQUEST: CompletionRequest = { messages: [{ role: 'user', content: 'Summarise the ticket.' }], maxTokens: MAX_TOKENS };
const TASK = { estimated_tokens: INPUT_TOKENS };
/** The cloud model's reply: the usage the reservation covers (output capped at the request's maxTokens). */
const cloudReply = (latencyMs: number) => ({ replies: [{ text: 'done', usage: { inputTokens: INPUT_TOKENS, outputTokens: MAX_TOKENS }, latencyMs }], capOutputAtMaxTokens: true });

const CLOUD_FIRST = { default_strategy: 'cloud_first', strategies: { cloud_first: { rules: [{ prefer_cloud_models: true }] } } };

function pricedConfig(dailyBudget: number, withLocal: boolean): RouterConfigInput {
  return {
    models: {
      cloud: { provider: 'cloud', type: 'cloud', cost_per_1k_tokens: PRICES },
      ...(withLocal ? { local: { provider: 'local', type: 'local' as const } } : {}),
    },
    agents: { worker: { model_preferences: { primary: 'cloud', ...(withLocal ? { local_alternative: 'local' } : {}) } } },
    routing: { ...CLOUD_FIRST, budget: { daily: dailyBudget } },
  } as RouterConfigInput;
}

const FALLBACK_CONFIG = {
  models: {
    'model-x': { provider: 'x', type: 'cloud' },
    'model-y': { provider: 'y', type: 'cloud' },
  },
  agents: { worker: { model_preferences: { primary: 'model-x', fallback: 'model-y' } } },
  routing: CLOUD_FIRST,
} as RouterConfigInput;

// ---------------------------------------------------------------------------------------------

describe.skipIf(!redisAvailable())(name('four router instances in four processes share one Redis'), () => {
  let main: RedisServer | undefined;
  let outage: RedisServer | undefined;
  const clients: Redis[] = [];
  const instances: Instance[] = [];
  const prefix = (test: string) => `it-${process.pid}-${test}`;
  const connect = (server: RedisServer) => {
    const client = new Redis(server.url);
    client.on('error', () => {});
    clients.push(client);
    return client;
  };
  /** Today by Redis's clock (the one the ledgers keep the day by). */
  const redisDay = async (client: Redis) => ledgerDay(Number((await client.time())[0]) * 1000);

  beforeAll(async () => {
    for (let i = 0; i < INSTANCES; i++) instances.push(new Instance(`instance ${String.fromCharCode(65 + i)}`));
    const [first, second] = await Promise.all([startRedis(), startRedis()]);
    main = first;
    outage = second;
    if (!main || !outage) throw new Error('startRedis() returned undefined although redis-server is available');
    const ready = await Promise.all(instances.map((instance) => instance.ready));
    expect(new Set(ready.map((reply) => reply.pid)).size).toBe(INSTANCES); // four processes
  }, 40_000);

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    for (const client of clients) client.disconnect();
    await Promise.all([main?.stop(), outage?.stop()]);
  }, 20_000);

  it('a: 1 000 concurrent calls over 4 processes spend no more than the shared daily budget (+1 call per instance), and every reservation settles', async () => {
    const BUDGET_USD = 100 * CALL_USD; // about 100 calls
    const p = prefix('budget');
    await Promise.all(instances.map((instance) =>
      instance.send({ cmd: 'init', name: 'budget', url: main!.url, prefix: p, config: pricedConfig(BUDGET_USD, false), providers: { cloud: cloudReply(150) } })));
    // Every process starts its 250 calls at the same moment.
    const at = Date.now() + 400;
    const bursts = await Promise.all(instances.map((instance) => instance.burst({ name: 'budget', n: 250, agent: 'worker', request: REQUEST, task: TASK, at })));

    const calls = bursts.flatMap((burst) => burst.calls);
    expect(calls).toHaveLength(1000);
    for (const burst of bursts) {
      expect(burst.other, JSON.stringify(burst.calls.filter((call) => call.error && call.error !== 'BudgetExceededError').slice(0, 3))).toBe(0);
      expect(burst.ok + burst.budgetExceeded).toBe(250);
    }
    const served = bursts.reduce((sum, burst) => sum + burst.ok, 0);
    // All in flight together: every call started before the first answer came (the mock answers after 150 ms).
    const firstEnd = Math.min(...calls.filter((call) => !call.error).map((call) => call.end));
    const lastStart = Math.max(...calls.map((call) => call.start));
    const client = connect(main!);
    const day = await redisDay(client);
    const report = await createRedisLedger({ client, prefix: p }).report(day);
    console.info(`[a] ${served} of 1000 calls served (per instance ${bursts.map((b) => b.ok).join(' / ')}), Redis reports $${report.totalMicros / 1e6} spent of a $${BUDGET_USD} budget in ${report.calls} calls; starts spread over ${lastStart - Math.min(...calls.map((c) => c.start))} ms, last start ${lastStart - firstEnd} ms relative to the first answer`);
    expect(lastStart).toBeLessThanOrEqual(firstEnd);

    expect(served).toBeGreaterThanOrEqual(90);
    expect(report.totalMicros).toBeLessThanOrEqual(Math.round(BUDGET_USD * 1e6) + INSTANCES * CALL_MICROS);
    // Redis booked exactly what the results report, one booking per call served.
    const reportedMicros = calls.reduce((sum, call) => sum + Math.round((call.costUsd ?? 0) * 1e6), 0);
    expect(report.totalMicros).toBe(reportedMicros);
    expect(report.calls).toBe(served);
    expect(report.byAgent).toEqual({ worker: report.totalMicros });
    expect(report.byModel).toEqual({ cloud: report.totalMicros });
    // Every reservation was settled: none open, nothing held.
    expect(report.reservedMicros).toBe(0);
    expect(await client.zcard(`{${p}}:${day}:rz`)).toBe(0);
    expect(await client.hlen(`{${p}}:${day}:rh`)).toBe(0);
    expect(Number((await client.hget(`{${p}}:${day}:t`, 'reserved')) ?? 0)).toBe(0);
    expect(Number((await client.hget(`{${p}}:${day}:t`, 'ra:worker')) ?? 0)).toBe(0);
  }, 40_000);

  it('b: a 429 with Retry-After 30 s on one instance makes every other instance skip that model at once', async () => {
    const p = prefix('cooldown');
    const [a, ...others] = instances as [Instance, ...Instance[]];
    await Promise.all(instances.map((instance, index) =>
      instance.send({
        cmd: 'init',
        name: 'cool',
        url: main!.url,
        prefix: p,
        config: FALLBACK_CONFIG,
        providers: {
          // Instance A's first call of model-x is refused with 429 and Retry-After: 30 s.
          x: { replies: index === 0 ? [{ error: { status: 429, retryAfterMs: 30_000 } }, { text: 'x answered' }] : [{ text: 'x answered' }] },
          y: { replies: [{ text: 'y answered' }] },
        },
      })));

    const first = await a.send({ cmd: 'complete', name: 'cool', agent: 'worker', request: REQUEST });
    expect(first.error).toBeUndefined();
    expect(first.result.decision.modelId).toBe('model-x');
    expect(first.result.modelId).toBe('model-y');
    expect(first.result.attempts[0]).toMatchObject({ modelId: 'model-x', ok: false, error: { status: 429 } });
    // A Retry-After past maxRetryAfterMs (5 s) is not waited out: model-x was tried once.
    expect(first.result.attempts.filter((attempt: Reply) => attempt.modelId === 'model-x')).toHaveLength(1);

    // The block is in Redis, for every instance, for about 30 s.
    const client = connect(main!);
    const ttl = await client.pttl(`{${p}}:model:model-x`);
    expect(ttl).toBeGreaterThan(29_000);

    // The other processes have never seen model-x fail: each skips it on its very next call.
    const nexts = await Promise.all(others.map((instance) => instance.send({ cmd: 'complete', name: 'cool', agent: 'worker', request: REQUEST })));
    for (const [index, next] of nexts.entries()) {
      expect(next.error, JSON.stringify(next.error)).toBeUndefined();
      const { result } = next;
      expect(result.modelId).toBe('model-y');
      const skipped = result.attempts.some((attempt: Reply) => attempt.modelId === 'model-x' && attempt.skipped === 'cooling_down');
      const excluded =
        result.decision.modelId !== 'model-x' &&
        !result.decision.fallbacks.includes('model-x') &&
        result.decision.trace.some((step: Reply) => String(step.message).includes('model-x') && String(step.message).includes('cooling_down'));
      console.info(`[b] instance ${String.fromCharCode(66 + index)}: served by ${result.modelId}; model-x ${skipped ? 'skipped (cooling_down) in its attempts' : excluded ? 'left out of the decision (unavailable)' : 'NOT skipped'}; decision ${result.decision.modelId} → [${result.decision.fallbacks.join(', ')}]`);
      expect(skipped || excluded, `instance ${index + 1}: ${JSON.stringify(result.attempts)} / ${JSON.stringify(result.decision)}`).toBe(true);
      expect(result.attempts.some((attempt: Reply) => attempt.modelId === 'model-x' && !attempt.skipped)).toBe(false);
    }
    for (const instance of others) {
      expect((await instance.send({ cmd: 'calls', name: 'cool' })).calls).toEqual({ x: 0, y: 1 });
      // What conditions see there: model-x unavailable, cooling down, for about 30 s more.
      const { state } = await instance.send({ cmd: 'state', name: 'cool', model: 'model-x' });
      expect(state).toMatchObject({ available: false, unavailableReason: 'cooling_down' });
      expect(state.availableAt - Date.now()).toBeGreaterThan(25_000);
      expect(state.availableAt - Date.now()).toBeLessThanOrEqual(30_500);
    }
    expect((await a.send({ cmd: 'calls', name: 'cool' })).calls).toEqual({ x: 1, y: 1 });
  }, 30_000);

  it('d: rpm counted over every instance: 40 concurrent calls from 4 processes on a model with rpm 10 — exactly 10 reach it, the rest fall back', async () => {
    const p = prefix('rpm');
    const config = {
      ...FALLBACK_CONFIG,
      models: { 'model-x': { provider: 'x', type: 'cloud', rate_limits: { requests_per_minute: 10 } }, 'model-y': { provider: 'y', type: 'cloud' } },
    } as RouterConfigInput;
    await Promise.all(instances.map((instance) =>
      instance.send({ cmd: 'init', name: 'rpm', url: main!.url, prefix: p, config, providers: { x: { replies: [{ text: 'x', latencyMs: 100 }] }, y: { replies: [{ text: 'y', latencyMs: 100 }] } } })));
    const at = Date.now() + 300;
    const bursts = await Promise.all(instances.map((instance) => instance.burst({ name: 'rpm', n: 10, agent: 'worker', request: REQUEST, at })));
    const calls = bursts.flatMap((burst) => burst.calls);
    expect(calls.filter((call) => call.error)).toEqual([]);
    const onX = calls.filter((call) => call.modelId === 'model-x').length;
    const perInstance = await Promise.all(instances.map((instance) => instance.send({ cmd: 'calls', name: 'rpm' })));
    console.info(`[d] model-x (rpm 10) served ${onX} of 40 calls; per instance x/y: ${perInstance.map((reply) => `${reply.calls.x}/${reply.calls.y}`).join(', ')}`);
    expect(onX).toBe(10);
    expect(perInstance.reduce((sum, reply) => sum + reply.calls.x, 0)).toBe(10); // the provider saw 10, not 40
    expect(calls.filter((call) => call.modelId === 'model-y')).toHaveLength(30);
    // Redis counted exactly the 10 requests model-x received.
    const client = connect(main!);
    expect(Number(await client.hget(`{${p}}:model:model-x`, 'R'))).toBe(10);
  }, 30_000);

  it('c: Redis killed mid-burst — no call hangs; fail_closed serves locally or refuses (ledgerUnavailable), fail_open keeps the cloud; queued bookings are written once Redis is back', async () => {
    const COMMAND_TIMEOUT_MS = 200;
    const RETRY_INTERVAL_MS = 500;
    const LATENCY_MS = 300;
    const SPREAD_MS = 1_500;
    const KILL_AFTER_MS = 600;
    const PER_INSTANCE = 100;
    const modes = ['fail_closed', 'fail_closed', 'fail_open', 'fail_open'] as const;
    const prefixes = modes.map((mode, index) => prefix(`outage-${mode}-${index}`));
    await Promise.all(instances.map((instance, index) =>
      instance.send({
        cmd: 'init',
        name: 'outage',
        url: outage!.url,
        prefix: prefixes[index],
        config: pricedConfig(1_000, true),
        providers: { cloud: cloudReply(LATENCY_MS), local: { replies: [{ text: 'local answer', latencyMs: LATENCY_MS }] } },
        ledger: { whenUnavailable: modes[index], commandTimeoutMs: COMMAND_TIMEOUT_MS, retryIntervalMs: RETRY_INTERVAL_MS },
        modelState: { commandTimeoutMs: COMMAND_TIMEOUT_MS, retryIntervalMs: RETRY_INTERVAL_MS },
      })));
    // Warm up (scripts loaded): every instance is served on the cloud while Redis is there.
    for (const warm of await Promise.all(instances.map((instance) => instance.send({ cmd: 'complete', name: 'outage', agent: 'worker', request: REQUEST, task: TASK })))) {
      expect(warm.result?.modelId, JSON.stringify(warm.error)).toBe('cloud');
    }

    const at = Date.now() + 300;
    const running = Promise.all(instances.map((instance) => instance.burst({ name: 'outage', n: PER_INSTANCE, agent: 'worker', request: REQUEST, task: TASK, at, spreadMs: SPREAD_MS })));
    await sleep(at + KILL_AFTER_MS - Date.now());
    const killStarted = Date.now();
    await outage!.kill();
    const killed = Date.now();
    const bursts = await running;

    const bound = COMMAND_TIMEOUT_MS + LATENCY_MS + 2_000;
    const figures: string[] = [];
    for (const [index, burst] of bursts.entries()) {
      const mode = modes[index]!;
      const { calls } = burst;
      expect(calls).toHaveLength(PER_INSTANCE);
      const durations = calls.map((call) => call.end - call.start);
      const slowest = Math.max(...durations);
      const before = calls.filter((call) => call.end < killStarted);
      const after = calls.filter((call) => call.start > killed);
      const onLocal = calls.filter((call) => call.modelId === 'local').length;
      figures.push(`${mode}#${index}: ${burst.ok} ok (${onLocal} local), ${burst.budgetExceeded} BudgetExceeded, ${burst.other} other; slowest ${slowest} ms, ${before.length} ended before the kill, ${after.length} started after it`);
      // None hangs: each settles within the command timeout + the model's latency + 2 s.
      expect(slowest, `${mode}#${index}`).toBeLessThanOrEqual(bound);
      // The kill did land mid-burst.
      expect(before.length).toBeGreaterThan(0);
      expect(after.length).toBeGreaterThan(0);
      expect(burst.other, JSON.stringify(calls.filter((call) => call.error && call.error !== 'BudgetExceededError').slice(0, 3))).toBe(0);
      if (mode === 'fail_closed') {
        for (const call of calls) {
          if (call.error) expect(call).toMatchObject({ error: 'BudgetExceededError', ledgerUnavailable: true });
          // Only a call that started while Redis was up can have been served on the cloud.
          if (call.modelId === 'cloud') expect(call.start).toBeLessThan(killed);
        }
        for (const call of after) expect(call.modelId === 'local' || call.ledgerUnavailable === true, JSON.stringify(call)).toBe(true);
        expect(after.filter((call) => call.modelId === 'local').length).toBeGreaterThan(0);
      } else {
        // Failing open: every call still served, on the cloud.
        expect(burst.ok).toBe(PER_INSTANCE);
        for (const call of calls) expect(call.modelId).toBe('cloud');
      }
    }
    console.info(`[c] Redis killed ${killStarted - at} ms into the burst (kill took ${killed - killStarted} ms); bound ${bound} ms per call:\n  ${figures.join('\n  ')}`);

    // Bookings that could not be written meanwhile wait in each instance, in order.
    const queued = await Promise.all(instances.map((instance) => instance.send({ cmd: 'queued', name: 'outage' })));
    for (const [index, reply] of queued.entries()) {
      expect(reply.ledgerEvents, `#${index}`).toContain('redis_unavailable');
      expect(reply.queued, `#${index}`).toBeGreaterThan(0);
    }

    // Redis comes back (empty: no persistence). After the retry interval each instance writes its queue
    // before its next call, which goes to the cloud again.
    await outage!.restart();
    await sleep(RETRY_INTERVAL_MS + 100);
    const afterwards = await Promise.all(instances.map((instance) => instance.send({ cmd: 'complete', name: 'outage', agent: 'worker', request: REQUEST, task: TASK })));
    const client = connect(outage!);
    const day = await redisDay(client);
    for (const [index, next] of afterwards.entries()) {
      expect(next.result?.modelId, `#${index}: ${JSON.stringify(next.error)}`).toBe('cloud');
      const { queued: left, ledgerEvents } = await instances[index]!.send({ cmd: 'queued', name: 'outage' });
      expect(left).toBe(0);
      expect(ledgerEvents[0]).toBe('redis_unavailable');
      expect(ledgerEvents.at(-1)).toBe('redis_recovered');
      // What Redis holds now is what was queued (the calls settled while it was down) plus this call:
      // at least the cost of the cloud calls that ended well after the kill, at most the whole burst's.
      const report = await createRedisLedger({ client, prefix: prefixes[index]! }).report(day);
      const costOf = (calls: CallRecord[]) => calls.reduce((sum, call) => sum + Math.round((call.costUsd ?? 0) * 1e6), 0);
      const { calls } = bursts[index]!;
      expect(report.totalMicros).toBeGreaterThanOrEqual(costOf(calls.filter((call) => call.end > killed + 300)) + CALL_MICROS);
      expect(report.totalMicros).toBeLessThanOrEqual(costOf(calls) + CALL_MICROS);
      // No reservation is left over: neither this call's nor one given up at its deadline during the outage.
      expect(report.reservedMicros, `#${index}: ${JSON.stringify(await client.hgetall(`{${prefixes[index]}}:${day}:rh`))}`).toBe(0);
    }
  }, 40_000);
});

// With no local model, a fail_closed ledger that cannot reach Redis leaves no model to decide on:
// docs/operations.md (the outage table) says `NoEligibleModelError` then — not BudgetExceededError,
// which a call refused at its reservation gets (with `ledgerUnavailable`, as test c allows).
describe.skipIf(!redisAvailable())(name('fail_closed, Redis down, no local model'), () => {
  it('complete() throws NoEligibleModelError naming the unreachable ledger, within the command timeout', async () => {
    const server = await startRedis();
    if (!server) throw new Error('startRedis() returned undefined');
    const client = new Redis(server.url);
    client.on('error', () => {});
    try {
      const prefix = `no-local-${process.pid}`;
      const router = createRouter(pricedConfig(10, false), {
        ledger: createRedisLedger({ client, prefix, commandTimeoutMs: 200, onEvent: () => {} }),
        modelState: createRedisModelState({ client, prefix, commandTimeoutMs: 200, onEvent: () => {} }),
        providers: { cloud: createMockProvider({ name: 'cloud', responses: cloudReply(0).replies }) },
        logger: {},
      });
      expect((await router.complete('worker', REQUEST, { task: TASK })).modelId).toBe('cloud');
      await server.kill();
      const t0 = Date.now();
      const error = await router.complete('worker', REQUEST, { task: TASK }).then(() => undefined, (thrown: unknown) => thrown);
      expect(Date.now() - t0).toBeLessThan(200 + 1_000);
      expect(error).toMatchObject({ name: 'NoEligibleModelError', code: 'NO_ELIGIBLE_MODEL' });
      expect((error as Error).message).toContain('cost ledger');
    } finally {
      client.disconnect();
      await server.stop();
    }
  });
});
