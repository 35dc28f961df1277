// What the CLI says when something is wrong: one prefix for every error and warning
// (`llm-agent-router <command>: error: ...`), paths as the user would type them, readable messages
// for unknown options and missing values, a suggestion for a near miss, and help for every command.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { writeError, writeWarning } from '../../src/cli/diagnostics.js';
import { runCli } from '../../src/cli/run-cli.js';
import { CLI, ensureBuilt, ROOT, runBuiltCli } from '../helpers/built-cli.js';

const SEED = join(ROOT, 'examples', 'config');
const COMMANDS = ['init', 'validate', 'route', 'simulate', 'schema'];

beforeAll(async () => {
  await ensureBuilt();
}, 180_000);

/** A working directory next to a broken configuration (`../cfg`) and a small workload. */
function workspace(): { cwd: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'router-messages-'));
  const cwd = join(root, 'work');
  mkdirSync(cwd);
  mkdirSync(join(root, 'cfg'));
  writeFileSync(join(root, 'cfg', 'models.yaml'), 'models:\n  gpt:\n    provider: openai\n    type: cloud\n    cost_per_1k_tokens: { input: 0.01, output: 0.03 }\n');
  writeFileSync(join(root, 'cfg', 'agents.yaml'), 'agents:\n  support:\n    model_preferences: { primary: gpt-5 }\n');
  writeFileSync(join(cwd, 'day.jsonl'), '{"agent":"cto_agent","task":{"complexity":9}}\n');
  return { cwd, root };
}

describe('errors name paths relative to the working directory', () => {
  it('route and simulate: an invalid configuration', () => {
    const { cwd, root } = workspace();
    for (const args of [
      ['route', '../cfg', '--agent', 'support', '--task', '{}'],
      ['simulate', '../cfg', '--tasks', 'day.jsonl'],
    ]) {
      const result = runBuiltCli(args, { cwd });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        `llm-agent-router ${args[0]}: error: invalid configuration (1 error):\n  ../cfg/agents.yaml:3:35 agents.support.model_preferences.primary: unknown model "gpt-5"; models.yaml defines: gpt\n`,
      );
      expect(result.stderr).not.toContain(root);
    }
  });

  it('a configuration directory that does not exist', () => {
    const { cwd, root } = workspace();
    for (const command of ['validate', 'route', 'simulate']) {
      const extra = command === 'route' ? ['--agent', 'a', '--task', '{}'] : command === 'simulate' ? ['--tasks', 'day.jsonl'] : [];
      const result = runBuiltCli([command, 'config', ...extra], { cwd });
      expect(result.status, command).toBe(1);
      expect(result.stderr).toBe(`llm-agent-router ${command}: error: config: no such directory (\`npx llm-agent-router init config\` writes a starter configuration there)\n`);
      expect(result.stderr).not.toContain(root);
    }
  });

  it('a missing file of the configuration', () => {
    const { cwd, root } = workspace();
    mkdirSync(join(cwd, 'empty'));
    const result = runBuiltCli(['validate', 'empty'], { cwd });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('  empty/models.yaml  error    models.yaml not found in empty\n');
    expect(result.stdout).not.toContain(root);
  });

  it('simulate: an unreadable workload, and the report written', () => {
    const { cwd, root } = workspace();
    const missing = runBuiltCli(['simulate', SEED, '--tasks', 'nope.jsonl'], { cwd });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('llm-agent-router simulate: error: cannot read nope.jsonl: no such file or directory (ENOENT)\n');
    const written = runBuiltCli(['simulate', SEED, '--tasks', join(cwd, 'day.jsonl'), '--strategies', 'balanced', '--report', join(cwd, 'out.html')], { cwd });
    expect(written.status, written.stderr).toBe(0);
    expect(written.stdout).toContain('\nHTML report written to out.html\n');
    expect(written.stdout).not.toContain(root);
  });

  it('route: --task @file that cannot be read is a file error (exit 1), named as given', () => {
    const { cwd } = workspace();
    const result = runBuiltCli(['route', SEED, '--agent', 'cto_agent', '--task', '@nowhere.json'], { cwd });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('llm-agent-router route: error: --task: cannot read nowhere.json: no such file or directory (ENOENT)\n');
  });
});

