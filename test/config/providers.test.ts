import { describe, expect, it } from 'vitest';
import { ConfigError, createRouter, parseConfig, validateConfig } from '../../src/index.js';
import { createMockProvider } from '../../src/test.js';

const withProvider = (provider: string) => ({
  models: { m: { provider, type: 'cloud' as const } },
  agents: { a: { model_preferences: { primary: 'm' } } },
});

describe('provider names', () => {
  it('a name one typo from a built-in provider is an error, with the file position and a suggestion', () => {
    try {
      parseConfig({ models: 'models:\n  m:\n    provider: antropic\n    type: cloud\n', agents: 'agents:\n  a:\n    model_preferences:\n      primary: m\n' });
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).issues).toEqual([
        expect.objectContaining({ file: 'models.yaml', line: 3, path: 'models.m.provider', kind: 'unknown_provider', message: expect.stringContaining('did you mean "anthropic"?') }),
      ]);
    }
  });

  it('registered under that name in createRouter, it is only a warning; a custom name unlike any built-in is fine', () => {
    const router = createRouter(withProvider('antropic'), { providers: { antropic: createMockProvider() }, logger: {} });
    expect(router.warnings).toContainEqual(expect.objectContaining({ kind: 'provider_name', path: 'models.m.provider' }));
    expect(router.warnings.filter((w) => w.severity === 'error')).toEqual([]);
    expect(validateConfig(withProvider('acme')).errors).toEqual([]);
    expect(validateConfig(withProvider('openai')).errors).toEqual([]);
  });
});
