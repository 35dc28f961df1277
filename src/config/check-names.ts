// The names a configuration gives its models, agents, strategies and roles, and the providers its
// models name: checked apart from the shape (check-shape.ts) and the references (validate-config.ts).
import { closestName } from '../edit-distance.js';
import { isRecord, ownOption } from '../own-data.js';
import type { PathSegment } from './yaml-source.js';

/** Provider names the shipped adapters answer to (a factory may serve others: register them in `createRouter`). */
export const BUILTIN_PROVIDERS = ['openai', 'anthropic', 'local', 'mock'] as const;

const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** How a check reports what it found (validate-config.ts collects it with the file's positions). */
export type Report = (
  severity: 'error' | 'warning',
  kind: string,
  path: readonly PathSegment[],
  message: string,
  innerIndex?: number,
) => void;

/**
 * A provider name one typo away from a built-in one (`antropic`) would find no adapter, so its model
 * would be skipped at every call: an error unless an adapter is registered by that name, a warning
 * while the registered names are not known yet.
 */
export function checkProviders(input: Record<string, unknown>, issue: Report, registered: readonly string[] | undefined): void {
  for (const [id, model] of entries(input['models'])) {
    const provider = isRecord(model) ? model['provider'] : undefined;
    if (typeof provider !== 'string' || (BUILTIN_PROVIDERS as readonly string[]).includes(provider)) continue;
    const near = closestName(provider, BUILTIN_PROVIDERS);
    if (near === undefined) continue;
    const path = ['models', id, 'provider'];
    if (registered === undefined) {
      issue('warning', 'provider_name', path, `provider "${provider}" looks like a typo of "${near}"; createRouter refuses it unless an adapter is registered under that name in createRouter({ providers })`);
    } else if (registered.includes(id)) {
      continue; // An adapter registered for this model serves it, whatever its provider is called.
    } else if (registered.includes(provider)) {
      issue('warning', 'provider_name', path, `provider "${provider}" is registered, but looks like a typo of "${near}"`);
    } else {
      issue('error', 'unknown_provider', path, `unknown provider "${provider}"; did you mean "${near}"? (a custom provider needs an adapter registered under its name in createRouter({ providers }))`);
    }
  }
}

/**
 * Names that would collide with Object.prototype in the maps the config becomes, as the input has
 * them (its checked copy leaves a `__proto__` key out).
 */
export function checkReservedNames(input: Record<string, unknown>, issue: Report): void {
  const reserved = (map: unknown, path: PathSegment[], what: string) => {
    if (!isRecord(map)) return;
    for (const key of Object.keys(map)) {
      if (RESERVED_NAMES.has(key) || key === '') {
        issue('error', 'reserved_name', [...path, key], `"${key}" cannot name a ${what}`);
      }
    }
  };
  const agents = ownOption(input, 'agents');
  const routing = ownOption(input, 'routing');
  reserved(ownOption(input, 'models'), ['models'], 'model');
  reserved(agents, ['agents'], 'agent');
  if (isRecord(routing)) reserved(ownOption(routing, 'strategies'), ['routing', 'strategies'], 'strategy');
  for (const [agentId, agent] of entries(agents)) if (isRecord(agent)) reserved(ownOption(agent, 'model_preferences'), ['agents', agentId, 'model_preferences'], 'role');
}

/** A record's own entries; none for anything else. */
export function entries(value: unknown): [string, unknown][] {
  return isRecord(value) ? Object.entries(value) : [];
}
