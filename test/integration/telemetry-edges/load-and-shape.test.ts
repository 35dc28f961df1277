// Many operations at once (spans never cross parents), metric attribute cardinality (only bounded
// values), the value types of every attribute handed to OpenTelemetry, and execute() whose usage
// never settles.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AttributeValue, type Attributes, context, type Span, type SpanOptions, type Context, type Tracer, trace } from '@opentelemetry/api';
import type { LoadedConfig } from 'llm-agent-router';
import { createOpenTelemetryObserver } from 'llm-agent-router/telemetry';
import { createRouter } from 'llm-agent-router';
import { createMockProvider } from 'llm-agent-router/test';
import { drain } from '../../helpers/router-outcomes.js';
import { loadSeed, manualClock } from '../../helpers/seed.js';
import { TestContextManager } from '../../telemetry/context-manager.js';
import { otelHarness } from '../../telemetry/otel-harness.js';
import { ask, isOperation, parentId, setup, spanId, T0 } from './edge-harness.js';
import { seededRandom } from '../../../src/router/adaptive-allocation.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const AGENTS = ['cto_agent', 'backend_agent', 'frontend_agent', 'qa_agent'];

/** Mocks that answer after a few real macrotask turns, failing now and then, so calls interleave. */
function interleavingProviders(random: () => number) {
  return Object.fromEntries(
    Object.keys(seed.models).map((id) => [
      id,
      createMockProvider({
        name: seed.models[id]!.provider,
        responses: () => {
          const latencyMs = Math.floor(random() * 4);
          return random() < 0.35 ? { error: { status: random() < 0.5 ? 503 : 429 }, latencyMs } : { text: `answer from ${id}`, usage: { inputTokens: 5, outputTokens: 3 }, latencyMs };
        },
        sleep: (ms, signal) => new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, ms);
          signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
        }),
      }),
    ]),
  );
}

/** mulberry32 (the router's own seeded source), so a failing run can be replayed. */
const seeded = seededRandom;

describe('many concurrent operations', () => {
  it('400 interleaved complete/stream/execute/route calls: every try span is a child of its own operation span, every operation of its own host span', async () => {
    const otel = otelHarness();
    const random = seeded(42);
    const router = createRouter(seed, {
      providers: interleavingProviders(random),
      retry: { retries: 1, minTimeoutMs: 0, maxTimeoutMs: 1, randomize: false },
      logger: {},
      observer: createOpenTelemetryObserver({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider }),
      circuitBreaker: { consecutiveFailures: 1_000_000, failureRatio: 1, minimumCalls: 1_000_000, openMs: 1 },
    });
    const host = otel.tracerProvider.getTracer('host');
    context.setGlobalContextManager(new TestContextManager());
    const hostSpans: Span[] = [];
    try {
      await Promise.all(
        Array.from({ length: 400 }, (_, i) => {
          const outer = host.startSpan(`host ${i}`);
          hostSpans.push(outer);
          const agent = AGENTS[i % AGENTS.length]!;
          const options = { task: { complexity: i % 11, id: `task-${i}` }, context: i % 5 === 0 ? { routing_strategy: 'performance_optimized' } : {} };
          return context.with(trace.setSpan(context.active(), outer), async () => {
            await new Promise((resolve) => setTimeout(resolve, i % 7));
            switch (i % 4) {
              case 0:
                await router.complete(agent, ask(`q${i}`), options).catch(() => {});
                break;
              case 1:
                await drain(router.stream(agent, ask(`q${i}`), options)).catch(() => {});
                break;
              case 2: {
                const executed = await router
                  .execute(agent, options, async ({ signal }) => {
                    await new Promise((resolve) => setTimeout(resolve, 1 + (i % 3)));
                    signal.throwIfAborted();
                    if (random() < 0.3) throw Object.assign(new Error('HTTP 503'), { status: 503 });
                    return { value: i, usage: { inputTokens: 1, outputTokens: 1 } };
                  })
                  .catch(() => undefined);
                await executed?.settled.catch(() => {});
                break;
              }
              default:
                await router.route(agent, options.task, options.context).catch(() => {});
            }
            outer.end();
          });
        }),
      );
    } finally {
      context.disable();
    }
    const spans = otel.spans().filter((s) => !s.name.startsWith('host '));
    const operations = spans.filter(isOperation);
    expect(operations).toHaveLength(400);
    const hostIds = new Map(hostSpans.map((s, i) => [s.spanContext().spanId, i]));
    const operationIds = new Map(operations.map((s) => [spanId(s), s]));
    // Each operation's parent is a distinct host span.
    const parents = operations.map((s) => hostIds.get(parentId(s)!));
    expect(parents.every((p) => p !== undefined)).toBe(true);
    expect(new Set(parents).size).toBe(400);
    // Each operation's kind matches what its host call did.
    const kinds = ['llm_router.complete', 'llm_router.stream', 'llm_router.execute', 'llm_router.route'];
    for (const op of operations) expect(op.name).toBe(kinds[hostIds.get(parentId(op)!)! % 4]);
    // Each try's parent is an operation span of the same trace, and counts match llm_router.tries.
    const triesOf = new Map<string, number>();
    for (const span of spans.filter((s) => !isOperation(s))) {
      const parent = operationIds.get(parentId(span)!);
      expect(parent).toBeDefined();
      expect(span.spanContext().traceId).toBe(parent!.spanContext().traceId);
      triesOf.set(spanId(parent!), (triesOf.get(spanId(parent!)) ?? 0) + 1);
    }
    for (const op of operations) expect(triesOf.get(spanId(op)) ?? 0).toBe(op.attributes['llm_router.tries']);
  });
});

