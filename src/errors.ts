// Typed errors. Every error carries a stable string `code`, and every class has a static
// `isInstance` that survives two copies of this package in one dependency tree (it checks a
// Symbol.for marker, not the prototype chain).

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
  | 'INVALID_ARGUMENT'
  | 'NO_ELIGIBLE_MODEL'
  | 'BUDGET_EXCEEDED'
  | 'PROVIDER_ERROR'
  | 'ALL_MODELS_FAILED'
  | 'REQUEST_REJECTED'
  | 'ABORTED'
  | 'STREAM_INTERRUPTED'
  | 'PROVIDER_NOT_CONFIGURED'
  | 'WORKLOAD_INVALID';

/**
 * What went wrong in a provider call:
 * - `http`: an HTTP error status not covered below (401, 403, 404, 408, 409, 429, 5xx, ...);
 * - `bad_request`: the provider rejected the request as malformed (400, 422) — not retried, not
 *   sent down the fallback chain;
 * - `context_length`: the request does not fit the model's context (falls back);
 * - `content_filter`: the provider refused the content (falls back);
 * - `timeout`, `connection`: transport failures (retried);
 * - `abort`: the caller's signal fired;
 * - `invalid_response`: the server answered 2xx with something that is not its protocol;
 * - `bad_response`: the adapter returned something that is not a response (no content, bad usage);
 * - `stream_interrupted`: a stream failed after its first part;
 * - `other`: anything else.
 */
export type ProviderErrorKind =
  | 'http'
  | 'bad_request'
  | 'context_length'
  | 'content_filter'
  | 'timeout'
  | 'connection'
  | 'abort'
  | 'invalid_response'
  | 'bad_response'
  | 'stream_interrupted'
  | 'other';

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

function hasLineage(value: unknown, name: string): boolean {
  return typeof value === 'object' && value !== null && lineage(value).includes(name);
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
  constructor(agentId: string, budgetUsd: number, spentUsd: number, requestedUsd: number) {
    super(
      'BUDGET_EXCEEDED',
      `Daily budget of $${budgetUsd.toFixed(2)} exceeded for agent "${agentId}": ` +
        `$${spentUsd.toFixed(6)} spent or reserved, this call needs $${requestedUsd.toFixed(6)}`,
    );
    this.brand('BudgetExceededError');
    this.agentId = agentId;
    this.budgetUsd = budgetUsd;
    this.spentUsd = spentUsd;
    this.requestedUsd = requestedUsd;
  }
  static override isInstance(value: unknown): value is BudgetExceededError {
    return hasLineage(value, 'BudgetExceededError');
  }
}

/** A provider call failed. Adapters map their SDK's errors to this. */
export class ProviderError extends RouterError {
  readonly provider: string;
  readonly modelId: string | undefined;
  /** HTTP status, when the failure had one. */
  readonly status: number | undefined;
  /** Whether retrying the same call may succeed (408, 409, 429, >= 500, timeouts, connection errors). */
  readonly retryable: boolean;
  /** Milliseconds the provider asked us to wait (Retry-After), when it said. */
  readonly retryAfterMs: number | undefined;
  /** What went wrong; see `ProviderErrorKind`. */
  readonly kind: ProviderErrorKind;

  constructor(
    message: string,
    details: {
      provider: string;
      modelId?: string;
      status?: number;
      retryable?: boolean;
      retryAfterMs?: number;
      kind?: ProviderErrorKind;
      cause?: unknown;
    },
  ) {
    super('PROVIDER_ERROR', message, { cause: details.cause });
    this.brand('ProviderError');
    this.provider = details.provider;
    this.modelId = details.modelId;
    this.status = details.status;
    this.kind = details.kind ?? (details.status !== undefined ? 'http' : 'other');
    this.retryable = details.retryable ?? isRetryableStatus(details.status);
    this.retryAfterMs = details.retryAfterMs;
  }
  static override isInstance(value: unknown): value is ProviderError {
    return hasLineage(value, 'ProviderError');
  }
}

/** 408, 409, 429 and every 5xx are worth retrying; other statuses are not. */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}


/** One try of one model during `complete()` or `stream()`. */
export interface AttemptRecord {
  modelId: string;
  /** 1 for the first try of this model, 2 for its first retry, ... */
  attempt: number;
  ok: boolean;
  durationMs: number;
  /** Set when the model was not called at all: `circuit_open`, `cooling_down`, `rate_limited`, `budget`, `no_provider`. */
  skipped?: string;
  error?: unknown;
}

