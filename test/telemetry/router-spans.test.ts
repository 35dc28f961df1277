// The spans createOpenTelemetryObserver() writes for a router's operations, read from an in-memory
// exporter: the operation span, one CLIENT span per try placed in time by the router's clock, the
// decision's and the outcome's attributes, errors, skipped models.
import { beforeAll, describe, expect, it } from 'vitest';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { type LoadedConfig, type ProviderAdapter } from 'llm-agent-router';
import { createOpenTelemetryObserver } from 'llm-agent-router/telemetry';
import { type MockProvider, type MockResponses } from 'llm-agent-router/test';
import { drain, rejection } from '../helpers/router-outcomes.js';
import { loadSeed, manualClock } from '../helpers/seed.js';
import { TestContextManager } from './context-manager.js';
import { ms, otelHarness, SpanKind, otelSeedRouter } from './otel-harness.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const T0 = Date.parse('2026-11-25T09:00:00Z');
const SECRET = 'Patient Jane Roe, born 1984-03-02, asks about her diagnosis';
const ask = (content = 'Design the payment service.') => ({ messages: [{ role: 'user' as const, content }] });
const COMPLEX = { task: { complexity: 9 } };

const setup = (scripts: Partial<Record<string, MockResponses>> = {}, providers?: Parameters<typeof otelSeedRouter>[2]) => otelSeedRouter(seed, scripts, providers);

const FALLBACK_ONCE = {
  'claude-3-opus': { error: { status: 500 }, latencyMs: 100 },
  'gpt-4-turbo': { text: 'use a queue', usage: { inputTokens: 1000, outputTokens: 200 }, latencyMs: 250 },
};

describe('complete() that falls back once', () => {
  it('writes an INTERNAL operation span with the decision and the outcome', async () => {
    const { otel, router } = setup(FALLBACK_ONCE);
    const result = await router.complete('cto_agent', ask(), COMPLEX);
    expect(result).toMatchObject({ modelId: 'gpt-4-turbo', usedFallback: true, costUsd: 0.016 });

    const operation = otel.span('llm_router.complete');
    expect(operation.kind).toBe(SpanKind.INTERNAL);
    expect(operation.parentSpanContext).toBeUndefined();
    expect(operation.status.code).toBe(SpanStatusCode.UNSET);
    expect(operation.attributes).toMatchObject({
      'llm_router.agent': 'cto_agent',
      'llm_router.model': 'claude-3-opus',
      'llm_router.provider': 'anthropic',
      'llm_router.model_type': 'cloud',
      'llm_router.source': 'agent_rule',
      'llm_router.strategy': result.decision.strategy,
      'llm_router.privacy_enforced': false,
      'llm_router.fallback_models': result.decision.fallbacks,
      'llm_router.served_model': 'gpt-4-turbo',
      'llm_router.fallback': true,
      'llm_router.cost_usd': 0.016,
      'llm_router.tries': 2,
    });
    expect(operation.attributes['llm_router.experiment.name']).toBeUndefined();
    // Timed by the router's clock: from the start of the call to the fallback's answer.
    expect(ms(operation.startTime)).toBe(T0);
    expect(ms(operation.endTime)).toBe(T0 + 350);
    expect(operation.instrumentationScope.name).toBe('llm-agent-router');
  });

  it('writes one CLIENT span per try, children of the operation, placed in time by each try', async () => {
    const { otel, router } = setup(FALLBACK_ONCE);
    await router.complete('cto_agent', ask(), COMPLEX);
    const operation = otel.span('llm_router.complete');
    const [failed, served, ...rest] = otel.children(operation);
    expect(rest).toEqual([]);

    expect(failed!.name).toBe('chat claude-3-opus-20240229');
    expect(failed!.kind).toBe(SpanKind.CLIENT);
    expect(failed!.spanContext().traceId).toBe(operation.spanContext().traceId);
    expect([ms(failed!.startTime), ms(failed!.endTime)]).toEqual([T0, T0 + 100]);
    expect(failed!.status.code).toBe(SpanStatusCode.ERROR);
    // The status names the error's type, never its message (which may quote the task).
    expect(failed!.status.message).toBe('500');
    expect(failed!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.system': 'anthropic',
      'gen_ai.request.model': 'claude-3-opus-20240229',
      'error.type': '500',
      'llm_router.model': 'claude-3-opus',
      'llm_router.attempt': 1,
    });
    expect(failed!.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    // The SDK names the exception by its stable code.
    expect(failed!.events.map((e) => [e.name, e.attributes?.['exception.type']])).toEqual([['exception', '500']]);

    expect(served!.name).toBe('chat gpt-4-turbo-preview');
    expect(served!.kind).toBe(SpanKind.CLIENT);
    expect([ms(served!.startTime), ms(served!.endTime)]).toEqual([T0 + 100, T0 + 350]);
    expect(served!.status.code).toBe(SpanStatusCode.UNSET);
    expect(served!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4-turbo-preview',
      // What the provider said served: the mock answers with the model name it was sent.
      'gen_ai.response.model': 'gpt-4-turbo-preview',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 200,
      'gen_ai.response.finish_reasons': ['stop'],
      'llm_router.model': 'gpt-4-turbo',
      'llm_router.attempt': 1,
      'llm_router.cost_usd': 0.016,
    });
    expect(served!.events).toEqual([]);
  });

  it('parents the operation span to the span active when the call started', async () => {
    const { otel, router } = setup(FALLBACK_ONCE);
    const outer = otel.tracerProvider.getTracer('host').startSpan('host request');
    context.setGlobalContextManager(new TestContextManager());
    try {
      await context.with(trace.setSpan(context.active(), outer), () => router.complete('cto_agent', ask(), COMPLEX));
    } finally {
      context.disable();
      outer.end();
    }
    const operation = otel.span('llm_router.complete');
    expect(operation.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(operation.spanContext().traceId).toBe(outer.spanContext().traceId);
    expect(otel.children(operation).map((s) => s.name)).toEqual(['chat claude-3-opus-20240229', 'chat gpt-4-turbo-preview']);
  });
});