describe('metric attribute cardinality', () => {
  it('every metric attribute value comes from a bounded set, whatever the task ids, prompts, contexts and errors', async () => {
    const models = Object.keys(seed.models);
    const providerNames = models.map((id) => seed.models[id]!.provider);
    const providerModelIds = models.map((id) => (seed.models[id] as { model_id?: string }).model_id ?? id);
    const allowed = new Set<string | number | boolean>([
      ...AGENTS,
      ...models,
      ...providerNames,
      ...providerModelIds,
      ...Object.keys(seed.routing?.strategies ?? {}),
      'agent_rule', 'strategy', 'override', 'force_model', 'privacy', 'global_rule', 'experiment', 'agent_override', 'default', 'fallback', 'budget', 'preference', 'primary', 'rule',
      'chat', 'input', 'output',
      '400', '401', '403', '404', '408', '409', '429', '500', '502', '503', 'timeout', 'connection', 'abort', 'other', 'bad_request', 'bad_response', 'stream_interrupted', 'content_filter', 'context_length',
    ]);
    const seen = new Map<string, Set<unknown>>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            agent: fc.constantFrom(...AGENTS),
            id: fc.string({ minLength: 1, maxLength: 20 }),
            prompt: fc.string({ maxLength: 30 }),
            strategy: fc.option(fc.oneof(fc.constantFrom('balanced', 'performance_optimized', 'cost_optimized', 'privacy_first'), fc.string({ minLength: 1, maxLength: 12 })), { nil: undefined }),
            complexity: fc.integer({ min: 0, max: 10 }),
            fail: fc.constantFrom(undefined, 500, 429, 400),
            op: fc.constantFrom('complete', 'stream', 'execute', 'route'),
            hostError: fc.string({ minLength: 1, maxLength: 15 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (calls) => {
          const { otel, router } = setup(seed, {
            scripts: Object.fromEntries(models.map((id) => [id, calls[0]!.fail ? [{ error: { status: calls[0]!.fail } }, { text: 'ok' }] : { text: 'ok' }])) as never,
          });
          for (const c of calls) {
            const options = { task: { complexity: c.complexity, id: c.id, prompt: c.prompt }, context: c.strategy ? { routing_strategy: c.strategy } : {} };
            if (c.op === 'complete') await router.complete(c.agent, ask(c.prompt || 'x'), options).catch(() => {});
            else if (c.op === 'stream') await drain(router.stream(c.agent, ask(c.prompt || 'x'), options)).catch(() => {});
            else if (c.op === 'route') await router.route(c.agent, options.task, options.context).catch(() => {});
            else {
              const executed = await router
                .execute(c.agent, options, async ({ modelId }) => {
                  if (modelId === 'claude-3-opus') {
                    const error = new Error(c.hostError);
                    error.name = `E_${c.hostError}`;
                    throw error;
                  }
                  return { value: 1, usage: { inputTokens: 1, outputTokens: 1 } };
                })
                .catch(() => undefined);
              await executed?.settled.catch(() => {});
            }
          }
          for (const metric of await otel.collect()) {
            for (const point of metric.dataPoints) {
              for (const [key, value] of Object.entries(point.attributes)) {
                const values = seen.get(key) ?? new Set();
                values.add(value);
                seen.set(key, values);
                expect(allowed.has(value as string), `${metric.descriptor.name} ${key}=${JSON.stringify(value)}`).toBe(true);
              }
            }
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(seen.get('llm_router.agent')?.size).toBeGreaterThan(1);
  });
});

/** A tracer wrapper that records every attribute value handed to OpenTelemetry, before the SDK filters it. */
function recordingTracer(inner: Tracer, values: { key: string; value: unknown; where: string }[]): Tracer {
  const note = (where: string, attributes: Attributes | undefined) => {
    for (const [key, value] of Object.entries(attributes ?? {})) values.push({ key, value, where });
  };
  return {
    startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
      note(`${name} start`, options?.attributes);
      const span = inner.startSpan(name, options, ctx);
      return new Proxy(span, {
        get(target, property, receiver) {
          if (property === 'setAttributes') return (attributes: Attributes) => (note(`${name} setAttributes`, attributes), target.setAttributes(attributes), receiver);
          if (property === 'setAttribute') return (key: string, value: AttributeValue) => (note(`${name} setAttribute`, { [key]: value }), target.setAttribute(key, value), receiver);
          if (property === 'addEvent') return (event: string, attributes?: Attributes, time?: number) => (note(`${name} event ${event}`, attributes as Attributes), target.addEvent(event, attributes, time), receiver);
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
    startActiveSpan: inner.startActiveSpan.bind(inner) as Tracer['startActiveSpan'],
  };
}

function isValidAttributeValue(value: unknown): boolean {
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  if (scalar(value)) return true;
  if (!Array.isArray(value)) return false;
  return value.every(scalar) && new Set(value.map((v) => typeof v)).size <= 1;
}

describe('attribute value types', () => {
  it('every attribute value the observer hands to OpenTelemetry is a string, a finite number, a boolean or a homogeneous array', async () => {
    const values: { key: string; value: unknown; where: string }[] = [];
    const otel = otelHarness();
    const tracer = recordingTracer(otel.tracerProvider.getTracer('x'), values);
    const clock = manualClock(T0);
    const mocks = Object.fromEntries(
      Object.keys(seed.models).map((id) => [id, createMockProvider({ name: seed.models[id]!.provider, clock, responses: id === 'claude-3-opus' ? [{ error: { status: 500 } }, { text: 'ok' }] : { text: 'ok' } })]),
    );
    const router = createRouter(seed, { clock, providers: mocks, retry: { retries: 0 }, logger: {}, observer: createOpenTelemetryObserver({ tracer, meterProvider: otel.meterProvider }) });
    for (const agent of AGENTS) {
      for (const task of [{ complexity: 9 }, { privacy_level: 'high' }, { critical: true, type: 'test_generation' }, {}]) {
        for (const ctx of [{}, { routing_strategy: 'performance_optimized' }, { routing_strategy: 'privacy_first' }]) {
          await router.complete(agent, ask(), { task, context: ctx }).catch(() => {});
          await drain(router.stream(agent, ask(), { task, context: ctx })).catch(() => {});
          await router.route(agent, task, ctx).catch(() => {});
        }
      }
    }
    await router.route('nobody').catch(() => {});
    expect(values.length).toBeGreaterThan(100);
    const bad = values.filter(({ value }) => !isValidAttributeValue(value));
    expect(bad).toEqual([]);
  });

  it('a non-string agent id (a JS caller\'s mistake) still yields a string llm_router.agent', async () => {
    const values: { key: string; value: unknown; where: string }[] = [];
    const otel = otelHarness();
    const tracer = recordingTracer(otel.tracerProvider.getTracer('x'), values);
    const router = createRouter(seed, { providers: {}, logger: {}, observer: createOpenTelemetryObserver({ tracer, meterProvider: otel.meterProvider }) });
    for (const agent of [undefined, 42, { id: 'cto_agent' }, null]) {
      await router.route(agent as never).catch(() => {});
      await router.complete(agent as never, ask()).catch(() => {});
    }
    const agents = values.filter((v) => v.key === 'llm_router.agent').map((v) => v.value);
    expect(agents).toHaveLength(8);
    for (const value of agents) expect(typeof value).toBe('string');
  });
});

describe('execute() whose usage never settles', () => {
  it('writes no span and no metric while the usage is pending (documented: the span ends once `settled` resolves)', async () => {
    const { otel, router } = setup(seed);
    let resolveUsage!: (usage: { inputTokens: number; outputTokens: number }) => void;
    const executed = await router.execute('cto_agent', { task: { complexity: 9 } }, async () => ({ value: 'streaming', usage: new Promise((resolve) => (resolveUsage = resolve)) }));
    expect(executed.modelId).toBe('claude-3-opus');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(otel.spans()).toEqual([]);
    expect(await otel.points('llm_router.decisions')).toEqual([]);
    resolveUsage({ inputTokens: 7, outputTokens: 3 });
    await executed.settled;
    const operation = otel.span('llm_router.execute');
    expect(otel.children(operation)[0]!.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 7, 'gen_ai.usage.output_tokens': 3 });
  });

  it('a usage promise that rejects ends the execute span with ERROR, the served try itself not failed', async () => {
    const { otel, router } = setup(seed);
    const executed = await router.execute('cto_agent', { task: { complexity: 9 } }, async () => ({ value: 'x', usage: Promise.reject(new Error('stream broke')) }));
    await executed.settled.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 0));
    const operation = otel.span('llm_router.execute');
    expect(operation.status.code).toBe(2);
    expect(otel.children(operation)).toHaveLength(1);
  });
});
