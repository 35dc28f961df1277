// Many concurrent complete() calls against one daily budget: reservations keep the settled spend
// within the budget plus at most one call's cost, over-budget calls degrade to a local model or are
// refused with BudgetExceededError, aborted calls release what they reserved, and every call a
// provider served is billed exactly once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRouter, MemoryLedger, RouterError, type AttemptRecord, type ProviderAdapter, type RouterConfigInput } from 'llm-agent-router';
import { createMockProvider } from 'llm-agent-router/test';
import { manualClock } from '../helpers/seed.js';
import { seededRandom } from '../../src/router/adaptive-allocation.js';

const DAY = '2026-11-25';
const NO_WAIT_RETRY = { retries: 1, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false } as const;

interface Prices {
  /** USD per 1k tokens. */
  input: number;
  output: number;
}

interface BudgetSetup {
  prices: Prices;
  /** `routing.budget.daily`, USD. */
  budget: number;
  withLocal: boolean;
  agentBudget?: number;
}

/** A cloud model with a price and, optionally, a free local model; the strategy prefers the cloud. */
function budgetConfig({ prices, budget, withLocal, agentBudget }: BudgetSetup): RouterConfigInput {
  return {
    models: {
      cloud: { provider: 'cloud', type: 'cloud', cost_per_1k_tokens: prices },
      ...(withLocal ? { local: { provider: 'local', type: 'local' as const } } : {}),
    },
    agents: {
      worker: { model_preferences: { primary: 'cloud', ...(withLocal ? { local_alternative: 'local' } : {}) }, ...(agentBudget !== undefined ? { daily_budget: agentBudget } : {}) },
      other: { model_preferences: { primary: 'cloud' } },
    },
    routing: {
      default_strategy: 'cloud_first',
      strategies: { cloud_first: { rules: [{ prefer_cloud_models: true }] } },
      budget: { daily: budget },
    },
  };
}

/** mulberry32 (the router's own seeded source), so a failing run can be replayed. */
const seeded = seededRandom;

