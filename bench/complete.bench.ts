// What router.complete() adds over calling the same OpenAI SDK client directly, both against one
// local HTTP server (started here, in this process, keep-alive) that answers every chat completion
// at once. The router's share is checking and copying the request, routing (with the PII scan), the
// budget reservation and settlement, the rate window, the breaker and the adapter's mapping; the
// network round trip and the SDK's own work are common to both.
//
// A third side is the floor: a hand-written wrapper doing, in the fewest lines, only the jobs no
// router can skip (hand-written-wrapper.ts). What it adds over the bare SDK is what any router
// doing that much would add here; what the router adds beyond it is the router's to answer for.
//
// Two measures, each router against bare SDK in alternating short rounds (the machine's load drifts
// over seconds; A-then-B would charge the drift to one of them), compared round by round:
//   - latency: the median call, one call at a time (target: at most 1.05× the bare SDK);
//   - throughput: calls per second with 1, 16 and 64 calls in flight (target: at least 0.95×),
//     with the CPU time per call beside it — on a loaded machine wall-clock figures are noisy, and
//     the CPU a call costs is what limits throughput once the process is busy.
//
//   npm run build && npx tsx --tsconfig bench/tsconfig.json bench/complete.bench.ts
// bench/run.ts calls runCompleteBench, runCompleteThroughputBench (printCompleteThroughputRows)
// and runRouterOverheadBench.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { Bench } from 'tinybench';
import { createRouter, MemoryLedger, type RouterConfigInput } from 'llm-agent-router';
import { createOpenAIProvider } from 'llm-agent-router/openai';
import { createMockProvider } from 'llm-agent-router/test';
import { isMain, medianNs } from './bench-main.js';
import { allowanceSentence, amplification, formatNs } from './doc-tables.js';
import { handWrittenWrapper, type ChatClient, type WrapperSettings } from './hand-written-wrapper.js';
import type { NamedFigure } from './results.js';
import { LATENCY_TARGET, THROUGHPUT_TARGET } from './targets.js';

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-bench',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Use PostgreSQL.' }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 },
});

/** Answers every request with the same completion, as fast as Node can. */
async function startServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(COMPLETION) });
      res.end(COMPLETION);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server };
}

async function stopServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

const CONFIG: RouterConfigInput = {
  models: {
    'gpt-bench': {
      provider: 'openai',
      type: 'cloud',
      cost_per_1k_tokens: { input: 0.01, output: 0.03 },
      // High enough never to bind, so every call takes the same path.
      rate_limits: { requests_per_minute: 100_000_000 },
    },
  },
  agents: { bench_agent: { model_preferences: { primary: 'gpt-bench' } } },
  routing: { budget: { daily: 1_000_000 } },
};

const MESSAGES = [{ role: 'user' as const, content: 'Which database should the billing service use?' }];

/** What the router sends for CONFIG, given to the hand-written wrapper (the adapter's defaults: 4 096 output tokens, 600 s). */
const WRAPPER_SETTINGS: WrapperSettings = {
  cloudModel: 'gpt-bench',
  localModel: 'local-bench',
  inputPrice: 0.01,
  outputPrice: 0.03,
  maxOutputTokens: 4096,
  dailyBudgetUsd: 1_000_000,
  deadlineMs: 600_000,
};

const DIRECT = 'openai SDK direct: client.chat.completions.create';
const WRAPPED = 'hand-written wrapper: PII scan, budget, SDK call (the floor)';
const ROUTED = 'router.complete() with the openai adapter';
const ROUNDS = 10;

export const CONCURRENCIES = [1, 16, 64] as const;

/** The two calls compared, over one client (one keep-alive pool, one SDK) and one server. */
interface Pair {
  direct: () => Promise<number>;
  wrapped: () => Promise<number>;
  routed: () => Promise<number>;
  close: () => Promise<void>;
}

