// Reads the configuration from YAML: `parseConfig` from strings (any runtime), `loadConfig` from a
// directory (Node only; the file system is imported lazily so the core stays runtime-neutral).
// Environment files are overlays merged over the base before validation.
import { ConfigError, InvalidArgumentError, type ConfigIssue } from '../errors.js';
import type { RouterConfigInput } from './schema.js';
import { validateConfig, type Locator } from './validate-config.js';
import { parseYamlSource, type PathSegment, type YamlSource } from './yaml-source.js';
import { isRecord, ownFields, ownValue } from '../own-data.js';

/** A validated configuration, ready for `createRouter`. */
export interface LoadedConfig extends RouterConfigInput {
  /** The environment overlay merged in, if any. */
  environment?: string;
  /** What is legal but suspicious: unknown keys, unreachable rules, capabilities no model has, ... */
  warnings: ConfigIssue[];
}

export interface ParseConfigSources {
  /** Text of models.yaml (a document with a top-level `models:` key). */
  models: string;
  /** Text of agents.yaml. */
  agents: string;
  /** Text of routing.yaml. */
  routing?: string;
  /** Text of environments/<name>.yaml, merged over the others. */
  environment?: string;
}

export interface ParseConfigOptions {
  /** The environment's name, kept on the result (default: `custom` when an environment text is given). */
  environmentName?: string;
  /** File names used in messages; default `models.yaml`, `agents.yaml`, `routing.yaml`, `environments/<name>.yaml`. */
  fileNames?: Partial<Record<keyof ParseConfigSources, string>>;
  /**
   * The provider names adapters will be registered under. Given, a provider name one typo from a
   * built-in one (`antropic`) is an error unless listed; left out, it is a warning here and
   * `createRouter` refuses it unless an adapter is registered by that name.
   */
  providers?: readonly string[];
}

export interface LoadConfigOptions {
  /** Name of an overlay in `<dir>/environments/<name>.yaml`. */
  environment?: string;
  /** As in `parseConfig`: the provider names adapters will be registered under. */
  providers?: readonly string[];
}

const BASE_FILES = ['models', 'agents', 'routing'] as const;

