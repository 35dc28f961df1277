// A try the router gave up on — it timed out, or lost a parallel race — may still be answered, and
// the provider bills that answer. Its spend stays covered: the try keeps its own reservation until
// its call settles and is then booked against it; a retry runs under a reservation of its own (and
// is not made when the budget cannot cover both); anything booked above a reservation is reported
// as a budget_overrun. complete(), execute() and stream() share that machinery. Real timers: every
// adapter here ignores its signal and answers (or opens) after the try's timeout.
import { describe, expect, it, vi } from 'vitest';
import { createRouter, MemoryLedger, RouterError, type ProviderAdapter, type RouterConfigInput, type RouterEvent, type TokenUsage } from 'llm-agent-router';
import { createMockProvider } from 'llm-agent-router/test';
import { drain, rejection } from '../helpers/router-outcomes.js';

const DAY = () => new Date().toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const NO_WAIT_RETRY = { retries: 1, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false } as const;
const ask = (content = 'hi') => ({ messages: [{ role: 'user' as const, content }], maxTokens: 100 });
/** 10 tokens in, 100 out at $1 per 1k tokens: $0.11, exactly what a call of `ask()` with 10 stated input tokens reserves. */
const USAGE: TokenUsage = { inputTokens: 10, outputTokens: 100 };
const TASK = { task: { estimated_tokens: 10 } };
const LATE_MS = 60;
const TIMEOUT_MS = 30;

interface Setup {
  budget?: number;
  timeoutMs?: number;
  withLocal?: boolean;
  /** A second cloud model raced against the first (`parallel_requests`). */
  raced?: boolean;
}

function config({ budget = 100, timeoutMs, withLocal = false, raced = false }: Setup): RouterConfigInput {
  const price = { cost_per_1k_tokens: { input: 1, output: 1 }, ...(timeoutMs !== undefined ? { timeout_ms: timeoutMs } : {}) };
  return {
    models: {
      cloud: { provider: 'slow', type: 'cloud', ...price },
      ...(raced ? { fast: { provider: 'fast', type: 'cloud', cost_per_1k_tokens: { input: 1, output: 1 } } } : {}),
      ...(withLocal ? { local: { provider: 'local', type: 'local' as const } } : {}),
    },
    agents: { a: { model_preferences: raced ? { primary: 'fast', fallback: 'cloud' } : { primary: 'cloud' } } },
    routing: {
      default_strategy: 'first',
      strategies: { first: { rules: [{ dynamic_routing: false }, ...(raced ? [{ parallel_requests: true }] : [])] } },
      budget: { daily: budget },
    },
  };
}

/** An adapter that ignores its signal; `script` says, per call, how long it takes and what it reports. */
function scripted(provider: string, script: (call: number, prompt: string) => { delayMs?: number; usage?: TokenUsage }) {
  const counts = { calls: 0, answered: 0 };
  const adapter: ProviderAdapter = {
    specificationVersion: 'v2',
    provider,
    async complete(request) {
      const first = request.messages[0]!.content;
      const prompt = typeof first === 'string' ? first : first.map((part) => (part.type === 'text' ? part.text : '')).join('');
      const reply = script(counts.calls++, prompt);
      if (reply.delayMs) await sleep(reply.delayMs);
      counts.answered++;
      return { content: [{ type: 'text', text: 'x' }], finishReason: 'stop', usage: reply.usage ?? USAGE };
    },
  };
  return { adapter, counts };
}

function setup(options: Setup, providers: Record<string, ProviderAdapter>, extra: Partial<Parameters<typeof createRouter>[1]> = {}) {
  const ledger = new MemoryLedger();
  const local = createMockProvider({ name: 'local', responses: { text: 'from local', usage: { inputTokens: 1, outputTokens: 1 } } });
  const router = createRouter(config(options), { ledger, providers: { local, ...providers }, retry: NO_WAIT_RETRY, logger: {}, ...extra });
  const overruns: Extract<RouterEvent, { type: 'budget_overrun' }>[] = [];
  router.on((event) => {
    if (event.type === 'budget_overrun') overruns.push(event);
  });
  return { router, ledger, local, overruns };
}