async function startPair(): Promise<Pair> {
  const { url, server } = await startServer();
  const client = new OpenAI({ baseURL: url, apiKey: 'bench', maxRetries: 0 });
  const router = createRouter(CONFIG, {
    ledger: new MemoryLedger(),
    providers: { openai: createOpenAIProvider({ client }) },
    logger: {},
  });
  const direct = async () => (await client.chat.completions.create({ model: 'gpt-bench', messages: MESSAGES }, { maxRetries: 0 })).choices.length;
  const routed = async () => (await router.complete('bench_agent', { messages: MESSAGES })).text.length;
  const wrapper = handWrittenWrapper(client as unknown as ChatClient, WRAPPER_SETTINGS);
  const wrapped = async () => (await wrapper('bench_agent', MESSAGES)).length;
  // All three must get the same answer, or the comparison means nothing.
  const answer = await client.chat.completions.create({ model: 'gpt-bench', messages: MESSAGES }, { maxRetries: 0 });
  const result = await router.complete('bench_agent', { messages: MESSAGES });
  const byHand = await wrapper('bench_agent', MESSAGES);
  if (answer.choices[0]?.message.content !== result.text || byHand !== result.text || result.modelId !== 'gpt-bench') {
    throw new Error(`the router, the wrapper and the SDK disagree: ${JSON.stringify([result.text, byHand, answer.choices[0]?.message.content])}`);
  }
  return { direct, wrapped, routed, close: () => stopServer(server) };
}

/** Per-round (router − SDK) medians of the last latency run, in ns. */
let lastDifferences: number[] = [];
/** Per-round (router ÷ SDK) medians of the last latency run. */
let lastRatios: number[] = [];
/** Per-round (wrapper ÷ SDK) medians of the last latency run. */
let lastWrapperRatios: number[] = [];

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The median call, one at a time: the bare SDK and `router.complete()`, each round's medians
 * compared. The routed row carries the latency target (`LATENCY_TARGET`), judged on the median of
 * the per-round ratios.
 */
export async function runCompleteBench(): Promise<{ name: string; medianNs: number; target?: { text: string; met: boolean } }[]> {
  const pair = await startPair();
  try {
    let sink = 0;
    const directCall = async () => {
      sink += await pair.direct();
    };
    const routedCall = async () => {
      sink += await pair.routed();
    };
    const wrappedCall = async () => {
      sink += await pair.wrapped();
    };
    const medians: Record<string, number[]> = { [DIRECT]: [], [WRAPPED]: [], [ROUTED]: [] };
    const sides: [string, () => Promise<void>][] = [
      [DIRECT, directCall],
      [WRAPPED, wrappedCall],
      [ROUTED, routedCall],
    ];
    for (let round = 0; round < ROUNDS; round++) {
      const bench = new Bench({ time: 400, warmup: true, warmupTime: 100 });
      for (const [name, fn] of round % 2 === 0 ? sides : [...sides].reverse()) bench.add(name, fn);
      await bench.run();
      for (const task of bench.tasks) medians[task.name]!.push(medianNs(task));
    }
    if (sink === 0) throw new Error('unreachable');
    const directMedians = medians[DIRECT]!;
    const routedMedians = medians[ROUTED]!;
    const wrappedMedians = medians[WRAPPED]!;
    lastDifferences = directMedians.map((direct, i) => routedMedians[i]! - direct);
    lastRatios = directMedians.map((direct, i) => routedMedians[i]! / direct);
    lastWrapperRatios = directMedians.map((direct, i) => wrappedMedians[i]! / direct);
    const ratio = median(lastRatios);
    const floor = median(lastWrapperRatios);
    return [
      { name: DIRECT, medianNs: median(directMedians) },
      { name: WRAPPED, medianNs: median(wrappedMedians), target: { text: `≤ ${LATENCY_TARGET}× the bare SDK at p50 (${floor.toFixed(3)}×)`, met: floor <= LATENCY_TARGET } },
      { name: ROUTED, medianNs: median(routedMedians), target: { text: `≤ ${LATENCY_TARGET}× the bare SDK at p50 (${ratio.toFixed(3)}×)`, met: ratio <= LATENCY_TARGET } },
    ];
  } finally {
    await pair.close();
  }
}

/** The last latency run's medians of the per-round ratios to the bare SDK: the router's and the floor's. */
export function latencyRatios(): { routed: number; floor: number } {
  return { routed: median(lastRatios), floor: median(lastWrapperRatios) };
}

export interface ThroughputRow {
  /** Calls in flight at once. */
  concurrency: number;
  /** Calls per second, median over the rounds. */
  directPerSec: number;
  routedPerSec: number;
  /** Median over the rounds of (router ÷ SDK) calls per second, each round's pair run back to back. */
  ratio: number;
  /** The hand-written wrapper's calls per second, and its median (wrapper ÷ SDK) ratio: the floor. */
  wrappedPerSec: number;
  wrappedRatio: number;
  /** The process's CPU time per call (user + system, this server included), median over the rounds. */
  directCpuUs: number;
  routedCpuUs: number;
  /** `ratio` ≥ `THROUGHPUT_TARGET`. */
  met: boolean;
}