/** Lets other calls run: one macrotask turn per "millisecond". */
async function hops(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Wraps an adapter to count the calls that returned an answer: what the provider would bill. */
function billedBy(inner: ProviderAdapter) {
  const counter = { served: 0 };
  const adapter: ProviderAdapter = {
    specificationVersion: 'v2',
    provider: inner.provider,
    async complete(request, options) {
      const response = await inner.complete(request, options);
      counter.served++;
      return response;
    },
  };
  return { adapter, counter };
}

interface Workload {
  calls: number;
  inputTokens: number;
  maxTokens: number;
  /** Share of the calls given an AbortSignal that fires at a random point. */
  abortShare: number;
  seed: number;
  agent?: string;
}

type Outcome = { kind: 'served'; modelId: string; costUsd: number; attempts: AttemptRecord[] } | { kind: 'error'; code: string };

async function runWorkload(setup: BudgetSetup, workload: Workload) {
  const random = seeded(workload.seed);
  const clock = manualClock();
  const ledger = new MemoryLedger();
  const mockOptions = {
    clock,
    sleep: (ms: number) => hops(ms),
    // Actual output never exceeds the request's maxTokens, as with a real provider.
    responses: () => ({ text: 'ok', latencyMs: Math.floor(random() * 6), usage: { inputTokens: workload.inputTokens, outputTokens: 1 + Math.floor(random() * workload.maxTokens) } }),
  };
  const cloud = billedBy(createMockProvider({ name: 'cloud', ...mockOptions }));
  const local = billedBy(createMockProvider({ name: 'local', ...mockOptions }));
  const router = createRouter(budgetConfig(setup), { clock, ledger, providers: { cloud: cloud.adapter, local: local.adapter }, retry: NO_WAIT_RETRY, sleep: async () => {}, logger: {} });

  const calls = Array.from({ length: workload.calls }, async (_, i): Promise<Outcome> => {
    let signal: AbortSignal | undefined;
    if (random() < workload.abortShare) {
      const controller = new AbortController();
      signal = controller.signal;
      const after = Math.floor(random() * 12);
      void hops(after).then(() => controller.abort(new Error(`abort #${i}`)));
    }
    try {
      const result = await router.complete(
        workload.agent ?? 'worker',
        { messages: [{ role: 'user', content: `job ${i}` }], maxTokens: workload.maxTokens },
        { task: { estimated_tokens: workload.inputTokens }, ...(signal ? { signal } : {}) },
      );
      return { kind: 'served', modelId: result.modelId, costUsd: result.costUsd, attempts: result.attempts };
    } catch (error) {
      if (!RouterError.isInstance(error)) throw error;
      return { kind: 'error', code: error.code };
    }
  });
  const outcomes = await Promise.all(calls);
  // Aborts scheduled after their call finished fire harmlessly; let them run before checking.
  await hops(15);
  const perCallMaxMicros = Math.round((workload.inputTokens * setup.prices.input + workload.maxTokens * setup.prices.output) * 1000);
  return { outcomes, ledger, cloud: cloud.counter, local: local.counter, perCallMaxMicros, router };
}

function checkInvariants(setup: BudgetSetup, run: Awaited<ReturnType<typeof runWorkload>>, allowAborts: boolean) {
  const { outcomes, ledger, perCallMaxMicros } = run;
  const report = ledger.report(DAY);
  const budgetMicros = Math.round(setup.budget * 1e6);
  // Settled spend stays within the budget plus one call's cost.
  expect(report.totalMicros).toBeLessThanOrEqual(budgetMicros + perCallMaxMicros);
  // Nothing stays reserved.
  expect(ledger.openReservations).toBe(0);
  expect(report.reservedMicros).toBe(0);
  // Every call the providers answered is booked exactly once (local calls as 0-cost entries).
  expect(report.calls).toBe(run.cloud.served + run.local.served);
  // Every served result's cost is what the ledger holds for its model.
  const cloudServedUsd = outcomes.reduce((sum, o) => sum + (o.kind === 'served' && o.modelId === 'cloud' ? o.costUsd : 0), 0);
  if (!allowAborts) expect(Math.round(cloudServedUsd * 1e6)).toBe(report.byModel['cloud'] ?? 0);
  for (const outcome of outcomes) {
    if (outcome.kind === 'served') {
      expect(['cloud', ...(setup.withLocal ? ['local'] : [])]).toContain(outcome.modelId);
      // A local answer here is a degradation: the cloud was refused for budget first.
      if (outcome.modelId === 'local') expect(outcome.attempts.some((a) => a.modelId === 'cloud' && a.skipped === 'budget')).toBe(true);
    } else {
      const allowed = setup.withLocal ? [] : ['BUDGET_EXCEEDED'];
      if (allowAborts) allowed.push('ABORTED');
      expect(allowed).toContain(outcome.code);
    }
  }
}

// $1 / 1k input, $2 / 1k output; 100 input tokens and at most 50 output tokens: ≤ $0.20 per call.
const PRICES = { input: 1, output: 2 };
const WORKLOAD: Workload = { calls: 500, inputTokens: 100, maxTokens: 50, abortShare: 0, seed: 42 };

describe('500 concurrent calls against a budget that covers about 100 of them', () => {
  it('with a local model: every call is served, over-budget ones degraded to local; spend stays within the budget', async () => {
    const setup = { prices: PRICES, budget: 20, withLocal: true };
    const run = await runWorkload(setup, WORKLOAD);
    checkInvariants(setup, run, false);
    const served = run.outcomes.filter((o) => o.kind === 'served');
    expect(served).toHaveLength(500);
    const onCloud = served.filter((o) => o.kind === 'served' && o.modelId === 'cloud').length;
    // The reservation is the worst case ($0.20), so at least 100 fit; settled calls cost less,
    // which frees budget for a few more.
    expect(onCloud).toBeGreaterThanOrEqual(100);
    expect(onCloud).toBeLessThan(500);
    expect(run.local.served).toBe(500 - onCloud);
  });

  it('without a local model: over-budget calls are refused with BudgetExceededError before any provider call', async () => {
    const setup = { prices: PRICES, budget: 20, withLocal: false };
    const run = await runWorkload(setup, WORKLOAD);
    checkInvariants(setup, run, false);
    const refused = run.outcomes.filter((o) => o.kind === 'error');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((o) => o.kind === 'error' && o.code === 'BUDGET_EXCEEDED')).toBe(true);
    expect(run.cloud.served + refused.length).toBe(500);
  });

  it('with half of the calls aborted at random points: nothing stays reserved, nothing served goes unbilled', async () => {
    for (const withLocal of [true, false]) {
      const setup = { prices: PRICES, budget: 20, withLocal };
      const run = await runWorkload(setup, { ...WORKLOAD, abortShare: 0.5, seed: withLocal ? 7 : 8 });
      checkInvariants(setup, run, true);
      // Half get a signal; those whose call ends first are not aborted. Enough must be, at every stage.
      const aborted = run.outcomes.filter((o) => o.kind === 'error' && o.code === 'ABORTED').length;
      expect(aborted).toBeGreaterThan(20);
      expect(run.outcomes.filter((o) => o.kind === 'served').length).toBeGreaterThan(50);
    }
  });

  it('an agent daily_budget limits that agent only', async () => {
    const setup = { prices: PRICES, budget: 1_000, withLocal: false, agentBudget: 1 };
    const limited = await runWorkload(setup, { ...WORKLOAD, calls: 50 });
    const served = limited.outcomes.filter((o) => o.kind === 'served').length;
    // $1 at ≤ $0.20 a call: at least 5 calls, and settled spend within $1 + one call.
    expect(served).toBeGreaterThanOrEqual(5);
    expect(limited.ledger.report(DAY).byAgent['worker']).toBeLessThanOrEqual(1_000_000 + limited.perCallMaxMicros);
    expect(limited.outcomes.some((o) => o.kind === 'error' && o.code === 'BUDGET_EXCEEDED')).toBe(true);
    const other = await runWorkload(setup, { ...WORKLOAD, calls: 50, agent: 'other' });
    expect(other.outcomes.every((o) => o.kind === 'served')).toBe(true);
  });
});

