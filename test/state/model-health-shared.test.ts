// ModelHealth with a store shared by several instances: what the store says is merged with this
// instance's own view, and what this instance learns is written to it. The store here is an
// in-memory stand-in with the contract's semantics (durations, never-shortened blocks).
import { describe, expect, it } from 'vitest';
import { ModelHealth } from '../../src/state/model-health.js';
import type { ModelLimits } from '../../src/state/model-live-state.js';
import type { SharedModelState } from '../../src/state/shared-model-state.js';
import { memoryStore } from '../helpers/shared-store.js';

const T0 = Date.parse('2026-11-25T09:00:00Z');
const models: ModelLimits[] = [
  { id: 'cloud', requestsPerMinute: 3, tokensPerMinute: 1_000 },
  { id: 'local', requestsPerMinute: undefined, tokensPerMinute: undefined },
];

describe('ModelHealth with a shared store', () => {
  it("honours a block another instance wrote, from the next refresh on, until it ends", async () => {
    const store = memoryStore({ now: T0 });
    const a = new ModelHealth(models, { shared: store.state });
    const b = new ModelHealth(models, { shared: store.state });
    a.coolDown('cloud', T0, T0 + 30_000);
    await a.flushed();
    expect(store.log).toEqual(['block cloud 30000 cooling_down']);
    expect(b.stateOf('cloud', T0)?.available).toBe(true);
    await b.refresh(T0);
    expect(b.stateOf('cloud', T0)).toMatchObject({ available: false, unavailableReason: 'cooling_down', availableAt: T0 + 30_000 });
    expect(b.tryAcquire('cloud', T0 + 1_000)).toMatchObject({ allowed: false, reason: 'cooling_down', retryAt: T0 + 30_000 });
    expect(b.snapshot(T0 + 1_000)?.get('cloud')?.available).toBe(false);
    expect(b.tryAcquire('cloud', T0 + 30_000).allowed).toBe(true);
  });

  it('publishes an opened circuit for its open time, and only when it opens', async () => {
    const store = memoryStore({ now: T0 });
    const a = new ModelHealth(models, { shared: store.state, breaker: { consecutiveFailures: 2, openMs: 5_000 } });
    a.onFailure('cloud', T0);
    expect(a.flushed()).toBeUndefined();
    a.onFailure('cloud', T0 + 1);
    await a.flushed();
    expect(store.log).toEqual(['block cloud 5000 circuit_open']);
    const b = new ModelHealth(models, { shared: store.state });
    await b.refresh(T0 + 1);
    expect(b.stateOf('cloud', T0 + 1)).toMatchObject({ available: false, unavailableReason: 'circuit_open' });
  });

  it("counts every instance's requests in the rate window while the read is fresh", async () => {
    const store = memoryStore({ now: T0 });
    const a = new ModelHealth(models, { shared: store.state });
    const b = new ModelHealth(models, { shared: store.state });
    expect(await a.acquireShared('cloud', T0, 10)).toEqual({ allowed: true });
    expect(await a.acquireShared('cloud', T0, 10)).toEqual({ allowed: true });
    b.recordRequest('cloud', T0, 10);
    await b.flushed();
    await a.refresh(T0);
    expect(a.stateOf('cloud', T0)).toMatchObject({ requests_last_minute: 3, available: false, unavailableReason: 'rate_limited' });
    expect(a.rateLimited('cloud', T0).limited).toBe(true);
    // The shared counts stand for a second; then this instance's own (2) are what it knows.
    expect(a.stateOf('cloud', T0 + 1_001)).toMatchObject({ requests_last_minute: 2, available: true });
  });

  it('a refusal by the store blocks the model here until it says, and the request is not counted', async () => {
    const store = memoryStore({ now: T0 });
    const a = new ModelHealth(models, { shared: store.state });
    for (let i = 0; i < 3; i++) await a.acquireShared('cloud', T0, 1);
    expect(await a.acquireShared('cloud', T0, 1)).toEqual({ allowed: false, reason: 'rate_limited', retryInMs: 60_000 });
    expect(a.stateOf('cloud', T0)).toMatchObject({ available: false, unavailableReason: 'rate_limited', availableAt: T0 + 60_000, requests_last_minute: 3 });
  });

  it('writes retries and token corrections as counts (the first request is counted by acquire)', async () => {
    const store = memoryStore({ now: T0 });
    const a = new ModelHealth(models, { shared: store.state });
    await a.acquireShared('cloud', T0, 100);
    a.recordRequest('cloud', T0, 100);
    a.recordTokens('cloud', T0, -40);
    a.recordTokens('cloud', T0, 0);
    await a.flushed();
    expect(store.log).toEqual(['acquire cloud 100', 'count cloud 1 100', 'count cloud 0 -40']);
  });

  it('goes on with its own view when the store fails, and reports each failure', async () => {
    const failures: string[] = [];
    const broken: SharedModelState = {
      read: async () => {
        throw new Error('down');
      },
      acquire: async () => {
        throw new Error('down');
      },
      count: () => Promise.reject(new Error('down')),
      block: () => {
        throw new Error('thrown synchronously');
      },
    };
    const a = new ModelHealth(models, { shared: broken, onSharedError: (operation) => failures.push(operation) });
    await a.refresh(T0);
    expect(await a.acquireShared('cloud', T0, 5)).toEqual({ allowed: true });
    a.recordRequest('cloud', T0, 5);
    a.coolDown('cloud', T0, T0 + 1_000);
    await a.flushed();
    expect([...failures].sort()).toEqual(['acquire', 'block', 'count', 'read']);
    expect(a.stateOf('cloud', T0)).toMatchObject({ requests_last_minute: 2, available: false, unavailableReason: 'cooling_down' });
  });

  it('ignores what a store reports that is not a count (negative, NaN, strings)', async () => {
    const odd: SharedModelState = {
      read: async () => new Map([['cloud', { requests: Number.NaN, tokens: -5, blockedForMs: 'soon' as unknown as number }]]),
      acquire: async () => ({ allowed: true }),
      count: async () => {},
      block: async () => {},
    };
    const a = new ModelHealth(models, { shared: odd });
    await a.refresh(T0);
    expect(a.stateOf('cloud', T0)).toMatchObject({ available: true, requests_last_minute: 0, tokens_last_minute: 0 });
  });
});