export interface ThroughputOptions {
  concurrencies?: readonly number[];
  /** Rounds per concurrency; each runs both, in alternating order. Default 8. */
  rounds?: number;
  /** Calls per round and side. Default 1 500, and at least 40 per call in flight. */
  calls?: number;
}

/** Runs `calls` calls of `call`, `concurrency` at a time: calls per second and CPU µs per call. */
async function measure(call: () => Promise<number>, concurrency: number, calls: number): Promise<{ perSec: number; cpuUs: number; sink: number }> {
  let left = calls;
  let sink = 0;
  const worker = async () => {
    while (left > 0) {
      left--;
      sink += await call();
    }
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSec: calls / seconds, cpuUs: (used.user + used.system) / calls, sink };
}

/**
 * Calls per second of the bare SDK and of `router.complete()` at each concurrency, against the
 * same server over the same client, in alternating rounds; the ratio is judged against
 * `THROUGHPUT_TARGET`.
 */
export async function runCompleteThroughputBench(options: ThroughputOptions = {}): Promise<ThroughputRow[]> {
  const concurrencies = options.concurrencies ?? CONCURRENCIES;
  const rounds = options.rounds ?? 8;
  const pair = await startPair();
  const rows: ThroughputRow[] = [];
  let sink = 0;
  try {
    for (const concurrency of concurrencies) {
      const calls = Math.max(options.calls ?? 1_500, concurrency * 40);
      // Warm both at this concurrency (sockets opened, code optimised) before anything counts.
      for (const call of [pair.direct, pair.wrapped, pair.routed]) sink += (await measure(call, concurrency, Math.max(300, concurrency * 10))).sink;
      const results = { direct: [] as { perSec: number; cpuUs: number }[], wrapped: [] as { perSec: number; cpuUs: number }[], routed: [] as { perSec: number; cpuUs: number }[] };
      const sides = ['direct', 'wrapped', 'routed'] as const;
      for (let round = 0; round < rounds; round++) {
        for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
          const result = await measure(pair[side], concurrency, calls);
          sink += result.sink;
          results[side].push(result);
        }
      }
      const { direct, wrapped, routed } = results;
      const ratio = median(direct.map((d, i) => routed[i]!.perSec / d.perSec));
      rows.push({
        concurrency,
        directPerSec: median(direct.map((d) => d.perSec)),
        routedPerSec: median(routed.map((r) => r.perSec)),
        ratio,
        wrappedPerSec: median(wrapped.map((w) => w.perSec)),
        wrappedRatio: median(direct.map((d, i) => wrapped[i]!.perSec / d.perSec)),
        directCpuUs: median(direct.map((d) => d.cpuUs)),
        routedCpuUs: median(routed.map((r) => r.cpuUs)),
        met: ratio >= THROUGHPUT_TARGET,
      });
    }
  } finally {
    await pair.close();
  }
  if (sink === 0) throw new Error('unreachable');
  return rows;
}

export function printCompleteThroughputRows(rows: ThroughputRow[]): void {
  console.log(`\ncomplete() over the bare SDK call, local HTTP server: calls per second (median of rounds; target ≥ ${THROUGHPUT_TARGET}× the bare SDK)`);
  for (const row of rows) {
    const perSec = (n: number) => n.toFixed(0).padStart(7);
    console.log(
      `  ${String(row.concurrency).padStart(3)} in flight: SDK ${perSec(row.directPerSec)}/s, router ${perSec(row.routedPerSec)}/s  ${row.ratio.toFixed(3)}×  ` +
        `[${row.met ? 'met' : 'NOT met'}]   CPU per call: SDK ${row.directCpuUs.toFixed(0)} µs, router ${row.routedCpuUs.toFixed(0)} µs (+${(row.routedCpuUs - row.directCpuUs).toFixed(0)})   ` +
        `floor (hand-written wrapper) ${perSec(row.wrappedPerSec)}/s  ${row.wrappedRatio.toFixed(3)}×`,
    );
  }
}

export const MOCK_DIRECT = 'mock adapter called directly (baseline)';
export const MOCK_ROUTED = 'router.complete() over the mock adapter';
export const STAND_IN_DIRECT = 'an instant stand-in for the SDK, called directly';
export const STAND_IN_WRAPPED = 'the hand-written wrapper over the stand-in';

/** The completion the server sends, as the SDK hands it back: what the instant stand-in resolves with. */
const PARSED_COMPLETION = JSON.parse(COMPLETION) as Awaited<ReturnType<ChatClient['chat']['completions']['create']>>;

