// Try spans under retries, Retry-After waits, parallel_requests races, budget skips and refusals
// before any model is called.
import { beforeAll, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import type { LoadedConfig, RouterConfigInput } from 'llm-agent-router';
import { drain, rejection } from '../../helpers/router-outcomes.js';
import { loadSeed } from '../../helpers/seed.js';
import { createMockProvider } from 'llm-agent-router/test';
import { ask, COMPLEX, hangingAdapter, ms, parentId, setup, spanId, spanText, T0 } from './edge-harness.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const QUICK_RETRIES = { retries: 2, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false };

describe('retries of one model', () => {
  it('three tries of the same model are three CLIENT spans numbered 1..3, back to back, the last one served', async () => {
    const { otel, router } = setup(seed, {
      scripts: {
        'claude-3-opus': [
          { error: { status: 503 }, latencyMs: 10 },
          { error: { status: 503 }, latencyMs: 20 },
          { text: 'finally', latencyMs: 30, usage: { inputTokens: 10, outputTokens: 5 } },
        ],
      },
      router: { retry: QUICK_RETRIES },
    });
    const result = await router.complete('cto_agent', ask(), COMPLEX);
    expect(result.modelId).toBe('claude-3-opus');
    const operation = otel.span('llm_router.complete');
    expect(operation.attributes).toMatchObject({ 'llm_router.tries': 3, 'llm_router.fallback': false, 'llm_router.served_model': 'claude-3-opus' });
    const tries = otel.children(operation);
    expect(tries.map((s) => [s.name, s.attributes['llm_router.attempt'], s.status.code, s.attributes['error.type']])).toEqual([
      ['chat claude-3-opus-20240229', 1, SpanStatusCode.ERROR, '503'],
      ['chat claude-3-opus-20240229', 2, SpanStatusCode.ERROR, '503'],
      ['chat claude-3-opus-20240229', 3, SpanStatusCode.UNSET, undefined],
    ]);
    expect(tries.map((s) => [ms(s.startTime) - T0, ms(s.endTime) - T0])).toEqual([
      [0, 10],
      [10, 30],
      [30, 60],
    ]);
    // Only the try that served carries the usage.
    expect(tries.map((s) => s.attributes['gen_ai.usage.output_tokens'])).toEqual([undefined, undefined, 5]);
    expect(ms(operation.endTime)).toBe(T0 + 60);
    // Duration histogram: one value per try.
    const durations = await otel.points('gen_ai.client.operation.duration');
    const count = durations.reduce((n, p) => n + (typeof p.value === 'number' ? 0 : p.value.count), 0);
    expect(count).toBe(3);
  });

  it('a 429 with Retry-After is waited out: the retry span starts after the wait, the 429 span ends before it', async () => {
    const { otel, router } = setup(seed, {
      scripts: {
        'claude-3-opus': [
          { error: { status: 429, retryAfterMs: 500 }, latencyMs: 5 },
          { text: 'ok now', latencyMs: 7 },
        ],
      },
      router: { retry: QUICK_RETRIES },
    });
    const result = await router.complete('cto_agent', ask(), COMPLEX);
    expect(result.modelId).toBe('claude-3-opus');
    const [limited, served, ...rest] = otel.children(otel.span('llm_router.complete'));
    expect(rest).toEqual([]);
    expect(limited!.attributes).toMatchObject({ 'error.type': '429', 'llm_router.attempt': 1 });
    expect(limited!.status.code).toBe(SpanStatusCode.ERROR);
    expect(served!.attributes).toMatchObject({ 'llm_router.attempt': 2 });
    expect(served!.status.code).toBe(SpanStatusCode.UNSET);
    expect([ms(limited!.startTime) - T0, ms(limited!.endTime) - T0]).toEqual([0, 5]);
    // The wait is not part of either try.
    expect([ms(served!.startTime) - T0, ms(served!.endTime) - T0]).toEqual([505, 512]);
  });
});

describe('parallel_requests races (performance_optimized)', () => {
  const RACE = { task: { complexity: 9 }, context: { routing_strategy: 'performance_optimized' } };

  function race() {
    // claude-3-opus never answers (until aborted); gpt-4-turbo answers: the opus try loses the race.
    return setup(seed, { providers: (mocks) => ({ ...mocks, 'claude-3-opus': hangingAdapter('anthropic') }) });
  }

  it('both raced tries are children of the operation; the winner served and the operation succeeded', async () => {
    const { otel, router } = race();
    const result = await router.complete('cto_agent', ask(), RACE);
    expect(result.modelId).toBe('gpt-4-turbo');
    const operation = otel.span('llm_router.complete');
    expect(operation.status.code).toBe(SpanStatusCode.UNSET);
    expect(operation.attributes).toMatchObject({ 'llm_router.tries': 2, 'llm_router.served_model': 'gpt-4-turbo', 'llm_router.fallback': true });
    const tries = otel.children(operation);
    expect(tries.map((s) => s.name).sort()).toEqual(['chat claude-3-opus-20240229', 'chat gpt-4-turbo-preview']);
    for (const span of tries) expect(parentId(span)).toBe(spanId(operation));
    const winner = tries.find((s) => s.name === 'chat gpt-4-turbo-preview')!;
    expect(winner.status.code).toBe(SpanStatusCode.UNSET);
    expect(winner.attributes['gen_ai.response.model']).toBe('gpt-4-turbo-preview');
  });

  it("the race loser's try span is not an ERROR (the router cancelled it; the model did not fail)", async () => {
    const { otel, router } = race();
    await router.complete('cto_agent', ask(), RACE);
    const loser = otel.span('chat claude-3-opus-20240229');
    expect(loser.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(loser.attributes['error.type']).toBeUndefined();
  });

  it('a successful raced call records no error.type in gen_ai.client.operation.duration', async () => {
    const { otel, router } = race();
    await router.complete('cto_agent', ask(), RACE);
    const points = await otel.points('gen_ai.client.operation.duration');
    expect(points.map((p) => p.attributes['error.type'])).toEqual(points.map(() => undefined));
  });
});

describe('budget and refusals', () => {
  const budgetConfig: RouterConfigInput = {
    models: {
      cloud: { provider: 'cloud', type: 'cloud', cost_per_1k_tokens: { input: 10, output: 10 } },
      local: { provider: 'local', type: 'local' },
    },
    agents: { worker: { model_preferences: { primary: 'cloud', local_alternative: 'local' } } },
    routing: { default_strategy: 'cloud_first', strategies: { cloud_first: { rules: [{ prefer_cloud_models: true }] } }, budget: { daily: 0.01 } },
  };

  it('a model the budget refuses is an llm_router.skipped event (budget) on the operation span, not a try span', async () => {
    const { otel, router } = setup(seed, {
      config: budgetConfig,
      providers: (_mocks, clock) => {
        return {
          cloud: createMockProvider({ name: 'cloud', clock, responses: { error: { status: 503 }, latencyMs: 3 } }),
          local: createMockProvider({ name: 'local', clock, responses: { text: 'local answer' } }),
        };
      },
      router: { retry: QUICK_RETRIES },
    });
    const result = await router.complete('worker', ask(), { task: {} }).catch((error: unknown) => error);
    const operation = otel.span('llm_router.complete');
    const skips = operation.events.filter((e) => e.name === 'llm_router.skipped').map((e) => e.attributes);
    const attempts = ((result as { attempts?: { skipped?: string; modelId: string }[] }).attempts ?? []).filter((a) => a.skipped !== undefined);
    // Whatever the router decided, every skip it recorded is an event with its reason, and no skip is a try span.
    expect(skips).toEqual(attempts.map((a) => ({ 'llm_router.model': a.modelId, 'llm_router.skip_reason': a.skipped })));
    expect(otel.children(operation).length).toBe(operation.attributes['llm_router.tries']);
    expect(attempts.some((a) => a.skipped === 'budget')).toBe(true);
    expect(otel.children(operation).map((s) => s.name)).toEqual(['chat local']);
    expect(operation.attributes).toMatchObject({ 'llm_router.model': 'cloud', 'llm_router.served_model': 'local', 'llm_router.fallback': true, 'llm_router.tries': 1 });
    expect(ms(operation.events.find((e) => e.name === 'llm_router.skipped')!.time)).toBe(T0);
  });

  it('NoEligibleModelError on complete (PII, no local model): operation span ERROR, no try spans, no PII in status or events', async () => {
    const cloudOnly: RouterConfigInput = {
      models: { cloud: { provider: 'cloud', type: 'cloud' } },
      agents: { worker: { model_preferences: { primary: 'cloud' } } },
      routing: { default_strategy: 'cloud_first', strategies: { cloud_first: { rules: [{ prefer_cloud_models: true }] } } },
    };
    const { otel, router } = setup(seed, { config: cloudOnly, providers: () => ({ cloud: hangingAdapter('cloud') }) });
    const email = 'jane.roe.private@example.com';
    const error = await rejection(router.complete('worker', ask(`mail ${email} the invoice`), { task: { data: { owner: email } } }));
    expect(error.code).toBe('NO_ELIGIBLE_MODEL');
    const operation = otel.span('llm_router.complete');
    expect(operation.status.code).toBe(SpanStatusCode.ERROR);
    expect(operation.attributes).toEqual({ 'llm_router.agent': 'worker', 'llm_router.tries': 0, 'error.type': 'NO_ELIGIBLE_MODEL' });
    expect(otel.children(operation)).toEqual([]);
    expect(otel.spans()).toHaveLength(1);
    expect(spanText(otel.spans())).not.toContain('jane.roe');
    // No decision: nothing counted.
    expect(await otel.points('llm_router.decisions')).toEqual([]);
    expect(await otel.points('gen_ai.client.operation.duration')).toEqual([]);
  });

  it('NoEligibleModelError on stream ends the stream span with ERROR too', async () => {
    const cloudOnly: RouterConfigInput = {
      models: { cloud: { provider: 'cloud', type: 'cloud' } },
      agents: { worker: { model_preferences: { primary: 'cloud' } } },
      routing: { default_strategy: 'cloud_first', strategies: { cloud_first: { rules: [{ prefer_cloud_models: true }] } } },
    };
    const { otel, router } = setup(seed, { config: cloudOnly, providers: () => ({ cloud: hangingAdapter('cloud') }) });
    const { error } = await drain(router.stream('worker', ask('call 555-867-5309 re: jane.roe.private@example.com'), { task: { privacy_level: 'high' } }));
    expect(error?.code).toBe('NO_ELIGIBLE_MODEL');
    const operation = otel.span('llm_router.stream');
    expect(operation.status.code).toBe(SpanStatusCode.ERROR);
    expect(otel.children(operation)).toEqual([]);
    expect(spanText(otel.spans())).not.toContain('jane.roe');
  });
});
