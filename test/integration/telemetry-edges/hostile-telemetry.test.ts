// The observer when OpenTelemetry itself misbehaves: a tracer that throws part-way, a span processor
// whose onEnd throws, a tracer that hands out non-recording spans, a clock that goes backwards.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { diag, SpanStatusCode, trace, type Span, type SpanOptions, type Context, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, AlwaysOffSampler, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createRouter, type LoadedConfig } from 'llm-agent-router';
import { createOpenTelemetryObserver } from 'llm-agent-router/telemetry';
import { createMockProvider } from 'llm-agent-router/test';
import { drain } from '../../helpers/router-outcomes.js';
import { loadSeed } from '../../helpers/seed.js';
import { otelHarness, valueOf } from '../../telemetry/otel-harness.js';
import { ask, COMPLEX, ms, parentId, spanId, T0 } from './edge-harness.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const FALLBACK_ONCE = {
  'claude-3-opus': { error: { status: 500 }, latencyMs: 100 },
  'gpt-4-turbo': { text: 'use a queue', usage: { inputTokens: 1000, outputTokens: 200 }, latencyMs: 250 },
} as const;

/** The seed's models as mocks on `clock` (a function of call count, so it can run backwards). */
function mocksOn(clock: () => number, scripts: Record<string, unknown> = FALLBACK_ONCE) {
  return Object.fromEntries(
    Object.keys(seed.models).map((id) => [id, createMockProvider({ name: seed.models[id]!.provider, responses: (scripts[id] as never) ?? { text: `answer from ${id}` }, clock, sleep: async () => {} })]),
  );
}

/** A tracer that delegates to `inner` but throws from startSpan on the calls `throwOn` picks. */
function flakyTracer(inner: Tracer, throwOn: (name: string, options: SpanOptions | undefined, index: number) => boolean): Tracer {
  let index = 0;
  return {
    startSpan(name: string, options?: SpanOptions, context?: Context): Span {
      if (throwOn(name, options, index++)) throw new Error('tracer broke');
      return inner.startSpan(name, options, context);
    },
    startActiveSpan: inner.startActiveSpan.bind(inner) as Tracer['startActiveSpan'],
  };
}

describe('a tracer that fails part-way', () => {
  it('the operation span still ends when starting a try span throws', async () => {
    const otel = otelHarness();
    const tracer = flakyTracer(otel.tracerProvider.getTracer('x'), (name) => name.startsWith('chat '));
    const warn = vi.spyOn(diag, 'warn').mockImplementation(() => {});
    const router = createRouter(seed, { providers: mocksOn(() => T0), retry: { retries: 0 }, logger: {}, observer: createOpenTelemetryObserver({ tracer, meterProvider: otel.meterProvider }) });
    await expect(router.complete('cto_agent', ask(), COMPLEX)).resolves.toMatchObject({ modelId: 'gpt-4-turbo' });
    warn.mockRestore();
    expect(otel.spans().map((s) => s.name)).toContain('llm_router.complete');
  });

  it('metrics are still recorded when the tracer throws', async () => {
    const otel = otelHarness();
    const tracer = flakyTracer(otel.tracerProvider.getTracer('x'), () => true);
    const warn = vi.spyOn(diag, 'warn').mockImplementation(() => {});
    const router = createRouter(seed, { providers: mocksOn(() => T0), retry: { retries: 0 }, logger: {}, observer: createOpenTelemetryObserver({ tracer, meterProvider: otel.meterProvider }) });
    await router.complete('cto_agent', ask(), COMPLEX);
    warn.mockRestore();
    // The decision, the fallback, the cost and the tokens happened whatever the tracer did.
    expect((await otel.points('llm_router.decisions')).map(valueOf)).toEqual([1]);
    expect((await otel.points('llm_router.fallbacks')).map(valueOf)).toEqual([1]);
  });

  it('a span processor that throws on one span does not lose the operation span and the other tries', async () => {
    const exporter = new InMemorySpanExporter();
    let thrown = 0;
    const throwing: SpanProcessor = {
      onStart: () => {},
      onEnd: (span: ReadableSpan) => {
        if (span.name === 'chat claude-3-opus-20240229') {
          thrown += 1;
          throw new Error('processor broke');
        }
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), throwing] });
    const otel = otelHarness();
    const warn = vi.spyOn(diag, 'warn').mockImplementation(() => {});
    const router = createRouter(seed, { providers: mocksOn(() => T0), retry: { retries: 0 }, logger: {}, observer: createOpenTelemetryObserver({ tracerProvider, meterProvider: otel.meterProvider }) });
    await expect(router.complete('cto_agent', ask(), COMPLEX)).resolves.toMatchObject({ modelId: 'gpt-4-turbo' });
    warn.mockRestore();
    expect(thrown).toBe(1);
    expect(exporter.getFinishedSpans().map((s) => s.name).sort()).toEqual(['chat claude-3-opus-20240229', 'chat gpt-4-turbo-preview', 'llm_router.complete']);
  });

  it('a tracer that only hands out non-recording spans (sampled out) still lets the metrics through', async () => {
    const otel = otelHarness();
    const tracerProvider = new BasicTracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [new SimpleSpanProcessor(otel.exporter)] });
    const router = createRouter(seed, { providers: mocksOn(() => T0), retry: { retries: 0 }, logger: {}, observer: createOpenTelemetryObserver({ tracerProvider, meterProvider: otel.meterProvider }) });
    await router.complete('cto_agent', ask(), COMPLEX);
    expect(otel.spans()).toEqual([]);
    expect((await otel.points('llm_router.decisions')).map(valueOf)).toEqual([1]);
    expect((await otel.points('gen_ai.client.token.usage')).map(valueOf).sort((a, b) => a - b)).toEqual([200, 1000]);
  });

  it('a tracer returning the API\'s invalid (non-recording) span is harmless', async () => {
    const otel = otelHarness();
    const tracer: Tracer = { startSpan: () => trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }), startActiveSpan: (() => undefined) as never };
    const router = createRouter(seed, { providers: mocksOn(() => T0), retry: { retries: 0 }, logger: {}, observer: createOpenTelemetryObserver({ tracer, meterProvider: otel.meterProvider }) });
    await expect(router.complete('cto_agent', ask(), COMPLEX)).resolves.toMatchObject({ modelId: 'gpt-4-turbo' });
    expect((await otel.points('llm_router.fallbacks')).map(valueOf)).toEqual([1]);
  });
});

