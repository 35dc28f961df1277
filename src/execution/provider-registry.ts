// Which adapter serves a model: the registry entry under the model's id, else under its provider's
// name; a factory is called once per compiled model with its settings (again after a reload, whose
// models may have a new provider or endpoint). Without any registry every model is
// served by the default (the mock provider, for demos).
import { ProviderNotConfiguredError } from '../call-errors.js';
import type { ProviderAdapter } from '../providers/provider.js';
import type { CompiledModel } from '../routing/compile-config.js';
import type { ProviderRegistry } from './types.js';

/** Returns `adapterFor(model)`, which throws `ProviderNotConfiguredError` (or the factory's error). */
export function createAdapterLookup(providers: ProviderRegistry | undefined, fallback: () => ProviderAdapter): (model: CompiledModel) => ProviderAdapter {
  // By the compiled model, not its id: a reload's model of the same id may be served differently.
  const adapters = new WeakMap<CompiledModel, ProviderAdapter | Error>();
  return (model) => {
    const known = adapters.get(model);
    if (known instanceof Error) throw known;
    if (known) return known;
    let adapter: ProviderAdapter | undefined;
    try {
      adapter = providers ? resolve(providers, model) : fallback();
      if (!adapter) throw new ProviderNotConfiguredError(model.id, model.provider);
    } catch (error) {
      // A factory that throws (a missing key, a bad endpoint) makes the model unusable until the
      // configuration is reloaded, like a missing entry: remembered, so it is not called on every request.
      adapters.set(model, error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    adapters.set(model, adapter);
    return adapter;
  };
}

function resolve(providers: ProviderRegistry, model: CompiledModel): ProviderAdapter | undefined {
  const entry = Object.hasOwn(providers, model.id) ? providers[model.id] : Object.hasOwn(providers, model.provider) ? providers[model.provider] : undefined;
  if (typeof entry !== 'function') return entry;
  return entry({ id: model.id, provider: model.provider, type: model.type, providerModelId: model.providerModelId, endpoint: model.config.endpoint });
}
