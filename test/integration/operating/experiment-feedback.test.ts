// Experiments under operation: feedback attribution (fallbacks, pauses, reloads, hostile inputs),
// the adaptive split's minimum share as a property, PII never on a cloud variant whatever changes
// at runtime, and the shape of the per-variant metrics.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRouter, InvalidArgumentError, UnknownExperimentError, type LoadedConfig, type Router } from '../../../src/index.js';
import { createMockProvider } from '../../../src/test.js';
import { loadSeed } from '../../helpers/seed.js';
import { plain, REQUEST, sleep, TASK } from './operating-helpers.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const FIXED = { name: 'ab', agents: ['frontend_agent'], variants: [{ model: 'claude-3-opus', weight: 1 }, { model: 'gpt-4-turbo', weight: 1 }] };
const ADAPTIVE3 = {
  name: 'three',
  agents: ['frontend_agent'],
  variants: [{ model: 'claude-3-opus' }, { model: 'gpt-4-turbo' }, { model: 'llama-3-70b' }],
  allocation: { mode: 'adaptive', metric: 'quality', min_share: 0.15, seed: 3 },
};

/** A task id `FIXED` assigns to `model`. */
async function idFor(router: Router, model: string, prefix = 't'): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const id = `${prefix}${i}`;
    if ((await router.explain('frontend_agent', { ...TASK, id })).modelId === model) return id;
  }
  throw new Error(`no id maps to ${model}`);
}

describe('feedback attribution', () => {
  it('a task whose fallback is the other variant credits that variant', async () => {
    const anthropic = createMockProvider({ responses: { error: { status: 500 } } });
    const ok = createMockProvider();
    const router = createRouter(plain(seed, [FIXED]), { retry: { retries: 0 }, providers: { anthropic, openai: ok, local: ok } });
    const id = await idFor(router, 'claude-3-opus');
    const result = await router.complete('frontend_agent', REQUEST, { task: { ...TASK, id } });
    expect(result.usedFallback).toBe(true);
    const attributed = router.feedback(id, { metric: 'quality', value: 1 });
    const figures = (await router.metrics()).experiments.ab!;
    expect(figures['claude-3-opus']!.fallbacks).toBe(1);
    expect(figures['claude-3-opus']!.feedback).toEqual({});
    // The fallback here is the other variant, which served: it gets the feedback (docs/experiments.md).
    expect(result.modelId).toBe('gpt-4-turbo');
    expect(attributed).toBe(true);
    expect(figures['gpt-4-turbo']!.feedback.quality).toEqual({ count: 1, mean: 1 });
  });

  it('a task served by a fallback that is no variant gets no feedback', async () => {
    const failing = createMockProvider({ responses: { error: { status: 500 } } });
    const ok = createMockProvider();
    const router = createRouter(plain(seed, [FIXED]), { retry: { retries: 0 }, providers: { anthropic: failing, openai: failing, local: ok } });
    const id = await idFor(router, 'claude-3-opus');
    const result = await router.complete('frontend_agent', REQUEST, { task: { ...TASK, id } });
    expect(seed.models[result.modelId]!.type).toBe('local');
    expect(router.feedback(id, { metric: 'quality', value: 1 })).toBe(false);
    const figures = (await router.metrics()).experiments.ab!;
    expect(figures['claude-3-opus']).toMatchObject({ calls: 1, fallbacks: 1, failures: 0 });
  });

  it('feedback for tasks assigned before a pause or an end is still attributed', async () => {
    const router = createRouter(plain(seed, [FIXED]));
    const decision = await router.route('frontend_agent', { ...TASK, id: 'before-pause' });
    expect(decision.experiment?.name).toBe('ab');
    router.experiments.pause('ab');
    expect(router.feedback('before-pause', { metric: 'quality', value: 0.4 })).toBe(true);
    router.experiments.end('ab');
    expect(router.feedback(decision, { metric: 'quality', value: 0.6 })).toBe(true);
    expect((await router.metrics()).experiments.ab![decision.modelId]!.feedback.quality).toEqual({ count: 2, mean: 0.5 });
    // A task routed while paused is not in the experiment.
    await router.route('frontend_agent', { ...TASK, id: 'during-pause' });
    expect(router.feedback('during-pause', { metric: 'quality', value: 1 })).toBe(false);
  });

  it('explain() leaves no assignment behind: feedback for an explained-only task is not attributed', async () => {
    const router = createRouter(plain(seed, [FIXED]));
    const explained = await router.explain('frontend_agent', { ...TASK, id: 'dry' });
    expect(explained.experiment?.name).toBe('ab');
    expect(router.feedback('dry', { metric: 'quality', value: 1 })).toBe(false);
    expect((await router.metrics()).experiments).toEqual({});
  });

  // A numeric task id counts as its digits: the decision carries it, and feedback finds the task by it.
  it('numeric task ids assigned by an experiment can receive feedback', async () => {
    const router = createRouter(plain(seed, [FIXED]));
    const decision = await router.route('frontend_agent', { ...TASK, id: 42 as unknown as string });
    expect(decision.experiment?.name).toBe('ab');
    expect(router.feedback('42', { metric: 'quality', value: 1 })).toBe(true);
    expect(router.feedback(decision, { metric: 'quality', value: 1 })).toBe(true);
  });

  // Feedback goes to the variant that served, also when a reload removed the experiment while its call ran.
  it('feedback for a call that was in flight when a reload removed its experiment is attributed like one that finished before', async () => {
    const mock = createMockProvider({ responses: { latencyMs: 30 } });
    const router = createRouter(plain(seed, [FIXED]), { providers: { anthropic: mock, openai: mock, local: mock } });
    const done = await idFor(router, 'claude-3-opus', 'done');
    const flying = await idFor(router, 'claude-3-opus', 'fly');
    await router.complete('frontend_agent', REQUEST, { task: { ...TASK, id: done } });
    const call = router.complete('frontend_agent', REQUEST, { task: { ...TASK, id: flying } });
    await sleep(5);
    router.reload(plain(seed, []));
    const result = await call;
    expect(result.modelId).toBe('claude-3-opus');
    expect(router.feedback(done, { metric: 'quality', value: 1 }), 'finished before the reload').toBe(true);
    expect((await router.metrics()).experiments.ab!['claude-3-opus']!.calls).toBe(2);
    expect(router.feedback(flying, { metric: 'quality', value: 1 }), 'in flight during the reload').toBe(true);
  });

  it('an experiment removed by reload is unknown to the control API; re-added it starts from its configured status', async () => {
    const router = createRouter(plain(seed, [FIXED]));
    router.experiments.pause('ab');
    router.reload(plain(seed, []));
    expect(() => router.experiments.get('ab')).toThrow(UnknownExperimentError);
    expect(() => router.experiments.start('ab')).toThrow(UnknownExperimentError);
    expect(router.experiments.list()).toEqual([]);
    router.reload(plain(seed, [FIXED]));
    expect(router.experiments.get('ab').status).toBe('running');
  });

  it('a reload keeps a runtime pause of an experiment that is still configured', async () => {
    const router = createRouter(plain(seed, [FIXED]));
    router.experiments.pause('ab', { reason: 'investigating' });
    router.reload(plain(seed, [{ ...FIXED, description: 'edited' }]));
    expect(router.experiments.get('ab')).toMatchObject({ status: 'paused', reason: 'investigating' });
    expect((await router.route('frontend_agent', { ...TASK, id: 'x' })).experiment).toBeUndefined();
  });
});