/** Parses and validates the YAML texts; throws `ConfigError` listing every problem with file:line:col. */
export function parseConfig(givenSources: ParseConfigSources, givenOptions: ParseConfigOptions = {}): LoadedConfig {
  if (typeof givenOptions !== 'object' || givenOptions === null) throw new InvalidArgumentError('options', 'expected an object');
  if (typeof givenSources !== 'object' || givenSources === null) {
    throw new InvalidArgumentError('sources', 'expected an object { models, agents, routing?, environment? } of YAML strings');
  }
  // The caller's own fields only: a YAML text or option planted on Object.prototype (an overlay that
  // switches the privacy rules off) is never read.
  const sources = ownFields(givenSources);
  const options = ownFields(givenOptions);
  const environmentName = options.environmentName ?? (sources.environment !== undefined ? 'custom' : undefined);
  const fileName = (key: keyof ParseConfigSources) =>
    (options.fileNames === undefined ? undefined : ownValue<string>(options.fileNames, key)) ??
    (key === 'environment' ? `environments/${environmentName ?? 'custom'}.yaml` : `${key}.yaml`);

  const issues: ConfigIssue[] = [];
  const base: YamlSource[] = [];
  for (const key of BASE_FILES) {
    const text = sources[key];
    if (text === undefined) continue;
    if (typeof text !== 'string') throw new InvalidArgumentError(`sources.${key}`, 'expected a YAML string');
    base.push(parseYamlSource(text, fileName(key)));
  }
  let overlay: YamlSource | undefined;
  if (sources.environment !== undefined) {
    if (typeof sources.environment !== 'string') throw new InvalidArgumentError('sources.environment', 'expected a YAML string');
    overlay = parseYamlSource(sources.environment, fileName('environment'));
  }

  for (const source of [...base, ...(overlay ? [overlay] : [])]) issues.push(...source.issues);
  const syntaxErrors = issues.filter((i) => i.severity === 'error');
  if (syntaxErrors.length > 0) throw new ConfigError(syntaxErrors, issues.filter((i) => i.severity === 'warning'));

  // Each base file contributes its top-level keys; a key defined twice is an error.
  const combined: Record<string, unknown> = {};
  const owner = new Map<string, YamlSource>();
  for (const source of base) {
    if (source.value === undefined || source.value === null) continue;
    if (!isRecord(source.value)) {
      issues.push({ file: source.file, line: 1, column: 1, path: '', severity: 'error', kind: 'invalid_type', message: 'expected a map at the top of the file' });
      continue;
    }
    for (const [key, value] of Object.entries(source.value)) {
      const first = owner.get(key);
      if (first) {
        issues.push({ ...position(source, [key]), path: key, severity: 'error', kind: 'duplicate_key', message: `"${key}" is already defined in ${first.file}` });
        continue;
      }
      owner.set(key, source);
      Object.defineProperty(combined, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }

  let merged: Record<string, unknown> = combined;
  if (overlay && overlay.value !== undefined && overlay.value !== null) {
    if (!isRecord(overlay.value)) {
      issues.push({ file: overlay.file, line: 1, column: 1, path: '', severity: 'error', kind: 'invalid_type', message: 'expected a map at the top of the file' });
    } else {
      merged = mergeOverlay(combined, overlay.value);
    }
  }

  const locate: Locator = (path, innerIndex, which) => {
    if (overlay?.has(path)) return position(overlay, path, innerIndex, which);
    const top = typeof path[0] === 'string' ? path[0] : '';
    const source = owner.get(top) ?? (overlay?.has([top]) ? overlay : undefined);
    if (source) return position(source, path, innerIndex, which);
    return { file: fileName(top === 'models' || top === 'agents' ? top : 'routing') };
  };

  const { config, errors, warnings } = validateConfig(merged, locate, options.providers === undefined ? {} : { providers: options.providers });
  const allErrors = [...issues.filter((i) => i.severity === 'error'), ...errors];
  const allWarnings = [...issues.filter((i) => i.severity === 'warning'), ...warnings];
  if (allErrors.length > 0 || !config) throw new ConfigError(allErrors, allWarnings);
  return { ...config, ...(environmentName !== undefined ? { environment: environmentName } : {}), warnings: allWarnings };
}

/** Reads `models.yaml`, `agents.yaml`, `routing.yaml` (or `.yml`) and `environments/<env>.yaml` from `dir`. */
export async function loadConfig(dir: string, givenOptions: LoadConfigOptions = {}): Promise<LoadedConfig> {
  if (typeof dir !== 'string' || dir.length === 0) throw new InvalidArgumentError('dir', 'expected a directory path');
  if (typeof givenOptions !== 'object' || givenOptions === null) throw new InvalidArgumentError('options', 'expected an object');
  const options = ownFields(givenOptions);
  if (options.environment !== undefined && typeof options.environment !== 'string') {
    throw new InvalidArgumentError('environment', 'expected the name of a file in environments/');
  }
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const read = async (relative: string[]): Promise<{ text: string; name: string } | undefined> => {
    for (const name of relative) {
      try {
        return { text: await readFile(join(dir, name), 'utf8'), name: join(dir, name) };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') continue;
        throw new ConfigError([
          { file: join(dir, name), path: '', severity: 'error', kind: 'read_error', message: `cannot read the file (${code ?? (error as Error).message})` },
        ]);
      }
    }
    return undefined;
  };
  const found: Partial<Record<keyof ParseConfigSources, { text: string; name: string }>> = {};
  const missing: ConfigIssue[] = [];
  for (const key of BASE_FILES) {
    const file = await read([`${key}.yaml`, `${key}.yml`]);
    if (file) found[key] = file;
    else if (key !== 'routing') {
      missing.push({ file: join(dir, `${key}.yaml`), path: '', severity: 'error', kind: 'missing_file', message: `${key}.yaml not found in ${dir}` });
    }
  }
  if (options.environment !== undefined) {
    if (!/^[\w.-]+$/.test(options.environment)) {
      throw new InvalidArgumentError('environment', `"${options.environment}" is not a valid environment name`);
    }
    const file = await read([`environments/${options.environment}.yaml`, `environments/${options.environment}.yml`]);
    if (file) found.environment = file;
    else {
      missing.push({
        file: join(dir, 'environments', `${options.environment}.yaml`),
        path: '',
        severity: 'error',
        kind: 'missing_file',
        message: `environment "${options.environment}" not found`,
      });
    }
  }
  if (missing.length > 0) throw new ConfigError(missing);
  return parseConfig(
    {
      models: found.models!.text,
      agents: found.agents!.text,
      ...(found.routing ? { routing: found.routing.text } : {}),
      ...(found.environment ? { environment: found.environment.text } : {}),
    },
    {
      ...(options.environment !== undefined ? { environmentName: options.environment } : {}),
      ...(options.providers !== undefined ? { providers: options.providers } : {}),
      fileNames: {
        models: found.models!.name,
        agents: found.agents!.name,
        ...(found.routing ? { routing: found.routing.name } : {}),
        ...(found.environment ? { environment: found.environment.name } : {}),
      },
    },
  );
}

function position(source: YamlSource, path: readonly PathSegment[], innerIndex?: number, which: 'key' | 'value' = 'value') {
  const pos = source.positionOf(path, which, innerIndex);
  return pos ? { file: source.file, line: pos.line, column: pos.column } : { file: source.file };
}

/** Maps merge key by key; lists and scalars in the overlay replace the base's. */
export function mergeOverlay(base: Record<string, unknown>, overlay: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const existing = out[key];
    const next = isRecord(existing) && isRecord(value) ? mergeOverlay(existing, value) : value;
    // defineProperty, not assignment: a key named "__proto__" must stay data, never a prototype.
    Object.defineProperty(out, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