/** Until every call made has been answered and booked. */
const settled = (ledger: MemoryLedger) => vi.waitFor(() => expect(ledger.openReservations).toBe(0), { timeout: 2_000, interval: 10 });

describe('complete(): a timed-out try answered late', () => {
  it('stays covered by its own reservation; the retry the budget cannot also cover is a budget skip; spend never passes the budget', async () => {
    const slow = scripted('slow', (call) => ({ delayMs: call === 0 ? LATE_MS : 0 }));
    const { router, ledger, overruns } = setup({ budget: 0.15, timeoutMs: TIMEOUT_MS, withLocal: true }, { slow: slow.adapter });
    const result = await router.complete('a', ask(), TASK);
    // $0.11 held for the timed-out try leaves $0.04: not enough for a retry, so the chain degrades.
    expect(result.modelId).toBe('local');
    expect(result.attempts.map((a) => [a.modelId, a.attempt, a.ok, a.skipped])).toEqual([
      ['cloud', 1, false, undefined],
      ['cloud', 0, false, 'budget'],
      ['local', 1, true, undefined],
    ]);
    expect(slow.counts.calls).toBe(1);
    expect(ledger.report(DAY()).reservedMicros).toBe(110_000);
    await settled(ledger);
    const report = ledger.report(DAY());
    expect(report.byModel['cloud']).toBe(110_000);
    expect(report.totalMicros).toBeLessThanOrEqual(150_000);
    expect(report.calls).toBe(2);
    expect(overruns).toHaveLength(0);
    // The late answer is a call the model served: its tokens count.
    expect((await router.metrics()).performance_by_model['cloud']).toMatchObject({ inputTokens: 10, outputTokens: 100 });
  });

  it('with room for both, the retry serves under its own reservation and the late answer is booked against the first', async () => {
    const slow = scripted('slow', (call) => ({ delayMs: call === 0 ? LATE_MS : 0 }));
    const { router, ledger, overruns } = setup({ budget: 0.25, timeoutMs: TIMEOUT_MS }, { slow: slow.adapter });
    const result = await router.complete('a', ask(), TASK);
    expect(result).toMatchObject({ modelId: 'cloud', costUsd: 0.11 });
    expect(result.attempts.map((a) => [a.attempt, a.ok])).toEqual([
      [1, false],
      [2, true],
    ]);
    // The first try's call is still out: its reservation stands beside the retry's settled cost.
    expect(ledger.report(DAY())).toMatchObject({ totalMicros: 110_000, reservedMicros: 110_000 });
    await settled(ledger);
    expect(ledger.report(DAY())).toMatchObject({ totalMicros: 220_000, reservedMicros: 0, calls: 2 });
    expect(overruns).toHaveLength(0);
  });

  it('an answer billed past its reservation is reported as a budget_overrun (event and metric)', async () => {
    const slow = scripted('slow', (call) => (call === 0 ? { delayMs: LATE_MS, usage: { inputTokens: 10, outputTokens: 200 } } : {}));
    const { router, ledger, overruns } = setup({ timeoutMs: TIMEOUT_MS }, { slow: slow.adapter });
    await router.complete('a', ask(), TASK);
    await settled(ledger);
    expect(ledger.report(DAY()).totalMicros).toBe(110_000 + 210_000);
    expect(overruns).toEqual([expect.objectContaining({ modelId: 'cloud', reservedUsd: 0.11, actualUsd: 0.21, usage: { inputTokens: 10, outputTokens: 200 } })]);
    expect((await router.metrics()).budget_overruns).toBe(1);
  });

  it('a caller who aborted frees the reservation at once; an answer that comes anyway is booked and reported as uncovered', async () => {
    const slow = scripted('slow', () => ({ delayMs: LATE_MS }));
    const { router, ledger, overruns } = setup({}, { slow: slow.adapter });
    const error = await rejection(router.complete('a', ask(), { ...TASK, signal: AbortSignal.timeout(TIMEOUT_MS) }));
    expect(error.code).toBe('ABORTED');
    expect(ledger.openReservations).toBe(0);
    await vi.waitFor(() => expect(ledger.report(DAY()).calls).toBe(1), { timeout: 2_000, interval: 10 });
    expect(ledger.report(DAY()).byModel['cloud']).toBe(110_000);
    expect(overruns).toEqual([expect.objectContaining({ reservedUsd: 0, actualUsd: 0.11 })]);
    expect((await router.metrics()).budget_overruns).toBe(1);
  });
});