describe('hostile feedback', () => {
  it('refuses bad targets and values with InvalidArgumentError and records nothing', async () => {
    const router = createRouter(plain(seed, [FIXED]));
    const decision = await router.route('frontend_agent', { ...TASK, id: 'h1' });
    const bad: [unknown, unknown][] = [
      [undefined, { metric: 'q', value: 1 }],
      [null, { metric: 'q', value: 1 }],
      [42, { metric: 'q', value: 1 }],
      [{}, { metric: 'q', value: 1 }],
      ['h1', null],
      ['h1', 'q'],
      ['h1', { metric: 'x'.repeat(201), value: 1 }],
      ['h1', { metric: 5, value: 1 }],
      ['h1', { metric: 'q', value: '1' }],
      ['h1', { metric: 'q', value: Infinity }],
      ['h1', { metric: 'q', value: 10n }],
      ['h1', { metric: 'q', value: { valueOf: () => 1 } }],
    ];
    for (const [target, feedback] of bad) {
      expect(() => router.feedback(target as string, feedback as never), JSON.stringify(String(target))).toThrow(InvalidArgumentError);
    }
    expect((await router.metrics()).experiments.ab![decision.modelId]!.feedback).toEqual({});
  });

  it('a forged decision is attributed by its task id to the variant that really served, not to the variant it claims', async () => {
    const router = createRouter(plain(seed, [FIXED]));
    const real = await router.route('frontend_agent', { ...TASK, id: 'forge' });
    const other = real.modelId === 'claude-3-opus' ? 'gpt-4-turbo' : 'claude-3-opus';
    const forged = { ...real, modelId: other, experiment: { name: 'ab', variant: other } };
    expect(router.feedback(forged, { metric: 'quality', value: 1 })).toBe(true);
    const figures = (await router.metrics()).experiments.ab!;
    expect(figures[real.modelId]!.feedback.quality?.count).toBe(1);
    expect(figures[other]?.feedback.quality).toBeUndefined();
  });

  it('metric names like constructor, toString and hasOwnProperty are kept as ordinary metrics', async () => {
    const router = createRouter(plain(seed, [FIXED]));
    const decision = await router.route('frontend_agent', { ...TASK, id: 'p1' });
    for (const metric of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) expect(router.feedback('p1', { metric, value: 1 })).toBe(true);
    const feedback = (await router.metrics()).experiments.ab![decision.modelId]!.feedback;
    expect(Object.keys(feedback).sort()).toEqual(['constructor', 'hasOwnProperty', 'toString', 'valueOf']);
    expect(feedback.constructor).toEqual({ count: 1, mean: 1 });
  });

  // A metric named __proto__ is an own key of the report, like any other name.
  it('a metric named __proto__ is either refused or reported as its own key', async () => {
    const router = createRouter(plain(seed, [FIXED]));
    const decision = await router.route('frontend_agent', { ...TASK, id: 'p2' });
    let accepted: boolean;
    try {
      accepted = router.feedback('p2', { metric: '__proto__', value: 1 });
    } catch (error) {
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      return;
    }
    expect(accepted).toBe(true);
    const feedback = (await router.metrics()).experiments.ab![decision.modelId]!.feedback;
    expect(Object.keys(feedback)).toContain('__proto__');
    expect(JSON.parse(JSON.stringify(feedback))).toHaveProperty(['__proto__']);
  });

  // The mean is a running mean: finite values near Number.MAX_VALUE do not overflow it.
  it('the reported mean of finite feedback values is finite', async () => {
    const router = createRouter(plain(seed, [FIXED]));
    const decision = await router.route('frontend_agent', { ...TASK, id: 'big' });
    router.feedback('big', { metric: 'revenue', value: 1e308 });
    router.feedback('big', { metric: 'revenue', value: 1e308 });
    const mean = (await router.metrics()).experiments.ab![decision.modelId]!.feedback.revenue!.mean;
    expect(Number.isFinite(mean)).toBe(true);
  });

  it('a decision whose taskId getter throws does not record anything', async () => {
    const router = createRouter(plain(seed, [FIXED]));
    const decision = await router.route('frontend_agent', { ...TASK, id: 'g1' });
    const hostile = Object.defineProperty({}, 'taskId', {
      get() {
        throw new Error('boom');
      },
    });
    expect(() => router.feedback(hostile as never, { metric: 'q', value: 1 })).toThrow();
    const metricGetter = Object.defineProperty({ value: 1 }, 'metric', { get: () => 'q', enumerable: true });
    expect(router.feedback('g1', metricGetter as never)).toBe(true);
    expect((await router.metrics()).experiments.ab![decision.modelId]!.feedback.q).toEqual({ count: 1, mean: 1 });
  });
});

