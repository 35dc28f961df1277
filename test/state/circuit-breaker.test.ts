import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/state/circuit-breaker.js';

const T0 = Date.parse('2026-11-25T09:00:00Z');

function failTimes(breaker: CircuitBreaker, times: number, at = T0): void {
  for (let i = 0; i < times; i++) {
    expect(breaker.tryAcquire(at).allowed).toBe(true);
    breaker.onFailure(at);
  }
}

describe('CircuitBreaker: closed → open', () => {
  it('opens on N consecutive failures (default 5), refusing calls with circuit_open until openMs has passed', () => {
    const breaker = new CircuitBreaker();
    failTimes(breaker, 4);
    expect(breaker.current(T0)).toEqual({ state: 'closed' });
    failTimes(breaker, 1);
    expect(breaker.tryAcquire(T0 + 1)).toEqual({ allowed: false, state: 'open', reason: 'circuit_open', retryAt: T0 + 30_000 });
    expect(breaker.tryAcquire(T0 + 29_999).allowed).toBe(false);
  });

  it('a success resets the consecutive count', () => {
    const breaker = new CircuitBreaker({ consecutiveFailures: 3 });
    failTimes(breaker, 2);
    breaker.onSuccess(T0);
    failTimes(breaker, 2);
    expect(breaker.current(T0).state).toBe('closed');
    failTimes(breaker, 1);
    expect(breaker.current(T0).state).toBe('open');
  });

  it('opens on the failure ratio once the window holds minimumCalls outcomes', () => {
    const breaker = new CircuitBreaker({ consecutiveFailures: 100, failureRatio: 0.5, minimumCalls: 10 });
    // S F S F ... : never two failures in a row, but half of them fail.
    for (let i = 0; i < 9; i++) {
      breaker.tryAcquire(T0 + i);
      if (i % 2 === 0) breaker.onSuccess(T0 + i);
      else breaker.onFailure(T0 + i);
    }
    expect(breaker.current(T0 + 9).state).toBe('closed'); // 4 of 9: under minimumCalls
    breaker.tryAcquire(T0 + 9);
    breaker.onFailure(T0 + 9); // 5 of 10
    expect(breaker.current(T0 + 9).state).toBe('open');
  });

  it('the ratio is over a sliding window: failures older than windowMs no longer count', () => {
    // The same outcomes — F F S, then F ten seconds later — with a 60 s and with a 10 s window.
    const run = (windowMs: number) => {
      const breaker = new CircuitBreaker({ consecutiveFailures: 100, failureRatio: 0.5, minimumCalls: 4, windowMs });
      breaker.onFailure(T0);
      breaker.onFailure(T0 + 1);
      breaker.onSuccess(T0 + 2);
      breaker.onFailure(T0 + 10_700);
      return breaker.current(T0 + 10_700).state;
    };
    expect(run(60_000)).toBe('open'); // 3 failures of 4
    expect(run(10_000)).toBe('closed'); // 1 outcome left in the window: under minimumCalls
  });
});

describe('CircuitBreaker: open → half-open → closed or open', () => {
  const opened = () => {
    const breaker = new CircuitBreaker({ consecutiveFailures: 2, openMs: 10_000 });
    failTimes(breaker, 2);
    return breaker;
  };

  it('goes half-open after openMs and lets exactly one trial call through; a second concurrent acquire is refused', () => {
    const breaker = opened();
    expect(breaker.tryAcquire(T0 + 9_999).allowed).toBe(false);
    expect(breaker.peek(T0 + 10_000)).toEqual({ allowed: true, state: 'half_open' });
    // peek does not claim the trial.
    expect(breaker.peek(T0 + 10_000).allowed).toBe(true);
    expect(breaker.tryAcquire(T0 + 10_000)).toEqual({ allowed: true, state: 'half_open' });
    const second = breaker.tryAcquire(T0 + 10_001);
    expect(second).toMatchObject({ allowed: false, state: 'half_open', reason: 'half_open_trial_in_flight' });
    expect(second.retryAt).toBeGreaterThan(T0 + 10_001);
  });

  it('a successful trial closes the circuit and calls flow again', () => {
    const breaker = opened();
    expect(breaker.tryAcquire(T0 + 10_000).allowed).toBe(true);
    breaker.onSuccess(T0 + 10_050);
    expect(breaker.current(T0 + 10_050)).toEqual({ state: 'closed' });
    for (let i = 0; i < 3; i++) expect(breaker.tryAcquire(T0 + 10_060).allowed).toBe(true);
  });

  it('a failed trial re-opens the circuit for another openMs', () => {
    const breaker = opened();
    expect(breaker.tryAcquire(T0 + 10_000).allowed).toBe(true);
    breaker.onFailure(T0 + 10_500);
    expect(breaker.tryAcquire(T0 + 10_501)).toEqual({ allowed: false, state: 'open', reason: 'circuit_open', retryAt: T0 + 20_500 });
    expect(breaker.tryAcquire(T0 + 20_500)).toEqual({ allowed: true, state: 'half_open' });
  });

  it('a cancelled trial (the caller aborted) frees the trial slot without deciding anything', () => {
    const breaker = opened();
    expect(breaker.tryAcquire(T0 + 10_000).allowed).toBe(true);
    breaker.onCancel();
    expect(breaker.current(T0 + 10_001).state).toBe('half_open');
    expect(breaker.tryAcquire(T0 + 10_001).allowed).toBe(true);
  });
});

