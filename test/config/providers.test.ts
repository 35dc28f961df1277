import { describe, expect, it } from 'vitest';
import { ConfigError, createRouter, parseConfig, validateConfig } from '../../src/index.js';
import { createMockProvider } from '../../src/test.js';

const withProvider = (provider: string) => ({
  models: { m: { provider, type: 'cloud' as const } },
  agents: { a: { model_preferences: { primary: 'm' } } },
});

const YAML = { models: 'models:\n  m:\n    provider: antropic\n    type: cloud\n', agents: 'agents:\n  a:\n    model_preferences:\n      primary: m\n' };

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('provider names', () => {
  it('a name one typo from a built-in provider is an error when the registered names are known, with the file position and a suggestion', () => {
    const error = thrown(() => parseConfig(YAML, { providers: [] }));
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues).toEqual([
      expect.objectContaining({ file: 'models.yaml', line: 3, path: 'models.m.provider', kind: 'unknown_provider', message: expect.stringContaining('did you mean "anthropic"?') }),
    ]);
  });

  it('loaded before the adapters are known, it is a warning, and createRouter refuses it unless an adapter is registered by that name', () => {
    const loaded = parseConfig(YAML);
    expect(loaded.warnings).toContainEqual(expect.objectContaining({ file: 'models.yaml', line: 3, kind: 'provider_name', message: expect.stringContaining('typo of "anthropic"') }));
    const error = thrown(() => createRouter(loaded, { logger: {} }));
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues).toContainEqual(expect.objectContaining({ path: 'models.m.provider', kind: 'unknown_provider' }));
    // A host whose own provider is named one typo from a built-in one (local2) loads its YAML and runs.
    const custom = parseConfig({ ...YAML, models: YAML.models.replace('antropic', 'local2') });
    expect(() => createRouter(custom, { providers: { local2: createMockProvider() }, logger: {} })).not.toThrow();
  });

  it('registered under that name in createRouter, it is only a warning; a custom name unlike any built-in is fine', () => {
    const router = createRouter(withProvider('antropic'), { providers: { antropic: createMockProvider() }, logger: {} });
    expect(router.warnings).toContainEqual(expect.objectContaining({ kind: 'provider_name', path: 'models.m.provider' }));
    expect(router.warnings.filter((w) => w.severity === 'error')).toEqual([]);
    expect(validateConfig(withProvider('acme')).errors).toEqual([]);
    expect(validateConfig(withProvider('openai')).errors).toEqual([]);
  });
});

describe('provider names, adapters by model id', () => {
  it('a model served by an adapter registered under its own id needs no adapter for its provider name', () => {
    const router = createRouter(withProvider('local2'), { providers: { m: createMockProvider() }, logger: {} });
    expect(router.modelIds()).toEqual(['m']);
  });
});
