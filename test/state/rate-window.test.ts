import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateWindow } from '../../src/state/rate-window.js';

// A second boundary, so offsets inside the second are easy to read.
const T0 = Date.parse('2026-11-25T09:00:00Z');

describe('RateWindow: the sliding minute', () => {
  it('counts requests and tokens recorded within the last 60 seconds', () => {
    const window = new RateWindow();
    window.addRequest(T0, 100);
    window.addRequest(T0 + 10_000, 50);
    window.addRequest(T0 + 59_000, 25);
    expect(window.usage(T0 + 59_999)).toEqual({ requests: 3, tokens: 175 });
  });

  it('slides by whole seconds: a request leaves the window 60 s after the start of its second', () => {
    const window = new RateWindow();
    window.addRequest(T0 + 400, 10);
    window.addRequest(T0 + 1_999, 20);
    expect(window.usage(T0 + 59_999)).toEqual({ requests: 2, tokens: 30 });
    expect(window.usage(T0 + 60_000)).toEqual({ requests: 1, tokens: 20 });
    expect(window.usage(T0 + 60_999)).toEqual({ requests: 1, tokens: 20 });
    expect(window.usage(T0 + 61_000)).toEqual({ requests: 0, tokens: 0 });
  });

  it('forgets everything after a long idle gap and counts again from zero', () => {
    const window = new RateWindow();
    for (let i = 0; i < 30; i++) window.addRequest(T0 + i * 100, 1);
    expect(window.usage(T0 + 3_000).requests).toBe(30);
    window.addRequest(T0 + 3_600_000, 7);
    expect(window.usage(T0 + 3_600_000)).toEqual({ requests: 1, tokens: 7 });
  });

  it('adds token corrections (also negative) without counting a request; usage never shows negative tokens', () => {
    const window = new RateWindow();
    window.addRequest(T0, 1_000);
    window.addTokens(T0 + 500, -400);
    expect(window.usage(T0 + 500)).toEqual({ requests: 1, tokens: 600 });
    window.addTokens(T0 + 600, -5_000);
    expect(window.usage(T0 + 600).tokens).toBe(0);
  });

  it('a record older than the window (a clock that went back) counts in the newest second instead of being lost', () => {
    const window = new RateWindow();
    window.addRequest(T0 + 120_000);
    window.addRequest(T0, 5);
    expect(window.usage(T0 + 120_000)).toEqual({ requests: 2, tokens: 5 });
    expect(window.usage(T0 + 180_000).requests).toBe(0);
  });

  it('recording is O(1): a million records spread over an hour stay fast and the totals stay exact', () => {
    const window = new RateWindow();
    const started = performance.now();
    for (let i = 0; i < 1_000_000; i++) window.addRequest(T0 + i * 3.6, 1);
    const elapsed = performance.now() - started;
    const end = T0 + 999_999 * 3.6;
    // Requests from the last 59 whole seconds plus the current one, counted the slow way.
    const oldestSecond = Math.floor(end / 1000) - 59;
    let expected = 0;
    for (let i = 0; i < 1_000_000; i++) if (Math.floor((T0 + i * 3.6) / 1000) >= oldestSecond) expected++;
    expect(window.usage(end)).toEqual({ requests: expected, tokens: expected });
    // Generous for slow CI machines; a per-record scan of the window would take far longer.
    expect(elapsed).toBeLessThan(1_500);
  });
});

describe('RateWindow.freesUpAt', () => {
  it('is now when the window is already under both limits', () => {
    const window = new RateWindow();
    window.addRequest(T0, 10);
    expect(window.freesUpAt(T0 + 5_000, 2, 100)).toBe(T0 + 5_000);
    expect(window.freesUpAt(T0 + 5_000, undefined, undefined)).toBe(T0 + 5_000);
  });

  it('is when enough of the oldest seconds have expired to go under the request limit', () => {
    const window = new RateWindow();
    // 5 requests in each of the seconds T0 .. T0+9 s: 50 in all.
    for (let s = 0; s < 10; s++) for (let i = 0; i < 5; i++) window.addRequest(T0 + s * 1000 + i * 100);
    const now = T0 + 9_500;
    expect(window.freesUpAt(now, 50, undefined)).toBe(T0 + 60_000);
    expect(window.freesUpAt(now, 40, undefined)).toBe(T0 + 62_000);
    expect(window.usage(T0 + 62_000).requests).toBe(35);
  });

  it('waits for the token limit too', () => {
    const window = new RateWindow();
    window.addRequest(T0, 90_000);
    window.addRequest(T0 + 30_000, 20_000);
    expect(window.freesUpAt(T0 + 30_000, 1_000, 100_000)).toBe(T0 + 60_000);
    expect(window.freesUpAt(T0 + 30_000, 1_000, 15_000)).toBe(T0 + 90_000);
  });

  it('property: at freesUpAt the window is under the limits, and one millisecond earlier it was not', () => {
    const record = fc.record({
      offsetMs: fc.integer({ min: 0, max: 90_000 }),
      tokens: fc.integer({ min: 0, max: 500 }),
    });
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 8_000 }),
        (records, requestLimit, tokenLimit) => {
          const sorted = [...records].sort((a, b) => a.offsetMs - b.offsetMs);
          const build = () => {
            const window = new RateWindow();
            for (const r of sorted) window.addRequest(T0 + r.offsetMs, r.tokens);
            return window;
          };
          const now = T0 + sorted[sorted.length - 1]!.offsetMs;
          const at = build().freesUpAt(now, requestLimit, tokenLimit);
          const under = (u: { requests: number; tokens: number }) => u.requests < requestLimit && u.tokens < tokenLimit;
          expect(at).toBeGreaterThanOrEqual(now);
          expect(under(build().usage(at))).toBe(true);
          if (at > now) expect(under(build().usage(at - 1))).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
