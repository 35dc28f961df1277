import { mkdtemp, mkdir, readFile, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, createRouter, loadConfig, parseConfig, type ConfigIssue } from '../../src/index.js';
import { SEED_DIR, loadSeed } from '../helpers/seed.js';

async function seedTexts() {
  const read = (name: string) => readFile(join(SEED_DIR, name), 'utf8');
  return { models: await read('models.yaml'), agents: await read('agents.yaml'), routing: await read('routing.yaml') };
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const find = (issues: ConfigIssue[], path: string) => issues.find((issue) => issue.path === path);

describe('loadConfig on the seed', () => {
  it('loads the seed YAML unchanged with no errors', async () => {
    const config = await loadSeed();
    expect(Object.keys(config.models)).toEqual(['claude-3-opus', 'gpt-4-turbo', 'llama-3-70b', 'deepseek-coder-33b', 'qwen-2-72b']);
    expect(Object.keys(config.agents)).toEqual(['cto_agent', 'backend_agent', 'frontend_agent', 'qa_agent']);
    expect(config.routing?.strategies?.cost_optimized?.rules).toContainEqual({ cloud_budget_per_day: 100 });
    expect(config.routing?.global_rules?.map((rule) => rule.name)).toEqual([
      'rate_limit_protection',
      'cost_circuit_breaker',
      'privacy_enforcement',
      'quality_assurance',
    ]);
    expect(config.environment).toBeUndefined();
  });

  it('warns about capabilities no model offers (ui_design, code_analysis, test_generation), with positions', async () => {
    const config = await loadSeed();
    const capability = config.warnings.filter((w) => w.kind === 'unknown_capability');
    expect(capability.map((w) => w.message)).toEqual([
      'no model offers the capability "ui_design"',
      'no model offers the capability "code_analysis"',
      'no model offers the capability "test_generation"',
    ]);
    const uiDesign = capability[0]!;
    expect(uiDesign.path).toBe('agents.frontend_agent.capabilities_required[1]');
    expect(uiDesign.file).toMatch(/agents\.yaml$/);
    expect(uiDesign.line).toBe(54);
    expect(uiDesign.column).toBe(9);
    // The seed's weights sum to 1: no warning about them.
    expect(config.warnings.some((w) => w.kind === 'weights_sum')).toBe(false);
  });

  it('merges the production overlay', async () => {
    const config = await loadSeed('production');
    expect(config.environment).toBe('production');
    expect(config.routing?.global_overrides).toEqual({ max_cloud_spend_per_day: 500, require_local_for_pii: true });
    expect(config.routing?.strategies?.balanced).toBeDefined();
  });

  it('merges the development overlay', async () => {
    const config = await loadSeed('development');
    expect(config.routing?.global_overrides).toEqual({ force_local_models: true, verbose_routing_logs: true });
  });

  it('a missing environment is a ConfigError naming the file', async () => {
    await expect(loadConfig(SEED_DIR, { environment: 'staging' })).rejects.toSatisfy(
      (error: unknown) => ConfigError.isInstance(error) && error.issues[0]!.file!.endsWith(join('environments', 'staging.yaml')),
    );
  });

  it('a missing models.yaml is a ConfigError', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'router-config-'));
    await expect(loadConfig(dir)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('accepts .yml files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'router-config-'));
    const texts = await seedTexts();
    await writeFile(join(dir, 'models.yml'), texts.models);
    await writeFile(join(dir, 'agents.yml'), texts.agents);
    const config = await loadConfig(dir);
    expect(Object.keys(config.agents)).toHaveLength(4);
  });
});

