// Experiments that can be compared and that learn: per-variant figures, feedback attributed to the
// variant that served, start / pause / end at runtime, and the adaptive split.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRouter, InvalidArgumentError, UnknownExperimentError, type LoadedConfig, type RouterChangeEvent, type RouterConfigInput } from '../../src/index.js';
import { createMockProvider } from '../../src/test.js';
import { loadSeed, withExperiments } from '../helpers/seed.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const withExperiment = (experiment: Record<string, unknown>): RouterConfigInput => withExperiments(seed, experiment);

const FIXED = { name: 'ab', agents: ['frontend_agent'], variants: [{ model: 'claude-3-opus', weight: 3 }, { model: 'gpt-4-turbo', weight: 1 }] };
const ADAPTIVE = {
  name: 'learn',
  agents: ['frontend_agent'],
  variants: [{ model: 'claude-3-opus' }, { model: 'gpt-4-turbo' }],
  allocation: { mode: 'adaptive', metric: 'quality', min_share: 0.1, seed: 7 },
};
const TASK = { complexity: 6 };

describe('the split', () => {
  it('matches the weights within statistical tolerance over 10 000 subjects', async () => {
    const router = createRouter(withExperiment(FIXED));
    let opus = 0;
    const n = 10_000;
    for (let i = 0; i < n; i++) if ((await router.route('frontend_agent', { ...TASK, id: `subject-${i}` })).modelId === 'claude-3-opus') opus++;
    // Binomial(10 000, 0.75): the standard deviation is 0.43 points; 4 of them either way.
    expect(Math.abs(opus / n - 0.75)).toBeLessThan(4 * Math.sqrt((0.75 * 0.25) / n));
  });

  it('is stable across restarts: a new router assigns every subject the same variant', async () => {
    const first = createRouter(withExperiment(FIXED));
    const second = createRouter(withExperiment(FIXED));
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), async (id) => {
        expect((await second.route('frontend_agent', { ...TASK, id })).modelId).toBe((await first.route('frontend_agent', { ...TASK, id })).modelId);
      }),
      { numRuns: 300 },
    );
  });
});

describe('runtime control', () => {
  it('pauses, ends and starts an experiment; a configured but disabled one starts at runtime', async () => {
    const router = createRouter(withExperiment({ ...FIXED, enabled: false }));
    const events: RouterChangeEvent[] = [];
    router.onChange((event) => events.push(event));
    expect(router.experiments.get('ab').status).toBe('paused');
    expect((await router.route('frontend_agent', { ...TASK, id: 't1' })).experiment).toBeUndefined();

    expect(router.experiments.start('ab', { reason: 'go' }).status).toBe('running');
    expect((await router.route('frontend_agent', { ...TASK, id: 't1' })).experiment?.name).toBe('ab');

    router.experiments.pause('ab');
    const paused = await router.route('frontend_agent', { ...TASK, id: 't1' });
    expect(paused.experiment).toBeUndefined();
    expect(paused.trace.find((step) => step.step === 'experiment')?.message).toBe('experiment ab is paused');

    const ended = router.experiments.end('ab', { reason: 'enough data' });
    expect(ended).toMatchObject({ status: 'ended', reason: 'enough data' });
    expect((await router.route('frontend_agent', { ...TASK, id: 't1' })).experiment).toBeUndefined();
    expect(events.map((event) => event.type === 'experiment_changed' && event.experiment.status)).toEqual(['running', 'paused', 'ended']);
  });

  it('refuses an unknown experiment with a typed error and changes nothing', () => {
    const router = createRouter(withExperiment(FIXED));
    expect(() => router.experiments.pause('nope')).toThrow(UnknownExperimentError);
    expect(() => router.experiments.pause('ab', { reason: 5 as unknown as string })).toThrow(InvalidArgumentError);
    expect(router.experiments.list()).toEqual([{ name: 'ab', status: 'running', mode: 'fixed', agents: ['frontend_agent'], variants: [{ modelId: 'claude-3-opus', weight: 3, share: 0.75 }, { modelId: 'gpt-4-turbo', weight: 1, share: 0.25 }] }]);
  });
});

