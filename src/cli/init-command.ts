// `llm-agent-router init [dir] [--force]`: writes a starter configuration — the seed's models,
// agents, routing and environments — for the user to edit, and says what to run next.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CommandFailure, EXIT_OK } from './cli-io.js';
import type { CliCommand } from './command.js';
import { describeFsError, writeWarning } from './diagnostics.js';
import { shellQuote, shownPath } from './format.js';
import { ensureDirectory } from './output-files.js';
import { schemaLocation, schemaReference, starterFiles, withSchemaReference } from './starter-config.js';

export const initCommand: CliCommand = {
  name: 'init',
  positionals: ['[dir]'],
  options: [{ name: 'force', help: 'overwrite files that already exist' }],
  summary: 'write a starter configuration to edit (default: ./config)',
  description: `Writes models.yaml, agents.yaml, routing.yaml and environments/*.yaml into dir (default: ./config):
five models, four agents and four strategies to start from. Each file's first line points editors at
its JSON Schema in node_modules/llm-agent-router/schema. Existing files are left alone unless --force.`,
  async run(line, io) {
    const target = resolve(io.cwd, line.positionals[0] ?? 'config');
    const files = await starterFiles();
    const existing = files.map((file) => join(target, file.path)).filter((path) => existsSync(path));
    if (existing.length > 0 && !line.flag('force')) {
      const first = shownPath(io, existing[0]);
      const which = existing.length === 1 ? `${first} already exists` : `${first} and ${existing.length - 1} more files already exist`;
      throw new CommandFailure(`${which}; nothing was written (--force overwrites)`);
    }

    const schemas = schemaLocation(target, io.cwd);
    if (schemas.found === 'expected') {
      writeWarning(io, 'init', `node_modules/llm-agent-router was not found from ${shownPath(io, target)}; the $schema lines point where \`npm install llm-agent-router\` will put it`);
    }
    for (const file of files) {
      const path = join(target, file.path);
      await ensureDirectory(io, dirname(path));
      try {
        await writeFile(path, withSchemaReference(file.text, schemaReference(path, schemas, file.kind)));
      } catch (error) {
        throw new CommandFailure(`cannot write ${shownPath(io, path)}: ${describeFsError(error)}`);
      }
      io.stdout.write(`wrote ${shownPath(io, path)}\n`);
    }
    io.stdout.write(`\nNext: npx llm-agent-router validate ${shellQuote(shownPath(io, target))} --env production\n`);
    return EXIT_OK;
  },
};
