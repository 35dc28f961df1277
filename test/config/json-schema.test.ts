import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchemas, type ConfigFileKind } from '../../src/config/json-schema.js';
import { checkAgainstSchema } from '../helpers/json-schema-check.js';
import { SEED_DIR } from '../helpers/seed.js';

const schemas = configJsonSchemas();
const seed = (file: string): unknown => parse(readFileSync(join(SEED_DIR, file), 'utf8'));
const problems = (kind: ConfigFileKind, yaml: string) => checkAgainstSchema(schemas[kind], parse(yaml));

describe('configJsonSchemas', () => {
  it('are draft-07 (what the YAML language server validates with), one per kind of file', () => {
    expect(Object.keys(schemas).sort()).toEqual(['agents', 'environment', 'models', 'routing']);
    for (const schema of Object.values(schemas)) {
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(schema.additionalProperties).toBe(false);
    }
  });

  it('accept the seed files, the environments included', () => {
    expect(checkAgainstSchema(schemas.models, seed('models.yaml'))).toEqual([]);
    expect(checkAgainstSchema(schemas.agents, seed('agents.yaml'))).toEqual([]);
    expect(checkAgainstSchema(schemas.routing, seed('routing.yaml'))).toEqual([]);
    expect(checkAgainstSchema(schemas.environment, seed('environments/production.yaml'))).toEqual([]);
    expect(checkAgainstSchema(schemas.environment, seed('environments/development.yaml'))).toEqual([]);
  });

  it('flag unknown keys, wrong values and missing required keys', () => {
    expect(problems('models', 'models:\n  m:\n    provider: local\n    type: gpu\n    capabilites: [x]\n')).toEqual([
      { path: 'models.m.type', message: 'expected one of ["cloud","local"], got "gpu"' },
      { path: 'models.m', message: 'unknown key "capabilites"' },
    ]);
    expect(problems('models', 'models:\n  m: { type: local }\n')).toEqual([{ path: 'models.m', message: 'missing required key "provider"' }]);
    expect(problems('agents', 'agents:\n  a: { model_preferences: {} }\n')).toEqual([{ path: 'agents.a.model_preferences', message: 'expected at least 1 keys' }]);
    expect(problems('routing', 'routing:\n  routing_factors:\n    - { name: cost_efficiency, weight: -1 }\n')).toEqual([
      { path: 'routing.routing_factors[0].weight', message: 'expected >= 0' },
    ]);
    expect(problems('routing', 'routing: {}\nmodels: {}\n')).toEqual([{ path: '(root)', message: 'unknown key "models"' }]);
  });

  it('let an environment overlay give any part of a map alone, but a list whole', () => {
    const overlay = 'models:\n  claude-3-opus:\n    cost_per_1k_tokens: { input: 0.01 }\nrouting:\n  global_overrides: { force_local_models: true }\n';
    expect(problems('environment', overlay)).toEqual([]);
    // The same model in models.yaml would be incomplete.
    expect(problems('models', 'models:\n  claude-3-opus:\n    cost_per_1k_tokens: { input: 0.01 }\n').map((p) => `${p.path}: ${p.message}`).sort()).toEqual([
      'models.claude-3-opus.cost_per_1k_tokens: missing required key "output"',
      'models.claude-3-opus: missing required key "provider"',
      'models.claude-3-opus: missing required key "type"',
    ]);
    expect(problems('environment', 'routing:\n  global_rules:\n    - { name: r, condition: "true" }\n')).toEqual([
      { path: 'routing.global_rules[0]', message: 'missing required key "action"' },
    ]);
    expect(problems('environment', 'routing:\n  global_overrides: { force_local: true }\n')).toEqual([
      { path: 'routing.global_overrides', message: 'unknown key "force_local"' },
    ]);
  });

  it('carry hover texts on the fields', () => {
    const model = (schemas.models.properties as any).models.additionalProperties.properties;
    expect(model.type.description).toMatch(/cloud \| local/);
    const rule = (schemas.agents.properties as any).agents.additionalProperties.properties.routing_rules.items.properties;
    expect(rule.condition.description).toMatch(/condition/);
    expect((schemas.environment.properties as any).routing.properties.global_overrides.properties.max_cloud_spend_per_day.description).toMatch(/budget/);
  });
});