describe('parseConfig errors', () => {
  it('collects every error, each with file, line, column and path', async () => {
    const texts = await seedTexts();
    const agents = texts.agents
      .replace('      - condition: "task.complexity > 8"\n        model: claude-3-opus', '      - condition: "task.complexity > 8"\n        model: claude-4-opus')
      .replace('primary: deepseek-coder-33b', 'primary: 42');
    const routing = texts.routing.replace('weight: 0.25', 'weight: -0.25');
    const error = configError(() => parseConfig({ ...texts, agents, routing, environment: 'routing:\n  default_strategy: fastest\n' }, { environmentName: 'staging' }));
    expect(error.code).toBe('CONFIG_INVALID');

    const unknownModel = find(error.issues, 'agents.cto_agent.routing_rules[1].model')!;
    expect(unknownModel).toMatchObject({ file: 'agents.yaml', line: 14, column: 16, kind: 'unknown_model' });
    expect(unknownModel.message).toContain('claude-4-opus');

    const badType = find(error.issues, 'agents.backend_agent.model_preferences.primary')!;
    expect(badType).toMatchObject({ file: 'agents.yaml', line: 26, column: 16, kind: 'invalid_type' });

    const negative = find(error.issues, 'routing.routing_factors[1].weight')!;
    expect(negative).toMatchObject({ file: 'routing.yaml', kind: 'invalid' });
    expect(negative.line).toBeGreaterThan(40);

    const strategy = find(error.issues, 'routing.default_strategy')!;
    expect(strategy).toMatchObject({ file: 'environments/staging.yaml', line: 2, column: 21, kind: 'unknown_strategy' });

    expect(error.issues).toHaveLength(4);
    expect(error.message).toContain('agents.yaml:14:16 agents.cto_agent.routing_rules[1].model: unknown model "claude-4-opus"');
  });

  it('reports a condition syntax error at its character', async () => {
    const texts = await seedTexts();
    const agents = texts.agents.replace('"task.complexity > 6"', '"task.complexity > > 6"');
    const error = configError(() => parseConfig({ ...texts, agents }));
    const issue = find(error.issues, 'agents.backend_agent.routing_rules[1].condition')!;
    expect(issue.kind).toBe('condition_syntax');
    expect(issue.line).toBe(32);
    // The value starts at column 20 with its quote; the error is inside the string.
    expect(issue.column).toBeGreaterThan(20);
  });

  it('reports YAML syntax errors with their position', () => {
    const error = configError(() => parseConfig({ models: 'models:\n  a: [unclosed\n', agents: 'agents: {}\n' }));
    expect(error.issues[0]).toMatchObject({ file: 'models.yaml', kind: 'yaml_syntax' });
    expect(error.issues[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('a key defined in two files is an error', () => {
    const error = configError(() =>
      parseConfig({ models: 'models: {}\nagents: {}\n', agents: 'agents: {}\n' }),
    );
    expect(error.issues[0]).toMatchObject({ kind: 'duplicate_key', file: 'agents.yaml' });
  });

  it('unknown keys, unreachable rules and weights that do not sum to 1 are warnings', () => {
    const config = parseConfig({
      models: 'models:\n  m:\n    provider: local\n    type: local\n    capabilites: [x]\n',
      agents:
        'agents:\n  a:\n    model_preferences: { primary: m }\n    routing_rules:\n      - condition: "true"\n        model: m\n      - condition: "task.x"\n        model: m\n',
      routing: 'routing:\n  routing_factors:\n    - name: cost_efficiency\n      weight: 0.5\n',
    });
    const kinds = config.warnings.map((w) => `${w.kind} ${w.path}`);
    expect(kinds).toContain('unknown_key models.m.capabilites');
    expect(kinds).toContain('unreachable_rule agents.a.routing_rules[1]');
    expect(kinds).toContain('weights_sum routing.routing_factors');
    expect(find(config.warnings, 'models.m.capabilites')).toMatchObject({ file: 'models.yaml', line: 5, column: 5 });
  });

  it('an unknown routing factor needs an expression', () => {
    const base = { models: 'models:\n  m: { provider: local, type: local }\n', agents: 'agents:\n  a: { model_preferences: { primary: m } }\n' };
    const error = configError(() => parseConfig({ ...base, routing: 'routing:\n  routing_factors:\n    - { name: vibes, weight: 1 }\n' }));
    expect(error.issues[0]).toMatchObject({ kind: 'unknown_factor', path: 'routing.routing_factors[0].name' });
    const ok = parseConfig({ ...base, routing: 'routing:\n  routing_factors:\n    - { name: vibes, weight: 1, expression: "model.type == \'local\' ? 1 : 0.2" }\n' });
    expect(ok.routing?.routing_factors?.[0]?.name).toBe('vibes');
  });
});

describe('createRouter from a plain object', () => {
  it('accepts { models, agents, routing } without YAML', async () => {
    const router = createRouter({
      models: { small: { provider: 'local', type: 'local' }, big: { provider: 'openai', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.03 } } },
      agents: { helper: { model_preferences: { primary: 'big', local_alternative: 'small' }, routing_rules: [{ condition: 'task.complexity < 3', model: 'small' }] } },
    });
    expect((await router.route('helper', { complexity: 1 })).modelId).toBe('small');
    expect(router.warnings).toEqual([]);
  });

  it('throws ConfigError listing every problem, with paths', () => {
    const error = configError(() =>
      createRouter({
        models: { m: { provider: 'local', type: 'gpu' as never } },
        agents: { a: { model_preferences: { primary: 'nope' }, routing_rules: [{ condition: 'task.(', model: 'm' }] } },
      }),
    );
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      'agents.a.model_preferences.primary',
      'agents.a.routing_rules[0].condition',
      'models.m.type',
    ]);
  });

  it('a config written back to disk from the seed loads identically (no data lost)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'router-config-'));
    await cp(SEED_DIR, dir, { recursive: true });
    await mkdir(join(dir, 'environments'), { recursive: true });
    const a = await loadConfig(dir, { environment: 'production' });
    const b = await loadSeed('production');
    expect(a.routing).toEqual(b.routing);
  });
});