describe('degrading to local models', () => {
  const config: RouterConfigInput = {
    models: {
      big: { provider: 'cloud', type: 'cloud', cost_per_1k_tokens: { input: 10, output: 10 } },
      small: { provider: 'cloud', type: 'cloud', cost_per_1k_tokens: { input: 5, output: 5 } },
      onprem: { provider: 'local', type: 'local' },
    },
    // No local model among the agent's preferences: the decision's chain is cloud only.
    agents: { worker: { model_preferences: { primary: 'big', fallback: 'small' } } },
    routing: { budget: { daily: 0.5 } },
  };

  it('when every model of the chain is over budget, a local model outside the chain serves before anything is refused', async () => {
    const clock = manualClock();
    const ledger = new MemoryLedger();
    const cloud = createMockProvider({ clock });
    const local = createMockProvider({ clock, responses: 'from the basement' });
    const router = createRouter(config, { clock, ledger, providers: { cloud, local }, logger: {} });
    const decision = await router.route('worker', { estimated_tokens: 100, max_output_tokens: 100 });
    expect(new Set([decision.modelId, ...decision.fallbacks])).toEqual(new Set(['big', 'small']));
    // big needs $2, small $1: both over the $0.50 budget.
    const result = await router.complete('worker', { messages: [{ role: 'user', content: 'x' }], maxTokens: 100 }, { task: { estimated_tokens: 100 } });
    expect(result).toMatchObject({ modelId: 'onprem', text: 'from the basement', costUsd: 0 });
    expect(result.attempts.map((a) => [a.modelId, a.skipped ?? (a.ok ? 'ok' : 'failed')])).toEqual([
      [decision.modelId, 'budget'],
      [decision.fallbacks[0], 'budget'],
      ['onprem', 'ok'],
    ]);
    expect(cloud.calls).toHaveLength(0);
    expect(ledger.openReservations).toBe(0);
  });

  it('a cloud-only strategy is refused with BudgetExceededError instead of degrading', async () => {
    const cloudOnly: RouterConfigInput = {
      ...config,
      routing: { ...config.routing, default_strategy: 'cloud_only', strategies: { cloud_only: { rules: [{ required_model_type: 'cloud' }] } } },
    };
    const clock = manualClock();
    const local = createMockProvider({ clock });
    const router = createRouter(cloudOnly, { clock, providers: { cloud: createMockProvider({ clock }), local }, logger: {} });
    let caught: unknown;
    try {
      await router.complete('worker', { messages: [{ role: 'user', content: 'x' }], maxTokens: 100 }, { task: { estimated_tokens: 100 } });
    } catch (error) {
      caught = error;
    }
    expect((caught as RouterError).code).toBe('BUDGET_EXCEEDED');
    // The first refusal is reported: the decision's own model ($2 for big, $1 for small).
    expect(caught).toMatchObject({ agentId: 'worker', budgetUsd: 0.5, spentUsd: 0 });
    expect([1, 2]).toContain((caught as { requestedUsd: number }).requestedUsd);
    expect(local.calls).toHaveLength(0);
  });
});

