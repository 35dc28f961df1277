// watchConfig closed with a change pending, bursts of edits, environments; explain/budget as dry runs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRouter, loadConfig, watchConfig, type ConfigWatcher, type LoadedConfig, type ReloadResult, type RouterEvent, type RouterChangeEvent } from '../../../src/index.js';
import { loadSeed, SEED_DIR, seedCopies } from '../../helpers/seed.js';
import { plain, sleep, TASK } from './operating-helpers.js';

let watcher: ConfigWatcher | undefined;
const copySeed = seedCopies('router-operating-', () => {
  watcher?.close();
  watcher = undefined;
});

/** Rewrites frontend_agent's first rule to always pick `model`. */
function pointFrontendAt(root: string, model: string): void {
  const file = join(root, 'agents.yaml');
  const text = readFileSync(file, 'utf8').replace(/      - condition: "task.involves_ui_design"\n        model: [\w.-]+/, `      - condition: "task.involves_ui_design"\n        model: ${model}`);
  writeFileSync(file, text);
}

describe('watchConfig', () => {
  it('close() with a change pending cancels it: no reload happens', async () => {
    const root = copySeed();
    const router = createRouter(await loadConfig(root));
    const reloads: ReloadResult[] = [];
    watcher = await watchConfig(root, router, { debounceMs: 80, onReload: (r) => reloads.push(r), onError: () => {} });
    pointFrontendAt(root, 'claude-3-opus');
    await sleep(20); // the change is seen, the debounce not yet over
    watcher.close();
    await sleep(200);
    expect(reloads).toHaveLength(0);
  });

  // close() with a change pending: settled() resolves, nothing is left to wait for.
  it('settled() resolves after close() while a change was pending', async () => {
    const root = copySeed();
    const router = createRouter(await loadConfig(root));
    watcher = await watchConfig(root, router, { debounceMs: 80, onError: () => {} });
    pointFrontendAt(root, 'claude-3-opus');
    await sleep(20);
    watcher.close();
    const outcome = await Promise.race([watcher.settled().then(() => 'settled'), sleep(1000).then(() => 'hung')]);
    expect(outcome).toBe('settled');
  });

  it('a burst of edits coalesces into few reloads and the last edit wins', async () => {
    const root = copySeed();
    const router = createRouter(await loadConfig(root));
    const reloads: ReloadResult[] = [];
    watcher = await watchConfig(root, router, { debounceMs: 60, onReload: (r) => reloads.push(r), onError: () => {} });
    for (let i = 0; i < 10; i++) {
      pointFrontendAt(root, i % 2 === 0 ? 'claude-3-opus' : 'gpt-4-turbo');
      await sleep(5);
    }
    pointFrontendAt(root, 'llama-3-70b');
    await sleep(30);
    await watcher.settled();
    expect(reloads.length).toBeGreaterThanOrEqual(1);
    expect(reloads.length).toBeLessThanOrEqual(2);
    expect(router.config.agents.frontend_agent!.routing_rules![0]!.model).toBe('llama-3-70b');
  });

  it('keeps the environment it was told to load, and reports a broken environment file via onError', async () => {
    const root = copySeed();
    const router = createRouter(await loadConfig(root, { environment: 'production' }));
    const errors: unknown[] = [];
    const reloads: ReloadResult[] = [];
    watcher = await watchConfig(root, router, { environment: 'production', debounceMs: 30, onReload: (r) => reloads.push(r), onError: (e) => errors.push(e) });
    pointFrontendAt(root, 'claude-3-opus');
    await sleep(60);
    await watcher.settled();
    expect(reloads.length).toBeGreaterThanOrEqual(1);
    expect(router.environment).toBe('production');
    const envFile = join(root, 'environments', 'production.yaml');
    writeFileSync(envFile, readFileSync(envFile, 'utf8') + '\n  : : not yaml [\n');
    await sleep(60);
    await watcher.settled();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(router.environment).toBe('production');
    expect(router.config.agents.frontend_agent!.routing_rules![0]!.model).toBe('claude-3-opus');
  });
});

describe('explain and budget as dry runs', () => {
  let seed: LoadedConfig;
  beforeAll(async () => {
    seed = await loadSeed();
  });

  it('explain() leaves no metrics, events, experiment assignment or change events, even with overrides and experiments in play', async () => {
    const router = createRouter(plain(seed, [{ name: 'ab', agents: ['frontend_agent'], variants: [{ model: 'claude-3-opus' }, { model: 'gpt-4-turbo' }] }]));
    router.overrides.setTaskRouting('t-dry', { forceModel: 'gpt-4-turbo' });
    const events: RouterEvent[] = [];
    const changes: RouterChangeEvent[] = [];
    router.on((e) => events.push(e));
    router.onChange((e) => changes.push(e));
    for (let i = 0; i < 20; i++) await router.explain('frontend_agent', { ...TASK, id: `e${i}` });
    const forced = await router.explain('frontend_agent', { ...TASK, id: 't-dry' });
    expect(forced.modelId).toBe('gpt-4-turbo');
    const metrics = await router.metrics();
    expect(metrics.decisions).toBe(0);
    expect(metrics.experiments).toEqual({});
    expect(events).toEqual([]);
    expect(changes).toEqual([]);
    expect((await router.budget()).calls).toBe(0);
  });

  it('explain() and route() throw the same typed errors for bad arguments', async () => {
    const router = createRouter(plain(seed));
    const cases: [string, unknown, unknown][] = [
      ['nope', {}, {}],
      [42 as unknown as string, {}, {}],
      ['__proto__', {}, {}],
      ['constructor', {}, {}],
      ['qa_agent', null, {}],
      ['qa_agent', [], {}],
      ['qa_agent', {}, null],
      ['qa_agent', { complexity: 'high' }, {}],
    ];
    for (const [agent, task, context] of cases) {
      const fromRoute = await router.route(agent, task as never, context as never).then(() => undefined, (e: unknown) => e);
      const fromExplain = await router.explain(agent, task as never, context as never).then(() => undefined, (e: unknown) => e);
      expect(fromRoute, String(agent)).toBeDefined();
      expect((fromExplain as Error)?.constructor, String(agent)).toBe((fromRoute as Error).constructor);
      expect((fromExplain as Error).message).toBe((fromRoute as Error).message);
    }
  });
});