/** A mock whose stream takes `perPartMs` on the router's clock before each part after the first. */
function slowStream(mock: MockProvider, clock: ReturnType<typeof manualClock>, perPartMs: number): ProviderAdapter {
  return {
    specificationVersion: 'v2',
    provider: mock.provider,
    complete: (request, options) => mock.complete(request, options),
    async *stream(request, options) {
      let first = true;
      for await (const part of mock.stream(request, options)) {
        if (!first) clock.advance(perPartMs);
        first = false;
        yield part;
      }
    },
  };
}

describe('stream()', () => {
  it('writes a stream span whose try lasts until the stream ends, with its usage and finish reason', async () => {
    const { otel, router } = setup({ 'claude-3-opus': { text: 'one two three', usage: { inputTokens: 1000, outputTokens: 200 }, latencyMs: 40 } }, (mocks, clock) => ({
      ...mocks,
      'claude-3-opus': slowStream(mocks['claude-3-opus']!, clock, 10),
    }));
    const { parts, error } = await drain(router.stream('cto_agent', ask(), COMPLEX));
    expect(error).toBeUndefined();
    expect(parts.at(-1)?.type).toBe('finish');

    const operation = otel.span('llm_router.stream');
    expect(operation.attributes).toMatchObject({ 'llm_router.agent': 'cto_agent', 'llm_router.model': 'claude-3-opus', 'llm_router.served_model': 'claude-3-opus', 'llm_router.fallback': false, 'llm_router.cost_usd': 0.03 });
    expect(operation.attributes['llm_router.cancelled']).toBeUndefined();
    const [served, ...rest] = otel.children(operation);
    expect(rest).toEqual([]);
    expect(served!.name).toBe('chat claude-3-opus-20240229');
    expect(served!.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.model': 'claude-3-opus-20240229',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 200,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    // 40 ms to the first part, then 10 ms before each of the other three (two words and the finish).
    expect([ms(served!.startTime), ms(served!.endTime)]).toEqual([T0, T0 + 70]);
    expect(ms(operation.endTime)).toBe(T0 + 70);
  });

  it('a stream cut mid-answer fails its operation (STREAM_INTERRUPTED) and the try that was streaming', async () => {
    const { otel, router } = setup({ 'claude-3-opus': { text: 'one two three four', failAfterChunks: 2 } });
    const { parts, error } = await drain(router.stream('cto_agent', ask(), COMPLEX));
    expect(error?.code).toBe('STREAM_INTERRUPTED');
    expect(parts.filter((p) => p.type === 'text-delta')).toHaveLength(2);
    const operation = otel.span('llm_router.stream');
    expect(operation.status.code).toBe(SpanStatusCode.ERROR);
    expect(operation.attributes['error.type']).toBe('STREAM_INTERRUPTED');
    const [streaming, ...rest] = otel.children(operation);
    expect(rest).toEqual([]);
    expect(streaming!.status.code).toBe(SpanStatusCode.ERROR);
    // The provider's own failure, which the router wrapped.
    expect(streaming!.attributes['error.type']).toBe('stream_interrupted');
    expect(streaming!.attributes['gen_ai.usage.output_tokens']).toBeUndefined();
  });

  it('a stream the consumer stops reading ends its span as cancelled, not as an error', async () => {
    const { otel, router } = setup({ 'claude-3-opus': { text: 'one two three four five' } });
    for await (const part of router.stream('cto_agent', ask(), COMPLEX)) {
      if (part.type === 'text-delta') break;
    }
    const operation = otel.span('llm_router.stream');
    expect(operation.attributes['llm_router.cancelled']).toBe(true);
    expect(operation.attributes['llm_router.served_model']).toBeUndefined();
    expect(operation.status.code).toBe(SpanStatusCode.UNSET);
    expect(otel.children(operation).map((s) => s.status.code)).toEqual([SpanStatusCode.UNSET]);
  });
});

describe('route()', () => {
  it('writes a route span with the decision and no try spans', async () => {
    const { otel, router, mocks } = setup();
    const decision = await router.route('cto_agent', { complexity: 9 }, { routing_strategy: 'balanced' });
    const operation = otel.span('llm_router.route');
    expect(otel.spans()).toHaveLength(1);
    expect(operation.kind).toBe(SpanKind.INTERNAL);
    expect(operation.attributes).toMatchObject({
      'llm_router.agent': 'cto_agent',
      'llm_router.model': 'claude-3-opus',
      'llm_router.source': 'agent_rule',
      'llm_router.strategy': 'balanced',
      'llm_router.confidence': decision.confidence,
      'llm_router.estimated_cost_usd': decision.estimatedCost,
      'llm_router.privacy_enforced': false,
      'llm_router.tries': 0,
    });
    expect(operation.attributes['llm_router.fallback']).toBeUndefined();
    expect(Object.values(mocks).every((m) => m.calls.length === 0)).toBe(true);
  });

  it('says when a privacy constraint kept the decision local', async () => {
    const { otel, router } = setup();
    const decision = await router.route('cto_agent', { privacy_level: 'high' });
    expect(decision.privacyEnforced).toBe(true);
    expect(otel.span('llm_router.route').attributes).toMatchObject({ 'llm_router.model': 'llama-3-70b', 'llm_router.model_type': 'local', 'llm_router.privacy_enforced': true, 'llm_router.local_only': true });
  });

  it('a route that fails ends its span with ERROR, the error code and the exception', async () => {
    const { otel, router } = setup();
    expect((await rejection(router.route('nobody', {}))).code).toBe('UNKNOWN_AGENT');
    const operation = otel.span('llm_router.route');
    expect(operation.status.code).toBe(SpanStatusCode.ERROR);
    expect(operation.attributes).toEqual({ 'llm_router.agent': 'nobody', 'llm_router.tries': 0, 'error.type': 'UNKNOWN_AGENT' });
    expect(operation.events.map((e) => [e.name, e.attributes?.['exception.type']])).toEqual([['exception', 'UNKNOWN_AGENT']]);
  });
});

describe('failures', () => {
  it('every model failing ends the operation with ERROR (ALL_MODELS_FAILED) and every try span with ERROR', async () => {
    const fail = { error: { status: 503 }, latencyMs: 10 };
    const { otel, router } = setup(Object.fromEntries(Object.keys(seed.models).map((id) => [id, fail])));
    const error = await rejection(router.complete('cto_agent', ask(), COMPLEX));
    expect(error.code).toBe('ALL_MODELS_FAILED');

    const operation = otel.span('llm_router.complete');
    expect(operation.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'ALL_MODELS_FAILED' });
    expect(operation.attributes).toMatchObject({ 'llm_router.model': 'claude-3-opus', 'error.type': 'ALL_MODELS_FAILED' });
    expect(operation.attributes['llm_router.served_model']).toBeUndefined();
    expect(operation.events.filter((e) => e.name === 'exception').map((e) => e.attributes?.['exception.type'])).toEqual(['ALL_MODELS_FAILED']);
    const tries = otel.children(operation);
    const attempts = (error as unknown as { attempts: { modelId: string; providerModelId?: string; skipped?: string }[] }).attempts.filter((a) => !a.skipped);
    expect(tries.map((s) => s.name)).toEqual(attempts.map((a) => `chat ${a.providerModelId ?? a.modelId}`));
    expect(tries.length).toBeGreaterThan(1);
    for (const span of tries) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['error.type']).toBe('503');
    }
    // Back to back on the router's clock, 10 ms each.
    expect(tries.map((s) => ms(s.startTime) - T0)).toEqual(tries.map((_, i) => i * 10));
  });

  it('a model without an adapter becomes a skipped event on the operation span, not a try span', async () => {
    // claude-3-opus (anthropic) has no adapter: skipped; gpt-4-turbo serves.
    const { otel, router } = setup({}, (mocks) => ({ openai: mocks['gpt-4-turbo']!, local: mocks['llama-3-70b']! }));
    const result = await router.complete('cto_agent', ask(), COMPLEX);
    expect(result.modelId).toBe('gpt-4-turbo');
    const operation = otel.span('llm_router.complete');
    expect(operation.events.map((e) => ({ name: e.name, attributes: e.attributes, at: ms(e.time) }))).toEqual([
      { name: 'llm_router.skipped', attributes: { 'llm_router.model': 'claude-3-opus', 'llm_router.skip_reason': 'no_provider' }, at: T0 },
    ]);
    expect(otel.children(operation).map((s) => s.name)).toEqual(['chat gpt-4-turbo-preview']);
    expect(operation.attributes).toMatchObject({ 'llm_router.fallback': true, 'llm_router.tries': 1 });
  });
});