describe('where the budget comes from', () => {
  const base = budgetConfig({ prices: PRICES, budget: 3, withLocal: true });
  const withStrategyBudget: RouterConfigInput = {
    ...base,
    routing: { ...base.routing, strategies: { cloud_first: { rules: [{ prefer_cloud_models: true }, { cloud_budget_per_day: 2 }] } } },
  };
  const withEnvironmentCap: RouterConfigInput = {
    ...withStrategyBudget,
    routing: { ...withStrategyBudget.routing, global_overrides: { max_cloud_spend_per_day: 1 } },
  };

  it('routing.budget.daily < strategy cloud_budget_per_day < environment max_cloud_spend_per_day, in precedence', async () => {
    expect((await createRouter(base, { logger: {} }).route('worker')).budgetUsd).toBe(3);
    expect((await createRouter(withStrategyBudget, { logger: {} }).route('worker')).budgetUsd).toBe(2);
    expect((await createRouter(withEnvironmentCap, { logger: {} }).route('worker')).budgetUsd).toBe(1);
  });

  it('the budget in force is the one reservations are checked against', async () => {
    const clock = manualClock();
    const ledger = new MemoryLedger();
    const router = createRouter(withEnvironmentCap, { clock, ledger, providers: { cloud: createMockProvider({ clock, responses: { usage: { inputTokens: 100, outputTokens: 50 } } }), local: createMockProvider({ clock }) }, logger: {} });
    const served: string[] = [];
    for (let i = 0; i < 8; i++) {
      const result = await router.complete('worker', { messages: [{ role: 'user', content: 'x' }], maxTokens: 50 }, { task: { estimated_tokens: 100 } });
      served.push(result.modelId);
    }
    // $1 at exactly $0.20 a call: five on the cloud, then local.
    expect(served).toEqual(['cloud', 'cloud', 'cloud', 'cloud', 'cloud', 'local', 'local', 'local']);
    expect(ledger.report(DAY).totalMicros).toBe(1_000_000);
  });
});

