// `llm-agent-router validate <config-dir> [--env NAME] [--json]`: every error and warning of a
// configuration at its file:line:col. Exit 1 on errors, 0 when there are only warnings.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { createRouter } from '../router/create-router.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIO } from './cli-io.js';
import { painter, shownPath } from './format.js';

export const VALIDATE_USAGE = `Usage: llm-agent-router validate <config-dir> [--env NAME] [--json]

Checks models.yaml, agents.yaml, routing.yaml (and environments/NAME.yaml) and prints every error and
warning at its file:line:col. Exit code 1 when there are errors, 0 when there are only warnings.`;

export async function validateCommand(argv: string[], io: CliIO): Promise<number> {
  const { dir, env, json } = parse(argv);
  const paint = painter(io);
  let errors: ConfigIssue[] = [];
  let warnings: ConfigIssue[] = [];
  let summary: { models: number; agents: number; strategies: number } | undefined;
  try {
    const config = await loadConfig(resolve(io.cwd, dir), env === undefined ? {} : { environment: env });
    warnings = config.warnings;
    const router = createRouter(config, { logger: {} });
    summary = { models: router.modelIds().length, agents: router.agentIds().length, strategies: router.strategyNames().length };
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    errors = error.issues;
    warnings = error.warnings;
  }

  if (json) {
    const shown = (issue: ConfigIssue) => ({ ...issue, ...(issue.file ? { file: shownPath(io, issue.file) } : {}) });
    io.stdout.write(`${JSON.stringify({ valid: errors.length === 0, errors: errors.map(shown), warnings: warnings.map(shown), summary: summary ?? null }, null, 2)}\n`);
    return errors.length > 0 ? EXIT_INVALID : EXIT_OK;
  }

  const byFile = new Map<string, ConfigIssue[]>();
  for (const issue of [...errors, ...warnings]) {
    const file = shownPath(io, issue.file) || '(configuration)';
    byFile.set(file, [...(byFile.get(file) ?? []), issue]);
  }
  for (const [file, issues] of byFile) {
    io.stdout.write(`${paint.bold(file)}\n`);
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    for (const issue of issues) {
      const where = issue.line ? `${file}:${issue.line}:${issue.column ?? 1}` : file;
      const severity = issue.severity === 'error' ? paint.red('error  ') : paint.yellow('warning');
      io.stdout.write(`  ${paint.dim(where)}  ${severity}  ${issue.path ? `${issue.path}: ` : ''}${issue.message}\n`);
    }
  }
  const plural = (n: number, word: string, words = `${word}s`) => `${n} ${n === 1 ? word : words}`;
  if (errors.length > 0) {
    io.stdout.write(`${paint.red('✖')} ${plural(errors.length, 'error')}, ${plural(warnings.length, 'warning')}\n`);
    return EXIT_INVALID;
  }
  const s = summary!;
  io.stdout.write(
    `${paint.green('✔')} valid: ${plural(s.models, 'model')}, ${plural(s.agents, 'agent')}, ${plural(s.strategies, 'strategy', 'strategies')}, ${plural(warnings.length, 'warning')}\n`,
  );
  return EXIT_OK;
}

function parse(argv: string[]): { dir: string; env: string | undefined; json: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { env: { type: 'string' }, json: { type: 'boolean' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [dir, ...rest] = parsed.positionals;
  if (dir === undefined) throw new UsageError('missing <config-dir>');
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  return { dir, env: parsed.values.env, json: parsed.values.json === true };
}