describe('usage errors', () => {
  const cases: [string[], string][] = [
    [['simulate', 'examples/config', '--tasks'], '--tasks needs a value: --tasks FILE.jsonl'],
    [['simulate', 'examples/config', '--tasks', '--json'], '--tasks needs a value: --tasks FILE.jsonl (got the option --json)'],
    [['simulate', 'examples/config', '--tasks', 'day.jsonl', '--strategy', 'balanced'], 'unknown option --strategy (did you mean --strategies?)'],
    [['simulate', 'examples/config', '--tasks', 'day.jsonl', '--strategies', 'balancd'], 'unknown strategy "balancd" (did you mean balanced?); the configuration defines cost_optimized, performance_optimized, privacy_first, balanced'],
    [['simulate', 'examples/config', '--tasks', 'day.jsonl', '--strategies', 'fastest,cheapest'], 'unknown strategies "fastest", "cheapest"; the configuration defines cost_optimized, performance_optimized, privacy_first, balanced'],
    [['validate', 'examples/config', '--json=yes'], '--json takes no value'],
    [['validate', 'examples/config', '-x'], 'unknown option -x'],
    [['validate', 'examples/config', '--env'], '--env needs a value: --env NAME'],
    [['validate'], 'missing <config-dir>'],
    [['validate', 'a', 'b'], 'unexpected argument "b"'],
    [['route', 'examples/config', '--agent', 'cto-agent', '--task', '{}'], 'unknown agent "cto-agent" (did you mean cto_agent?); the configuration defines cto_agent, backend_agent, frontend_agent, qa_agent'],
    [['route', 'examples/config', '--agnet', 'cto_agent'], 'unknown option --agnet (did you mean --agent?)'],
    [['schema', 'out'], 'unexpected argument "out"'],
  ];
  it.each(cases)('%j: %s', (args, message) => {
    const result = runBuiltCli(args);
    expect(result.status).toBe(2);
    const [command] = args;
    const usage = runBuiltCli([command!, '--help']).stdout.split('\n')[0];
    expect(result.stderr).toBe(`llm-agent-router ${command}: error: ${message}\n${usage}\nRun "llm-agent-router ${command} --help" for its options.\n`);
    expect(result.stdout).toBe('');
  });

  it('a configuration directory named like an option: the suggested init cannot read it as one', () => {
    const { cwd } = workspace();
    const result = runBuiltCli(['validate', '--', '-h'], { cwd });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('llm-agent-router validate: error: -h: no such directory (`npx llm-agent-router init ./-h` writes a starter configuration there)\n');
    const spaced = runBuiltCli(['validate', '--', '-my cfg'], { cwd });
    expect(spaced.stderr).toContain("(`npx llm-agent-router init './-my cfg'` writes");
  });

  it('help with an unknown command is a bad command line, with the same suggestion', () => {
    for (const [name, hint] of [
      ['nothing', ''],
      ['valdate', ' (did you mean validate?)'],
    ]) {
      const result = runBuiltCli(['help', name!]);
      expect(result.status, name).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`llm-agent-router: error: unknown command "${name}"${hint}\nRun "llm-agent-router --help" for the commands.\n`);
    }
    const general = runBuiltCli(['help']);
    expect(general.status).toBe(0);
    expect(general.stdout).toMatch(/^Usage: llm-agent-router <command>/);
  });

  it('an unknown command suggests the nearest one', () => {
    const result = runBuiltCli(['valdate', 'examples/config']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('llm-agent-router: error: unknown command "valdate" (did you mean validate?)\nRun "llm-agent-router --help" for the commands.\n');
  });
});

