// An OpenTelemetry SDK in memory for the telemetry tests: a tracer provider whose spans land in an
// in-memory exporter, a meter provider whose metrics are collected on demand, and lookups by name.
import { type Attributes, type HrTime, SpanKind } from '@opentelemetry/api';
import { type DataPoint, type ExponentialHistogram, type Histogram, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createRouter, type LoadedConfig, type ProviderAdapter } from 'llm-agent-router';
import { createOpenTelemetryObserver } from 'llm-agent-router/telemetry';
import { createMockProvider, type MockProvider, type MockResponses } from 'llm-agent-router/test';
import { manualClock } from '../helpers/seed.js';

/** A data point of any metric: a counter's number or a histogram's buckets. */
export type Point = DataPoint<number | Histogram | ExponentialHistogram>;

/** A reader that exports nowhere: the test collects from it. */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export function otelHarness() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });

  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  /** The one finished span named `name` (fails when there are none or several). */
  const span = (name: string): ReadableSpan => {
    const found = spans().filter((s) => s.name === name);
    if (found.length !== 1) throw new Error(`expected one span "${name}", found ${found.length}: ${spans().map((s) => s.name).join(', ')}`);
    return found[0]!;
  };
  const children = (parent: ReadableSpan): ReadableSpan[] =>
    spans()
      .filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId)
      .sort((a, b) => ms(a.startTime) - ms(b.startTime));

  const collect = async (): Promise<MetricData[]> => {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw errors[0];
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  };
  /** The data points of metric `name`, or [] when it has none. */
  const points = async (name: string): Promise<readonly Point[]> => (await collect()).find((m) => m.descriptor.name === name)?.dataPoints ?? [];
  const metric = async (name: string): Promise<MetricData | undefined> => (await collect()).find((m) => m.descriptor.name === name);

  return { exporter, tracerProvider, meterProvider, reader, spans, span, children, collect, points, metric };
}

export type OtelHarness = ReturnType<typeof otelHarness>;

/** An HrTime as epoch milliseconds. */
export function ms(time: HrTime): number {
  return time[0] * 1000 + time[1] / 1e6;
}

/** The sum of a histogram point, or the value of a counter point. */
export function valueOf(point: Point): number {
  return typeof point.value === 'number' ? point.value : (point.value.sum ?? Number.NaN);
}

/** The one point whose attributes include `attributes`. */
export function pointWith(points: readonly Point[], attributes: Attributes): Point {
  const found = points.filter((point) => Object.entries(attributes).every(([key, value]) => JSON.stringify(point.attributes[key]) === JSON.stringify(value)));
  if (found.length !== 1) throw new Error(`expected one point with ${JSON.stringify(attributes)}, found ${found.length} among ${JSON.stringify(points.map((p) => p.attributes))}`);
  return found[0]!;
}

export { SpanKind };

/** 2026-11-25T09:00:00Z: where the seed routers' manual clocks start. */
export const OTEL_T0 = Date.parse('2026-11-25T09:00:00Z');

/**
 * A router on the seed configuration with the OpenTelemetry observer over an in-memory SDK: one
 * mock per model (named after its provider) answering as `scripts` says; mock latency moves the
 * router's manual clock. `providers` may wrap the mocks.
 */
export function otelSeedRouter(
  seed: LoadedConfig,
  scripts: Partial<Record<string, MockResponses>> = {},
  providers?: (mocks: Record<string, MockProvider>, clock: ReturnType<typeof manualClock>) => Record<string, ProviderAdapter>,
) {
  const otel = otelHarness();
  const clock = manualClock(OTEL_T0);
  const sleep = async (ms: number) => clock.advance(ms);
  const mocks: Record<string, MockProvider> = {};
  for (const id of Object.keys(seed.models)) {
    mocks[id] = createMockProvider({ name: seed.models[id]!.provider, responses: scripts[id] ?? { text: `answer from ${id}` }, clock, sleep });
  }
  const observer = createOpenTelemetryObserver({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
  const router = createRouter(seed, { clock, sleep, providers: providers ? providers(mocks, clock) : mocks, retry: { retries: 0 }, logger: {}, observer });
  return { otel, router, clock, mocks, observer };
}