describe('budgets never overrun under concurrency', () => {
  /** mulberry32, so a failing seed can be replayed. */
  const seeded = (seed: number) => {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  };

  for (const seed of [1, 2, 3, 4]) {
    it(`concurrent calls whose first tries time out and answer late stay within the budget plus one provider overrun (seed ${seed})`, async () => {
      const random = seeded(seed);
      const tries = new Map<string, number>();
      // Most jobs' first try answers after the timeout; retries answer at once. Each answer costs near its
      // reservation, and none past the limit sent.
      const late = new Set(Array.from({ length: 24 }, (_, i) => i).filter(() => random() < 0.75));
      const slow = scripted('slow', (_, prompt) => {
        const n = (tries.get(prompt) ?? 0) + 1;
        tries.set(prompt, n);
        const job = Number(prompt.split(' ')[1]);
        // Job 0's first answer bills 150 output tokens, past the 100 its reservation covers: the one overrun allowed.
        const output = job === 0 && n === 1 ? 150 : 100 - Math.floor(random() * 20);
        return { delayMs: n === 1 && late.has(job) ? LATE_MS + Math.floor(random() * 20) : Math.floor(random() * 5), usage: { inputTokens: 10, outputTokens: output } };
      });
      // Always less than 24 calls reserve: the budget is the limit that binds.
      const budget = 0.5 + Math.floor(random() * 20) / 10;
      const { router, ledger, local, overruns } = setup({ budget, timeoutMs: TIMEOUT_MS, withLocal: true }, { slow: slow.adapter });
      const outcomes = await Promise.all(Array.from({ length: 24 }, (_, i) => router.complete('a', ask(`job ${i}`), TASK).catch((e: unknown) => e)));
      for (const outcome of outcomes) expect(RouterError.isInstance(outcome)).toBe(false);
      // Every call made is answered, and every answer a provider gave is booked exactly once.
      await vi.waitFor(() => expect(ledger.report(DAY()).calls).toBe(slow.counts.calls + local.calls.length), { timeout: 2_000, interval: 10 });
      expect(slow.counts.answered).toBe(slow.counts.calls);
      expect(ledger.openReservations).toBe(0);
      // Spend ≤ budget + the one call the provider billed past its limit ($0.16 booked, $0.11 reserved).
      expect(ledger.report(DAY()).totalMicros).toBeLessThanOrEqual(Math.round(budget * 1e6) + 50_000);
      expect(overruns).toEqual([expect.objectContaining({ reservedUsd: 0.11, actualUsd: 0.16 })]);
    });
  }
});

describe('parallel_requests: a race loser that answers anyway', () => {
  it('keeps its reservation until it answers, then is booked against it', async () => {
    const slow = scripted('slow', () => ({ delayMs: LATE_MS }));
    const fast = scripted('fast', () => ({}));
    const { router, ledger, overruns } = setup({ raced: true }, { slow: slow.adapter, fast: fast.adapter });
    const result = await router.complete('a', ask(), TASK);
    expect(result.modelId).toBe('fast');
    expect(result.decision.execution.parallelRequests).toBe(true);
    expect(ledger.report(DAY())).toMatchObject({ totalMicros: 110_000, reservedMicros: 110_000 });
    await settled(ledger);
    expect(ledger.report(DAY())).toMatchObject({ byModel: { fast: 110_000, cloud: 110_000 }, calls: 2 });
    expect(overruns).toHaveLength(0);
    // Cancelled by the race, then served: no failure of the model's.
    expect((await router.metrics()).performance_by_model['cloud']?.failures ?? 0).toBe(0);
  });
});

