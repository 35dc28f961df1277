// createRouter: validates and compiles a configuration once, then for each request gathers the
// state a decision needs (clock, ledger spend, overrides, what the request holds and needs, model
// health, the experiments' live split) and hands it to the pure decide(); complete() and stream()
// then make the call. `reload` swaps in a whole new configuration; state carries over.
import { abortableSleep } from '../abortable-sleep.js';
import type { LoadedConfig } from '../config/load-config.js';
import { MAX_TIMER_MS, type RouterConfigInput } from '../config/schema.js';
import { InvalidArgumentError, NoEligibleModelError, UnknownAgentError } from '../errors.js';
import { Observed } from '../execution/call-observer.js';
import { createExecutor, type Executor } from '../execution/create-executor.js';
import { createAdapterLookup } from '../execution/provider-registry.js';
import { ResponseCache } from '../execution/response-cache.js';
import type { CompletionResult } from '../execution/types.js';
import { RouterMetrics } from '../metrics/router-metrics.js';
import { createMockProvider } from '../providers/mock.js';
import type { NormalizedRequest } from '../request/types.js';
import { decide } from '../routing/decide.js';
import type { RoutingContext, RoutingDecision, Task } from '../routing/types.js';
import { ledgerDay, microsToUsd, type SpendSnapshot } from '../state/cost-ledger.js';
import { MemoryLedger } from '../state/memory-ledger.js';
import { ModelHealth } from '../state/model-health.js';
import { SHARED_STATE_TIMEOUT_MS } from '../state/guarded-shared-state.js';
import { checkTask } from './check-task.js';
import { Experiments } from './experiment-control.js';
import { budgetInForce, gatherState } from './gather-state.js';
import { inspectRequest, privacyReasonOf } from './inspect-request.js';
import { OverrideStore } from './runtime-overrides.js';
import type { BudgetStatus, ReloadResult, Router, RouterChangeEvent, RouterEvent, RouterOptions } from './router-api.js';
import { RESERVATION_TTL_MS, RETRY_DEFAULTS, TIMEOUT_DEFAULTS } from './router-defaults.js';
import { definedOnly } from '../defined-only.js';
import { isPromiseLike } from '../maybe-promise.js';
import { buildGeneration, type Generation } from './router-generation.js';
import { ownRouterOptions } from './router-options.js';

export type { BudgetStatus, Feedback, ReloadResult, Router, RouterChangeEvent, RouterEvent, RouterLogger, RouterOptions } from './router-api.js';

const EMPTY_CONTEXT: RoutingContext = Object.freeze({});

/**
 * Creates a router from a loaded configuration (`loadConfig`, `parseConfig`) or a plain object
 * `{ models, agents, routing }`. Throws `ConfigError` listing every problem.
 */
