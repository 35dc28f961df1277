// Shared helpers for the operating tests (reload, experiments, observer, watch).
import type { LoadedConfig, RouterConfigInput } from '../../../src/index.js';

/** A plain, cloned copy of the seed config, optionally with experiments. */
export function plain(seed: LoadedConfig, experiments?: Record<string, unknown>[]): RouterConfigInput {
  const config = structuredClone({ models: seed.models, agents: seed.agents, routing: seed.routing! });
  if (experiments) (config.routing as Record<string, unknown>).experiments = experiments;
  return config;
}

/** Removes every mention of `modelId` (replacing it with `replacement`). */
export function stripModel(config: RouterConfigInput, modelId: string, replacement = 'gpt-4-turbo'): RouterConfigInput {
  delete (config.models as Record<string, unknown>)[modelId];
  const json = JSON.stringify(config).replaceAll(`"${modelId}"`, `"${replacement}"`);
  return Object.assign(config, JSON.parse(json));
}

export const REQUEST = { messages: [{ role: 'user' as const, content: 'hello there' }] };
export const TASK = { complexity: 6 };
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