describe('files that cannot be written fail before any work', () => {
  it.skipIf(process.platform !== 'linux')('schema --out /proc/x fails at once', () => {
    const started = Date.now();
    const result = spawnSync(process.execPath, [CLI, 'schema', '--out', '/proc/x'], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(result.error).toBeUndefined(); // not killed by the timeout
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('llm-agent-router schema: error: cannot create the directory /proc/x: no such file or directory (ENOENT)\n');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('schema --out under a file', () => {
    const { cwd } = workspace();
    writeFileSync(join(cwd, 'file.txt'), '');
    const result = runBuiltCli(['schema', '--out', 'file.txt/schema'], { cwd });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('llm-agent-router schema: error: cannot create the directory file.txt/schema: not a directory (ENOTDIR)\n');
  });

  it('simulate --report into a missing directory fails before simulating', () => {
    const { cwd } = workspace();
    for (const extra of [[], ['--json']]) {
      const result = runBuiltCli(['simulate', SEED, '--tasks', 'day.jsonl', '--report', 'missing/dir/report.html', ...extra], { cwd });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe(''); // no summary: nothing was simulated
      expect(result.stderr).toBe('llm-agent-router simulate: error: cannot write the report to missing/dir/report.html: the directory missing/dir does not exist\n');
    }
    mkdirSync(join(cwd, 'report.html'));
    const directory = runBuiltCli(['simulate', SEED, '--tasks', 'day.jsonl', '--report', 'report.html'], { cwd });
    expect(directory.status).toBe(1);
    expect(directory.stdout).toBe('');
    expect(directory.stderr).toBe('llm-agent-router simulate: error: cannot write the report to report.html: it is a directory\n');
  });
});

describe('help', () => {
  it.each(COMMANDS)('%s: --help, -h and `help <command>` print its usage and every option', (command) => {
    const help = runBuiltCli([command, '--help']);
    expect(help.status).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(new RegExp(`^Usage: llm-agent-router ${command}\\b`));
    expect(help.stdout).toMatch(/\nOptions:\n/);
    expect(help.stdout).toContain('  -h, --help');
    expect(runBuiltCli([command, '-h']).stdout).toBe(help.stdout);
    expect(runBuiltCli(['help', command]).stdout).toBe(help.stdout);
  });

  it('--help lists every command with a line each', () => {
    const help = runBuiltCli(['--help']);
    expect(help.status).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`\\n  ${command} `));
  });
});

describe('control characters from arguments and files never reach the terminal', () => {
  // Printable output only: tab and newline, no ESC (C0) and no CSI (C1).
  const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
  const ESC = '\u001b[31mRED';
  const CSI = '\u009b31mRED';
  const cases: [string, string[], number, string][] = [
    ['an unknown option', ['validate', 'examples/config', `--x${ESC}`], 2, 'unknown option --x?[31mRED'],
    ['an unknown option (C1)', ['validate', 'examples/config', `--x${CSI}`], 2, 'unknown option --x?31mRED'],
    ['an unexpected argument', ['validate', 'examples/config', `b${ESC}`], 2, 'unexpected argument "b?[31mRED"'],
    ['a missing configuration directory', ['validate', `cfg${ESC}`], 1, "cfg?[31mRED: no such directory (`npx llm-agent-router init 'cfg?[31mRED'` writes"],
    ['a --task @file that cannot be read', ['route', 'examples/config', '--agent', 'cto_agent', '--task', `@t${ESC}.json`], 1, '--task: cannot read t?[31mRED.json: no such file'],
    ['malformed inline JSON', ['route', 'examples/config', '--agent', 'cto_agent', '--task', `{"a": ${CSI}}`], 2, '--task: invalid JSON at line 1, column 7'],
  ];
  it.each(cases)('%s', (_, args, status, message) => {
    const result = runBuiltCli(args);
    expect(result.status).toBe(status);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(CONTROL);
    expect(result.stdout).not.toMatch(CONTROL);
  });

  it('a name in a configuration file, in validate\'s report and in an error', () => {
    const { root } = workspace();
    const agents = join(root, 'cfg', 'agents.yaml');
    writeFileSync(agents, 'agents:\n  support:\n    model_preferences: { primary: "gpt\\e[31mX" }\n');
    const validate = runBuiltCli(['validate', join(root, 'cfg')]);
    expect(validate.status).toBe(1);
    expect(validate.stdout).toContain('unknown model "gpt?[31mX"');
    expect(validate.stdout).not.toMatch(CONTROL);
    const route = runBuiltCli(['route', join(root, 'cfg'), '--agent', 'support', '--task', '{}']);
    expect(route.status).toBe(1);
    expect(route.stderr).toContain('unknown model "gpt?[31mX"');
    expect(route.stderr).not.toMatch(CONTROL);
  });

  it('every error and warning is written through one place that makes it printable', () => {
    const err: string[] = [];
    const io: CliIO = { stdout: { write: () => true }, stderr: { write: (text: string) => err.push(text) }, stdoutIsTTY: false, stderrIsTTY: false, cwd: ROOT, env: {} };
    writeError(io, 'x', `a${ESC}\nb`);
    writeWarning(io, undefined, `c${CSI}`);
    expect(err.join('')).toBe('llm-agent-router x: error: a?[31mRED?b\nllm-agent-router: warning: c?31mRED\n');
  });
});

describe('colour and debugging', () => {
  function io(options: { tty: boolean; env?: Record<string, string> }) {
    const out: string[] = [];
    const err: string[] = [];
    const cliIO: CliIO = {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text) },
      stdoutIsTTY: options.tty,
      stderrIsTTY: options.tty,
      cwd: ROOT,
      env: options.env ?? {},
    };
    return { cliIO, text: () => out.join('') + err.join('') };
  }
  const ESC = '\u001b[';

  it('colours only on a terminal, and never with NO_COLOR or TERM=dumb', async () => {
    for (const [options, coloured] of [
      [{ tty: true }, true],
      [{ tty: false }, false],
      [{ tty: true, env: { NO_COLOR: '1' } }, false],
      [{ tty: true, env: { TERM: 'dumb' } }, false],
    ] as const) {
      const ok = io(options);
      await runCli(['validate', SEED], ok.cliIO);
      expect(ok.text().includes(ESC), JSON.stringify(options)).toBe(coloured);
      const failed = io(options);
      expect(await runCli(['validate', SEED, '--bogus'], failed.cliIO)).toBe(2);
      expect(failed.text().includes(`${ESC}31merror:`), JSON.stringify(options)).toBe(coloured);
    }
  });

  it('LLM_ROUTER_DEBUG=1 adds the stack trace of an error that is neither a usage nor a file error', () => {
    const { cwd } = workspace();
    const debug = { LLM_ROUTER_DEBUG: '1' };
    expect(runBuiltCli(['route', '../cfg', '--agent', 'support', '--task', '{}'], { cwd, env: debug }).stderr).toMatch(/\n\s+at .*cli\.js:\d+/);
    expect(runBuiltCli(['route', '../cfg', '--agent', 'support', '--task', '{}'], { cwd }).stderr).not.toMatch(/\n\s+at /);
    expect(runBuiltCli(['route', SEED, '--agent', 'nobody', '--task', '{}'], { cwd, env: debug }).stderr).not.toMatch(/\n\s+at /);
    expect(runBuiltCli(['simulate', SEED, '--tasks', 'nope.jsonl'], { cwd, env: debug }).stderr).not.toMatch(/\n\s+at /);
  });
});