export function createRouter(config: LoadedConfig | RouterConfigInput, given: RouterOptions = {}): Router {
  if (typeof given !== 'object' || given === null) throw new InvalidArgumentError('options', 'expected an object');
  // Read once, the caller's own options only: nothing planted on Object.prototype is an option.
  const options = ownRouterOptions(given);
  checkOptions(options);
  /** The configuration in force; replaced whole by `reload`. */
  let current = buildGeneration(config, options);
  const clock = options.clock ?? Date.now;
  const ledger = options.ledger ?? new MemoryLedger();
  const logger = options.logger ?? console;
  const traceDecisions = options.trace ?? true;
  const metrics = new RouterMetrics();
  const listeners = new Set<(event: RouterEvent) => void>();
  const changeListeners = new Set<(event: RouterChangeEvent) => void>();
  const overrides = new OverrideStore({ agents: () => current.agentIds, models: () => current.modelIds, strategies: () => current.strategyNames }, clock);
  // A store that is down fails on every call: its failures are logged once a minute per operation.
  const sharedWarnedAt = new Map<string, number>();
  const warnSharedFailure = (operation: string, error: unknown) => {
    const at = Date.now();
    if (at - (sharedWarnedAt.get(operation) ?? Number.NEGATIVE_INFINITY) < 60_000) return;
    sharedWarnedAt.set(operation, at);
    logger.warn?.(`[llm-agent-router] the shared model state failed (${operation}); going on with this instance's own view`, error);
  };
  const health = new ModelHealth(current.compiled.models.values(), {
    approachingShare: current.compiled.rateLimitThreshold,
    ...(options.circuitBreaker ? { breaker: options.circuitBreaker } : {}),
    ...(options.modelState ? { shared: options.modelState, sharedTimeoutMs: options.modelStateTimeoutMs ?? SHARED_STATE_TIMEOUT_MS, onSharedError: warnSharedFailure } : {}),
  });
  const warn = (message: string, details?: unknown) => logger.warn?.(`[llm-agent-router] ${message}`, details);

  function emitTo<E>(targets: Set<(event: E) => void>, event: E): void {
    for (const listener of targets) {
      try {
        listener(event);
      } catch (error) {
        warn('an event listener threw; ignored', error);
      }
    }
  }
  const emit = (event: RouterEvent) => emitTo(listeners, event);
  const emitChange = (event: RouterChangeEvent) => emitTo(changeListeners, event);

  const experiments = new Experiments(current.compiled.experiments, metrics.experiments, clock, (experiment, reason) => emitChange({ type: 'experiment_changed', experiment, reason }), options.random);
  /** What each decision's state is gathered from, made once per configuration. */
  const withSources = (g: Generation): Generation => {
    g.sources = { compiled: g.compiled, overrides, health, experiments };
    return g;
  };
  withSources(current);

  function finish(decision: RoutingDecision, verbose: boolean): RoutingDecision {
    metrics.recordDecision(decision);
    if (decision.experiment) experiments.assigned(decision);
    if (verbose) {
      // One line a decision at info; the whole decision, trace included, at debug.
      const line = `[llm-agent-router] ${decision.agentId} → ${decision.modelId} (${decision.source}, strategy ${decision.strategy}): ${decision.reason}`;
      logger.info?.(line);
      logger.debug?.(line, decision);
    }
    if (listeners.size > 0) emit({ type: 'decision', decision });
    return decision;
  }

  const warned = new Set<string>();
  /** A note on a task, logged the first time it is seen (the trace carries it every time). */
  const warnOnce = (note: string) => {
    if (warned.has(note) || warned.size >= 100) return;
    warned.add(note);
    logger.warn?.(`[llm-agent-router] ${note}`);
  };

  /**
   * route() for a task, or for the request complete() and stream() are about to send, on the
   * configuration `g` (the one in force when the call began). `explain` leaves no mark.
   */
  function routeFor(g: Generation, agentId: string, given: Task, context: RoutingContext, request: NormalizedRequest | undefined, explain = false): Promise<RoutingDecision> {
    // Not an async function: with a ledger that answers at once (the in-memory one), the decision is
    // made here and handed back settled, without an async frame and its hops.
    try {
      const { compiled } = g;
      if (typeof agentId !== 'string' || !compiled.agents.has(agentId)) throw new UnknownAgentError(String(agentId), g.agentIds);
      checkObject('task', given);
      checkObject('context', context);
      const { task, notes } = checkTask(given);
      const now = clock();
      if (!Number.isFinite(now) || Math.abs(now) > MAX_EPOCH_MS) {
        throw new InvalidArgumentError('clock', `the clock returned ${String(now)}, not epoch milliseconds`);
      }
      const snapshot = ledger.snapshot({ day: ledgerDay(now), agentId, now });
      // With a shared model state, what every instance counted and blocked is read alongside the spend.
      const refreshed = health.sharesState ? health.refresh(now) : undefined;
      if (!isPromiseLike(snapshot) && !refreshed) return Promise.resolve(decideWith(g, agentId, task, notes, context, request, explain, snapshot, now));
      // Both awaited together: when both fail, the second failure is not left unhandled.
      return Promise.all([snapshot, refreshed]).then(([spend]) => decideWith(g, agentId, task, notes, context, request, explain, spend, now));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The rest of routeFor, once the spend (and the shared model state) is known. */
  function decideWith(
    g: Generation,
    agentId: string,
    task: Task,
    notes: readonly string[],
    context: RoutingContext,
    request: NormalizedRequest | undefined,
    explain: boolean,
    spend: SpendSnapshot,
    now: number,
  ): RoutingDecision {
    const { compiled } = g;
    if (!explain) for (const note of notes) warnOnce(note);
    const inspection = inspectRequest(g.inspector, task, request);
    const state = gatherState(g.sources!, agentId, task, context, spend, inspection, now);
    if (notes.length > 0) state.notes = notes;
    const verbose = !explain && (options.verbose ?? compiled.verboseRoutingLogs);
    const tracing = explain || traceDecisions || verbose;
    try {
      const decision = decide(compiled, agentId, task, context, state, tracing);
      return explain ? decision : finish(decision, verbose);
    } catch (error) {
      // decide() is pure: run it again with the trace, so the refusal explains itself.
      if (!tracing && NoEligibleModelError.isInstance(error)) decide(compiled, agentId, task, context, state, true);
      throw error;
    }
  }

  let warnedMock = false;
  const adapterFor = createAdapterLookup(options.providers, () => {
    if (!warnedMock) {
      warnedMock = true;
      logger.warn?.('[llm-agent-router] no providers configured: every model is served by the mock provider');
    }
    return createMockProvider({ clock });
  });
  // One response cache per configuration: a reloaded model of the same id may be another model.
  const executorFor = (g: Generation): Executor =>
    createExecutor({
      compiled: g.compiled,
      clock,
      ledger,
      health,
      metrics,
      tokenEstimator: g.inspector.tokenEstimator,
      privacyReasonOf: (request) => privacyReasonOf(g.inspector, request),
      warn,
      emit: (event) => {
        logger.warn?.(`[llm-agent-router] ${event.modelId} billed $${event.actualUsd} for a call ${event.agentId} reserved $${event.reservedUsd} for`, event);
        if (listeners.size > 0) emit(event);
      },
      adapterFor,
      retry: { ...RETRY_DEFAULTS, ...definedOnly(options.retry ?? {}) },
      sleep: options.sleep ?? abortableSleep,
      reservationTtlMs: options.reservationTtlMs ?? RESERVATION_TTL_MS,
      timeouts: { ...TIMEOUT_DEFAULTS, ...definedOnly(options.timeouts ?? {}) },
      route: (agentId, task, context, request) => routeFor(g, agentId, task, context, request),
      cache: new ResponseCache<CompletionResult>(options.cache),
      observer: options.observer,
      onOutcome: (decision, outcome) => {
        metrics.experiments.outcome(decision.experiment!.name, decision.experiment!.variant, outcome);
        experiments.servedBy(decision, outcome.servedModelId);
      },
    });
  let executor = executorFor(current);

  function observedRoute(agentId: string, task: Task, context: RoutingContext): Promise<RoutingDecision> {
    const observed = Observed.start(options.observer, 'route', agentId, clock, warn);
    if (!observed) return routeFor(current, agentId, task, context, undefined);
    return routeFor(current, agentId, task, context, undefined).then(
      (decision) => {
        observed.decided(decision);
        observed.end({ decision, attempts: [] });
        return decision;
      },
      (error: unknown) => {
        observed.end({ decision: undefined, attempts: [], error });
        throw error;
      },
    );
  }

  function reload(next: LoadedConfig | RouterConfigInput): ReloadResult {
    // Everything that can fail runs before anything changes: an invalid config leaves the old in force.
    const generation = withSources(buildGeneration(next, options));
    const nextExecutor = executorFor(generation);
    current = generation;
    executor = nextExecutor;
    health.setModels(generation.compiled.models.values(), generation.compiled.rateLimitThreshold);
    experiments.configure(generation.compiled.experiments);
    const dropped = overrides.dropUnknown();
    emitChange({ type: 'config_reloaded', environment: generation.environment, warnings: generation.warnings });
    for (const { override, reason } of dropped) emitChange({ type: 'override_dropped', override, reason });
    return { warnings: generation.warnings, droppedOverrides: dropped.map(({ override }) => override) };
  }

  async function budget(): Promise<BudgetStatus> {
    const now = clock();
    const day = ledgerDay(now);
    const report = await ledger.report(day);
    const override = overrides.isEmpty ? undefined : overrides.strategyAt(now);
    const strategy = override?.value ?? current.compiled.defaultStrategy.name;
    const budgetUsd = budgetInForce(current.compiled, strategy);
    const spentUsd = microsToUsd(report.totalMicros);
    const reservedUsd = microsToUsd(report.reservedMicros);
    const usd = (byId: Record<string, number>) => Object.fromEntries(Object.entries(byId).map(([id, micros]) => [id, microsToUsd(micros)]));
    return {
      day,
      spentUsd,
      reservedUsd,
      budgetUsd,
      remainingUsd: budgetUsd === undefined ? undefined : Math.max(0, microsToUsd(Math.round(budgetUsd * 1e6) - report.totalMicros - report.reservedMicros)),
      strategy,
      byAgent: usd(report.byAgent),
      byModel: usd(report.byModel),
      calls: report.calls,
    };
  }

  const subscribe = <E>(targets: Set<(event: E) => void>, listener: (event: E) => void) => {
    if (typeof listener !== 'function') throw new InvalidArgumentError('listener', 'expected a function');
    targets.add(listener);
    return () => {
      targets.delete(listener);
    };
  };

  return {
    route: options.observer
      ? (agentId: string, task: Task = {}, context: RoutingContext = EMPTY_CONTEXT) => observedRoute(agentId, task, context)
      : (agentId: string, task: Task = {}, context: RoutingContext = EMPTY_CONTEXT) => routeFor(current, agentId, task, context, undefined),
    explain: (agentId: string, task: Task = {}, context: RoutingContext = EMPTY_CONTEXT) => routeFor(current, agentId, task, context, undefined, true),
    execute: (agentId, executeOptions, attempt) => executor.execute(agentId, executeOptions, attempt),
    complete: (agentId, request, completeOptions) => executor.complete(agentId, request, completeOptions),
    stream: (agentId, request, completeOptions) => executor.stream(agentId, request, completeOptions),
    record: (decision, usage, recordOptions) => executor.record(decision, usage, recordOptions),
    modelState: (modelId: string) => health.stateOf(modelId, clock()),
    overrides,
    get config() {
      return current.validated;
    },
    get warnings() {
      return current.warnings;
    },
    get environment() {
      return current.environment;
    },
    ledger,
    reload,
    experiments,
    feedback: (target, feedback) => experiments.feedback(target, feedback),
    budget,
    async metrics() {
      const report = await ledger.report(ledgerDay(clock()));
      const costPerAgent: Record<string, number> = {};
      for (const [agent, micros] of Object.entries(report.byAgent)) costPerAgent[agent] = microsToUsd(micros);
      return metrics.snapshot(costPerAgent, (experiment, variant) => experiments.shareOf(experiment, variant));
    },
    on: (listener: (event: RouterEvent) => void) => subscribe(listeners, listener),
    onChange: (listener: (event: RouterChangeEvent) => void) => subscribe(changeListeners, listener),
    agentIds: () => [...current.agentIds],
    modelIds: () => [...current.modelIds],
    strategyNames: () => [...current.strategyNames],
  };
}

function checkOptions(options: RouterOptions): void {
  for (const [name, ms] of Object.entries(options.timeouts ?? {})) {
    if (ms !== undefined && !(typeof ms === 'number' && ms > 0 && (ms <= MAX_TIMER_MS || ms === Number.POSITIVE_INFINITY))) {
      throw new InvalidArgumentError(`options.timeouts.${name}`, `expected a positive number of milliseconds up to ${MAX_TIMER_MS} (about 24.8 days), or Infinity for none; got ${String(ms)}`);
    }
  }
  if (options.modelStateTimeoutMs !== undefined && !(typeof options.modelStateTimeoutMs === 'number' && options.modelStateTimeoutMs > 0 && options.modelStateTimeoutMs <= MAX_TIMER_MS)) {
    throw new InvalidArgumentError('options.modelStateTimeoutMs', `expected a positive number of milliseconds up to ${MAX_TIMER_MS}, got ${String(options.modelStateTimeoutMs)}`);
  }
  if (options.observer !== undefined && typeof options.observer?.start !== 'function') {
    throw new InvalidArgumentError('options.observer', 'expected { start(operation, agentId) }');
  }
  if (options.random !== undefined && typeof options.random !== 'function') throw new InvalidArgumentError('options.random', 'expected a function returning numbers in [0, 1)');
}

/** A task or context must be a plain object the router can read: not an array, not a revoked Proxy. */
function checkObject(name: 'task' | 'context', value: unknown): void {
  if (typeof value !== 'object' || value === null) throw new InvalidArgumentError(name, 'expected an object');
  let array: boolean;
  try {
    array = Array.isArray(value);
  } catch {
    throw new InvalidArgumentError(name, 'it cannot be read (a revoked Proxy)');
  }
  if (array) throw new InvalidArgumentError(name, 'expected an object');
}

/** The largest time a Date can hold. */
const MAX_EPOCH_MS = 8.64e15;