describe('property: random call counts, prices and budgets', () => {
  it('never settles more than the budget plus one call, never leaves a reservation, bills every answer once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          calls: fc.integer({ min: 1, max: 60 }),
          input: fc.double({ min: 0, max: 5, noNaN: true }),
          output: fc.double({ min: 0, max: 20, noNaN: true }),
          budget: fc.double({ min: 0, max: 5, noNaN: true }),
          inputTokens: fc.integer({ min: 1, max: 400 }),
          maxTokens: fc.integer({ min: 1, max: 200 }),
          withLocal: fc.boolean(),
          abortShare: fc.constantFrom(0, 0.3),
          seed: fc.integer(),
        }),
        async (p) => {
          const setup = { prices: { input: p.input, output: p.output }, budget: p.budget, withLocal: p.withLocal };
          const run = await runWorkload(setup, { calls: p.calls, inputTokens: p.inputTokens, maxTokens: p.maxTokens, abortShare: p.abortShare, seed: p.seed });
          checkInvariants(setup, run, p.abortShare > 0);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('answers longer than estimated cannot overrun the budget', () => {
  // $0.015 / 1k input, $0.075 / 1k output (claude-3-opus's prices); the router estimates 500 output tokens.
  const prices = { input: 15, output: 75 };
  const config = (budget: number): RouterConfigInput => ({
    models: { cloud: { provider: 'cloud', type: 'cloud', cost_per_1k_tokens: { input: prices.input / 1000, output: prices.output / 1000 } }, local: { provider: 'local', type: 'local' } },
    agents: { worker: { model_preferences: { primary: 'cloud', local_alternative: 'local' } } },
    routing: { default_strategy: 'cloud_first', strategies: { cloud_first: { rules: [{ prefer_cloud_models: true }] } }, budget: { daily: budget } },
  });
  /** A provider that writes as much as it is allowed, up to ten times the router's 500-token estimate. */
  const verbose = (clock: () => number) =>
    createMockProvider({
      clock,
      sleep: (ms: number) => hops(ms),
      responses: (request) => ({ text: 'long', latencyMs: 2, usage: { inputTokens: 40, outputTokens: Math.min(request.maxTokens ?? Number.POSITIVE_INFINITY, 5_000) } }),
    });

  it('500 concurrent calls without maxTokens: every cloud call carries an output limit its reservation covers; spend ≤ budget + one call', async () => {
    const clock = manualClock();
    const ledger = new MemoryLedger();
    const cloud = verbose(clock);
    const router = createRouter(config(10), { clock, ledger, providers: { cloud, local: createMockProvider({ clock }) }, logger: {} });
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => router.complete('worker', { messages: [{ role: 'user', content: `write a long essay #${i}` }] })));
    // The default limit (routing.defaults.max_output_tokens, 4096) was sent with every cloud call.
    expect(cloud.calls.length).toBeGreaterThan(0);
    for (const call of cloud.calls) expect(call.request.maxTokens).toBeLessThanOrEqual(4096);
    const oneCallMicros = Math.round(40 * prices.input + 4096 * prices.output);
    expect(ledger.report(DAY).totalMicros).toBeLessThanOrEqual(10_000_000 + oneCallMicros);
    expect(ledger.openReservations).toBe(0);
    // The rest degraded to the local model, none refused.
    expect(results.filter((r) => r.modelId === 'local').length).toBe(500 - cloud.calls.length);
  });

  it("near the end of the budget the limit shrinks to what is left; when that is too little, the call degrades to local", async () => {
    const clock = manualClock();
    const ledger = new MemoryLedger();
    const cloud = verbose(clock);
    const router = createRouter(config(0.1), { clock, ledger, providers: { cloud, local: createMockProvider({ clock }) }, logger: {} });
    const limits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await router.complete('worker', { messages: [{ role: 'user', content: 'essay' }], maxTokens: 1000 }, { task: { estimated_tokens: 40 } });
      if (result.modelId === 'cloud') limits.push(cloud.calls.at(-1)!.request.maxTokens!);
    }
    // $0.1: one full call ($0.0756), then $0.0244 left affords 317 output tokens, then too little.
    expect(limits).toEqual([1000, 317]);
    expect(ledger.report(DAY).totalMicros).toBeLessThanOrEqual(100_000);
  });

  it('a provider that bills past the limit is booked at actual, reported, and no cloud call starts while the budget is overdrawn', async () => {
    const clock = manualClock();
    const ledger = new MemoryLedger();
    // Ignores the limit it was sent: 20 000 output tokens ($1.50) whatever it was allowed.
    const rogue = createMockProvider({ clock, responses: { text: 'way too long', usage: { inputTokens: 40, outputTokens: 20_000 } } });
    const local = createMockProvider({ clock });
    const router = createRouter(config(1), { clock, ledger, providers: { cloud: rogue, local }, logger: {} });
    const events: unknown[] = [];
    router.on((event) => event.type === 'budget_overrun' && events.push(event));
    const first = await router.complete('worker', { messages: [{ role: 'user', content: 'x' }], maxTokens: 100 }, { task: { estimated_tokens: 40 } });
    expect(first.costUsd).toBeCloseTo(1.5006, 10);
    expect(ledger.report(DAY).totalMicros).toBe(1_500_600);
    expect(events).toEqual([expect.objectContaining({ type: 'budget_overrun', agentId: 'worker', modelId: 'cloud', reservedUsd: 0.0081, actualUsd: 1.5006 })]);
    expect((await router.metrics()).budget_overruns).toBe(1);
    const next = await router.complete('worker', { messages: [{ role: 'user', content: 'y' }], maxTokens: 100 }, { task: { estimated_tokens: 40 } });
    expect(next.modelId).toBe('local');
    expect(rogue.calls).toHaveLength(1);
  });
});
