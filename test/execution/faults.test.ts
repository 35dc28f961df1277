// Fault injection: a model that fails half the time (seeded) behind one that always fails. Every
// request is served by a healthy model or fails with a typed error listing every attempt; the
// broken model's circuit opens, goes half-open with exactly one trial, and closes once it recovers.
import { describe, expect, it } from 'vitest';
import {
  createRouter,
  MemoryLedger,
  ProviderError,
  RouterError,
  type AllModelsFailedError,
  type AttemptRecord,
  type CompletionResult,
  type RouterConfigInput,
} from 'llm-agent-router';
import { createMockProvider } from 'llm-agent-router/test';
import { manualClock } from '../helpers/seed.js';
import { seededRandom } from '../../src/router/adaptive-allocation.js';

const config: RouterConfigInput = {
  models: {
    broken: { provider: 'broken', type: 'cloud' },
    flaky: { provider: 'flaky', type: 'cloud' },
  },
  agents: { worker: { model_preferences: { primary: 'broken', fallback: 'flaky' } } },
  routing: { default_strategy: 'primary_first', strategies: { primary_first: { rules: [{ prefer_cloud_models: true }] } } },
};

const OPEN_MS = 10_000;

/** mulberry32 (the router's own seeded source), so a failing run can be replayed. */
const seeded = seededRandom;

function setup(seed: number) {
  const clock = manualClock();
  const ledger = new MemoryLedger();
  const health = { brokenIsHealthy: false };
  const broken = createMockProvider({ name: 'broken', clock, responses: () => (health.brokenIsHealthy ? { text: 'broken is back' } : { error: { status: 503 } }) });
  const flaky = createMockProvider({ name: 'flaky', clock, failureRate: 0.5, random: seeded(seed), responses: { text: 'flaky answered' } });
  const router = createRouter(config, {
    clock,
    ledger,
    providers: { broken, flaky },
    retry: { retries: 2, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false },
    // A high consecutive threshold for the flaky model's sake; the ratio needs many calls.
    circuitBreaker: { consecutiveFailures: 6, failureRatio: 0.95, minimumCalls: 50, openMs: OPEN_MS },
    sleep: async () => {},
    logger: {},
  });
  return { router, clock, ledger, broken, flaky, health };
}

type Outcome = { ok: true; result: CompletionResult } | { ok: false; error: RouterError };

async function run(router: ReturnType<typeof setup>['router']): Promise<Outcome> {
  try {
    return { ok: true, result: await router.complete('worker', { messages: [{ role: 'user', content: 'work' }] }) };
  } catch (error) {
    if (!RouterError.isInstance(error)) throw error;
    return { ok: false, error };
  }
}

const calledAttempts = (attempts: readonly AttemptRecord[], modelId: string) => attempts.filter((a) => a.modelId === modelId && a.skipped === undefined).length;

