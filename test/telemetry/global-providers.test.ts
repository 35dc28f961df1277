// createOpenTelemetryObserver() with no options: the API's global providers. With no SDK they are
// no-ops and the router works as without an observer; an SDK registered later (even after the
// router was created) is used from then on. Global state: everything is unregistered after each test.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { context, diag, metrics, trace } from '@opentelemetry/api';
import { createRouter, type LoadedConfig } from 'llm-agent-router';
import { createOpenTelemetryObserver } from 'llm-agent-router/telemetry';
import { createMockProvider, type MockProvider } from 'llm-agent-router/test';
import { drain } from '../helpers/router-outcomes.js';
import { loadSeed, manualClock } from '../helpers/seed.js';
import { otelHarness, valueOf } from './otel-harness.js';
import packageJson from '../../package.json' with { type: 'json' };

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

afterEach(() => {
  trace.disable();
  metrics.disable();
  context.disable();
});

const ask = (content = 'Design the payment service.') => ({ messages: [{ role: 'user' as const, content }] });
const COMPLEX = { task: { complexity: 9 } };

function setup(warn: (message: string, details?: unknown) => void = () => {}) {
  const clock = manualClock();
  const mocks: Record<string, MockProvider> = {};
  for (const id of Object.keys(seed.models)) {
    mocks[id] = createMockProvider({ name: seed.models[id]!.provider, responses: id === 'claude-3-opus' ? { error: { status: 500 } } : { text: `answer from ${id}`, usage: { inputTokens: 10, outputTokens: 5 } }, clock });
  }
  return createRouter(seed, { clock, providers: mocks, retry: { retries: 0 }, logger: { warn }, observer: createOpenTelemetryObserver() });
}

describe('no SDK registered', () => {
  it('complete, stream, execute and route work as without an observer', async () => {
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    // Neither the observer (diag) nor the router's guard around it (logger) has anything to report.
    const warn = vi.fn();
    const diagWarn = vi.spyOn(diag, 'warn');
    const router = setup(warn);
    await expect(router.complete('cto_agent', ask(), COMPLEX)).resolves.toMatchObject({ modelId: 'gpt-4-turbo', usedFallback: true });
    const { parts, error } = await drain(router.stream('cto_agent', ask(), COMPLEX));
    expect(error).toBeUndefined();
    expect(parts.at(-1)).toMatchObject({ type: 'finish' });
    const executed = await router.execute('cto_agent', COMPLEX, async () => ({ value: 1, usage: { inputTokens: 1, outputTokens: 1 } }));
    await expect(executed.settled).resolves.toMatchObject({ usage: { inputTokens: 1, outputTokens: 1 } });
    await expect(router.route('cto_agent', { complexity: 9 })).resolves.toMatchObject({ modelId: 'claude-3-opus' });
    await expect(router.complete('nobody', ask())).rejects.toMatchObject({ code: 'UNKNOWN_AGENT' });
    expect(warn).not.toHaveBeenCalled();
    expect(diagWarn).not.toHaveBeenCalled();
    diagWarn.mockRestore();
  });
});

describe('global providers', () => {
  it('an SDK registered after the router was created receives its spans and metrics', async () => {
    const router = setup();
    await router.route('cto_agent', { complexity: 9 }); // before the SDK: recorded nowhere

    const otel = otelHarness();
    expect(trace.setGlobalTracerProvider(otel.tracerProvider)).toBe(true);
    expect(metrics.setGlobalMeterProvider(otel.meterProvider)).toBe(true);
    await router.complete('cto_agent', ask(), COMPLEX);

    expect(otel.spans().map((s) => s.name).sort()).toEqual(['chat claude-3-opus-20240229', 'chat gpt-4-turbo-preview', 'llm_router.complete']);
    expect(otel.span('llm_router.complete').instrumentationScope).toMatchObject({ name: 'llm-agent-router', version: packageJson.version });
    expect((await otel.points('llm_router.decisions')).map(valueOf)).toEqual([1]);
    expect(await otel.points('gen_ai.client.token.usage')).toHaveLength(2);
    const scopes = (await otel.reader.collect()).resourceMetrics.scopeMetrics.map((s) => s.scope);
    expect(scopes).toEqual([expect.objectContaining({ name: 'llm-agent-router', version: packageJson.version })]);
  });
});