describe('adaptive allocation', () => {
  it('property: with 3 variants, every share stays >= min_share and they sum to 1 after any feedback sequence', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(400), fc.oneof(fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }))), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        async (sequence, seedValue) => {
          const router = createRouter(plain(seed, [{ ...ADAPTIVE3, allocation: { ...ADAPTIVE3.allocation, seed: seedValue } }]));
          for (const [n, value] of sequence) {
            const decision = await router.route('frontend_agent', { ...TASK, id: `a${n}` });
            if (decision.experiment) router.feedback(decision, { metric: 'quality', value });
          }
          const shares = router.experiments.get('three').variants.map((v) => v.share);
          for (const share of shares) expect(share).toBeGreaterThanOrEqual(0.15);
          expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
          const reported = (await router.metrics()).experiments.three ?? {};
          for (const figures of Object.values(reported)) expect(figures.share).toBeGreaterThanOrEqual(0.15);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('with 3 variants and a clear winner, the losers still get about min_share of real traffic', async () => {
    const router = createRouter(plain(seed, [ADAPTIVE3]));
    for (let i = 0; i < 400; i++) {
      const decision = await router.route('frontend_agent', { ...TASK, id: `w${i}` });
      if (decision.experiment) router.feedback(decision, { metric: 'quality', value: decision.modelId === 'gpt-4-turbo' ? 1 : 0 });
    }
    const counts: Record<string, number> = {};
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const decision = await router.explain('frontend_agent', { ...TASK, id: `z${i}` });
      counts[decision.modelId] = (counts[decision.modelId] ?? 0) + 1;
    }
    expect(counts['gpt-4-turbo']! / n).toBeGreaterThan(0.6);
    for (const loser of ['claude-3-opus', 'llama-3-70b']) expect(counts[loser]! / n).toBeGreaterThan(0.15 - 4 * Math.sqrt((0.15 * 0.85) / n));
  });

  // Before any feedback an adaptive experiment splits by its weights, lifted to min_share.
  it('the initial split of an adaptive experiment honours min_share', async () => {
    const router = createRouter(
      plain(seed, [{ name: 'skew', agents: ['frontend_agent'], variants: [{ model: 'claude-3-opus', weight: 9 }, { model: 'gpt-4-turbo', weight: 1 }], allocation: { mode: 'adaptive', metric: 'quality', min_share: 0.2 } }]),
    );
    for (const variant of router.experiments.get('skew').variants) expect(variant.share).toBeGreaterThanOrEqual(0.2);
  });

  it('control for the next test: the same script with a real random source returns promptly', () => {
    expect(runLearningScript('Math.random')).toContain('returned');
  }, 20_000);

  // A degenerate random source (one value for ever) still lets the sampling end.
  it('feedback returns even with a degenerate options.random (() => 0)', () => {
    expect(runLearningScript('() => 0')).toContain('returned');
  }, 20_000);
});

