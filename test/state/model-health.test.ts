import { describe, expect, it } from 'vitest';
import { ModelHealth } from '../../src/state/model-health.js';
import type { ModelLimits } from '../../src/state/model-live-state.js';

const T0 = Date.parse('2026-11-25T09:00:00Z');

const models: ModelLimits[] = [
  { id: 'cloud', requestsPerMinute: 10, tokensPerMinute: 1_000 },
  { id: 'local', requestsPerMinute: undefined, tokensPerMinute: undefined },
];

function health(options: ConstructorParameters<typeof ModelHealth>[1] = {}) {
  return new ModelHealth(models, options);
}

describe('ModelHealth: rate windows', () => {
  it('is "approaching" from 80% of rpm, and exhausted (unavailable until the window frees) at 100%', () => {
    const h = health();
    for (let i = 0; i < 7; i++) h.recordRequest('cloud', T0 + i * 100, 10);
    expect(h.stateOf('cloud', T0 + 700)).toMatchObject({ available: true, rate_limit_approaching: false, requests_last_minute: 7 });
    h.recordRequest('cloud', T0 + 800, 10);
    expect(h.stateOf('cloud', T0 + 800)).toMatchObject({ available: true, rate_limit_approaching: true, requests_last_minute: 8, load: 0.8 });
    h.recordRequest('cloud', T0 + 900, 10);
    h.recordRequest('cloud', T0 + 5_000, 10);
    const exhausted = h.stateOf('cloud', T0 + 5_000);
    expect(exhausted).toMatchObject({ available: false, unavailableReason: 'rate_limited', availableAt: T0 + 60_000, load: 1 });
    expect(h.rateLimited('cloud', T0 + 5_000)).toEqual({ limited: true, availableAt: T0 + 60_000 });
    expect(h.stateOf('cloud', T0 + 59_999)?.available).toBe(false);
    // At T0+60 s the nine requests of second T0 expire; one remains.
    expect(h.stateOf('cloud', T0 + 60_000)).toMatchObject({ available: true, requests_last_minute: 1, rate_limit_approaching: false });
  });

  it('counts tokens against tpm, with corrections once the usage is known', () => {
    const h = health();
    h.recordRequest('cloud', T0, 500);
    h.recordTokens('cloud', T0 + 100, 300);
    expect(h.stateOf('cloud', T0 + 100)).toMatchObject({ tokens_last_minute: 800, rate_limit_approaching: true, available: true });
    h.recordTokens('cloud', T0 + 200, 200);
    expect(h.stateOf('cloud', T0 + 200)).toMatchObject({ available: false, unavailableReason: 'rate_limited' });
    h.recordTokens('cloud', T0 + 300, -50);
    expect(h.stateOf('cloud', T0 + 300)).toMatchObject({ available: true, tokens_last_minute: 950 });
  });

  it('the approaching share is configurable', () => {
    const h = health({ approachingShare: 0.5 });
    for (let i = 0; i < 5; i++) h.recordRequest('cloud', T0, 0);
    expect(h.stateOf('cloud', T0)?.rate_limit_approaching).toBe(true);
  });

  it('a model without rate limits is never limited', () => {
    const h = health();
    for (let i = 0; i < 10_000; i++) h.recordRequest('local', T0, 1_000);
    expect(h.stateOf('local', T0)).toMatchObject({ available: true, rate_limit_approaching: false, requests_last_minute: 10_000, load: 0 });
    expect(h.rateLimited('local', T0)).toEqual({ limited: false });
  });
});

describe('ModelHealth: circuits and cooldowns', () => {
  it('an open circuit makes the model unavailable until openMs, then it is available for a trial', () => {
    const h = health({ breaker: { consecutiveFailures: 2, openMs: 10_000 } });
    h.onFailure('cloud', T0);
    h.onFailure('cloud', T0);
    expect(h.stateOf('cloud', T0 + 1)).toMatchObject({ available: false, unavailableReason: 'circuit_open', availableAt: T0 + 10_000 });
    expect(h.circuit('cloud', T0 + 1)).toBe('open');
    expect(h.stateOf('cloud', T0 + 10_000)?.available).toBe(true);
    expect(h.tryAcquire('cloud', T0 + 10_000)).toEqual({ allowed: true, state: 'half_open' });
    expect(h.stateOf('cloud', T0 + 10_001)).toMatchObject({ available: false, unavailableReason: 'half_open_trial_in_flight' });
    h.onSuccess('cloud', T0 + 10_002);
    expect(h.circuit('cloud', T0 + 10_002)).toBe('closed');
  });

  it('a Retry-After cooldown makes the model unavailable until then and never shortens', () => {
    const h = health();
    h.coolDown('cloud', T0, T0 + 120_000);
    h.coolDown('cloud', T0, T0 + 1_000);
    expect(h.stateOf('cloud', T0 + 60_000)).toMatchObject({ available: false, unavailableReason: 'cooling_down', availableAt: T0 + 120_000 });
    // A cooldown is not the circuit: circuit() ignores it.
    expect(h.circuit('cloud', T0 + 60_000)).toBe('closed');
    expect(h.stateOf('cloud', T0 + 120_000)?.available).toBe(true);
  });

  it('unknown models are allowed and have no state', () => {
    const h = health();
    expect(h.tryAcquire('nope', T0)).toEqual({ allowed: true, state: 'closed' });
    expect(h.stateOf('nope', T0)).toBeUndefined();
    expect(h.circuit('nope', T0)).toBe('closed');
  });
});

describe('ModelHealth.snapshot', () => {
  it('is undefined while every model is idle, and has a state only for the models with recent activity', () => {
    const h = health();
    expect(h.snapshot(T0)).toBeUndefined();
    h.recordRequest('cloud', T0, 10);
    const states = h.snapshot(T0 + 1_000);
    expect(states?.get('cloud')).toMatchObject({ available: true, requests_last_minute: 1 });
    expect(states?.get('local')).toBeUndefined();
    // A decision reads one state per model, however often it asks.
    expect(states?.get('cloud')).toBe(states?.get('cloud'));
    expect(h.snapshot(T0 + 62_000)).toBeUndefined();
  });

  it('keeps a cooling-down model in the snapshot for the whole cooldown, however long', () => {
    const h = health();
    h.coolDown('cloud', T0, T0 + 600_000);
    expect(h.snapshot(T0 + 599_000)?.get('cloud')).toMatchObject({ available: false, unavailableReason: 'cooling_down' });
    expect(h.snapshot(T0 + 600_001)).toBeUndefined();
  });

  it('keeps an open circuit in the snapshot until it may be tried again', () => {
    const h = health({ breaker: { consecutiveFailures: 1, openMs: 120_000 } });
    h.onFailure('cloud', T0);
    expect(h.snapshot(T0 + 119_000)?.get('cloud')).toMatchObject({ available: false, unavailableReason: 'circuit_open' });
    expect(h.snapshot(T0 + 120_000)?.get('cloud')?.available ?? true).toBe(true);
  });
});
