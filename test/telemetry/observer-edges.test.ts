// createOpenTelemetryObserver() at its edges: a verifier's try, a cached answer, hedged tries,
// outcomes the router rarely produces (fed in directly), and telemetry that fails.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import { createRouter, type LoadedConfig, type RoutingDecision } from 'llm-agent-router';
import { createOpenTelemetryObserver } from 'llm-agent-router/telemetry';
import { createMockProvider, type MockResponses } from 'llm-agent-router/test';
import { loadSeed, manualClock } from '../helpers/seed.js';
import { ms, otelHarness, valueOf, otelSeedRouter } from './otel-harness.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const T0 = Date.parse('2026-11-25T09:00:00Z');
const ask = (content = 'Design the payment service.') => ({ messages: [{ role: 'user' as const, content }] });

const setup = (scripts: Partial<Record<string, MockResponses>> = {}) => otelSeedRouter(seed, scripts);

describe('tries beyond the one that served', () => {
  it("a cloud verifier's try is its own span, marked as verification, without the served answer's usage", async () => {
    const { otel, router } = setup({
      'llama-3-70b': { text: 'it("adds", ...)', usage: { inputTokens: 100, outputTokens: 100 } },
      'gpt-4-turbo': { text: 'VERIFIED', usage: { inputTokens: 1000, outputTokens: 100 } },
    });
    const result = await router.complete('qa_agent', ask('write tests for add()'), { task: { type: 'test_generation', critical: true } });
    expect(result.verification?.verdict).toBe('verified');
    const [served, verifier, ...rest] = otel.children(otel.span('llm_router.complete'));
    expect(rest).toEqual([]);
    expect(served!.name).toBe('chat llama-3-70b');
    expect(served!.attributes).toMatchObject({ 'gen_ai.provider.name': 'local', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 100 });
    expect(served!.attributes['llm_router.verification']).toBeUndefined();
    expect(verifier!.name).toBe('chat gpt-4-turbo-preview');
    expect(verifier!.attributes).toMatchObject({ 'llm_router.verification': true, 'gen_ai.request.model': 'gpt-4-turbo-preview' });
    expect(verifier!.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(verifier!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('an answer from the cache is marked cached and has no try span and no token usage', async () => {
    const { otel, router } = setup({ 'claude-3-opus': { text: 'cached answer', usage: { inputTokens: 10, outputTokens: 5 } } });
    const options = { task: { complexity: 9 }, context: { routing_strategy: 'performance_optimized' } };
    await router.complete('cto_agent', ask(), options);
    otel.exporter.reset();
    const tokenSums = async () => (await otel.points('gen_ai.client.token.usage')).map((p) => [p.attributes['gen_ai.token.type'], valueOf(p)]);
    expect(await tokenSums()).toEqual([['input', 10], ['output', 5]]);
    const second = await router.complete('cto_agent', ask(), options);
    expect(second.cached).toBe(true);
    const operation = otel.span('llm_router.complete');
    expect(operation.attributes).toMatchObject({ 'llm_router.cached': true, 'llm_router.tries': 0, 'llm_router.cost_usd': 0 });
    expect(otel.children(operation)).toEqual([]);
    expect(await tokenSums()).toEqual([['input', 10], ['output', 5]]);
  });
});

/** A decision as the router makes them, for outcomes fed to the observer directly. */
function decision(overrides: Partial<RoutingDecision> = {}): RoutingDecision {
  return {
    agentId: 'cto_agent',
    modelId: 'claude-3-opus',
    provider: 'anthropic',
    modelType: 'cloud',
    reason: 'test',
    confidence: 0.9,
    estimatedCost: 0.02,
    budgetUsd: undefined,
    estimatedTokens: { input: 100, output: 100, inputGiven: false },
    source: 'strategy',
    strategy: 'balanced',
    fallbacks: ['gpt-4-turbo'],
    constraints: [],
    localOnly: false,
    cloudOnly: false,
    privacyEnforced: false,
    execution: { parallelRequests: false, cacheResponses: false },
    trace: [],
    decidedAt: T0,
    ...overrides,
  };
}

describe('outcomes fed to the observer directly', () => {
  it('names the experiment and variant that assigned the model', () => {
    const otel = otelHarness();
    const observer = createOpenTelemetryObserver({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
    observer.start('route', 'cto_agent')!.end({ decision: decision({ experiment: { name: 'opus-vs-gpt', variant: 'b' } }), attempts: [], startedAt: T0, endedAt: T0 + 1 });
    expect(otel.span('llm_router.route').attributes).toMatchObject({ 'llm_router.experiment.name': 'opus-vs-gpt', 'llm_router.experiment.variant': 'b' });
  });

  it("spells finish reasons as the conventions do and counts cache reads among the input tokens' details", () => {
    const otel = otelHarness();
    const observer = createOpenTelemetryObserver({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
    observer.start('complete', 'cto_agent')!.end({
      decision: decision(),
      attempts: [{ modelId: 'claude-3-opus', attempt: 1, ok: true, startedAt: T0, durationMs: 5 }],
      result: { modelId: 'claude-3-opus', provider: 'anthropic', usage: { inputTokens: 50, outputTokens: 5, cachedInputTokens: 40 }, finishReason: 'tool-calls', usedFallback: false, costUsd: 0.001 },
      startedAt: T0,
      endedAt: T0 + 5,
    });
    expect(otel.span('chat claude-3-opus').attributes).toMatchObject({
      'gen_ai.response.finish_reasons': ['tool_call'],
      'gen_ai.usage.cache_read.input_tokens': 40,
      // No response model from the provider: the model asked for.
      'gen_ai.response.model': 'claude-3-opus',
    });
  });

  it('records a thrown non-Error by its type only, never its text', () => {
    const otel = otelHarness();
    const observer = createOpenTelemetryObserver({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
    observer.start('execute', 'cto_agent')!.end({
      decision: decision(),
      attempts: [{ modelId: 'claude-3-opus', attempt: 1, ok: false, startedAt: T0, durationMs: 5, error: 'secret text from the host' }],
      error: 'secret text from the host',
      startedAt: T0,
      endedAt: T0 + 5,
    });
    const spans = otel.spans();
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['error.type']).toBe('_OTHER');
    }
    expect(JSON.stringify(spans.map((s) => [s.attributes, s.events, s.status]))).not.toContain('secret');
  });

  it('places a try that has no start time at the start of the operation', () => {
    const otel = otelHarness();
    const observer = createOpenTelemetryObserver({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
    observer.start('complete', 'cto_agent')!.end({ decision: decision(), attempts: [{ modelId: 'claude-3-opus', attempt: 1, ok: false, durationMs: 7, error: new Error('x') }], error: new Error('x'), startedAt: T0, endedAt: T0 + 7 });
    const span = otel.span('chat claude-3-opus');
    expect([ms(span.startTime), ms(span.endTime)]).toEqual([T0, T0 + 7]);
    expect(span.attributes['error.type']).toBe('Error');
  });
});

describe('telemetry that fails or records nothing', () => {
  it('a tracer that throws never fails the call', async () => {
    const otel = otelHarness();
    const tracer = { startSpan: () => { throw new Error('exporter down'); }, startActiveSpan: () => { throw new Error('exporter down'); } } as unknown as Tracer;
    const clock = manualClock(T0);
    const router = createRouter(seed, { clock, providers: { anthropic: createMockProvider({ name: 'anthropic', clock }) }, logger: {}, observer: createOpenTelemetryObserver({ tracer, meterProvider: otel.meterProvider }) });
    const warn = vi.spyOn((await import('@opentelemetry/api')).diag, 'warn');
    await expect(router.complete('cto_agent', ask(), { task: { complexity: 9 } })).resolves.toMatchObject({ modelId: 'claude-3-opus' });
    await expect(router.route('cto_agent', { complexity: 9 })).resolves.toMatchObject({ modelId: 'claude-3-opus' });
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });

  it('builds no attributes for a span that is not recording (no SDK, or sampled out)', async () => {
    const span = { isRecording: () => false, end: vi.fn(), setAttributes: vi.fn(), setAttribute: vi.fn(), addEvent: vi.fn(), recordException: vi.fn(), setStatus: vi.fn(), spanContext: vi.fn() };
    const startSpan = vi.fn((_name: string, _options?: unknown) => span as unknown as Span);
    const otel = otelHarness();
    const quiet = createRouter(seed, {
      clock: manualClock(T0),
      providers: Object.fromEntries(Object.keys(seed.models).map((id) => [id, createMockProvider({ name: seed.models[id]!.provider, responses: id === 'claude-3-opus' ? { error: { status: 500 } } : 'ok' })])),
      retry: { retries: 0 },
      logger: {},
      observer: createOpenTelemetryObserver({ tracer: { startSpan, startActiveSpan: vi.fn() } as unknown as Tracer, meterProvider: otel.meterProvider }),
    });
    await quiet.complete('cto_agent', ask(), { task: { complexity: 9 } });
    // Only the operation span is started: no try spans, no attributes, no events.
    expect(startSpan).toHaveBeenCalledTimes(1);
    expect(startSpan.mock.calls[0]![0]).toBe('llm_router.complete');
    expect(span.end).toHaveBeenCalledTimes(1);
    for (const method of [span.setAttributes, span.setAttribute, span.addEvent, span.recordException, span.setStatus]) expect(method).not.toHaveBeenCalled();
  });
});
