// Which adapter serves a model: the registry entry under the model's id, else under its provider's
// name; a factory is called once per model with its settings. Without any registry every model is
// served by the default (the mock provider, for demos).
import { ProviderNotConfiguredError } from '../call-errors.js';
import type { ProviderAdapter } from '../providers/provider.js';
import type { CompiledModel } from '../routing/compile-config.js';
import type { ProviderRegistry } from './types.js';

/** Returns `adapterFor(model)`, which throws `ProviderNotConfiguredError` (or the factory's error). */
export function createAdapterLookup(providers: ProviderRegistry | undefined, fallback: () => ProviderAdapter): (model: CompiledModel) => ProviderAdapter {
  const adapters = new Map<string, ProviderAdapter | Error>();
  return (model) => {
    const known = adapters.get(model.id);
    if (known instanceof Error) throw known;
    if (known) return known;
    let adapter: ProviderAdapter | undefined;
    try {
      adapter = providers ? resolve(providers, model) : fallback();
      if (!adapter) throw new ProviderNotConfiguredError(model.id, model.provider);
    } catch (error) {
      // A factory that throws (a missing key, a bad endpoint) makes the model unusable until the
      // router is rebuilt, like a missing entry: remembered, so it is not called on every request.
      adapters.set(model.id, error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    adapters.set(model.id, adapter);
    return adapter;
  };
}

function resolve(providers: ProviderRegistry, model: CompiledModel): ProviderAdapter | undefined {
  const entry = Object.hasOwn(providers, model.id) ? providers[model.id] : Object.hasOwn(providers, model.provider) ? providers[model.provider] : undefined;
  if (typeof entry !== 'function') return entry;
  return entry({ id: model.id, provider: model.provider, type: model.type, providerModelId: model.providerModelId, endpoint: model.config.endpoint });
}
