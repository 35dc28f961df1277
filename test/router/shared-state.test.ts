// Routers that share their models' state and budget: a cooldown one instance learns is honoured by
// another at its next decision, and a ledger that cannot be reached keeps every call off the cloud
// while local models still serve.
import { describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  createRouter,
  MemoryLedger,
  NoEligibleModelError,
  type CostLedger,
  type RouterConfigInput,
} from 'llm-agent-router';
import { createMockProvider } from 'llm-agent-router/test';
import { manualClock } from '../helpers/seed.js';
import { memoryStore } from '../helpers/shared-store.js';

const config: RouterConfigInput = {
  models: {
    x: { provider: 'x', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.01 } },
    y: { provider: 'y', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.01 } },
    here: { provider: 'here', type: 'local' },
  },
  agents: { worker: { model_preferences: { primary: 'x', fallback: 'y' } } },
  routing: { default_strategy: 'primary_first', strategies: { primary_first: { rules: [{ prefer_cloud_models: true }] } } },
};

const quiet = { logger: {}, sleep: async () => {}, retry: { retries: 0 } };

function instance(clock: ReturnType<typeof manualClock>, store: ReturnType<typeof memoryStore>, xReplies: NonNullable<Parameters<typeof createMockProvider>[0]>['responses']) {
  const x = createMockProvider({ name: 'x', clock, responses: xReplies });
  const y = createMockProvider({ name: 'y', clock, responses: { text: 'y answered' } });
  const here = createMockProvider({ name: 'here', clock, responses: { text: 'local answered' } });
  const router = createRouter(config, { ...quiet, clock, modelState: store.state, providers: { x, y, here } });
  return { router, x, y };
}

describe('routers sharing a model state', () => {
  it("a 429 with Retry-After seen by one instance makes the other skip the model at its next decision", async () => {
    const clock = manualClock();
    const time = { now: clock() };
    const store = memoryStore(time);
    const a = instance(clock, store, { error: { status: 429, retryAfterMs: 30_000 } });
    const b = instance(clock, store, { text: 'x answered' });

    const first = await a.router.complete('worker', { messages: [{ role: 'user', content: 'hi' }], maxTokens: 10 });
    expect(first.modelId).toBe('y');
    expect(store.log).toContain('block x 30000 cooling_down');

    const decision = await b.router.route('worker', {});
    expect(decision.modelId).toBe('y');
    expect(JSON.stringify(decision.trace)).toContain('cooling_down');
    const second = await b.router.complete('worker', { messages: [{ role: 'user', content: 'hi' }], maxTokens: 10 });
    expect(second.modelId).toBe('y');
    expect(b.x.calls).toHaveLength(0);

    // Once the store's block ends, b goes back to x.
    time.now += 30_000;
    clock.advance(30_000);
    expect((await b.router.complete('worker', { messages: [{ role: 'user', content: 'hi' }], maxTokens: 10 })).modelId).toBe('x');
  });

  it("the store's rate window refuses a call the instance's own window would let through", async () => {
    const clock = manualClock();
    const store = memoryStore({ now: clock() });
    const limited: RouterConfigInput = { ...config, models: { ...config.models, x: { ...config.models.x!, rate_limits: { requests_per_minute: 2 } } } };
    const others = createRouter(limited, { ...quiet, clock, modelState: store.state, providers: { x: createMockProvider({ name: 'x', clock }), y: createMockProvider({ name: 'y', clock }) } });
    await others.complete('worker', { messages: [{ role: 'user', content: 'one' }], maxTokens: 10 });
    await others.complete('worker', { messages: [{ role: 'user', content: 'two' }], maxTokens: 10 });
    const x = createMockProvider({ name: 'x', clock });
    const mine = createRouter(limited, { ...quiet, clock, modelState: store.state, providers: { x, y: createMockProvider({ name: 'y', clock }) } });
    const result = await mine.complete('worker', { messages: [{ role: 'user', content: 'three' }], maxTokens: 10 });
    expect(result.modelId).toBe('y');
    expect(x.calls).toHaveLength(0);
  });
});

describe('a ledger that cannot be reached (fail closed)', () => {
  function unreachable(reserveToo: boolean): CostLedger {
    const inner = new MemoryLedger();
    return {
      snapshot: (query) => (reserveToo ? { ...inner.snapshot(query), unavailable: 'connection refused' } : inner.snapshot(query)),
      reserve: (request) => (request.amountMicros > 0 ? { ok: false, limit: 'unavailable', reason: 'connection refused' } : inner.reserve(request)),
      commit: (id, day, entry) => inner.commit(id, day, entry),
      release: (id) => inner.release(id),
      record: (day, entry) => inner.record(day, entry),
      report: (day) => inner.report(day),
    };
  }

  it('decides for a local model, saying why in the trace', async () => {
    const clock = manualClock();
    const here = createMockProvider({ name: 'here', clock, responses: { text: 'local answered' } });
    const router = createRouter(config, { ...quiet, clock, ledger: unreachable(true), providers: { x: createMockProvider({ name: 'x', clock }), y: createMockProvider({ name: 'y', clock }), here } });
    const decision = await router.route('worker', {});
    expect(decision.modelId).toBe('here');
    expect(JSON.stringify(decision.trace)).toContain('the cost ledger cannot say what was spent (connection refused) and fails closed');
    expect((await router.complete('worker', { messages: [{ role: 'user', content: 'hi' }] })).modelId).toBe('here');
  });

  it('refuses with NoEligibleModelError when only cloud models could serve', async () => {
    const cloudOnly: RouterConfigInput = { ...config, models: { x: config.models.x!, y: config.models.y! } };
    const router = createRouter(cloudOnly, { ...quiet, ledger: unreachable(true) });
    await expect(router.route('worker', {})).rejects.toSatisfy((error: unknown) => NoEligibleModelError.isInstance(error));
  });

  it('a reservation the ledger cannot make degrades to local, or ends in BudgetExceededError naming the outage', async () => {
    const clock = manualClock();
    const x = createMockProvider({ name: 'x', clock });
    const here = createMockProvider({ name: 'here', clock, responses: { text: 'local answered' } });
    const router = createRouter(config, { ...quiet, clock, ledger: unreachable(false), providers: { x, y: createMockProvider({ name: 'y', clock }), here } });
    const served = await router.complete('worker', { messages: [{ role: 'user', content: 'hi' }], maxTokens: 10 });
    expect(served.modelId).toBe('here');
    expect(x.calls).toHaveLength(0);

    const cloudOnly: RouterConfigInput = { ...config, models: { x: config.models.x!, y: config.models.y! } };
    const refusing = createRouter(cloudOnly, { ...quiet, clock, ledger: unreachable(false), providers: { x, y: createMockProvider({ name: 'y', clock }) } });
    const error = await refusing.complete('worker', { messages: [{ role: 'user', content: 'hi' }], maxTokens: 10 }).catch((e: unknown) => e);
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect((error as BudgetExceededError).ledgerUnavailable).toBe('connection refused');
    expect((error as Error).message).toContain('the cost ledger cannot be reached (connection refused) and fails closed');
  });
});
