// Loads the seed's configuration (examples/config) for tests.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { loadConfig, type LoadedConfig, type RouterConfigInput } from '../../src/index.js';

export const SEED_DIR = fileURLToPath(new URL('../../examples/config', import.meta.url));

export function loadSeed(environment?: string): Promise<LoadedConfig> {
  return loadConfig(SEED_DIR, environment === undefined ? {} : { environment });
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.parse('2026-11-25T09:00:00Z')) {
  let now = start;
  const clock = () => now;
  clock.advance = (ms: number) => {
    now += ms;
  };
  clock.set = (epochMs: number) => {
    now = epochMs;
  };
  return clock;
}

/** A copy of `config` whose routing runs exactly `experiments` (as written in routing.yaml). */
export function withExperiments(config: LoadedConfig, ...experiments: Record<string, unknown>[]): RouterConfigInput {
  const copy = structuredClone({ models: config.models, agents: config.agents, routing: config.routing! });
  (copy.routing as Record<string, unknown>).experiments = experiments;
  return copy;
}

/** A copy of the seed's directory in a temporary directory (for tests that change files); `remove()` deletes it. */
export function seedCopy(prefix = 'router-seed-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(SEED_DIR, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * For tests that change the seed's files: returns `copySeed()`, which makes a fresh copy in a
 * temporary directory; after each test, `cleanUp` runs (close what watches the copies) and every copy is removed.
 */
export function seedCopies(prefix: string, cleanUp?: () => void): () => string {
  const made: (() => void)[] = [];
  afterEach(() => {
    cleanUp?.();
    for (const remove of made.splice(0)) remove();
  });
  return () => {
    const copy = seedCopy(prefix);
    made.push(copy.remove);
    return copy.dir;
  };
}
