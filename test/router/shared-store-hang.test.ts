// A SharedModelState that never answers (a custom store without its own command timeout) delays a
// call at most `modelStateTimeoutMs`: refresh() before each decision, acquireShared() before each
// call and flushed() after a failed try are all bounded, and the call goes on with this instance's view.
import { describe, expect, it } from 'vitest';
import { createRouter, type RouterConfigInput } from 'llm-agent-router';
import { createMockProvider } from 'llm-agent-router/test';
import type { SharedModelState } from '../../src/state/shared-model-state.js';
import { manualClock } from '../helpers/seed.js';
import { memoryStore } from '../helpers/shared-store.js';

const config: RouterConfigInput = {
  models: {
    x: { provider: 'x', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.01 } },
    y: { provider: 'y', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.01 } },
  },
  agents: { worker: { model_preferences: { primary: 'x', fallback: 'y' } } },
  routing: { default_strategy: 'primary_first', strategies: { primary_first: { rules: [{ prefer_cloud_models: true }] } } },
};
const quiet = { logger: {}, sleep: async () => {}, retry: { retries: 0 }, modelStateTimeoutMs: 100 };
const request = { messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 10 };
const never = () => new Promise<never>(() => {});

/** Whether `promise` settles within `ms` of real time. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  promise.catch(() => {});
  return Promise.race([promise.then(() => true, () => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
}

function routerWith(store: SharedModelState, xReplies?: Parameters<typeof createMockProvider>[0]) {
  const clock = manualClock();
  return createRouter(config, {
    ...quiet,
    clock,
    modelState: store,
    providers: { x: createMockProvider({ name: 'x', clock, ...xReplies }), y: createMockProvider({ name: 'y', clock }) },
  });
}

describe('a shared store that never answers delays a call at most modelStateTimeoutMs', () => {
  it('acquire() hanging: complete() goes on, on this instance\'s own view', async () => {
    const router = routerWith({ ...memoryStore().state, acquire: never });
    const controller = new AbortController();
    const call = router.complete('worker', request, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(await settlesWithin(call, 300)).toBe(true);
  });

  it('read() hanging: the decision goes on without the shared facts', async () => {
    const router = routerWith({ ...memoryStore().state, read: never });
    const controller = new AbortController();
    const call = router.complete('worker', request, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(await settlesWithin(call, 300)).toBe(true);
  });

  it('block() hanging: a 429 on x still falls back to y', async () => {
    const router = routerWith({ ...memoryStore().state, block: never }, { responses: { error: { status: 429, retryAfterMs: 30_000 } } });
    const controller = new AbortController();
    const call = router.complete('worker', request, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(await settlesWithin(call, 300)).toBe(true);
  });

  it("count() hanging for one call's token correction does not stall another call's failed try for longer", async () => {
    const clock = manualClock();
    const store = { ...memoryStore({ now: clock() }).state, count: never };
    const x = createMockProvider({ name: 'x', clock, responses: [{ text: 'ok', usage: { inputTokens: 50, outputTokens: 50 } }, { error: { status: 503 } }] });
    const router = createRouter(config, { ...quiet, clock, modelState: store, providers: { x, y: createMockProvider({ name: 'y', clock }) } });
    // The first call succeeds; its token correction (count x 0 +n) never settles.
    expect((await router.complete('worker', request)).modelId).toBe('x');
    // The second call's try on x fails (503, no block published by it): it should fall back to y.
    expect(await settlesWithin(router.complete('worker', request), 300)).toBe(true);
  });
});
