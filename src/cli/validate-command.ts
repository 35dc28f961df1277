// `llm-agent-router validate <config-dir> [--env NAME] [--json]`: every error and warning of a
// configuration at its file:line:col. Exit 1 on errors, 0 when there are only warnings.
import { createRouter } from '../router/create-router.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { EXIT_INVALID, EXIT_OK } from './cli-io.js';
import type { CliCommand } from './command.js';
import { issueMessage } from './diagnostics.js';
import { painter, printable, shownPath } from './format.js';
import { loadCliConfig } from './load-cli-config.js';

export const validateCommand: CliCommand = {
  name: 'validate',
  positionals: ['<config-dir>'],
  options: [
    { name: 'env', value: 'NAME', help: 'merge environments/NAME.yaml over the configuration' },
    { name: 'json', help: 'print the result as JSON' },
  ],
  summary: 'check a configuration; every error and warning at file:line:col',
  description: `Checks models.yaml, agents.yaml, routing.yaml (and environments/NAME.yaml) and prints every error and
warning at its file:line:col. Exit code 1 when there are errors, 0 when there are only warnings.`,
  async run(line, io) {
    const dir = line.positionals[0]!;
    const paint = painter(io);
    let errors: ConfigIssue[] = [];
    let warnings: ConfigIssue[] = [];
    let summary: { models: number; agents: number; strategies: number } | undefined;
    try {
      const config = await loadCliConfig(io, dir, line.string('env'));
      warnings = config.warnings;
      const router = createRouter(config, { logger: {} });
      summary = { models: router.modelIds().length, agents: router.agentIds().length, strategies: router.strategyNames().length };
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      errors = error.issues;
      warnings = error.warnings;
    }

    if (line.flag('json')) {
      const shown = (issue: ConfigIssue) => ({ ...issue, ...(issue.file ? { file: shownPath(io, issue.file) } : {}), message: issueMessage(io, issue) });
      io.stdout.write(`${JSON.stringify({ valid: errors.length === 0, errors: errors.map(shown), warnings: warnings.map(shown), summary: summary ?? null }, null, 2)}\n`);
      return errors.length > 0 ? EXIT_INVALID : EXIT_OK;
    }

    const byFile = new Map<string, ConfigIssue[]>();
    for (const issue of [...errors, ...warnings]) {
      const file = printable(shownPath(io, issue.file)) || '(configuration)';
      byFile.set(file, [...(byFile.get(file) ?? []), issue]);
    }
    for (const [file, issues] of byFile) {
      io.stdout.write(`${paint.bold(file)}\n`);
      issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
      for (const issue of issues) {
        const where = issue.line ? `${file}:${issue.line}:${issue.column ?? 1}` : file;
        const severity = issue.severity === 'error' ? paint.red('error  ') : paint.yellow('warning');
        io.stdout.write(`  ${paint.dim(where)}  ${severity}  ${printable(`${issue.path ? `${issue.path}: ` : ''}${issueMessage(io, issue)}`)}\n`);
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
  },
};