/**
 * The router's own CPU time per call, without HTTP: the mock adapter answering at once, called
 * directly and through `router.complete()` (checking and copying the request, routing, the PII
 * scan of every byte, breaker and rate-window checks, the reservation and its settlement); and the
 * hand-written wrapper's, over a stand-in for the SDK that answers at once.
 */
export async function runRouterOverheadBench(): Promise<{ name: string; medianNs: number }[]> {
  const mock = createMockProvider({ name: 'openai', responses: { text: 'Use PostgreSQL.', usage: { inputTokens: 12, outputTokens: 4 } } });
  // The mock records every call; a benchmark of millions of calls must not keep them.
  mock.calls.push = () => 0;
  const router = createRouter(CONFIG, { ledger: new MemoryLedger(), providers: { openai: mock }, logger: {} });
  const request = { model: 'gpt-bench', messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: MESSAGES[0]!.content }] }] };
  const standIn: ChatClient = { chat: { completions: { create: async () => PARSED_COMPLETION } } };
  const wrapper = handWrittenWrapper(standIn, WRAPPER_SETTINGS);
  let sink = 0;
  const bench = new Bench({ time: 2000, warmup: true });
  bench
    .add(MOCK_DIRECT, async () => {
      sink += (await mock.complete(request)).content.length;
    })
    .add(MOCK_ROUTED, async () => {
      sink += (await router.complete('bench_agent', { messages: MESSAGES })).text.length;
    })
    .add(STAND_IN_DIRECT, async () => {
      sink += (await standIn.chat.completions.create({ model: 'gpt-bench', messages: MESSAGES, max_tokens: 4096 }, { maxRetries: 0, timeout: 600_000 })).choices.length;
    })
    .add(STAND_IN_WRAPPED, async () => {
      sink += (await wrapper('bench_agent', MESSAGES)).length;
    });
  await bench.run();
  if (sink === 0) throw new Error('unreachable');
  return bench.tasks.map((task) => ({ name: task.name, medianNs: medianNs(task) }));
}

/**
 * What a microsecond of work before the call costs the call here: for the router and for the
 * hand-written wrapper, the time each adds over HTTP (median of the latency rounds) against its own
 * CPU time without HTTP; and what the latency target leaves for a router's own work at that rate.
 */
export function printAmplification(latency: NamedFigure[], overhead: NamedFigure[]): void {
  const a = amplification(latency, overhead);
  console.log('\nWhat work before the call costs the call (added over HTTP ÷ own time without HTTP, medians)');
  for (const [name, added, own] of [
    ['router.complete()', a.router - a.sdk, a.ownRouter],
    ['hand-written wrapper', a.floor - a.sdk, a.ownFloor],
  ] as const) {
    console.log(`  ${name.padEnd(22)} adds ${formatNs(added).padStart(9)} over HTTP for ${formatNs(own).padStart(9)} of its own: ×${(added / own).toFixed(1)}`);
  }
  console.log(`  ${allowanceSentence(a)}`);
}

if (isMain(import.meta.url)) {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  const rows = await runCompleteBench();
  const direct = rows.find((row) => row.name === DIRECT);
  const routed = rows.find((row) => row.name === ROUTED);
  console.log('complete() over the bare SDK call, local keep-alive HTTP server (median per call, one at a time)');
  for (const row of rows) console.log(`  ${row.name.padEnd(52)} ${(row.medianNs / 1000).toFixed(1).padStart(8)} µs`);
  if (direct && routed) {
    const spread = lastDifferences.map((ns) => (ns / 1000).toFixed(0)).join(', ');
    console.log(`  per-round difference (µs, ${ROUNDS} rounds): ${spread}`);
    console.log(`  per-round ratio: ${lastRatios.map((r) => r.toFixed(2)).join(', ')}; the wrapper's: ${lastWrapperRatios.map((r) => r.toFixed(2)).join(', ')}`);
    console.log(`  overhead: ${(median(lastDifferences) / 1000).toFixed(1)} µs at the median; ${routed.target!.text}: ${routed.target!.met ? 'met' : 'NOT met'}`);
  }
  printCompleteThroughputRows(await runCompleteThroughputBench());
  console.log('\nThe router\'s own time per call, no HTTP (median)');
  const overhead = await runRouterOverheadBench();
  for (const row of overhead) console.log(`  ${row.name.padEnd(52)} ${(row.medianNs / 1000).toFixed(2).padStart(8)} µs`);
  printAmplification(rows, overhead);
}