describe('per-variant figures and feedback', () => {
  it('counts requests, calls, cost, latency, failures and fallbacks per variant', async () => {
    let now = Date.parse('2026-11-29T10:00:00Z');
    const clock = () => now;
    const mock = createMockProvider({ clock });
    const router = createRouter(withExperiment(FIXED), { clock, providers: { anthropic: mock, openai: mock, local: mock } });
    for (let i = 0; i < 40; i++) {
      await router.complete('frontend_agent', { messages: [{ role: 'user', content: 'hello' }] }, { task: { ...TASK, id: `c${i}` } });
      now += 10;
    }
    const { experiments } = await router.metrics();
    const opus = experiments.ab!['claude-3-opus']!;
    const gpt = experiments.ab!['gpt-4-turbo']!;
    expect(opus.requests + gpt.requests).toBe(40);
    expect(opus.calls).toBe(opus.requests);
    expect(gpt.calls).toBe(gpt.requests);
    expect(opus.failures + gpt.failures).toBe(0);
    expect(opus.cost_usd).toBeGreaterThan(0);
    expect(opus.latency_p95_ms).toBeGreaterThanOrEqual(opus.latency_p50_ms);
  });

  it('attributes feedback to the variant that served, by task id or decision', async () => {
    const router = createRouter(withExperiment(FIXED));
    const decision = await router.route('frontend_agent', { ...TASK, id: 'f1' });
    expect(router.feedback('f1', { metric: 'quality', value: 0.5 })).toBe(true);
    expect(router.feedback(decision, { metric: 'quality', value: true })).toBe(true);
    expect(router.feedback('never-routed', { metric: 'quality', value: 1 })).toBe(false);
    const figures = (await router.metrics()).experiments.ab![decision.modelId]!;
    expect(figures.feedback.quality).toEqual({ count: 2, mean: 0.75 });
    expect(() => router.feedback('f1', { metric: 'quality', value: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => router.feedback('f1', { metric: '', value: 1 })).toThrow(InvalidArgumentError);
  });
});

describe('feedback limits', () => {
  it('keeps figures for at most 64 metrics per experiment, and never quotes a wrong value', async () => {
    const router = createRouter(withExperiment(FIXED));
    await router.route('frontend_agent', { ...TASK, id: 'm' });
    for (let i = 0; i < 64; i++) expect(router.feedback('m', { metric: `metric_${i}`, value: 1 })).toBe(true);
    expect(() => router.feedback('m', { metric: 'one_more', value: 1 })).toThrow(/already has 64 feedback metrics/);
    expect(router.feedback('m', { metric: 'metric_3', value: 0 })).toBe(true);
    let message = '';
    try {
      router.feedback('m', { metric: 'metric_1', value: 'Jane Roe was unhappy' as unknown as number });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('got string');
    expect(message).not.toContain('Jane');
  });
});

describe('adaptive allocation', () => {
  /** Routes `n` subjects and reports feedback: the variant named `good` succeeds 80% of the time, the other 30%. */
  async function train(router: ReturnType<typeof createRouter>, good: string, n: number, offset = 0) {
    let goodCount = 0;
    let rng = 12345;
    const random = () => ((rng = (Math.imul(rng, 1103515245) + 12345) >>> 0) / 0x1_0000_0000);
    for (let i = offset; i < offset + n; i++) {
      const decision = await router.route('frontend_agent', { ...TASK, id: `s${i}` });
      const isGood = decision.modelId === good;
      if (isGood) goodCount++;
      router.feedback(decision, { metric: 'quality', value: random() < (isGood ? 0.8 : 0.3) });
    }
    return goodCount;
  }

  it('moves most traffic to the better variant within 300 requests and never below the minimum share', async () => {
    const router = createRouter(withExperiment(ADAPTIVE));
    expect(router.experiments.get('learn').variants.map((v) => v.share)).toEqual([0.5, 0.5]);
    await train(router, 'gpt-4-turbo', 300);
    const shares = Object.fromEntries(router.experiments.get('learn').variants.map((v) => [v.modelId, v.share]));
    expect(shares['gpt-4-turbo']).toBeGreaterThan(0.85);
    expect(shares['claude-3-opus']).toBeGreaterThanOrEqual(0.1);
    // The next 1 000 subjects follow the learned split.
    const good = await train(router, 'gpt-4-turbo', 1000, 300);
    expect(good / 1000).toBeGreaterThan(0.8);
    const after = router.experiments.get('learn').variants.find((v) => v.modelId === 'claude-3-opus')!;
    expect(after.share).toBeGreaterThanOrEqual(0.1);
  });

  it('is repeatable with its seed', async () => {
    const a = createRouter(withExperiment(ADAPTIVE));
    const b = createRouter(withExperiment(ADAPTIVE));
    await train(a, 'claude-3-opus', 100);
    await train(b, 'claude-3-opus', 100);
    expect(a.experiments.get('learn').variants).toEqual(b.experiments.get('learn').variants);
  });

  it('takes only 0..1 for the metric it learns from', async () => {
    const router = createRouter(withExperiment(ADAPTIVE));
    await router.route('frontend_agent', { ...TASK, id: 'x' });
    expect(() => router.feedback('x', { metric: 'quality', value: 4 })).toThrow(/0 to 1/);
    expect(router.feedback('x', { metric: 'latency_score', value: 4 })).toBe(true);
  });

  it('never assigns a cloud variant to a task holding PII, however the split moved', async () => {
    const router = createRouter(withExperiment(ADAPTIVE));
    await train(router, 'gpt-4-turbo', 200);
    for (let i = 0; i < 50; i++) {
      const decision = await router.route('frontend_agent', { ...TASK, id: `p${i}`, prompt: 'Customer SSN 123-45-6789, card 4111 1111 1111 1111' });
      expect(decision.modelType).toBe('local');
      expect(decision.experiment).toBeUndefined();
    }
  });

  it('a configuration that leaves no room for the minimum shares is refused', () => {
    expect(() => createRouter(withExperiment({ ...ADAPTIVE, allocation: { mode: 'adaptive', metric: 'quality', min_share: 0.6 } }))).toThrow(/adds up to more than all the traffic/);
    expect(() => createRouter(withExperiment({ ...ADAPTIVE, allocation: { mode: 'adaptive' } }))).toThrow(/needs the feedback metric/);
  });
});