/**
 * Every model in the decision's chain failed or was skipped. Carries every attempt, the errors,
 * the last error, and when the first model becomes available again (if that is known).
 */
export class AllModelsFailedError extends RouterError {
  readonly agentId: string;
  readonly attempts: readonly AttemptRecord[];
  readonly errors: readonly unknown[];
  readonly lastError: unknown;
  /** Epoch ms when the first cooling-down or open-circuit model may be tried again. */
  readonly retryAt: number | undefined;
  constructor(agentId: string, attempts: readonly AttemptRecord[], retryAt?: number) {
    const errors = attempts.filter((a) => a.error !== undefined).map((a) => a.error);
    const summary = attempts
      .map((a) => `${a.modelId}#${a.attempt}: ${a.skipped ? `skipped (${a.skipped})` : a.error instanceof Error ? a.error.message : 'failed'}`)
      .join('; ');
    super(
      'ALL_MODELS_FAILED',
      `Every model failed for agent "${agentId}": ${summary || 'no model was tried'}` +
        (retryAt !== undefined ? `. The first model becomes available at ${formatTime(retryAt)}` : ''),
      { cause: errors[errors.length - 1] },
    );
    this.brand('AllModelsFailedError');
    this.agentId = agentId;
    this.attempts = attempts;
    this.errors = errors;
    this.lastError = errors[errors.length - 1];
    this.retryAt = retryAt;
  }
  static override isInstance(value: unknown): value is AllModelsFailedError {
    return hasLineage(value, 'AllModelsFailedError');
  }
}

/**
 * A provider rejected the request as malformed (HTTP 400 or 422 other than a context-length or
 * content-policy refusal). Another model would reject it too, so it is neither retried nor sent
 * down the fallback chain: the request needs fixing.
 */
export class RequestRejectedError extends RouterError {
  readonly agentId: string;
  /** The model that rejected the request. */
  readonly modelId: string;
  readonly attempts: readonly AttemptRecord[];
  constructor(agentId: string, modelId: string, attempts: readonly AttemptRecord[], cause: unknown) {
    super(
      'REQUEST_REJECTED',
      `The request was rejected as malformed by "${modelId}" for agent "${agentId}": ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.brand('RequestRejectedError');
    this.agentId = agentId;
    this.modelId = modelId;
    this.attempts = attempts;
  }
  static override isInstance(value: unknown): value is RequestRejectedError {
    return hasLineage(value, 'RequestRejectedError');
  }
}

/** The caller aborted the request (its AbortSignal fired). */
export class RequestAbortedError extends RouterError {
  constructor(reason?: unknown) {
    super('ABORTED', `The request was aborted${reason instanceof Error ? `: ${reason.message}` : ''}`, { cause: reason });
    this.brand('RequestAbortedError');
  }
  static override isInstance(value: unknown): value is RequestAbortedError {
    return hasLineage(value, 'RequestAbortedError');
  }
}

/** A stream failed after its first token: the answer is incomplete. Never a silent truncated success. */
export class StreamInterruptedError extends RouterError {
  readonly modelId: string;
  /** The text received before the failure. */
  readonly partialText: string;
  constructor(modelId: string, partialText: string, cause: unknown) {
    super('STREAM_INTERRUPTED', `The stream from "${modelId}" failed after ${partialText.length} characters: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.brand('StreamInterruptedError');
    this.modelId = modelId;
    this.partialText = partialText;
  }
  static override isInstance(value: unknown): value is StreamInterruptedError {
    return hasLineage(value, 'StreamInterruptedError');
  }
}

/** No provider adapter is configured for a model's `provider`. */
export class ProviderNotConfiguredError extends RouterError {
  readonly modelId: string;
  readonly provider: string;
  constructor(modelId: string, provider: string) {
    super('PROVIDER_NOT_CONFIGURED', `No provider adapter is configured for model "${modelId}" (provider "${provider}"): pass one in createRouter({ providers: { ${provider}: ... } })`);
    this.brand('ProviderNotConfiguredError');
    this.modelId = modelId;
    this.provider = provider;
  }
  static override isInstance(value: unknown): value is ProviderNotConfiguredError {
    return hasLineage(value, 'ProviderNotConfiguredError');
  }
}