describe('faults: a flaky model behind a broken one', () => {
  it('every request is served by a healthy model or fails with a typed error listing every attempt', async () => {
    const { router, clock, broken, flaky, ledger } = setup(2026);
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 300; i++) {
      outcomes.push(await run(router));
      clock.advance(1_000);
    }
    let listedBroken = 0;
    let listedFlaky = 0;
    for (const outcome of outcomes) {
      if (outcome.ok) {
        // Served: by the flaky model (the broken one never answers), its last attempt the success.
        expect(outcome.result.modelId).toBe('flaky');
        expect(outcome.result.text).toBe('flaky answered');
        expect(outcome.result.attempts[outcome.result.attempts.length - 1]).toMatchObject({ modelId: 'flaky', ok: true });
        listedBroken += calledAttempts(outcome.result.attempts, 'broken');
        listedFlaky += calledAttempts(outcome.result.attempts, 'flaky');
      } else if (outcome.error.code === 'ALL_MODELS_FAILED') {
        const error = outcome.error as AllModelsFailedError;
        expect(error.attempts.length).toBeGreaterThan(0);
        for (const attempt of error.attempts) {
          expect(attempt.ok).toBe(false);
          expect(['broken', 'flaky']).toContain(attempt.modelId);
          if (attempt.skipped === undefined) expect((attempt.error as ProviderError).status).toBe(503);
        }
        expect(error.errors).toHaveLength(error.attempts.filter((a) => a.error !== undefined).length);
        listedBroken += calledAttempts(error.attempts, 'broken');
        listedFlaky += calledAttempts(error.attempts, 'flaky');
      } else {
        // Both circuits open at once: refused before any call, with the time to come back.
        expect(outcome.error.code).toBe('NO_ELIGIBLE_MODEL');
        expect((outcome.error as RouterError & { retryAt?: number }).retryAt).toBeGreaterThan(0);
      }
    }
    // Every call a provider received appears in exactly one request's attempts.
    expect(listedBroken).toBe(broken.calls.length);
    expect(listedFlaky).toBe(flaky.calls.length);
    // Both kinds of outcome occur. The flaky model's own circuit also opens now and then (six
    // failures in a row), and a half-open trial gets no retry, so not every request is served.
    expect(outcomes.filter((o) => o.ok).length).toBeGreaterThan(100);
    expect(outcomes.some((o) => !o.ok && o.error.code === 'ALL_MODELS_FAILED')).toBe(true);
    expect(ledger.openReservations).toBe(0);
  });

  it("the broken model's circuit opens, allows one trial per openMs while half-open, and each failed trial re-opens it", async () => {
    const { router, clock, broken } = setup(7);
    await run(router);
    await run(router);
    // 2 requests × 3 tries = 6 consecutive failures: open.
    expect(broken.calls).toHaveLength(6);
    expect(router.modelState('broken')).toMatchObject({ available: false, unavailableReason: 'circuit_open', availableAt: clock() + OPEN_MS });
    for (let i = 0; i < 250; i++) {
      await run(router);
      clock.advance(200);
    }
    // After the first six calls, one trial per half-open window: calls at least openMs apart, and no retries of a trial.
    const trials = broken.calls.slice(6).map((call) => call.startedAt);
    expect(trials.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < trials.length; i++) expect(trials[i]! - trials[i - 1]!).toBeGreaterThanOrEqual(OPEN_MS);
  });

  it('half-open: of two concurrent requests exactly one reaches the recovering model; its success closes the circuit', async () => {
    const { router, clock, broken, flaky, health } = setup(11);
    await run(router);
    await run(router);
    expect(router.modelState('broken')?.unavailableReason).toBe('circuit_open');
    clock.advance(OPEN_MS);
    expect(router.modelState('broken')?.available).toBe(true);

    health.brokenIsHealthy = true;
    const brokenBefore = broken.calls.length;
    const flakyBefore = flaky.calls.length;
    const [first, second] = await Promise.all([run(router), run(router)]);
    expect(broken.calls.length - brokenBefore).toBe(1);
    const results = [first, second].flatMap((o) => (o.ok ? [o.result] : []));
    expect(results.filter((r) => r.modelId === 'broken')).toHaveLength(1);
    // The other request found the trial in flight and went to the fallback.
    const other = [first, second].find((o) => !(o.ok && o.result.modelId === 'broken'))!;
    const otherAttempts = other.ok ? other.result.attempts : (other.error as AllModelsFailedError).attempts;
    expect(otherAttempts[0]).toMatchObject({ modelId: 'broken', skipped: 'half_open_trial_in_flight' });
    expect(flaky.calls.length).toBeGreaterThan(flakyBefore);

    // Closed: calls flow to the primary again, concurrently.
    expect(router.modelState('broken')).toMatchObject({ available: true });
    const batch = await Promise.all(Array.from({ length: 5 }, () => run(router)));
    expect(batch.every((o) => o.ok && o.result.modelId === 'broken')).toBe(true);
    expect(broken.calls.length - brokenBefore).toBe(6);
  });

  it('half-open: a failed trial re-opens the circuit for another openMs', async () => {
    const { router, clock, broken } = setup(3);
    await run(router);
    await run(router);
    clock.advance(OPEN_MS);
    const before = broken.calls.length;
    await run(router);
    expect(broken.calls.length - before).toBe(1); // the trial only: no retries once the circuit re-opened
    expect(router.modelState('broken')).toMatchObject({ available: false, unavailableReason: 'circuit_open', availableAt: clock() + OPEN_MS });
  });
});

