// What sharing state through Redis costs per call: `router.complete()` over an instant mock
// adapter with the in-memory ledger (the baseline), with the Redis ledger, and with the Redis
// ledger and model state — against a redis-server started here on loopback (persistence off).
// Also the Redis round trips each call makes, and one bare PING round trip for scale.
//
//   npm run build && npx tsx --tsconfig bench/tsconfig.json bench/redis.bench.ts
import { Redis } from 'ioredis';
import { Bench } from 'tinybench';
import { createRouter, MemoryLedger, type RouterConfigInput } from 'llm-agent-router';
import { createRedisLedger, createRedisModelState } from 'llm-agent-router/redis';
import { createMockProvider } from 'llm-agent-router/test';
import { startRedis } from '../test/support/redis-server.js';
import { isMain, medianNs } from './bench-main.js';

const CONFIG: RouterConfigInput = {
  models: {
    'gpt-bench': { provider: 'openai', type: 'cloud', cost_per_1k_tokens: { input: 0.001, output: 0.002 }, rate_limits: { requests_per_minute: 1_000_000_000 } },
  },
  agents: { bench_agent: { model_preferences: { primary: 'gpt-bench' } } },
  routing: { budget: { daily: 1_000_000 } },
};
const MESSAGES = [{ role: 'user' as const, content: 'Which database should the billing service use?' }];

export interface RedisBenchRow {
  name: string;
  medianNs: number;
  /** Redis round trips per call (scripts run), where Redis is used. */
  roundTrips?: number;
}

/** The rows, or undefined when redis-server is not installed here. */
export async function runRedisBench(): Promise<RedisBenchRow[] | undefined> {
  const server = await startRedis();
  if (!server) return undefined;
  const client = new Redis(server.port, '127.0.0.1');
  let scripts = 0;
  const evalsha = client.evalsha.bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as unknown as { evalsha: (...args: unknown[]) => Promise<unknown> }).evalsha = (...args) => {
    scripts += 1;
    return evalsha(...args);
  };
  try {
    const routerWith = (options: Parameters<typeof createRouter>[1]) => {
      const mock = createMockProvider({ name: 'openai', responses: { text: 'Use PostgreSQL.', usage: { inputTokens: 12, outputTokens: 4 } } });
      mock.calls.push = () => 0;
      return createRouter(CONFIG, { providers: { openai: mock }, logger: {}, ...options });
    };
    const variants = [
      { name: 'complete(), in-memory ledger (baseline)', router: routerWith({ ledger: new MemoryLedger() }), redis: false },
      { name: 'complete(), Redis ledger', router: routerWith({ ledger: createRedisLedger({ client, prefix: 'bench-ledger' }) }), redis: true },
      {
        name: 'complete(), Redis ledger + Redis model state',
        router: routerWith({ ledger: createRedisLedger({ client, prefix: 'bench-both' }), modelState: createRedisModelState({ client, prefix: 'bench-both' }) }),
        redis: true,
      },
    ];
    const rows: RedisBenchRow[] = [];
    let sink = 0;
    const ping = new Bench({ time: 1000, warmup: true });
    ping.add('one PING round trip (loopback, for scale)', async () => {
      sink += (await client.ping()).length;
    });
    await ping.run();
    for (const variant of variants) {
      const bench = new Bench({ time: 1500, warmup: true });
      bench.add(variant.name, async () => {
        sink += (await variant.router.complete('bench_agent', { messages: MESSAGES, maxTokens: 64 })).text.length;
      });
      await bench.run();
      const task = bench.tasks[0]!;
      const row: RedisBenchRow = { name: variant.name, medianNs: medianNs(task) };
      // Round trips per call, counted over a few calls of their own (the bench's warm-up runs too).
      if (variant.redis) {
        const start = scripts;
        for (let i = 0; i < 100; i++) await variant.router.complete('bench_agent', { messages: MESSAGES, maxTokens: 64 });
        row.roundTrips = (scripts - start) / 100;
      } else row.roundTrips = 0;
      rows.push(row);
    }
    rows.push({ name: ping.tasks[0]!.name, medianNs: medianNs(ping.tasks[0]!), roundTrips: 1 });
    if (sink === 0) throw new Error('unreachable');
    return rows;
  } finally {
    client.disconnect();
    await server.stop();
  }
}

export function printRedisRows(rows: RedisBenchRow[] | undefined): void {
  console.log('\nShared state in Redis: complete() over an instant mock, loopback redis-server (median per call)');
  if (!rows) {
    console.log('  skipped: redis-server is not installed (Debian package redis-server)');
    return;
  }
  const baseline = rows[0]!.medianNs;
  for (const row of rows) {
    const trips = row.roundTrips === undefined ? '' : `, ${row.roundTrips.toFixed(1)} Redis round trips per call`;
    console.log(`  ${row.name.padEnd(52)} ${(row.medianNs / 1000).toFixed(1).padStart(8)} µs   ${(row.medianNs / baseline).toFixed(1)}× in-memory${trips}`);
  }
}

if (isMain(import.meta.url)) {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  printRedisRows(await runRedisBench());
}
