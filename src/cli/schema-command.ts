// `llm-agent-router schema [--out DIR]`: writes the JSON Schema of each configuration file, for
// editors (`# yaml-language-server: $schema=...`).
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { configJsonSchemas } from '../config/json-schema.js';
import { CommandFailure, EXIT_OK } from './cli-io.js';
import type { CliCommand } from './command.js';
import { describeFsError } from './diagnostics.js';
import { shownPath } from './format.js';
import { ensureDirectory } from './output-files.js';

export const schemaCommand: CliCommand = {
  name: 'schema',
  positionals: [],
  options: [{ name: 'out', value: 'DIR', help: 'the directory to write to (default: ./schema)' }],
  summary: 'write the JSON Schemas of the configuration files, for editors',
  description: `Writes models.schema.json, agents.schema.json, routing.schema.json and environment.schema.json to DIR.
The package ships the same files in its schema/ directory.`,
  async run(line, io) {
    const dir = resolve(io.cwd, line.string('out') ?? 'schema');
    await ensureDirectory(io, dir);
    for (const [kind, schema] of Object.entries(configJsonSchemas())) {
      const file = join(dir, `${kind}.schema.json`);
      try {
        await writeFile(file, `${JSON.stringify(schema, null, 2)}\n`);
      } catch (error) {
        throw new CommandFailure(`cannot write ${shownPath(io, file)}: ${describeFsError(error)}`);
      }
      io.stdout.write(`wrote ${shownPath(io, file)}\n`);
    }
    return EXIT_OK;
  },
};
