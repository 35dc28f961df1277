// Typed errors. Every error carries a stable string `code`, and every class has a static
// `isInstance` that survives two copies of this package in one dependency tree (it checks a
// Symbol.for marker, not the prototype chain). This file holds the base and the errors of
// configuration and routing; the errors of making a call are in call-errors.ts.

const MARKER = Symbol.for('llm-agent-router.error');

/** A place in a configuration file: 1-based line and column. */
export interface SourcePosition {
  file?: string;
  line?: number;
  column?: number;
}

/** An epoch-ms time as ISO 8601, or the raw number when it is outside the Date range. */
export function formatTime(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? `${epochMs} ms` : date.toISOString();
}

/** Every `code` a `RouterError` can carry. */
export type RouterErrorCode =
  | 'CONFIG_INVALID'
  | 'CONDITION_SYNTAX'
  | 'UNKNOWN_AGENT'
  | 'UNKNOWN_MODEL'
  | 'UNKNOWN_STRATEGY'
  | 'UNKNOWN_EXPERIMENT'
  | 'INVALID_ARGUMENT'
  | 'NO_ELIGIBLE_MODEL'
  | 'BUDGET_EXCEEDED'
  | 'PROVIDER_ERROR'
  | 'ALL_MODELS_FAILED'
  | 'REQUEST_REJECTED'
  | 'ABORTED'
  | 'STREAM_INTERRUPTED'
  | 'PROVIDER_NOT_CONFIGURED'
  | 'WORKLOAD_INVALID'
  | 'STATE_UNAVAILABLE';

function lineage(error: object): string[] {
  return (error as { [MARKER]?: string[] })[MARKER] ?? [];
}

export class RouterError extends Error {
  /** The error names this instance answers to in `isInstance`, most specific first. */
  declare readonly [MARKER]: string[];
  readonly code: RouterErrorCode;

  constructor(code: RouterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = 'RouterError';
    Object.defineProperty(this, MARKER, { value: ['RouterError'], enumerable: false });
  }

  /** Adds `name` to the lineage; called by each subclass constructor. */
  protected brand(name: string): void {
    this.name = name;
    lineage(this).unshift(name);
  }

  static isInstance(value: unknown): value is RouterError {
    return hasLineage(value, 'RouterError');
  }
}

/** Whether `value` is a router error of class `name` (or a subclass), from any copy of the package. */
export function hasLineage(value: unknown, name: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  try {
    const names = lineage(value);
    return Array.isArray(names) && names.includes(name);
  } catch {
    // A hostile value (a Proxy whose traps throw) is no router error; a type guard never throws.
    return false;
  }
}