describe('CircuitBreaker: Retry-After cooldowns', () => {
  it('refuses calls with cooling_down until the cooldown ends, then lets them through', () => {
    const breaker = new CircuitBreaker();
    breaker.coolDown(T0 + 5_000);
    expect(breaker.tryAcquire(T0)).toEqual({ allowed: false, state: 'closed', reason: 'cooling_down', retryAt: T0 + 5_000 });
    expect(breaker.tryAcquire(T0 + 5_000).allowed).toBe(true);
  });

  it('a shorter cooldown never shortens a longer one', () => {
    const breaker = new CircuitBreaker();
    breaker.coolDown(T0 + 60_000);
    breaker.coolDown(T0 + 1_000);
    expect(breaker.tryAcquire(T0 + 30_000)).toMatchObject({ allowed: false, reason: 'cooling_down', retryAt: T0 + 60_000 });
    breaker.coolDown(T0 + 90_000);
    expect(breaker.tryAcquire(T0 + 60_000)).toMatchObject({ allowed: false, retryAt: T0 + 90_000 });
  });

  it('reports the later of a cooldown and an open circuit as the time to retry', () => {
    const breaker = new CircuitBreaker({ consecutiveFailures: 1, openMs: 10_000 });
    failTimes(breaker, 1);
    breaker.coolDown(T0 + 4_000);
    expect(breaker.tryAcquire(T0 + 1)).toMatchObject({ allowed: false, retryAt: T0 + 10_000 });
  });
});

describe('CircuitBreaker: options', () => {
  it('undefined options fall back to the defaults instead of disabling the breaker', () => {
    // e.g. createRouter(config, { circuitBreaker: { openMs: settings.openMs } }) with the setting unset.
    const breaker = new CircuitBreaker({ consecutiveFailures: undefined, openMs: undefined });
    failTimes(breaker, 5);
    expect(breaker.tryAcquire(T0 + 1)).toMatchObject({ allowed: false, reason: 'circuit_open', retryAt: T0 + 30_000 });
  });
});

describe('CircuitBreaker: properties', () => {
  type Op =
    | { kind: 'acquire' }
    | { kind: 'success' }
    | { kind: 'failure' }
    | { kind: 'cancel' }
    | { kind: 'advance'; ms: number }
    | { kind: 'coolDown'; ms: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.constant<Op>({ kind: 'acquire' }),
    fc.constant<Op>({ kind: 'success' }),
    fc.constant<Op>({ kind: 'failure' }),
    fc.constant<Op>({ kind: 'cancel' }),
    fc.integer({ min: 1, max: 15_000 }).map<Op>((ms) => ({ kind: 'advance', ms })),
    fc.integer({ min: 0, max: 20_000 }).map<Op>((ms) => ({ kind: 'coolDown', ms })),
  );

  it('never lets a call through during a cooldown, never allows two half-open trials at once, and never opens for less than openMs', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const openMs = 5_000;
        const breaker = new CircuitBreaker({ consecutiveFailures: 2, openMs, minimumCalls: 4 });
        let now = T0;
        let cooldownUntil = 0;
        // Calls holding a permit; a half-open trial is the one acquired while half-open.
        let trialHeld = false;
        let openedAt: number | undefined;
        for (const step of ops) {
          const before = breaker.current(now).state;
          switch (step.kind) {
            case 'acquire': {
              const permit = breaker.tryAcquire(now);
              if (permit.allowed) {
                expect(now).toBeGreaterThanOrEqual(cooldownUntil);
                if (permit.state === 'half_open') {
                  expect(trialHeld).toBe(false);
                  trialHeld = true;
                }
              }
              break;
            }
            case 'success':
              breaker.onSuccess(now);
              trialHeld = false;
              break;
            case 'failure':
              breaker.onFailure(now);
              trialHeld = false;
              break;
            case 'cancel':
              breaker.onCancel();
              trialHeld = false;
              break;
            case 'advance':
              now += step.ms;
              break;
            case 'coolDown':
              breaker.coolDown(now + step.ms);
              cooldownUntil = Math.max(cooldownUntil, now + step.ms);
              break;
          }
          const after = breaker.current(now).state;
          if (before !== 'open' && after === 'open') openedAt = now;
          if (after === 'half_open' && openedAt !== undefined) expect(now - openedAt).toBeGreaterThanOrEqual(openMs);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('a half-open trial whose caller vanished', () => {
  it('blocks other calls for trialTimeoutMs at most, then another call may take the trial', () => {
    const breaker = new CircuitBreaker({ consecutiveFailures: 1, openMs: 1000, trialTimeoutMs: 5000 });
    breaker.onFailure(0);
    expect(breaker.tryAcquire(1000)).toMatchObject({ allowed: true, state: 'half_open' });
    // Its caller never reports back.
    expect(breaker.tryAcquire(3000)).toMatchObject({ allowed: false, reason: 'half_open_trial_in_flight' });
    expect(breaker.tryAcquire(6000)).toMatchObject({ allowed: true, state: 'half_open' });
    expect(breaker.tryAcquire(6001)).toMatchObject({ allowed: false, reason: 'half_open_trial_in_flight' });
  });
});
