// Validating the result of parseConfig again (as createRouter does) does not compile its conditions
// again, unless their text changed; and what it reports is the same.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SEED_DIR } from '../helpers/seed.js';

const compiled: string[] = [];
vi.mock('../../src/conditions/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/conditions/index.js')>();
  return {
    ...original,
    compileCondition: (...args: Parameters<typeof original.compileCondition>) => {
      compiled.push(args[0]);
      return original.compileCondition(...args);
    },
  };
});

const { parseConfig } = await import('../../src/config/load-config.js');
const { validateConfig } = await import('../../src/config/validate-config.js');

const seed = (file: string) => readFileSync(join(SEED_DIR, file), 'utf8');
const agents = `agents:
  a:
    model_preferences: { primary: claude-3-opus }
    routing_rules:
      - condition: "true"
        model: llama-3-70b
      - condition: "task.complexity  >  3"
        model: llama-3-70b
      - condition: "task.complexity > 3"
        model: claude-3-opus
      - condition: "model.type == 'local'"
        model: claude-3-opus
`;

function load() {
  const { warnings, ...config } = parseConfig({ models: seed('models.yaml'), agents, routing: seed('routing.yaml') });
  return { config, warnings };
}

describe('validating a validated configuration again', () => {
  beforeEach(() => {
    compiled.length = 0;
  });

  it('compiles none of its conditions again, and reports the same', () => {
    const { config, warnings } = load();
    expect(compiled.length).toBeGreaterThan(4);
    expect(warnings.map((w) => w.kind)).toEqual(['unreachable_rule', 'unreachable_rule', 'unreachable_rule', 'model_not_in_scope']);
    compiled.length = 0;
    const again = validateConfig(config);
    expect(compiled).toEqual([]);
    expect(again.errors).toEqual([]);
    expect(again.warnings.map(({ kind, path, message }) => ({ kind, path, message }))).toEqual(
      warnings.map(({ kind, path, message }) => ({ kind, path, message })),
    );
    // The copy it returns is known as well.
    validateConfig(again.config);
    expect(compiled).toEqual([]);
  });

  it('compiles, and checks, a condition whose text changed in between', () => {
    const { config } = load();
    config.agents.a!.routing_rules![1]!.condition = 'task.complexity >';
    config.agents.a!.routing_rules![2] = { condition: 'task.priority == "high"', model: 'claude-3-opus' };
    compiled.length = 0;
    const result = validateConfig(config);
    expect(compiled).toEqual(['task.complexity >', 'task.priority == "high"']);
    expect(result.errors).toMatchObject([{ kind: 'condition_syntax', path: 'agents.a.routing_rules[1].condition' }]);
  });
});