describe('a clock that goes backwards', () => {
  /** Returns the scripted values in turn, then the last one forever. */
  function scriptedClock(values: number[]) {
    let i = 0;
    return () => values[Math.min(i++, values.length - 1)]!;
  }

  it('no duration histogram value is negative, and no span ends before it starts', async () => {
    for (let seedNo = 0; seedNo < 30; seedNo++) {
      // Each clock read jumps by a random amount in [-1000, +1000] ms.
      let now = T0;
      let state = seedNo * 7919 + 1;
      const clock = () => {
        state = (state * 48271) % 2147483647;
        now += (state % 2001) - 1000;
        return now;
      };
      const otel = otelHarness();
      const router = createRouter(seed, { clock, providers: mocksOn(clock), retry: { retries: 1, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false }, sleep: async () => {}, logger: {}, observer: createOpenTelemetryObserver({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider }) });
      await router.complete('cto_agent', ask(), COMPLEX).catch(() => {});
      await drain(router.stream('cto_agent', ask(), COMPLEX));
      for (const point of await otel.points('gen_ai.client.operation.duration')) {
        const histogram = point.value as { min?: number; sum?: number };
        expect(histogram.min ?? 0).toBeGreaterThanOrEqual(0);
        expect(histogram.sum ?? 0).toBeGreaterThanOrEqual(0);
      }
      for (const span of otel.spans()) expect(ms(span.endTime)).toBeGreaterThanOrEqual(ms(span.startTime));
    }
  });

  it('try spans lie within their operation span when the clock steps back at the end', async () => {
    // start of operation, route, try start, try end (+100), then a step back before the end read.
    const clock = scriptedClock([T0, T0, T0, T0, T0 + 100, T0 + 100, T0 + 100, T0 + 100, T0 + 100, T0 + 100, T0 - 5000]);
    const otel = otelHarness();
    const providers = { anthropic: createMockProvider({ name: 'anthropic', clock: () => T0, responses: { text: 'ok' } }) };
    const router = createRouter(seed, { clock: () => clock(), providers, retry: { retries: 0 }, logger: {}, observer: createOpenTelemetryObserver({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider }) });
    await router.complete('cto_agent', ask(), COMPLEX);
    const operation = otel.span('llm_router.complete');
    const tries = otel.children(operation);
    expect(tries.length).toBe(1);
    for (const span of tries) {
      expect(ms(span.startTime)).toBeGreaterThanOrEqual(ms(operation.startTime));
      expect(ms(span.endTime)).toBeLessThanOrEqual(ms(operation.endTime));
    }
  });
});

describe('stream aborted by the caller', () => {
  it('an AbortSignal fired mid-stream ends the stream span with ERROR (ABORTED) and the streaming try with it', async () => {
    const otel = otelHarness();
    const providers = mocksOn(() => T0, { 'claude-3-opus': { text: 'one two three four five six' } });
    const router = createRouter(seed, { providers, retry: { retries: 0 }, logger: {}, observer: createOpenTelemetryObserver({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider }) });
    const controller = new AbortController();
    let deltas = 0;
    let caught: unknown;
    try {
      for await (const part of router.stream('cto_agent', ask(), { ...COMPLEX, signal: controller.signal })) {
        if (part.type === 'text-delta' && ++deltas === 2) controller.abort(new Error('user left'));
      }
    } catch (error) {
      caught = error;
    }
    expect((caught as { code?: string }).code).toBe('ABORTED');
    const operation = otel.span('llm_router.stream');
    expect(operation.status.code).toBe(SpanStatusCode.ERROR);
    expect(operation.attributes['error.type']).toBe('ABORTED');
    expect(operation.attributes['llm_router.cancelled']).toBeUndefined();
    const [streaming, ...rest] = otel.children(operation);
    expect(rest).toEqual([]);
    expect(parentId(streaming!)).toBe(spanId(operation));
    expect(streaming!.status.code).toBe(SpanStatusCode.ERROR);
    expect(streaming!.attributes['error.type']).toBe('ABORTED');
  });
});