describe('what counts against a circuit', () => {
  it('a malformed request (400) never opens a healthy model\'s circuit; 500s do', async () => {
    const { createRouter } = await import('../../src/index.js');
    const { createMockProvider } = await import('../../src/test.js');
    const config = {
      models: { m: { provider: 'p', type: 'local' as const } },
      agents: { a: { model_preferences: { primary: 'm' } } },
    };
    const bad = createMockProvider({ responses: { error: { status: 400 } } });
    const router = createRouter(config, { providers: { p: bad }, retry: { retries: 0 }, circuitBreaker: { consecutiveFailures: 2 }, logger: {} });
    for (let i = 0; i < 5; i++) await router.complete('a', { messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    expect(router.modelState('m')?.available).toBe(true);

    const broken = createMockProvider({ responses: { error: { status: 500 } } });
    const router2 = createRouter(config, { providers: { p: broken }, retry: { retries: 0 }, circuitBreaker: { consecutiveFailures: 2 }, logger: {} });
    for (let i = 0; i < 2; i++) await router2.complete('a', { messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    expect(router2.modelState('m')).toMatchObject({ available: false, unavailableReason: 'circuit_open' });
  });
});

describe('a malformed provider response is a typed failure of that model, never a raw TypeError', () => {
  const config = {
    models: {
      broken: { provider: 'broken', type: 'cloud' as const, cost_per_1k_tokens: { input: 0.01, output: 0.03 } },
      good: { provider: 'good', type: 'cloud' as const, cost_per_1k_tokens: { input: 0.01, output: 0.03 } },
    },
    agents: { a: { model_preferences: { primary: 'broken', fallback: 'good' } } },
    routing: { default_strategy: 'first', strategies: { first: { rules: [{ dynamic_routing: false }] } }, budget: { daily: 10 } },
  };
  const throwingGetter = Object.defineProperty({ finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } }, 'content', {
    get() {
      throw new Error('boom');
    },
  });
  const cases: [string, unknown][] = [
    ['null', null],
    ['a string', 'just text'],
    ['no content', { finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } }],
    ['a throwing getter', throwingGetter],
    ['negative usage', { content: [], finishReason: 'stop', usage: { inputTokens: -100, outputTokens: 5 } }],
    ['non-finite usage', { content: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: Number.POSITIVE_INFINITY } }],
  ];
  it.each(cases)('%s: kind bad_response, recorded as an attempt, the next model serves, nothing reserved, no negative cost', async (_name, response) => {
    const { createRouter, MemoryLedger } = await import('../../src/index.js');
    const { createMockProvider } = await import('../../src/test.js');
    const ledger = new MemoryLedger();
    const broken = { specificationVersion: 'v2' as const, provider: 'broken', complete: async () => response as never };
    const router = createRouter(config, { ledger, providers: { broken, good: createMockProvider({ name: 'good' }) }, retry: { retries: 0 }, logger: {} });
    const result = await router.complete('a', { messages: [{ role: 'user', content: 'x' }] });
    expect(result.modelId).toBe('good');
    expect(result.attempts[0]).toMatchObject({ modelId: 'broken', ok: false, error: { code: 'PROVIDER_ERROR', kind: 'bad_response', modelId: 'broken' } });
    expect(ledger.openReservations).toBe(0);
    expect(result.costUsd).toBeGreaterThanOrEqual(0);
    expect(Object.values(ledger.report(new Date().toISOString().slice(0, 10)).byModel).every((micros) => micros >= 0)).toBe(true);
  });

  it('a thrown value whose properties throw still gives a typed error that lists the attempt', async () => {
    const { createRouter } = await import('../../src/index.js');
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no reading me');
        },
        getPrototypeOf() {
          throw new Error('no reading me');
        },
      },
    );
    const broken = {
      specificationVersion: 'v2' as const,
      provider: 'broken',
      complete: async () => {
        throw hostile;
      },
    };
    const router = createRouter({ ...config, agents: { a: { model_preferences: { primary: 'broken' } } } }, { providers: { broken }, retry: { retries: 0 }, logger: {} });
    const error = (await router.complete('a', { messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as { code: string; attempts: { modelId: string; ok: boolean; error: { code: string; kind: string; message: string } }[] };
    // Primitive assertions only: a matcher would try to print the hostile value on failure.
    expect(error.code).toBe('ALL_MODELS_FAILED');
    // `good` has no adapter in this router: skipped after the broken one.
    expect(error.attempts.map((a) => a.modelId)).toEqual(['broken', 'good']);
    expect([error.attempts[0]!.modelId, error.attempts[0]!.ok, error.attempts[0]!.error.code, error.attempts[0]!.error.kind]).toEqual(['broken', false, 'PROVIDER_ERROR', 'other']);
    expect(error.attempts[0]!.error.message).toContain('an unreadable error value');
  });
});