describe('execute()', () => {
  it("writes the host's tries as CLIENT spans once its usage is settled", async () => {
    const { otel, router, clock } = setup();
    const executed = await router.execute('cto_agent', COMPLEX, async ({ modelId }) => {
      clock.advance(30);
      if (modelId === 'claude-3-opus') throw Object.assign(new Error('HTTP 401'), { status: 401 });
      return { value: 'ok', usage: { inputTokens: 100, outputTokens: 50 } };
    });
    await executed.settled;
    const operation = otel.span('llm_router.execute');
    expect(operation.attributes).toMatchObject({ 'llm_router.served_model': 'gpt-4-turbo', 'llm_router.fallback': true, 'llm_router.tries': 2 });
    const [failed, served] = otel.children(operation);
    expect(failed).toMatchObject({ name: 'chat claude-3-opus-20240229', attributes: expect.objectContaining({ 'error.type': '401' }) });
    expect(served!.name).toBe('chat gpt-4-turbo-preview');
    expect(served!.attributes).toMatchObject({ 'gen_ai.provider.name': 'openai', 'gen_ai.response.model': 'gpt-4-turbo', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 50 });
    expect([ms(served!.startTime), ms(served!.endTime)]).toEqual([T0 + 30, T0 + 60]);
  });
});

describe('privacy', () => {
  it('never records the prompt, the answer or the task in a span', async () => {
    const { otel, router } = setup({ 'llama-3-70b': { text: `echo: ${SECRET}` }, 'claude-3-opus': { error: { status: 500 } } });
    await router.complete('cto_agent', { system: SECRET, messages: [{ role: 'user', content: SECRET }] }, { task: { complexity: 9, prompt: SECRET, data: { note: SECRET } } });
    await drain(router.stream('cto_agent', ask(SECRET), COMPLEX));
    await router.route('cto_agent', { prompt: SECRET });
    expect(otel.spans().length).toBeGreaterThanOrEqual(3);
    const written = JSON.stringify(otel.spans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })));
    expect(written).not.toContain('Jane Roe');
    expect(written).not.toContain('1984');
  });
});

