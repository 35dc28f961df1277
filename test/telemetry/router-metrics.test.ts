// The metrics createOpenTelemetryObserver() records, collected from an in-memory meter provider:
// the GenAI client histograms per model call and the router's counters.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type LoadedConfig } from 'llm-agent-router';
import { createOpenTelemetryObserver } from 'llm-agent-router/telemetry';
import { createMockProvider, type MockProvider, type MockResponses } from 'llm-agent-router/test';
import { drain } from '../helpers/router-outcomes.js';
import { loadSeed, manualClock } from '../helpers/seed.js';
import { otelHarness, pointWith, valueOf } from './otel-harness.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const ask = (content = 'Design the payment service.') => ({ messages: [{ role: 'user' as const, content }] });
const COMPLEX = { task: { complexity: 9 } };

function setup(scripts: Partial<Record<string, MockResponses>> = {}) {
  const otel = otelHarness();
  const clock = manualClock();
  const sleep = async (ms: number) => clock.advance(ms);
  const mocks: Record<string, MockProvider> = {};
  for (const id of Object.keys(seed.models)) {
    mocks[id] = createMockProvider({ name: seed.models[id]!.provider, responses: scripts[id] ?? { text: `answer from ${id}` }, clock, sleep });
  }
  // The meter given directly this time (the span tests pass providers).
  const observer = createOpenTelemetryObserver({ tracer: otel.tracerProvider.getTracer('t'), meter: otel.meterProvider.getMeter('llm-agent-router') });
  const router = createRouter(seed, { clock, sleep, providers: mocks, retry: { retries: 0 }, logger: {}, observer });
  return { otel, router };
}

const FALLBACK_ONCE = {
  'claude-3-opus': { error: { status: 500 }, latencyMs: 100 },
  'gpt-4-turbo': { text: 'use a queue', usage: { inputTokens: 1000, outputTokens: 200 }, latencyMs: 250 },
};

describe('GenAI client metrics', () => {
  it('gen_ai.client.token.usage: input and output tokens of the try that served, in {token}', async () => {
    const { otel, router } = setup(FALLBACK_ONCE);
    await router.complete('cto_agent', ask(), COMPLEX);
    const metric = await otel.metric('gen_ai.client.token.usage');
    expect(metric?.descriptor).toMatchObject({ unit: '{token}', type: 'HISTOGRAM' });
    const points = metric!.dataPoints;
    expect(points).toHaveLength(2);
    const common = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4-turbo-preview', 'gen_ai.response.model': 'gpt-4-turbo-preview' };
    expect(pointWith(points, { ...common, 'gen_ai.token.type': 'input' }).value).toMatchObject({ sum: 1000, count: 1 });
    expect(pointWith(points, { ...common, 'gen_ai.token.type': 'output' }).value).toMatchObject({ sum: 200, count: 1 });
    // The semantic conventions' bucket boundaries.
    expect((points[0]!.value as { buckets: { boundaries: number[] } }).buckets.boundaries.slice(0, 4)).toEqual([1, 4, 16, 64]);
  });

  it('gen_ai.client.operation.duration: every try in seconds, a failed one with error.type', async () => {
    const { otel, router } = setup(FALLBACK_ONCE);
    await router.complete('cto_agent', ask(), COMPLEX);
    const metric = await otel.metric('gen_ai.client.operation.duration');
    expect(metric?.descriptor).toMatchObject({ unit: 's', type: 'HISTOGRAM' });
    const points = metric!.dataPoints;
    expect((points[0]!.value as { buckets: { boundaries: number[] } }).buckets.boundaries.slice(0, 3)).toEqual([0.01, 0.02, 0.04]);
    expect(points).toHaveLength(2);
    expect(pointWith(points, { 'gen_ai.request.model': 'claude-3-opus-20240229', 'gen_ai.provider.name': 'anthropic', 'error.type': '500' }).value).toMatchObject({ sum: 0.1, count: 1 });
    const served = pointWith(points, { 'gen_ai.request.model': 'gpt-4-turbo-preview', 'gen_ai.response.model': 'gpt-4-turbo-preview' });
    expect(served.value).toMatchObject({ sum: 0.25, count: 1 });
    expect(served.attributes['error.type']).toBeUndefined();
  });

  it('a stream records its tokens and duration like a completion', async () => {
    const { otel, router } = setup({ 'claude-3-opus': { text: 'ok', usage: { inputTokens: 7, outputTokens: 3 }, latencyMs: 500 } });
    await drain(router.stream('cto_agent', ask(), COMPLEX));
    const tokens = await otel.points('gen_ai.client.token.usage');
    expect(pointWith(tokens, { 'gen_ai.token.type': 'input', 'gen_ai.request.model': 'claude-3-opus-20240229' }).value).toMatchObject({ sum: 7 });
    expect(pointWith(tokens, { 'gen_ai.token.type': 'output', 'gen_ai.request.model': 'claude-3-opus-20240229' }).value).toMatchObject({ sum: 3 });
    expect(valueOf(pointWith(await otel.points('gen_ai.client.operation.duration'), { 'gen_ai.request.model': 'claude-3-opus-20240229' }))).toBe(0.5);
  });
});