/** Runs one learning feedback in a child process (a hang cannot be interrupted in this one). */
function runLearningScript(random: string): string {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'router-random-'));
  const file = join(dir, 'learn.mts');
  writeFileSync(
    file,
    `import { createRouter, loadConfig } from ${JSON.stringify(join(root, 'src/index.ts'))};
const seed = await loadConfig(${JSON.stringify(join(root, 'examples/config'))});
const config = { models: seed.models, agents: seed.agents, routing: { ...seed.routing, experiments: [${JSON.stringify(ADAPTIVE3)}] } };
const router = createRouter(config, { random: ${random} });
const d = await router.route('frontend_agent', { complexity: 6, id: 'x' });
router.feedback(d, { metric: 'quality', value: 1 });
console.log('returned');
`,
  );
  try {
    return execFileSync(join(root, 'node_modules/.bin/tsx'), [file], { cwd: root, timeout: 6000, encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('adaptive allocation after a reload', () => {
  // Values outside 0..1 recorded while an experiment was fixed are not evidence once it learns from that metric.
  it('out-of-range values recorded while fixed do not invert the split once the experiment turns adaptive', async () => {
    const router = createRouter(plain(seed, [FIXED]));
    for (let i = 0; i < 40; i++) {
      const decision = await router.route('frontend_agent', { ...TASK, id: `q${i}` });
      router.feedback(decision, { metric: 'quality', value: decision.modelId === 'claude-3-opus' ? 10 : 0 });
    }
    router.reload(plain(seed, [{ ...FIXED, allocation: { mode: 'adaptive', metric: 'quality', min_share: 0.05, seed: 1 } }]));
    const shares = Object.fromEntries(router.experiments.get('ab').variants.map((v) => [v.modelId, v.share]));
    expect(shares['claude-3-opus']).toBeGreaterThan(0.5);
  });

  it('in-range evidence gathered while fixed is learned from when a reload turns the experiment adaptive', async () => {
    const router = createRouter(plain(seed, [FIXED]));
    for (let i = 0; i < 40; i++) {
      const decision = await router.route('frontend_agent', { ...TASK, id: `r${i}` });
      router.feedback(decision, { metric: 'quality', value: decision.modelId === 'claude-3-opus' ? 1 : 0 });
    }
    router.reload(plain(seed, [{ ...FIXED, allocation: { mode: 'adaptive', metric: 'quality', min_share: 0.05, seed: 1 } }]));
    const shares = Object.fromEntries(router.experiments.get('ab').variants.map((v) => [v.modelId, v.share]));
    expect(shares['claude-3-opus']).toBeGreaterThan(0.9);
    expect(shares['gpt-4-turbo']).toBeGreaterThanOrEqual(0.05);
  });
});

describe('PII never on a cloud variant', () => {
  it('property: whatever runtime changes happen (start/pause/end, overrides, feedback, reloads), a PII task is served locally', async () => {
    const pii = 'Customer SSN 123-45-6789, card 4111 1111 1111 1111';
    const ops = fc.oneof(
      fc.constant({ op: 'start' as const }),
      fc.constant({ op: 'pause' as const }),
      fc.constant({ op: 'end' as const }),
      fc.constantFrom('claude-3-opus', 'gpt-4-turbo').map((model) => ({ op: 'agentModel' as const, model })),
      fc.constantFrom('claude-3-opus', 'gpt-4-turbo').map((model) => ({ op: 'taskRoute' as const, model })),
      fc.constantFrom('cost_optimized', 'performance_optimized', 'balanced').map((strategy) => ({ op: 'strategy' as const, strategy })),
      fc.nat(50).map((n) => ({ op: 'feedback' as const, n })),
      fc.constantFrom('fixed', 'adaptive', 'none').map((kind) => ({ op: 'reload' as const, kind })),
      fc.nat(50).map((n) => ({ op: 'pii' as const, n })),
    );
    const configs = {
      fixed: plain(seed, [{ ...FIXED, name: 'learn' }]),
      adaptive: plain(seed, [{ ...ADAPTIVE3, name: 'learn', variants: [{ model: 'claude-3-opus' }, { model: 'gpt-4-turbo' }] }]),
      none: plain(seed, []),
    };
    await fc.assert(
      fc.asyncProperty(fc.array(ops, { minLength: 1, maxLength: 25 }), async (sequence) => {
        const mock = createMockProvider();
        const router = createRouter(configs.adaptive, { providers: { anthropic: mock, openai: mock, local: mock } });
        for (const step of sequence) {
          const has = router.experiments.list().some((e) => e.name === 'learn');
          switch (step.op) {
            case 'start':
            case 'pause':
            case 'end':
              if (has) router.experiments[step.op]('learn');
              break;
            case 'agentModel':
              router.overrides.setAgentModel('frontend_agent', step.model);
              break;
            case 'taskRoute':
              router.overrides.setTaskRouting('pii-task', { forceModel: step.model });
              break;
            case 'strategy':
              router.overrides.setStrategy(step.strategy);
              break;
            case 'feedback': {
              const d = await router.route('frontend_agent', { ...TASK, id: `f${step.n}` });
              if (d.experiment) router.feedback(d, { metric: 'quality', value: d.modelType === 'cloud' ? 1 : 0 });
              break;
            }
            case 'reload':
              router.reload(configs[step.kind]);
              break;
            case 'pii': {
              const request = { messages: [{ role: 'user' as const, content: pii }] };
              const routed = await router.route('frontend_agent', { ...TASK, id: `pii-${step.n}`, prompt: pii });
              expect(routed.modelType).toBe('local');
              const forced = await router.route('frontend_agent', { ...TASK, id: 'pii-task', prompt: pii });
              expect(forced.modelType).toBe('local');
              const result = await router.complete('frontend_agent', request, { task: { ...TASK, id: `pii-c${step.n}` } });
              expect(seed.models[result.modelId]!.type).toBe('local');
              break;
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('the metrics experiments shape', () => {
  it('reports exactly the documented fields per variant, counts complete() as one request and one call, and nothing for explain()', async () => {
    const mock = createMockProvider();
    const router = createRouter(plain(seed, [FIXED]), { providers: { anthropic: mock, openai: mock, local: mock } });
    const id = await idFor(router, 'gpt-4-turbo');
    await router.complete('frontend_agent', REQUEST, { task: { ...TASK, id } });
    const figures = (await router.metrics()).experiments.ab!['gpt-4-turbo']!;
    expect(Object.keys(figures).sort()).toEqual(['calls', 'cost_usd', 'failures', 'fallbacks', 'feedback', 'latency_p50_ms', 'latency_p95_ms', 'requests', 'share'].sort());
    expect(figures).toMatchObject({ requests: 1, calls: 1, failures: 0, fallbacks: 0, share: 0.5 });
    expect(JSON.parse(JSON.stringify(await router.metrics())).experiments.ab['gpt-4-turbo'].requests).toBe(1);
  });

  // A stream the consumer leaves early says nothing of the variant: not a failure.
  it("a consumer leaving a stream early is not counted as the variant's failure", async () => {
    const mock = createMockProvider({ responses: { text: 'one two three', streamChunks: ['one ', 'two ', 'three'] } });
    const router = createRouter(plain(seed, [FIXED]), { providers: { anthropic: mock, openai: mock, local: mock } });
    const id = await idFor(router, 'gpt-4-turbo');
    for await (const part of router.stream('frontend_agent', REQUEST, { task: { ...TASK, id } })) if (part.type !== 'start') break;
    const figures = (await router.metrics()).experiments.ab!['gpt-4-turbo']!;
    expect(figures.failures).toBe(0);
  });
});
