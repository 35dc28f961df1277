// The command-line tool, run as users run it: the built binary, spawned.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { configJsonSchemas } from '../../src/config/json-schema.js';
import { CLI, ROOT, ensureBuilt, runBuiltCli } from '../helpers/built-cli.js';
import { checkAgainstSchema } from '../helpers/json-schema-check.js';

const SEED = join(ROOT, 'examples', 'config');

beforeAll(async () => {
  await ensureBuilt();
}, 180_000);

function brokenCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'router-cli-'));
  cpSync(SEED, dir, { recursive: true });
  const agents = join(dir, 'agents.yaml');
  writeFileSync(
    agents,
    readFileSync(agents, 'utf8')
      .replace('      - condition: "task.complexity > 8"\n        model: claude-3-opus', '      - condition: "task.complexity > 8"\n        model: claude-4-opus')
      .replace('"task.complexity > 6"', '"task.complexity > > 6"'),
  );
  return dir;
}

describe('validate', () => {
  it('passes the seed with its three capability warnings (exit 0)', () => {
    const result = runBuiltCli(['validate', 'examples/config']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('examples/config/agents.yaml:54:9  warning  agents.frontend_agent.capabilities_required[1]: no model offers the capability "ui_design"');
    expect(result.stdout).toContain('capability "code_analysis"');
    expect(result.stdout).toContain('capability "test_generation"');
    expect(result.stdout).toContain('✔ valid: 5 models, 4 agents, 4 strategies, 3 warnings');
    expect(result.stderr).toBe('');
  });

  it('shows each error of a broken copy at its line and column (exit 1)', () => {
    const dir = brokenCopy();
    const result = runBuiltCli(['validate', dir]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/agents\.yaml:14:16 +error +agents\.cto_agent\.routing_rules\[1\]\.model: unknown model "claude-4-opus"/);
    expect(result.stdout).toMatch(/agents\.yaml:32:\d+ +error +agents\.backend_agent\.routing_rules\[1\]\.condition: /);
    expect(result.stdout).toContain('✖ 2 errors, 3 warnings');
  });

  it('--json is machine-readable', () => {
    const ok = JSON.parse(runBuiltCli(['validate', 'examples/config', '--env', 'production', '--json']).stdout);
    expect(ok).toMatchObject({ valid: true, errors: [], summary: { models: 5, agents: 4, strategies: 4 } });
    expect(ok.warnings).toHaveLength(3);
    const result = runBuiltCli(['validate', brokenCopy(), '--json']);
    expect(result.status).toBe(1);
    const broken = JSON.parse(result.stdout);
    expect(broken.valid).toBe(false);
    expect(broken.summary).toBeNull();
    expect(broken.errors.map((e: { kind: string }) => e.kind).sort()).toEqual(['condition_syntax', 'unknown_model']);
    expect(broken.errors.find((e: { kind: string }) => e.kind === 'unknown_model')).toMatchObject({ line: 14, column: 16 });
  });

  it('a missing environment is an error, not a stack trace', () => {
    const result = runBuiltCli(['validate', 'examples/config', '--env', 'staging']);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('environment "staging" not found');
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});

describe('route', () => {
  it('explains a decision with its trace', () => {
    const result = runBuiltCli(['route', 'examples/config', '--agent', 'cto_agent', '--task', '{"complexity":9,"privacy_level":"low"}']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('claude-3-opus (cloud, anthropic) for cto_agent');
    expect(result.stdout).toContain('reason      agent rule routing_rules[1]: task.complexity > 8');
    expect(result.stdout).toContain('confidence  0.9\n');
    expect(result.stdout).toContain('est. cost   $0.052500 (1000 in / 500 out tokens)');
    expect(result.stdout).toContain('constraints none');
    expect(result.stdout).toContain('fallbacks   gpt-4-turbo, llama-3-70b');
    expect(result.stdout).toContain('verify with not required');
    expect(result.stdout).toContain(`→ agent_rule     "task.complexity > 8" matched → claude-3-opus`);
    expect(result.stdout).toContain(`· agent_rule     "task.privacy_level == 'high'" is false`);
  });

  it('--json prints the decision; @file reads the task; --context and --env apply', () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-cli-'));
    writeFileSync(join(dir, 'task.json'), JSON.stringify({ complexity: 9 }));
    const result = runBuiltCli(['route', SEED, '--agent', 'cto_agent', '--task', `@${join(dir, 'task.json')}`, '--context', '{"routing_strategy":"privacy_first"}', '--json']);
    expect(result.status).toBe(0);
    const decision = JSON.parse(result.stdout);
    expect(decision).toMatchObject({ modelId: 'llama-3-70b', strategy: 'privacy_first', localOnly: true });
    const dev = JSON.parse(runBuiltCli(['route', SEED, '--env', 'development', '--agent', 'cto_agent', '--task', '{"complexity":9}', '--json']).stdout);
    expect(dev.constraints[0]).toContain('force_local_models');
  });

  it('an unknown agent lists the known ones; malformed JSON on the command line is a usage error (exit 2)', () => {
    const unknown = runBuiltCli(['route', 'examples/config', '--agent', 'ceo_agent', '--task', '{}']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('llm-agent-router route: error: unknown agent "ceo_agent" (did you mean cto_agent?); the configuration defines cto_agent, backend_agent, frontend_agent, qa_agent\n');
    const bad = runBuiltCli(['route', 'examples/config', '--agent', 'cto_agent', '--task', '{complexity: 9}']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--task: invalid JSON at line 1, column 2');
    expect(bad.stderr).toContain('Usage: llm-agent-router route');
  });

  it('malformed JSON is shown at its line and column, from an @file too (the file is invalid input: exit 1)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-cli-'));
    writeFileSync(join(dir, 'task.json'), '{\n  "complexity": 9,\n  "critical": }\n');
    const result = runBuiltCli(['route', SEED, '--agent', 'cto_agent', '--task', '@task.json'], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`--task: task.json: invalid JSON at line 3, column 15: Unexpected token '}'\n    "critical": }\n                ^\n`);
    expect(runBuiltCli(['route', SEED, '--agent', 'cto_agent', '--task', '[1]']).stderr).toContain('--task: expected a JSON object, got an array');
    writeFileSync(join(dir, 'list.json'), '[1]');
    const list = runBuiltCli(['route', SEED, '--agent', 'cto_agent', '--task', '@list.json'], { cwd: dir });
    expect(list.status).toBe(1);
    expect(list.stderr).toBe('llm-agent-router route: error: --task: list.json: expected a JSON object, got an array\n');
    const missing = runBuiltCli(['route', SEED, '--agent', 'cto_agent', '--task', '@nowhere.json'], { cwd: dir });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('llm-agent-router route: error: --task: cannot read nowhere.json: no such file or directory (ENOENT)\n');
  });

  it('when no model may serve the task, says why with the trace (exit 1)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-cli-'));
    writeFileSync(join(dir, 'models.yaml'), 'models:\n  gpt:\n    provider: openai\n    type: cloud\n    cost_per_1k_tokens: { input: 0.01, output: 0.03 }\n');
    writeFileSync(join(dir, 'agents.yaml'), 'agents:\n  support:\n    model_preferences: { primary: gpt }\n');
    const result = runBuiltCli(['route', dir, '--agent', 'support', '--task', '{"prompt":"Call me at jane.doe@example.com"}']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^llm-agent-router route: error: No model is eligible for agent "support"/);
    expect(result.stderr).toMatch(/Trace\n(.*\n)*.*gpt skipped: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('schema', () => {
  it('writes four JSON Schemas that accept the seed files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-schema-'));
    const result = runBuiltCli(['schema', '--out', dir]);
    expect(result.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['agents.schema.json', 'environment.schema.json', 'models.schema.json', 'routing.schema.json']);
    const schema = (kind: string) => JSON.parse(readFileSync(join(dir, `${kind}.schema.json`), 'utf8'));
    const data = (file: string) => parse(readFileSync(join(SEED, file), 'utf8'));
    for (const [file, kind] of [
      ['models.yaml', 'models'],
      ['agents.yaml', 'agents'],
      ['routing.yaml', 'routing'],
      ['environments/production.yaml', 'environment'],
      ['environments/development.yaml', 'environment'],
    ]) {
      expect(checkAgainstSchema(schema(kind!), data(file!)), file).toEqual([]);
    }
    // ...and they are not so loose that anything passes: a typo in a model is flagged.
    const seedModels = data('models.yaml');
    seedModels.models['llama-3-70b'].capabilites = ['typo'];
    expect(checkAgainstSchema(schema('models'), seedModels)).toEqual([{ path: 'models.llama-3-70b', message: 'unknown key "capabilites"' }]);
  });

  it('the committed schema/ files are up to date with the zod schemas', () => {
    for (const [kind, schema] of Object.entries(configJsonSchemas())) {
      const committed = JSON.parse(readFileSync(join(ROOT, 'schema', `${kind}.schema.json`), 'utf8'));
      expect(committed, `schema/${kind}.schema.json is stale: run npm run cli -- schema`).toEqual(schema);
    }
  });

  it('the seed YAML files point editors at the schemas', () => {
    expect(readFileSync(join(SEED, 'agents.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema/agents.schema.json');
    expect(readFileSync(join(SEED, 'environments', 'production.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../../../schema/environment.schema.json');
  });
});

describe('usage', () => {
  it('bad arguments print the usage on stderr and exit 2, never a stack trace', () => {
    for (const args of [[], ['frobnicate'], ['validate'], ['route', 'examples/config'], ['validate', 'examples/config', '--bogus']]) {
      const result = runBuiltCli(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/Usage: llm-agent-router|Run "llm-agent-router --help" for the commands/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('--help and --version', () => {
    const help = runBuiltCli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('validate <config-dir>');
    const version = runBuiltCli(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    expect(runBuiltCli(['route', '--help']).stdout).toContain('--task JSON|@file');
    expect(runBuiltCli(['help', 'validate']).stdout).toContain('Usage: llm-agent-router validate');
  });

  it.skipIf(process.platform === 'win32')('a reader that goes away early is not an error with a stack trace', () => {
    // `| true` closes the pipe at once, so every write of the CLI fails with EPIPE.
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" validate examples/config | true`], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stderr).toBe('');
  });
});

describe('simulate', () => {
  it('replays the sample workload and writes a report whose figures match an in-process recomputation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-sim-'));
    const report = join(dir, 'report.html');
    const result = runBuiltCli(['simulate', 'examples/config', '--env', 'production', '--tasks', 'examples/workloads/day.jsonl', '--strategies', 'balanced,privacy_first', '--budget', '40', '--report', report, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as { strategies: { strategy: string; totalCostUsd: number; localRequests: number; requests: number }[] };

    const { loadConfig } = await import('../../src/index.js');
    const { parseWorkload, simulateWorkload } = await import('../../src/simulation.js');
    const { tasks } = parseWorkload(readFileSync(join(ROOT, 'examples', 'workloads', 'day.jsonl'), 'utf8'));
    const expected = await simulateWorkload(await loadConfig(SEED, { environment: 'production' }), tasks, { strategies: ['balanced', 'privacy_first'], budgetUsd: 40 });
    expect(printed.strategies.map((s) => [s.strategy, s.totalCostUsd, s.localRequests, s.requests])).toEqual(
      expected.strategies.map((s) => [s.strategy, s.totalCostUsd, s.localRequests, s.requests]),
    );
    const privacy = printed.strategies.find((s) => s.strategy === 'privacy_first')!;
    expect(privacy.totalCostUsd).toBe(0);
    expect(privacy.localRequests).toBe(tasks.length);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/(src|href)=["']https?:/);
  }, 60_000);
});
