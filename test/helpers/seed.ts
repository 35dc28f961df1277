// Loads the seed's configuration (examples/config) for tests.
import { fileURLToPath } from 'node:url';
import { loadConfig, type LoadedConfig } from '../../src/index.js';

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
