// Shared set-up for the telemetry edge tests: the seed's models as mocks on a manual clock, an
// in-memory OpenTelemetry SDK (test/telemetry/otel-harness.ts), and small span helpers.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createRouter, type LoadedConfig, type ProviderAdapter, type Router, type RouterConfigInput, type RouterOptions } from 'llm-agent-router';
import { createOpenTelemetryObserver } from 'llm-agent-router/telemetry';
import { createMockProvider, type MockProvider, type MockResponses } from 'llm-agent-router/test';
import { manualClock } from '../../helpers/seed.js';
import { ms, otelHarness, type OtelHarness } from '../../telemetry/otel-harness.js';

export const T0 = Date.parse('2026-11-25T09:00:00Z');
export const ask = (content = 'Design the payment service.') => ({ messages: [{ role: 'user' as const, content }] });
export const COMPLEX = { task: { complexity: 9 } };

export type Clock = ReturnType<typeof manualClock>;

export interface SetupOptions {
  scripts?: Partial<Record<string, MockResponses>>;
  providers?: (mocks: Record<string, MockProvider>, clock: Clock) => Record<string, ProviderAdapter>;
  router?: Partial<RouterOptions>;
  config?: LoadedConfig | RouterConfigInput;
}

/** The seed's models, one mock each keyed by model id; mock latency moves the router's clock. */
export interface Setup {
  otel: OtelHarness;
  router: Router;
  clock: Clock;
  mocks: Record<string, MockProvider>;
  observer: ReturnType<typeof createOpenTelemetryObserver>;
}

export function setup(seed: LoadedConfig, options: SetupOptions = {}): Setup {
  const otel = otelHarness();
  const clock = manualClock(T0);
  const sleep = async (wait: number) => clock.advance(wait);
  const mocks: Record<string, MockProvider> = {};
  for (const id of Object.keys(seed.models)) {
    mocks[id] = createMockProvider({ name: seed.models[id]!.provider, responses: options.scripts?.[id] ?? { text: `answer from ${id}` }, clock, sleep });
  }
  const observer = createOpenTelemetryObserver({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
  const router = createRouter(options.config ?? seed, {
    clock,
    sleep,
    providers: options.providers ? options.providers(mocks, clock) : mocks,
    retry: { retries: 0 },
    logger: {},
    observer,
    ...options.router,
  });
  return { otel, router, clock, mocks, observer };
}

export const spanId = (span: ReadableSpan) => span.spanContext().spanId;
export const parentId = (span: ReadableSpan) => span.parentSpanContext?.spanId;
export const isOperation = (span: ReadableSpan) => span.name.startsWith('llm_router.');
export { ms };

/** Every string a span carries: name, attribute values, event names and attributes, status message. */
export function spanText(spans: readonly ReadableSpan[]): string {
  return JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status, links: s.links })));
}

/** An adapter that never answers until its signal aborts (a race loser, a hung call). */
export function hangingAdapter(provider: string): ProviderAdapter & { calls: number } {
  const adapter = {
    specificationVersion: 'v2' as const,
    provider,
    calls: 0,
    complete(_request: unknown, options?: { signal?: AbortSignal }) {
      adapter.calls += 1;
      return new Promise<never>((_resolve, reject) => {
        const signal = options?.signal;
        if (!signal) return;
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
    // eslint-disable-next-line require-yield
    async *stream(): AsyncGenerator<never> {
      throw new Error('not used');
    },
  };
  return adapter as unknown as ProviderAdapter & { calls: number };
}