/** One problem found in a configuration. */
export interface ConfigIssue extends SourcePosition {
  /** Dotted path inside the file's document, e.g. `agents.cto_agent.routing_rules[1].model`. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
  /** A short machine-readable kind, e.g. `unknown_model`, `invalid_type`, `unreachable_rule`. */
  kind: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.file
    ? `${issue.file}${issue.line ? `:${issue.line}:${issue.column ?? 1}` : ''}`
    : issue.line
      ? `${issue.line}:${issue.column ?? 1}`
      : '';
  return `${where ? `${where} ` : ''}${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

/** The configuration is invalid. `issues` lists every error found, not just the first. */
export class ConfigError extends RouterError {
  readonly issues: ConfigIssue[];
  readonly warnings: ConfigIssue[];

  constructor(issues: ConfigIssue[], warnings: ConfigIssue[] = [], options?: { cause?: unknown }) {
    const count = issues.length;
    super(
      'CONFIG_INVALID',
      `Invalid router configuration (${count} error${count === 1 ? '' : 's'}):\n` +
        issues.map((issue) => `  - ${formatIssue(issue)}`).join('\n'),
      options,
    );
    this.brand('ConfigError');
    this.issues = issues;
    this.warnings = warnings;
  }

  static override isInstance(value: unknown): value is ConfigError {
    return hasLineage(value, 'ConfigError');
  }
}

/** A condition string could not be parsed or uses something the condition language forbids. */
export class ConditionSyntaxError extends RouterError {
  readonly source: string;
  /** 0-based character index in `source` where the problem was found. */
  readonly index: number;
  readonly reason: string;

  constructor(source: string, index: number, reason: string) {
    const shown = source.length > 120 ? `${source.slice(0, 117)}...` : source;
    super('CONDITION_SYNTAX', `${reason} at character ${index} in condition "${shown}"`);
    this.brand('ConditionSyntaxError');
    this.source = source;
    this.index = index;
    this.reason = reason;
  }

  static override isInstance(value: unknown): value is ConditionSyntaxError {
    return hasLineage(value, 'ConditionSyntaxError');
  }
}

export class UnknownAgentError extends RouterError {
  readonly agentId: string;
  constructor(agentId: string, known: readonly string[]) {
    super('UNKNOWN_AGENT', `Unknown agent "${agentId}". Known agents: ${known.join(', ') || '(none)'}`);
    this.brand('UnknownAgentError');
    this.agentId = agentId;
  }
  static override isInstance(value: unknown): value is UnknownAgentError {
    return hasLineage(value, 'UnknownAgentError');
  }
}

export class UnknownModelError extends RouterError {
  readonly modelId: string;
  constructor(modelId: string, known: readonly string[], where?: string) {
    super(
      'UNKNOWN_MODEL',
      `Unknown model "${modelId}"${where ? ` (${where})` : ''}. Known models: ${known.join(', ') || '(none)'}`,
    );
    this.brand('UnknownModelError');
    this.modelId = modelId;
  }
  static override isInstance(value: unknown): value is UnknownModelError {
    return hasLineage(value, 'UnknownModelError');
  }
}

export class UnknownStrategyError extends RouterError {
  readonly strategy: string;
  constructor(strategy: string, known: readonly string[]) {
    super('UNKNOWN_STRATEGY', `Unknown routing strategy "${strategy}". Known strategies: ${known.join(', ')}`);
    this.brand('UnknownStrategyError');
    this.strategy = strategy;
  }
  static override isInstance(value: unknown): value is UnknownStrategyError {
    return hasLineage(value, 'UnknownStrategyError');
  }
}

export class UnknownExperimentError extends RouterError {
  readonly experiment: string;
  constructor(experiment: string, known: readonly string[]) {
    super('UNKNOWN_EXPERIMENT', `Unknown experiment "${experiment}". Known experiments: ${known.join(', ') || '(none)'}`);
    this.brand('UnknownExperimentError');
    this.experiment = experiment;
  }
  static override isInstance(value: unknown): value is UnknownExperimentError {
    return hasLineage(value, 'UnknownExperimentError');
  }
}

/** An argument passed to the API is malformed (a bad duration, a non-object task, ...). */
export class InvalidArgumentError extends RouterError {
  readonly argument: string;
  constructor(argument: string, message: string) {
    super('INVALID_ARGUMENT', `Invalid ${argument}: ${message}`);
    this.brand('InvalidArgumentError');
    this.argument = argument;
  }
  static override isInstance(value: unknown): value is InvalidArgumentError {
    return hasLineage(value, 'InvalidArgumentError');
  }
}

/**
 * No model satisfies the hard constraints (privacy, local-only, availability). Thrown instead of
 * ever sending restricted data to a model that may not see it.
 */
export class NoEligibleModelError extends RouterError {
  readonly agentId: string;
  readonly constraints: readonly string[];
  readonly trace: readonly unknown[];
  /** When the first unavailable model becomes available again (epoch ms), if known. */
  readonly retryAt: number | undefined;
  constructor(
    agentId: string,
    constraints: readonly string[],
    trace: readonly unknown[],
    retryAt?: number,
  ) {
    super(
      'NO_ELIGIBLE_MODEL',
      `No model is eligible for agent "${agentId}" under the active constraints: ${constraints.join('; ') || '(none)'}` +
        (retryAt !== undefined ? `. The first model becomes available at ${formatTime(retryAt)}` : ''),
    );
    this.brand('NoEligibleModelError');
    this.agentId = agentId;
    this.constraints = constraints;
    this.trace = trace;
    this.retryAt = retryAt;
  }
  static override isInstance(value: unknown): value is NoEligibleModelError {
    return hasLineage(value, 'NoEligibleModelError');
  }
}

/** A call would take today's spend past the daily budget and no local model can serve instead. */
export class BudgetExceededError extends RouterError {
  readonly agentId: string;
  readonly budgetUsd: number;
  readonly spentUsd: number;
  readonly requestedUsd: number;
  /** Set when no limit was reached but the ledger could not be asked (its store is unreachable and fails closed). */
  readonly ledgerUnavailable: string | undefined;
  constructor(agentId: string, budgetUsd: number, spentUsd: number, requestedUsd: number, ledgerUnavailable?: string) {
    super(
      'BUDGET_EXCEEDED',
      ledgerUnavailable !== undefined
        ? `Call for agent "${agentId}" refused: the cost ledger cannot be reached (${ledgerUnavailable}) and fails closed; this call needs $${requestedUsd.toFixed(6)}`
        : `Daily budget of $${budgetUsd.toFixed(2)} exceeded for agent "${agentId}": ` +
            `$${spentUsd.toFixed(6)} spent or reserved, this call needs $${requestedUsd.toFixed(6)}`,
    );
    this.brand('BudgetExceededError');
    this.agentId = agentId;
    this.budgetUsd = budgetUsd;
    this.spentUsd = spentUsd;
    this.requestedUsd = requestedUsd;
    this.ledgerUnavailable = ledgerUnavailable;
  }
  static override isInstance(value: unknown): value is BudgetExceededError {
    return hasLineage(value, 'BudgetExceededError');
  }
}

/** A shared store (Redis) did not answer in time or failed; `operation` says what was asked of it. */
export class StateUnavailableError extends RouterError {
  readonly store: string;
  readonly operation: string;
  /** Why, without the store and the operation. */
  readonly reason: string;
  /** The store did not answer in time: the command may still have run. */
  readonly timedOut: boolean;
  constructor(store: string, operation: string, reason: string, options?: { cause?: unknown; timedOut?: boolean }) {
    super('STATE_UNAVAILABLE', `The ${store} could not ${operation}: ${reason}`, options);
    this.brand('StateUnavailableError');
    this.store = store;
    this.operation = operation;
    this.reason = reason;
    this.timedOut = options?.timedOut ?? false;
  }
  static override isInstance(value: unknown): value is StateUnavailableError {
    return hasLineage(value, 'StateUnavailableError');
  }
}
