// watchConfig: a change to the configuration files reloads the router (debounced); a change that
// does not validate is reported and the configuration in force stays.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, createRouter, InvalidArgumentError, loadConfig, watchConfig, type ConfigWatcher, type ReloadResult } from '../../src/index.js';
import { SEED_DIR, seedCopies } from '../helpers/seed.js';

let watcher: ConfigWatcher | undefined;
const copySeed = seedCopies('router-watch-', () => {
  watcher?.close();
  watcher = undefined;
});

/** Resolves with the next value `register` is called back with. */
function next<T>(): { promise: Promise<T>; callback: (value: T) => void } {
  let callback!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    callback = resolve;
  });
  return { promise, callback };
}

describe('watchConfig', () => {
  it('reloads the router when a file changes, and keeps the old configuration when the change is invalid', async () => {
    const root = copySeed();
    const router = createRouter(await loadConfig(root));
    const before = await router.route('frontend_agent', { complexity: 1 });

    let reloaded = next<ReloadResult>();
    let failed = next<unknown>();
    watcher = await watchConfig(root, router, { debounceMs: 30, onReload: (result) => reloaded.callback(result), onError: (error) => failed.callback(error) });

    const agentsFile = join(root, 'agents.yaml');
    const original = readFileSync(agentsFile, 'utf8');
    const target = before.modelId === 'gpt-4-turbo' ? 'claude-3-opus' : 'gpt-4-turbo';
    // The frontend agent's first rule now matches every request and picks `target`.
    const changed = original.replace('      - condition: "task.involves_ui_design"\n        model: gpt-4-turbo', `      - condition: "true"\n        model: ${target}`);
    expect(changed).not.toBe(original);
    writeFileSync(agentsFile, changed);
    await reloaded.promise;
    expect((await router.route('frontend_agent', { complexity: 1 })).modelId).toBe(target);

    writeFileSync(agentsFile, changed.replace(`model: ${target}`, 'model: no-such-model'));
    const error = await failed.promise;
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((await router.route('frontend_agent', { complexity: 1 })).modelId).toBe(target);

    // After close(), changes are no longer picked up.
    watcher.close();
    reloaded = next<ReloadResult>();
    failed = next<unknown>();
    writeFileSync(agentsFile, original);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await router.route('frontend_agent', { complexity: 1 })).modelId).toBe(target);
  });

  it('goes on watching when its hooks throw, and a throwing onReload is no failed reload', async () => {
    const root = copySeed();
    const router = createRouter(await loadConfig(root));
    const errors: unknown[] = [];
    let reloads = 0;
    let failures = 0;
    const warn = console.warn;
    console.warn = () => {};
    try {
      watcher = await watchConfig(root, router, {
        debounceMs: 20,
        onReload: () => {
          reloads++;
          throw new Error('onReload broke');
        },
        onError: (error) => {
          failures++;
          errors.push(error);
          throw new Error('onError broke');
        },
      });
      const agentsFile = join(root, 'agents.yaml');
      const original = readFileSync(agentsFile, 'utf8');
      writeFileSync(agentsFile, original.replace('model: gpt-4-turbo', 'model: no-such-model'));
      await vi.waitFor(() => expect(failures).toBe(1), { timeout: 2000 });
      writeFileSync(agentsFile, original);
      await vi.waitFor(() => expect(reloads).toBe(1), { timeout: 2000 });
      writeFileSync(agentsFile, `${original}\n`);
      await vi.waitFor(() => expect(reloads).toBe(2), { timeout: 2000 });
      expect(failures).toBe(1);
      expect(ConfigError.isInstance(errors[0])).toBe(true);
    } finally {
      console.warn = warn;
    }
  });

  it('refuses a directory it cannot watch with a typed error', async () => {
    const router = createRouter(await loadConfig(SEED_DIR));
    await expect(watchConfig(join(SEED_DIR, 'no-such-dir'), router)).rejects.toThrow(InvalidArgumentError);
  });

  it('checks its arguments', async () => {
    const router = createRouter(await loadConfig(SEED_DIR));
    await expect(watchConfig('', router)).rejects.toThrow(InvalidArgumentError);
    await expect(watchConfig(SEED_DIR, {} as typeof router)).rejects.toThrow(InvalidArgumentError);
    await expect(watchConfig(SEED_DIR, router, { debounceMs: -1 })).rejects.toThrow(InvalidArgumentError);
  });
});
