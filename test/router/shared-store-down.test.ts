// With a shared store that fails, this instance's own rate window still holds under concurrency: the
// check and the count happen in one synchronous step after the ledger's await, as without a store
// (five concurrent calls, rpm 2 on x: 2 to x, 3 to y, with or without a failing store).
import { describe, expect, it } from 'vitest';
import { createRouter, type RouterConfigInput } from 'llm-agent-router';
import { createMockProvider } from 'llm-agent-router/test';
import type { SharedModelState } from '../../src/state/shared-model-state.js';
import { manualClock } from '../helpers/seed.js';
import { memoryStore } from '../helpers/shared-store.js';

const config: RouterConfigInput = {
  models: {
    x: { provider: 'x', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.01 }, rate_limits: { requests_per_minute: 2 } },
    y: { provider: 'y', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.01 } },
  },
  agents: { worker: { model_preferences: { primary: 'x', fallback: 'y' } } },
  routing: { default_strategy: 'primary_first', strategies: { primary_first: { rules: [{ prefer_cloud_models: true }] } } },
};
const quiet = { logger: {}, sleep: async () => {}, retry: { retries: 0 } };
const request = { messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 10 };

async function callsToX(modelState: SharedModelState | undefined): Promise<number> {
  const clock = manualClock();
  const x = createMockProvider({ name: 'x', clock });
  const router = createRouter(config, { ...quiet, clock, ...(modelState ? { modelState } : {}), providers: { x, y: createMockProvider({ name: 'y', clock }) } });
  await Promise.all(Array.from({ length: 5 }, () => router.complete('worker', request)));
  return x.calls.length;
}

describe('review: a shared store that is down (fail open onto the local view)', () => {
  it('without a store, concurrent calls respect the local rpm', async () => {
    expect(await callsToX(undefined)).toBe(2);
  });

  it('with a store whose acquire fails, concurrent calls still respect the local rpm', async () => {
    const down: SharedModelState = {
      ...memoryStore().state,
      acquire: async () => {
        throw new Error('connection refused');
      },
    };
    // Today: 5.
    expect(await callsToX(down)).toBe(2);
  });
});

describe('a failing shared store in the logs', () => {
  it('is reported once a minute per operation, not on every call', async () => {
    const warnings: string[] = [];
    const failing = {
      read: async () => {
        throw new Error('store down');
      },
      acquire: async () => {
        throw new Error('store down');
      },
      count: async () => {},
      block: async () => {},
    };
    const router = createRouter(
      { models: { x: { provider: 'x', type: 'cloud' } }, agents: { worker: { model_preferences: { primary: 'x' } } } },
      { logger: { warn: (message: string) => warnings.push(message) }, modelState: failing, providers: { x: createMockProvider({ name: 'x' }) } },
    );
    for (let i = 0; i < 5; i++) await router.complete('worker', { messages: [{ role: 'user', content: 'hi' }] });
    expect(warnings.filter((w) => w.includes('shared model state failed (read)'))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('shared model state failed (acquire)'))).toHaveLength(1);
  });
});
