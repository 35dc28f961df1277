// `llm-agent-router schema [--out DIR]`: writes the JSON Schema of each configuration file, for
// editors (`# yaml-language-server: $schema=...`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configJsonSchemas } from '../config/json-schema.js';
import { EXIT_OK, UsageError, type CliIO } from './cli-io.js';
import { shownPath } from './format.js';

export const SCHEMA_USAGE = `Usage: llm-agent-router schema [--out DIR]

Writes models.schema.json, agents.schema.json, routing.schema.json and environment.schema.json to DIR
(default: ./schema).`;

export async function schemaCommand(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: false, strict: true, options: { out: { type: 'string' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const dir = resolve(io.cwd, parsed.values.out ?? 'schema');
  await mkdir(dir, { recursive: true });
  for (const [kind, schema] of Object.entries(configJsonSchemas())) {
    const file = join(dir, `${kind}.schema.json`);
    await writeFile(file, `${JSON.stringify(schema, null, 2)}\n`);
    io.stdout.write(`wrote ${shownPath(io, file)}\n`);
  }
  return EXIT_OK;
}