describe('router counters', () => {
  it('llm_router.decisions counts each decision by agent, strategy, source and model', async () => {
    const { otel, router } = setup(FALLBACK_ONCE);
    await router.route('cto_agent', COMPLEX.task);
    await router.complete('cto_agent', ask(), COMPLEX);
    await router.route('cto_agent', { privacy_level: 'high' });
    const metric = await otel.metric('llm_router.decisions');
    expect(metric?.descriptor).toMatchObject({ unit: '{decision}', type: 'COUNTER' });
    const points = metric!.dataPoints;
    expect(points).toHaveLength(2);
    expect(points.map((p) => p.attributes['llm_router.strategy'])).toEqual(['balanced', 'balanced']);
    expect(valueOf(pointWith(points, { 'llm_router.agent': 'cto_agent', 'llm_router.source': 'agent_rule', 'llm_router.model': 'claude-3-opus' }))).toBe(2);
    expect(valueOf(pointWith(points, { 'llm_router.agent': 'cto_agent', 'llm_router.model': 'llama-3-70b' }))).toBe(1);
  });

  it('llm_router.cost adds what served calls cost, in usd, by agent and served model', async () => {
    const { otel, router } = setup(FALLBACK_ONCE);
    await router.complete('cto_agent', ask(), COMPLEX);
    await router.complete('cto_agent', ask(), COMPLEX);
    const metric = await otel.metric('llm_router.cost');
    expect(metric?.descriptor).toMatchObject({ unit: 'usd', type: 'COUNTER' });
    expect(metric!.dataPoints).toHaveLength(1);
    expect(metric!.dataPoints[0]!.attributes).toEqual({ 'llm_router.agent': 'cto_agent', 'llm_router.model': 'gpt-4-turbo' });
    expect(valueOf(metric!.dataPoints[0]!)).toBeCloseTo(0.032, 10);
  });

  it('llm_router.fallbacks counts calls a fallback served, from the chosen model to the one that served', async () => {
    const { otel, router } = setup(FALLBACK_ONCE);
    await router.complete('cto_agent', ask(), COMPLEX);
    await router.complete('cto_agent', ask(), { task: { privacy_level: 'high' } }); // llama serves: no fallback
    const metric = await otel.metric('llm_router.fallbacks');
    expect(metric?.descriptor).toMatchObject({ unit: '{call}', type: 'COUNTER' });
    const points = metric!.dataPoints;
    expect(points).toHaveLength(1);
    expect(points[0]!.attributes).toEqual({ 'llm_router.agent': 'cto_agent', 'llm_router.model': 'claude-3-opus', 'llm_router.served_model': 'gpt-4-turbo' });
    expect(valueOf(points[0]!)).toBe(1);
  });

  it('llm_router.privacy_enforced counts decisions a privacy constraint kept local', async () => {
    const { otel, router } = setup();
    await router.route('cto_agent', COMPLEX.task);
    expect(await otel.points('llm_router.privacy_enforced')).toEqual([]);
    await router.route('cto_agent', { privacy_level: 'high' });
    await router.complete('cto_agent', ask(), { task: { privacy_level: 'high' } });
    const metric = await otel.metric('llm_router.privacy_enforced');
    expect(metric?.descriptor).toMatchObject({ unit: '{decision}', type: 'COUNTER' });
    const points = metric!.dataPoints;
    expect(points.map((p) => [p.attributes, valueOf(p)])).toEqual([[{ 'llm_router.agent': 'cto_agent' }, 2]]);
  });

  it('a failed call counts its decision and its tries, and no tokens, cost or fallback', async () => {
    const fail = { error: { status: 503 } };
    const { otel, router } = setup(Object.fromEntries(Object.keys(seed.models).map((id) => [id, fail])));
    await expect(router.complete('cto_agent', ask(), COMPLEX)).rejects.toMatchObject({ code: 'ALL_MODELS_FAILED' });
    expect(valueOf((await otel.points('llm_router.decisions'))[0]!)).toBe(1);
    expect(await otel.points('gen_ai.client.token.usage')).toEqual([]);
    expect(await otel.points('llm_router.cost')).toEqual([]);
    expect(await otel.points('llm_router.fallbacks')).toEqual([]);
    const durations = await otel.points('gen_ai.client.operation.duration');
    expect(durations.length).toBeGreaterThan(1);
    expect(durations.every((p) => p.attributes['error.type'] === '503')).toBe(true);
  });
});
