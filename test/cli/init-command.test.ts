// `llm-agent-router init`: a starter configuration in the user's project, run from the package as
// installed (only the files it publishes), whose $schema lines point at the schemas it ships.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, runBuiltCli } from '../helpers/built-cli.js';
import { shell, userProject } from './support/scratch-projects.js';
import { snapshot } from './support/dir-snapshot.js';

const SEED = join(ROOT, 'examples', 'config');
const FILES = ['models.yaml', 'agents.yaml', 'routing.yaml', 'environments/development.yaml', 'environments/production.yaml'];
const SCHEMA_LINE = /^# yaml-language-server: \$schema=(\S+)$/;
const SCHEMA_LINE_START = /^# yaml-language-server: \$schema=/;

beforeAll(async () => {
  await ensureBuilt();
}, 180_000);

describe('init', () => {
  it('writes the starter configuration into ./config, says what it wrote and what to run next', () => {
    const project = userProject();
    const result = shell('npx llm-agent-router init', project);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toBe(
      [
        'wrote config/models.yaml',
        'wrote config/agents.yaml',
        'wrote config/routing.yaml',
        'wrote config/environments/development.yaml',
        'wrote config/environments/production.yaml',
        '',
        'Next: npx llm-agent-router validate config --env production',
        '',
      ].join('\n'),
    );
    // The seed's files, but for the first line.
    for (const file of FILES) {
      const written = readFileSync(join(project, 'config', file), 'utf8').split('\n');
      const seed = readFileSync(join(SEED, file), 'utf8').split('\n');
      expect(written.slice(1), file).toEqual(seed.slice(1));
      expect(written[0], file).toMatch(SCHEMA_LINE);
    }
  }, 60_000);

  it('points each file at the schema the installed package ships, relative to the file', () => {
    const project = userProject();
    expect(shell('npx llm-agent-router init config', project).status).toBe(0);
    const refs = FILES.map((file) => {
      const first = readFileSync(join(project, 'config', file), 'utf8').split('\n')[0]!;
      return [file, SCHEMA_LINE.exec(first)![1]!] as const;
    });
    expect(Object.fromEntries(refs)).toEqual({
      'models.yaml': '../node_modules/llm-agent-router/schema/models.schema.json',
      'agents.yaml': '../node_modules/llm-agent-router/schema/agents.schema.json',
      'routing.yaml': '../node_modules/llm-agent-router/schema/routing.schema.json',
      'environments/development.yaml': '../../node_modules/llm-agent-router/schema/environment.schema.json',
      'environments/production.yaml': '../../node_modules/llm-agent-router/schema/environment.schema.json',
    });
    for (const [file, ref] of refs) {
      const target = resolve(dirname(join(project, 'config', file)), ref);
      expect(existsSync(target), `${file} → ${ref}`).toBe(true);
      expect(JSON.parse(readFileSync(target, 'utf8')).$schema).toMatch(/json-schema\.org/);
    }
  }, 60_000);

  it('a directory deeper in the project still reaches node_modules', () => {
    const project = userProject();
    expect(shell('npx llm-agent-router init services/api/router', project).status).toBe(0);
    const first = readFileSync(join(project, 'services/api/router/models.yaml'), 'utf8').split('\n')[0]!;
    expect(first).toBe('# yaml-language-server: $schema=../../../node_modules/llm-agent-router/schema/models.schema.json');
  }, 60_000);

  it('what it writes validates', () => {
    const project = userProject();
    expect(shell('npx llm-agent-router init config', project).status).toBe(0);
    for (const env of ['', ' --env production', ' --env development']) {
      const result = shell(`npx llm-agent-router validate config${env}`, project);
      expect(result.status, result.output).toBe(0);
      expect(result.output).toContain('✔ valid: 5 models, 4 agents, 4 strategies, 3 warnings');
    }
  }, 60_000);

  it('refuses to overwrite any existing file, writing nothing; --force overwrites', () => {
    const project = userProject();
    mkdirSync(join(project, 'config'));
    writeFileSync(join(project, 'config', 'agents.yaml'), 'agents: {}\n');
    const refused = shell('npx llm-agent-router init', project);
    expect(refused.status).toBe(1);
    expect(refused.output).toBe('llm-agent-router init: error: config/agents.yaml already exists; nothing was written (--force overwrites)\n');
    expect(readdirSync(join(project, 'config'))).toEqual(['agents.yaml']);
    expect(readFileSync(join(project, 'config', 'agents.yaml'), 'utf8')).toBe('agents: {}\n');

    const forced = shell('npx llm-agent-router init --force', project);
    expect(forced.status, forced.output).toBe(0);
    expect(readFileSync(join(project, 'config', 'agents.yaml'), 'utf8')).toContain('cto_agent:');
    expect(shell('npx llm-agent-router init', project).output).toMatch(/^llm-agent-router init: error: config\/models\.yaml and 4 more files already exist; /);
  }, 60_000);

  it('outside a project with the package installed, it says where the $schema lines point', () => {
    const dir = join(userProject(), '..', `no-project-${process.pid}-${Date.now()}`);
    mkdirSync(dir);
    const result = runBuiltCli(['init', 'cfg'], { cwd: dir });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe(
      'llm-agent-router init: warning: node_modules/llm-agent-router was not found from cfg; the $schema lines point where `npm install llm-agent-router` will put it\n',
    );
    expect(readFileSync(join(dir, 'cfg', 'models.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../node_modules/llm-agent-router/schema/models.schema.json');
  });

  it('in a clone of the repository, the $schema lines point at its own schema/', () => {
    const dir = join(ROOT, 'test', '.doc-samples', `init-${process.pid}`);
    try {
      const result = runBuiltCli(['init', dir]);
      expect(result.status, result.stderr).toBe(0);
      expect(readFileSync(join(dir, 'environments', 'production.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../../../../schema/environment.schema.json');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--help describes it', () => {
    const help = runBuiltCli(['init', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: llm-agent-router init \[dir\] \[options\]\n/);
    expect(help.stdout).toContain('--force');
  });

  describe('a failed init leaves the directory as it was', () => {
    const scratch = () => mkdtempSync(join(tmpdir(), 'router-init-'));

    it('a file where the environments/ directory goes: nothing is written, and a rerun is not refused', () => {
      const cwd = scratch();
      mkdirSync(join(cwd, 't1'));
      writeFileSync(join(cwd, 't1', 'environments'), 'mine\n');
      const before = snapshot(cwd);
      const result = runBuiltCli(['init', 't1'], { cwd });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('llm-agent-router init: error: cannot create the directory t1/environments: exists and is not a directory (EEXIST)\n');
      expect(snapshot(cwd)).toEqual(before);
      rmSync(join(cwd, 't1', 'environments'));
      const rerun = runBuiltCli(['init', 't1'], { cwd });
      expect(rerun.status, rerun.stderr).toBe(0);
    });

    it('a directory where a file goes, with --force: the files --force would overwrite survive unchanged', () => {
      const cwd = scratch();
      mkdirSync(join(cwd, 't5', 'models.yaml'), { recursive: true });
      writeFileSync(join(cwd, 't5', 'agents.yaml'), 'agents: {}\n');
      const before = snapshot(cwd);
      const result = runBuiltCli(['init', 't5', '--force'], { cwd });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('llm-agent-router init: error: cannot write t5/models.yaml: it is a directory\n');
      expect(snapshot(cwd)).toEqual(before);
    });
  });

  describe('a symbolic link where a file goes counts as an existing file', () => {
    it('without --force it is refused, and nothing is written through it', () => {
      const cwd = mkdtempSync(join(tmpdir(), 'router-init-'));
      mkdirSync(join(cwd, 't6'));
      symlinkSync(join(cwd, 'elsewhere.yaml'), join(cwd, 't6', 'models.yaml'));
      const result = runBuiltCli(['init', 't6'], { cwd });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('llm-agent-router init: error: t6/models.yaml already exists; nothing was written (--force overwrites)\n');
      expect(existsSync(join(cwd, 'elsewhere.yaml'))).toBe(false);
      expect(readdirSync(join(cwd, 't6'))).toEqual(['models.yaml']);
    });

    it('--force replaces the link itself, never the file it points to', () => {
      const cwd = mkdtempSync(join(tmpdir(), 'router-init-'));
      mkdirSync(join(cwd, 't6'));
      writeFileSync(join(cwd, 'target.yaml'), 'models: {}\n');
      symlinkSync(join(cwd, 'elsewhere.yaml'), join(cwd, 't6', 'models.yaml'));
      symlinkSync(join(cwd, 'target.yaml'), join(cwd, 't6', 'agents.yaml'));
      const result = runBuiltCli(['init', 't6', '--force'], { cwd });
      expect(result.status, result.stderr).toBe(0);
      expect(existsSync(join(cwd, 'elsewhere.yaml'))).toBe(false);
      expect(readFileSync(join(cwd, 'target.yaml'), 'utf8')).toBe('models: {}\n');
      for (const file of ['models.yaml', 'agents.yaml']) {
        expect(lstatSync(join(cwd, 't6', file)).isFile(), file).toBe(true);
        expect(readFileSync(join(cwd, 't6', file), 'utf8'), file).toMatch(SCHEMA_LINE_START);
      }
    });
  });

  it('a directory whose name has control characters is shown without them', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'router-init-'));
    const result = runBuiltCli(['init', 'cfg\u001b[31m'], { cwd });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('wrote cfg?[31m/models.yaml\n');
    expect(result.stdout).toContain("Next: npx llm-agent-router validate 'cfg?[31m' --env production\n");
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('a directory named like an option is shown so the next command cannot read it as one', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'router-init-'));
    const result = runBuiltCli(['init', '--', '-h'], { cwd });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('wrote -h/models.yaml\n');
    expect(result.stdout).toMatch(/\nNext: npx llm-agent-router validate \.\/-h --env production\n$/);
  });
});
