// Loads the configuration a command names. A directory that is not there is one clear error that
// says how to make one, rather than one "not found" per file.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import { CommandFailure, type CliIO } from './cli-io.js';
import { describeFsError } from './diagnostics.js';
import { shellPath, shownPath } from './format.js';

/** Throws `CommandFailure` for a missing directory and `ConfigError` for an invalid configuration. */
export async function loadCliConfig(io: CliIO, dir: string, environment: string | undefined): Promise<LoadedConfig> {
  const path = resolve(io.cwd, dir);
  const shown = shownPath(io, path);
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CommandFailure(`${shown}: no such directory (\`npx llm-agent-router init ${shellPath(shown)}\` writes a starter configuration there)`);
    }
    throw new CommandFailure(`${shown}: ${describeFsError(error)}`);
  }
  if (!isDirectory) throw new CommandFailure(`${shown}: not a directory; expected the directory with models.yaml, agents.yaml and routing.yaml`);
  return loadConfig(path, environment === undefined ? {} : { environment });
}