describe('execute(): a host call that times out and answers late', () => {
  it('is booked against its own reservation', async () => {
    const { router, ledger } = setup({}, {}, { timeouts: { attemptMs: TIMEOUT_MS } });
    let made = 0;
    const result = await router.execute('a', TASK, async () => {
      if (made++ === 0) await sleep(LATE_MS);
      return { value: made, usage: USAGE };
    });
    expect(result.value).toBe(2);
    await result.settled;
    // The first try's call is still out, and still covered (what execute() reserves is the default output limit).
    expect(ledger.report(DAY())).toMatchObject({ totalMicros: 110_000, calls: 1 });
    expect(ledger.openReservations).toBe(1);
    await settled(ledger);
    expect(ledger.report(DAY())).toMatchObject({ totalMicros: 220_000, calls: made });
  });

  it('whose usage comes later (a host stream) is booked when it comes; usage that never comes books the estimated input', async () => {
    const { router, ledger } = setup({}, {}, { timeouts: { attemptMs: TIMEOUT_MS } });
    let made = 0;
    await router.execute('a', TASK, async () => {
      const n = made++;
      if (n === 0) await sleep(LATE_MS);
      if (n === 1) await sleep(LATE_MS);
      const usage = n === 0 ? sleep(10).then(() => ({ inputTokens: 10, outputTokens: 50 })) : n === 1 ? Promise.reject(new Error('stream broke')) : USAGE;
      return { value: n, usage };
    }).catch(() => undefined);
    await settled(ledger);
    // The first try: 10 + 50 tokens; the second: its 10 estimated input tokens only.
    expect(ledger.report(DAY())).toMatchObject({ totalMicros: 60_000 + 10_000, calls: 2 });
  });
});

describe('stream(): a try that timed out before its first part and opens late', () => {
  function lateStream(firstPart: 'text' | 'finish') {
    const counts = { opened: 0, closed: 0 };
    const adapter: ProviderAdapter = {
      specificationVersion: 'v2',
      provider: 'slow',
      complete: () => new Promise(() => {}),
      stream() {
        const n = counts.opened++;
        return (async function* () {
          try {
            if (n === 0) await sleep(LATE_MS);
            if (n === 0 && firstPart === 'finish') yield { type: 'finish' as const, finishReason: 'stop' as const, usage: { inputTokens: 10, outputTokens: 30 } };
            yield { type: 'text-delta' as const, text: 'abcdefgh' };
            yield { type: 'finish' as const, finishReason: 'stop' as const, usage: USAGE };
          } finally {
            counts.closed++;
          }
        })();
      },
    };
    return { adapter, counts };
  }

  it('is closed, and what is known of it (the estimated input and its first part) is booked against its reservation', async () => {
    const slow = lateStream('text');
    const { router, ledger } = setup({ timeoutMs: TIMEOUT_MS }, { slow: slow.adapter });
    const { parts, error } = await drain(router.stream('a', ask(), TASK));
    expect(error).toBeUndefined();
    expect(parts.at(-1)).toMatchObject({ type: 'finish', result: { costUsd: 0.11 } });
    await settled(ledger);
    await vi.waitFor(() => expect(slow.counts.closed).toBe(slow.counts.opened));
    expect(slow.counts.opened).toBe(2);
    const report = ledger.report(DAY());
    expect(report.calls).toBe(2);
    // 10 estimated input tokens and a few for 'abcdefgh', at $0.001 each.
    expect(report.totalMicros).toBeGreaterThan(110_000 + 10_000);
    expect(report.totalMicros).toBeLessThan(110_000 + 20_000);
  });

  it('whose first part is its finish books the usage it reported', async () => {
    const slow = lateStream('finish');
    const { router, ledger } = setup({ timeoutMs: TIMEOUT_MS }, { slow: slow.adapter });
    await drain(router.stream('a', ask(), TASK));
    await settled(ledger);
    await vi.waitFor(() => expect(slow.counts.closed).toBe(2));
    expect(ledger.report(DAY())).toMatchObject({ totalMicros: 110_000 + 40_000, calls: 2 });
  });
});
