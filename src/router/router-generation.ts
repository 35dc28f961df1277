// One configuration as the router runs it: validated, compiled, with the ids tooling lists and the
// request inspector built on it. `createRouter` builds one; `router.reload` builds the next and
// swaps it in whole, so a decision never sees half of each.
import type { LoadedConfig } from '../config/load-config.js';
import type { RouterConfigInput } from '../config/schema.js';
import { INHERITED_FIELD } from '../config/check-shape.js';
import { validateConfig } from '../config/validate-config.js';
import { inheritsFromOwnPrototype } from '../own-data.js';
import { ConfigError, InvalidArgumentError, type ConfigIssue } from '../errors.js';
import { defaultPiiDetector, withPiiAllowList } from '../privacy/index.js';
import { DEFAULT_SCAN_LIMITS } from '../request/collect-text.js';
import { charsPerTokenEstimator } from '../request/token-estimator.js';
import { compileConfig, type CompiledConfig } from '../routing/compile-config.js';
import type { StateSources } from './gather-state.js';
import type { Inspector } from './inspect-request.js';
import { definedOnly } from '../defined-only.js';
import type { RouterOptions } from './router-api.js';

export interface Generation {
  readonly compiled: CompiledConfig;
  readonly validated: RouterConfigInput;
  readonly warnings: readonly ConfigIssue[];
  readonly environment: string | undefined;
  readonly agentIds: readonly string[];
  readonly modelIds: readonly string[];
  readonly strategyNames: readonly string[];
  readonly inspector: Inspector;
  /** What each decision's state is gathered from: set by the router (which owns the rest) before use. */
  sources?: StateSources;
}

/** Validates and compiles `config`; throws `ConfigError` listing every problem. */
export function buildGeneration(config: LoadedConfig | RouterConfigInput, options: RouterOptions): Generation {
  if (typeof config !== 'object' || config === null) {
    throw new InvalidArgumentError('config', 'expected a configuration object { models, agents, routing } or the result of loadConfig()');
  }
  // The configuration's own fields only (a rest copy takes own fields; the two named ones are read
  // the same way): nothing planted on Object.prototype is its environment or its warnings.
  const { environment: _environment, warnings: _warnings, ...input } = config as Partial<LoadedConfig> & RouterConfigInput;
  const environment = Object.hasOwn(config, 'environment') ? _environment : undefined;
  const loadWarnings = Object.hasOwn(config, 'warnings') ? _warnings : undefined;
  // A section the configuration inherits from a prototype of the caller's (a class's getter,
  // Object.create) is refused: the copy below takes own fields only and would drop it without a word.
  const inherited: ConfigIssue[] = [];
  for (const key of ['models', 'agents', 'routing', 'metrics']) {
    if (inheritsFromOwnPrototype(config, key)) inherited.push({ path: key, severity: 'error', kind: 'invalid', message: INHERITED_FIELD });
  }
  if (inherited.length > 0) throw new ConfigError(inherited);
  const validation = validateConfig(input, undefined, { providers: Object.keys(options.providers ?? {}) });
  if (validation.errors.length > 0 || !validation.config) throw new ConfigError(validation.errors, validation.warnings);
  const compiled = compileConfig(validation.config, environment);
  return {
    compiled,
    validated: validation.config,
    warnings: loadWarnings ?? validation.warnings,
    environment,
    agentIds: [...compiled.agents.keys()],
    modelIds: [...compiled.models.keys()],
    strategyNames: [...compiled.strategies.keys()],
    inspector: {
      compiled,
      piiDetector: withPiiAllowList(options.piiDetector ?? defaultPiiDetector, compiled.piiAllowPatterns),
      tokenEstimator: options.tokenEstimator ?? charsPerTokenEstimator,
      scanLimits: { ...DEFAULT_SCAN_LIMITS, ...definedOnly(options.scanLimits ?? {}) },
    },
  };
}
