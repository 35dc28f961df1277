// Values now or later: work on a value that is there goes on synchronously; a promise or any
// thenable is waited for, as `await` would.
import { describe, expect, it } from 'vitest';
import { createRouter, MemoryLedger, type CostLedger } from 'llm-agent-router';
import { createMockProvider } from 'llm-agent-router/test';
import { isPromiseLike, thenMaybe } from '../src/maybe-promise.js';

/** A thenable that is no Promise: what a hand-made store might hand back. */
function thenable<T>(value: T): PromiseLike<T> {
  return { then: (resolve, reject) => Promise.resolve(value).then(resolve, reject) };
}

describe('thenMaybe', () => {
  it('goes on at once with a value that is there', () => {
    let ran = false;
    const result = thenMaybe(2, (n) => {
      ran = true;
      return n * 21;
    });
    expect(ran).toBe(true);
    expect(result).toBe(42);
  });

  it('waits for a promise and for a thenable that is no promise', async () => {
    const fromPromise = thenMaybe(Promise.resolve(2), (n) => n * 21);
    const fromThenable = thenMaybe(thenable(2), (n) => n * 21);
    expect(fromPromise).toBeInstanceOf(Promise);
    expect(fromThenable).toBeInstanceOf(Promise);
    await expect(fromPromise).resolves.toBe(42);
    await expect(fromThenable).resolves.toBe(42);
  });

  it('throws at once what the step throws on a value that is there, and rejects on one that came later', async () => {
    const boom = () => {
      throw new Error('boom');
    };
    expect(() => thenMaybe(1, boom)).toThrow('boom');
    await expect(thenMaybe(Promise.resolve(1), boom)).rejects.toThrow('boom');
  });

  it('tells promises and thenables from values', () => {
    expect(isPromiseLike(Promise.resolve(1))).toBe(true);
    expect(isPromiseLike(thenable(1))).toBe(true);
    for (const value of [1, 'x', null, undefined, {}, { then: 1 }]) expect(isPromiseLike(value)).toBe(false);
  });
});

describe('a ledger that answers with thenables', () => {
  it('reserves, books and releases as one that answers at once', async () => {
    const inner = new MemoryLedger();
    const later: CostLedger = {
      snapshot: (query) => thenable(inner.snapshot(query)) as Promise<ReturnType<MemoryLedger['snapshot']>>,
      record: (day, entry) => thenable(inner.record(day, entry)) as Promise<void>,
      reserve: (request) => thenable(inner.reserve(request)) as Promise<ReturnType<MemoryLedger['reserve']>>,
      commit: (id, day, entry) => thenable(inner.commit(id, day, entry)) as Promise<void>,
      release: (id) => thenable(inner.release(id)) as Promise<void>,
      report: (day) => thenable(inner.report(day)) as Promise<ReturnType<MemoryLedger['report']>>,
    };
    const config = {
      models: { cloud: { provider: 'openai', type: 'cloud' as const, cost_per_1k_tokens: { input: 0.01, output: 0.03 } } },
      agents: { a: { model_preferences: { primary: 'cloud' } } },
      routing: { budget: { daily: 100 } },
    };
    const router = createRouter(config, { ledger: later, providers: { openai: createMockProvider({ responses: { text: 'ok', usage: { inputTokens: 1000, outputTokens: 1000 } } }) }, logger: {} });
    const result = await router.complete('a', { messages: [{ role: 'user', content: 'hello' }] });
    expect(result.costUsd).toBeCloseTo(0.04, 10);
    const day = new Date().toISOString().slice(0, 10);
    expect(inner.report(day)).toMatchObject({ totalMicros: 40_000, reservedMicros: 0, calls: 1 });
    expect(inner.openReservations).toBe(0);
  });
});
