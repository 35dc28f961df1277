// What router.complete() adds over calling the same OpenAI SDK client directly, both against one
// local HTTP server (started here, keep-alive) that answers every chat completion at once. The
// router's share is routing, the budget reservation and settlement, the rate window, the breaker
// and the adapter's mapping; the network round trip and the SDK's own work are common to both.
//
//   npm run build && npx tsx --tsconfig bench/tsconfig.json bench/complete.bench.ts
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { Bench } from 'tinybench';
import { createRouter, MemoryLedger, type RouterConfigInput } from 'llm-agent-router';
import { createOpenAIProvider } from 'llm-agent-router/openai';
import { createMockProvider } from 'llm-agent-router/test';
import { isMain, medianNs } from './bench-main.js';

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

const DIRECT = 'openai SDK direct: client.chat.completions.create';
const ROUTED = 'router.complete() with the openai adapter';
const ROUNDS = 10;

/** Per-round (router − SDK) medians of the last run, in ns. */
let lastDifferences: number[] = [];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function runCompleteBench(): Promise<{ name: string; medianNs: number }[]> {
  const { url, server } = await startServer();
  try {
    // One client for both, so both share the same keep-alive connection pool and SDK version.
    const client = new OpenAI({ baseURL: url, apiKey: 'bench', maxRetries: 0 });
    const router = createRouter(CONFIG, {
      ledger: new MemoryLedger(),
      providers: { openai: createOpenAIProvider({ client }) },
      logger: {},
    });

    // Both must get the same answer, or the comparison means nothing.
    const direct = await client.chat.completions.create({ model: 'gpt-bench', messages: MESSAGES }, { maxRetries: 0 });
    const routed = await router.complete('bench_agent', { messages: MESSAGES });
    if (direct.choices[0]?.message.content !== routed.text || routed.modelId !== 'gpt-bench') {
      throw new Error(`the router and the SDK disagree: ${JSON.stringify(routed.text)} vs ${JSON.stringify(direct.choices[0]?.message.content)}`);
    }

    // The machine's load drifts over seconds; running A then B would charge the drift to one of
    // them. Instead: short rounds, the two tasks in alternating order, and the median of each
    // task's per-round medians (and of the per-round differences).
    let sink = 0;
    const directCall = async () => {
      const completion = await client.chat.completions.create({ model: 'gpt-bench', messages: MESSAGES }, { maxRetries: 0 });
      sink += completion.choices.length;
    };
    const routedCall = async () => {
      const result = await router.complete('bench_agent', { messages: MESSAGES });
      sink += result.text.length;
    };
    const directMedians: number[] = [];
    const routedMedians: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const bench = new Bench({ time: 400, warmup: true, warmupTime: 100 });
      if (round % 2 === 0) bench.add(DIRECT, directCall).add(ROUTED, routedCall);
      else bench.add(ROUTED, routedCall).add(DIRECT, directCall);
      await bench.run();
      for (const task of bench.tasks) {
        const p50 = medianNs(task);
        (task.name === DIRECT ? directMedians : routedMedians).push(p50);
      }
    }
    if (sink === 0) throw new Error('unreachable');
    lastDifferences = directMedians.map((direct, i) => routedMedians[i]! - direct);
    return [
      { name: DIRECT, medianNs: median(directMedians) },
      { name: ROUTED, medianNs: median(routedMedians) },
    ];
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * The router's own CPU time per call, without HTTP: the mock adapter answering at once, called
 * directly and through `router.complete()` (checking and copying the request, routing, the PII
 * scan of every byte, breaker and rate-window checks, the reservation and its settlement).
 */
export async function runRouterOverheadBench(): Promise<{ name: string; medianNs: number }[]> {
  const mock = createMockProvider({ name: 'openai', responses: { text: 'Use PostgreSQL.', usage: { inputTokens: 12, outputTokens: 4 } } });
  // The mock records every call; a benchmark of millions of calls must not keep them.
  mock.calls.push = () => 0;
  const router = createRouter(CONFIG, { ledger: new MemoryLedger(), providers: { openai: mock }, logger: {} });
  const request = { model: 'gpt-bench', messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: MESSAGES[0]!.content }] }] };
  let sink = 0;
  const bench = new Bench({ time: 2000, warmup: true });
  bench
    .add('mock adapter called directly (baseline)', async () => {
      sink += (await mock.complete(request)).content.length;
    })
    .add('router.complete() over the mock adapter', async () => {
      sink += (await router.complete('bench_agent', { messages: MESSAGES })).text.length;
    });
  await bench.run();
  if (sink === 0) throw new Error('unreachable');
  return bench.tasks.map((task) => ({ name: task.name, medianNs: medianNs(task) }));
}

if (isMain(import.meta.url)) {
  const rows = await runCompleteBench();
  const [direct, routed] = rows;
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  console.log('complete() over the bare SDK call, local keep-alive HTTP server (median per call)');
  for (const row of rows) console.log(`  ${row.name.padEnd(52)} ${(row.medianNs / 1000).toFixed(1).padStart(8)} µs`);
  if (direct && routed) {
    const overheadUs = median(lastDifferences) / 1000;
    const ratio = (direct.medianNs + median(lastDifferences)) / direct.medianNs;
    const spread = lastDifferences.map((ns) => (ns / 1000).toFixed(0)).join(', ');
    console.log(`  per-round difference (µs, ${ROUNDS} rounds): ${spread}`);
    console.log(`  overhead: ${overheadUs.toFixed(1)} µs at the median, ${ratio.toFixed(3)}× (${((ratio - 1) * 100).toFixed(1)}%)`);
    console.log(`  target (under 5% or under 100 µs): ${overheadUs < 100 || ratio < 1.05 ? 'met' : 'NOT met'}`);
  }
  console.log('The router\'s own time per call, no HTTP (median)');
  for (const row of await runRouterOverheadBench()) console.log(`  ${row.name.padEnd(52)} ${(row.medianNs / 1000).toFixed(2).padStart(8)} µs`);
}
