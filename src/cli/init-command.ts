// `llm-agent-router init [dir] [--force]`: writes a starter configuration — the seed's models,
// agents, routing and environments — for the user to edit, and says what to run next.
import { join, resolve } from 'node:path';
import { CommandFailure, EXIT_OK } from './cli-io.js';
import type { CliCommand } from './command.js';
import { writeWarning } from './diagnostics.js';
import { printable, shellPath, shownPath } from './format.js';
import { schemaLocation, schemaReference, starterFiles, withSchemaReference } from './starter-config.js';
import { entryAt, writeFilesTogether } from './write-files.js';

export const initCommand: CliCommand = {
  name: 'init',
  positionals: ['[dir]'],
  options: [{ name: 'force', help: 'overwrite files that already exist' }],
  summary: 'write a starter configuration to edit (default: ./config)',
  description: `Writes models.yaml, agents.yaml, routing.yaml and environments/*.yaml into dir (default: ./config):
five models, four agents and four strategies to start from. Each file's first line points editors at
its JSON Schema in node_modules/llm-agent-router/schema. Existing files are left alone unless --force.
It writes every file or none: a failed init leaves dir as it was.`,
  async run(line, io) {
    const target = resolve(io.cwd, line.positionals[0] ?? 'config');
    const files = await starterFiles();
    const paths = files.map((file) => join(target, file.path));
    const existing: string[] = [];
    for (const path of paths) if (await entryAt(io, path)) existing.push(path);
    if (existing.length > 0 && !line.flag('force')) {
      const first = shownPath(io, existing[0]);
      const which = existing.length === 1 ? `${first} already exists` : `${first} and ${existing.length - 1} more files already exist`;
      throw new CommandFailure(`${which}; nothing was written (--force overwrites)`);
    }

    const schemas = schemaLocation(target, io.cwd);
    // All or nothing: a failed init leaves the directory as it was (and says only why).
    await writeFilesTogether(
      io,
      files.map((file, i) => ({ path: paths[i]!, text: withSchemaReference(file.text, schemaReference(paths[i]!, schemas, file.kind)) })),
    );
    if (schemas.found === 'expected') {
      writeWarning(io, 'init', `node_modules/llm-agent-router was not found from ${shownPath(io, target)}; the $schema lines point where \`npm install llm-agent-router\` will put it`);
    }
    for (const path of paths) io.stdout.write(`wrote ${printable(shownPath(io, path))}\n`);
    io.stdout.write(`\nNext: npx llm-agent-router validate ${printable(shellPath(shownPath(io, target)))} --env production\n`);
    return EXIT_OK;
  },
};
