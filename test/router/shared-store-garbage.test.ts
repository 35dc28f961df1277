// A store that answers with the wrong shape (no Map from read(), no permit from acquire()) is a store
// that cannot say: route() and complete() go on with this instance's own view, and no budget
// reservation is left behind.
import { describe, expect, it } from 'vitest';
import { createRouter, MemoryLedger, type RouterConfigInput } from 'llm-agent-router';
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
const quiet = { logger: {}, sleep: async () => {}, retry: { retries: 0 } };
const request = { messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 10 };

describe('review: a shared store that answers garbage', () => {
  it('acquire() resolving to undefined is treated like a failing store (the call goes through)', async () => {
    const clock = manualClock();
    const store: SharedModelState = { ...memoryStore({ now: clock() }).state, acquire: async () => undefined as never };
    const router = createRouter(config, { ...quiet, clock, modelState: store, providers: { x: createMockProvider({ name: 'x', clock }), y: createMockProvider({ name: 'y', clock }) } });
    // Today: TypeError "Cannot read properties of undefined (reading 'allowed')" out of complete().
    expect((await router.complete('worker', request)).modelId).toBe('x');
  });

  it('acquire() resolving to undefined leaves no budget reserved', async () => {
    const clock = manualClock();
    const ledger = new MemoryLedger();
    const store: SharedModelState = { ...memoryStore({ now: clock() }).state, acquire: async () => undefined as never };
    const router = createRouter(config, { ...quiet, clock, ledger, modelState: store, providers: { x: createMockProvider({ name: 'x', clock }), y: createMockProvider({ name: 'y', clock }) } });
    await router.complete('worker', request).catch(() => {});
    // Today: reservedMicros 120 — held until the reservation TTL (1 h by default).
    expect(ledger.snapshot({ day: '2026-11-25', agentId: 'worker', now: clock() }).reservedMicros).toBe(0);
  });

  it('read() resolving to a plain object (not a Map) leaves the decision on this instance\'s own view', async () => {
    const clock = manualClock();
    const store: SharedModelState = { ...memoryStore({ now: clock() }).state, read: async () => ({ x: { requests: 0, tokens: 0 } }) as never };
    const router = createRouter(config, { ...quiet, clock, modelState: store, providers: { x: createMockProvider({ name: 'x', clock }), y: createMockProvider({ name: 'y', clock }) } });
    // Today: TypeError "facts.get is not a function" out of route().
    expect((await router.route('worker', {})).modelId).toBe('x');
  });
});
