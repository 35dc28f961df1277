// Execution: after route() decides, make the call. Per model in the decision's chain: the circuit
// breaker and rate window are asked first, the estimated cost is reserved in the ledger, the
// adapter is called with p-retry (retryable errors only, Retry-After honoured), the actual cost is
// committed — or the reservation released — and the next model is tried. Streams fall back the
// same way until their first token; after it a failure ends the stream with a typed error.
import pRetry from 'p-retry';
import {
  AllModelsFailedError,
  BudgetExceededError,
  InvalidArgumentError,
  ProviderError,
  ProviderNotConfiguredError,
  RequestAbortedError,
  StreamInterruptedError,
  type AttemptRecord,
} from '../errors.js';
import type { RouterMetrics } from '../metrics/router-metrics.js';
import type {
  ChatMessage,
  FinishReason,
  ProviderAdapter,
  ProviderRequest,
  ProviderResponse,
  StreamPart,
  TokenUsage,
} from '../providers/provider.js';
import type { CompiledConfig, CompiledModel } from '../routing/compile-config.js';
import type { RoutingContext, RoutingDecision, Task } from '../routing/types.js';
import { ledgerDay, microsToUsd, type CostLedger } from '../state/cost-ledger.js';
import type { ModelHealth } from '../state/model-health.js';
import { ResponseCache } from './response-cache.js';

/** What a provider factory is given to build an adapter for one model. */
export interface ModelInfo {
  id: string;
  provider: string;
  type: 'cloud' | 'local';
  /** The name the provider knows the model by (`model_id`, else the key). */
  providerModelId: string;
  endpoint: string | undefined;
}

export type ProviderFactory = (model: ModelInfo) => ProviderAdapter;

/** Adapters by provider name (`anthropic`, `openai`, `local`) or by model id; a factory is called once per model. */
export type ProviderRegistry = Record<string, ProviderAdapter | ProviderFactory>;

export interface RetryOptions {
  /** Retries per model after the first try. Default 2. */
  retries?: number;
  /** Backoff before the first retry, in ms. Default 250. */
  minTimeoutMs?: number;
  /** Longest backoff, in ms. Default 4000. */
  maxTimeoutMs?: number;
  /** Exponential factor. Default 2. */
  factor?: number;
  /** Multiply each backoff by a random factor in 1..2. Default true. */
  randomize?: boolean;
  /**
   * A Retry-After up to this long (ms) is waited out and the model retried; a longer one cools the
   * model down and moves on to the next model at once. Default 5000.
   */
  maxRetryAfterMs?: number;
}

/** A chat request in the provider-neutral shape. */
export interface CompletionRequest {
  messages: ChatMessage[];
  system?: string;
  maxTokens?: number;
  temperature?: number;
  stop?: string[];
  tools?: unknown[];
  providerOptions?: Record<string, unknown>;
}

export interface CompleteOptions {
  /** The task as the router should see it (type, complexity, privacy_level, ...). The request's text is added for the PII scan. */
  task?: Task;
  context?: RoutingContext;
  signal?: AbortSignal;
  /** Run the cloud verification a global rule asks for. Default true. */
  verify?: boolean;
}

export interface VerificationResult {
  modelId: string;
  reason: string;
  /** `verified` when the verifier's answer starts with VERIFIED; `issues` otherwise; `failed` if it could not run. */
  verdict: 'verified' | 'issues' | 'failed';
  text?: string;
  usage?: TokenUsage;
  costUsd: number;
  error?: unknown;
}

export interface CompletionResult {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
  toolCalls?: unknown[];
  raw: unknown;
  /** The model that actually served the request. */
  modelId: string;
  provider: string;
  decision: RoutingDecision;
  /** Every try of every model, in order, including skipped ones. */
  attempts: AttemptRecord[];
  /** What this call cost, in USD (0 when served from the cache or by a free local model). */
  costUsd: number;
  latencyMs: number;
  cached: boolean;
  /** Whether a model other than the decision's served the request. */
  usedFallback: boolean;
  verification?: VerificationResult;
}

export type RouterStreamPart =
  | { type: 'start'; modelId: string; decision: RoutingDecision }
  | { type: 'text-delta'; text: string }
  | { type: 'finish'; result: CompletionResult };

export interface RecordOptions {
  /** The model that served, if not the decision's. */
  modelId?: string;
  latencyMs?: number;
  ok?: boolean;
}

export interface ExecutorDeps {
  compiled: CompiledConfig;
  clock: () => number;
  ledger: CostLedger;
  health: ModelHealth;
  metrics: RouterMetrics;
  route: (agentId: string, task: Task, context: RoutingContext) => Promise<RoutingDecision>;
  providers: ProviderRegistry | undefined;
  defaultProvider: () => ProviderAdapter;
  retry: RetryOptions;
  /** Waits out a Retry-After; injectable for tests. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  reservationTtlMs: number;
  cache: ResponseCache<CompletionResult>;
  warn: (message: string) => void;
}

const RETRY_DEFAULTS: Required<RetryOptions> = {
  retries: 2,
  minTimeoutMs: 250,
  maxTimeoutMs: 4000,
  factor: 2,
  randomize: true,
  maxRetryAfterMs: 5000,
};

const VERIFY_SYSTEM =
  'You verify answers written by another model. If the answer to the conversation above is correct and complete, reply with VERIFIED on the first line. Otherwise reply with ISSUES on the first line, then list each problem.';

/** A call of one model that may not go ahead, and why; or its result. */
type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; budgetRefused: boolean; retryAt?: number; fatal?: unknown };

interface Reservation {
  id: string | undefined;
  estimateMicros: number;
  estimatedInput: number;
}

export function createExecutor(deps: ExecutorDeps) {
  // An option given as `undefined` keeps its default (a spread would copy the undefined: p-retry
  // then retries 10 times, and every Retry-After, however long, is waited out).
  const retry: Required<RetryOptions> = { ...RETRY_DEFAULTS, ...definedOnly(deps.retry) };
  const adapters = new Map<string, ProviderAdapter | null>();

  function adapterFor(model: CompiledModel): ProviderAdapter | undefined {
    if (adapters.has(model.id)) return adapters.get(model.id) ?? undefined;
    let adapter: ProviderAdapter | undefined;
    if (!deps.providers) {
      adapter = deps.defaultProvider();
    } else {
      const entry = Object.hasOwn(deps.providers, model.id) ? deps.providers[model.id] : Object.hasOwn(deps.providers, model.provider) ? deps.providers[model.provider] : undefined;
      adapter =
        typeof entry === 'function'
          ? entry({ id: model.id, provider: model.provider, type: model.type, providerModelId: model.providerModelId, endpoint: model.config.endpoint })
          : entry;
    }
    adapters.set(model.id, adapter ?? null);
    return adapter;
  }

  function checkRequest(request: CompletionRequest): void {
    if (typeof request !== 'object' || request === null || !Array.isArray(request.messages) || request.messages.length === 0) {
      throw new InvalidArgumentError('request', 'expected { messages: [{ role, content }, ...] } with at least one message');
    }
    request.messages.forEach((message, index) => {
      if (typeof message !== 'object' || message === null || typeof message.content !== 'string' || typeof message.role !== 'string') {
        throw new InvalidArgumentError(`request.messages[${index}]`, 'expected { role, content: string }');
      }
    });
    if (request.maxTokens !== undefined && (!Number.isInteger(request.maxTokens) || request.maxTokens <= 0)) {
      throw new InvalidArgumentError('request.maxTokens', 'expected a positive integer');
    }
  }

  /** The task routed: the caller's, plus the request's text so the PII scan sees what is sent. */
  function routedTask(task: Task | undefined, request: CompletionRequest): Task {
    const messages: unknown[] = Array.isArray(task?.messages) ? [...task.messages] : [];
    if (request.system) messages.push({ role: 'system', content: request.system });
    for (const message of request.messages) messages.push(message);
    const routed: Task = { ...(task ?? {}), messages };
    if (request.maxTokens !== undefined && routed.max_output_tokens === undefined) routed.max_output_tokens = request.maxTokens;
    return routed;
  }

  function providerRequest(model: CompiledModel, request: CompletionRequest): ProviderRequest {
    const out: ProviderRequest = { model: model.providerModelId, messages: request.messages };
    if (request.system !== undefined) out.system = request.system;
    if (request.maxTokens !== undefined) out.maxTokens = request.maxTokens;
    if (request.temperature !== undefined) out.temperature = request.temperature;
    if (request.stop !== undefined) out.stop = request.stop;
    if (request.tools !== undefined) out.tools = request.tools;
    if (request.providerOptions !== undefined) out.providerOptions = request.providerOptions;
    return out;
  }

  function costMicros(model: CompiledModel, inputTokens: number, outputTokens: number): number {
    return Math.round((inputTokens * model.inputPrice + outputTokens * model.outputPrice) * 1e6);
  }

  /** The chain of models to try: the decision's model and fallbacks, then (on budget refusals) local models. */
  function chainOf(decision: RoutingDecision): string[] {
    return [decision.modelId, ...decision.fallbacks];
  }

  function localDegradation(decision: RoutingDecision, tried: ReadonlySet<string>): string[] {
    const out: string[] = [];
    if (decision.constraints.some((constraint) => constraint.startsWith('cloud only'))) return out;
    for (const model of deps.compiled.models.values()) {
      if (model.type === 'local' && !tried.has(model.id)) out.push(model.id);
    }
    return out;
  }

  /**
   * Everything before a call: breaker, rate window, provider, budget reservation. Returns the
   * adapter and reservation, or records a skipped attempt.
   */
  async function prepare(
    decision: RoutingDecision,
    model: CompiledModel,
    request: CompletionRequest,
    attempts: AttemptRecord[],
  ): Promise<{ adapter: ProviderAdapter; reservation: Reservation } | AttemptOutcome<never>> {
    if (decision.localOnly && model.type !== 'local') {
      // The decision never lists such a model; refuse defensively rather than leak.
      attempts.push({ modelId: model.id, attempt: 0, ok: false, durationMs: 0, skipped: 'privacy' });
      return { ok: false, budgetRefused: false };
    }
    const now = deps.clock();
    const rate = deps.health.rateLimited(model.id, now);
    if (rate.limited) {
      attempts.push({ modelId: model.id, attempt: 0, ok: false, durationMs: 0, skipped: 'rate_limited' });
      return { ok: false, budgetRefused: false, ...(rate.availableAt !== undefined ? { retryAt: rate.availableAt } : {}) };
    }
    // Claims the single half-open trial when the circuit is half-open; released on every path below.
    const permit = deps.health.tryAcquire(model.id, now);
    if (!permit.allowed) {
      attempts.push({ modelId: model.id, attempt: 0, ok: false, durationMs: 0, skipped: permit.reason ?? 'circuit_open' });
      return { ok: false, budgetRefused: false, ...(permit.retryAt !== undefined ? { retryAt: permit.retryAt } : {}) };
    }
    let adapter: ProviderAdapter | undefined;
    try {
      adapter = adapterFor(model);
    } catch (error) {
      // A factory that throws (a missing key, a bad endpoint) makes the model unusable, like a missing
      // adapter: skip it with the error, and free a half-open trial this call had claimed.
      deps.health.onCancel(model.id);
      attempts.push({ modelId: model.id, attempt: 0, ok: false, durationMs: 0, skipped: 'no_provider', error });
      return { ok: false, budgetRefused: false };
    }
    if (!adapter) {
      deps.health.onCancel(model.id);
      attempts.push({ modelId: model.id, attempt: 0, ok: false, durationMs: 0, skipped: 'no_provider', error: new ProviderNotConfiguredError(model.id, model.provider) });
      return { ok: false, budgetRefused: false };
    }
    const estimatedInput = decision.estimatedTokens.input;
    const estimateMicros = costMicros(model, estimatedInput, request.maxTokens ?? decision.estimatedTokens.output);
    let reservationId: string | undefined;
    if (!Number.isFinite(estimateMicros)) {
      deps.health.onCancel(model.id);
      attempts.push({ modelId: model.id, attempt: 0, ok: false, durationMs: 0, skipped: 'budget' });
      return { ok: false, budgetRefused: true };
    }
    if (estimateMicros > 0) {
      const agent = deps.compiled.agents.get(decision.agentId);
      const result = await deps.ledger.reserve({
        day: ledgerDay(now),
        agentId: decision.agentId,
        modelId: model.id,
        amountMicros: estimateMicros,
        ...(decision.budgetUsd !== undefined ? { limitMicros: Math.round(decision.budgetUsd * 1e6) } : {}),
        ...(agent?.dailyBudgetUsd !== undefined ? { agentLimitMicros: Math.round(agent.dailyBudgetUsd * 1e6) } : {}),
        now,
        expiresAt: now + deps.reservationTtlMs,
      });
      if (!result.ok) {
        deps.health.onCancel(model.id);
        attempts.push({
          modelId: model.id,
          attempt: 0,
          ok: false,
          durationMs: 0,
          skipped: 'budget',
          error: new BudgetExceededError(decision.agentId, microsToUsd(result.limitMicros), microsToUsd(result.usedMicros), microsToUsd(estimateMicros)),
        });
        return { ok: false, budgetRefused: true };
      }
      reservationId = result.reservationId;
      // Other calls ran while the ledger was awaited: check the window again and count this request
      // in the same synchronous step, or concurrent calls all pass the check before any is counted.
      const again = deps.health.rateLimited(model.id, deps.clock());
      if (again.limited) {
        await releaseReservation({ id: reservationId, estimateMicros, estimatedInput });
        deps.health.onCancel(model.id);
        attempts.push({ modelId: model.id, attempt: 0, ok: false, durationMs: 0, skipped: 'rate_limited' });
        return { ok: false, budgetRefused: false, ...(again.availableAt !== undefined ? { retryAt: again.availableAt } : {}) };
      }
    }
    deps.health.recordRequest(model.id, now, estimatedInput);
    return { adapter, reservation: { id: reservationId, estimateMicros, estimatedInput } };
  }

  async function settle(decision: RoutingDecision, model: CompiledModel, reservation: Reservation, usage: TokenUsage, latencyMs: number): Promise<number> {
    const now = deps.clock();
    const cost = costMicros(model, usage.inputTokens, usage.outputTokens);
    const entry = { agentId: decision.agentId, modelId: model.id, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costMicros: cost, at: now };
    if (reservation.id !== undefined) await deps.ledger.commit(reservation.id, ledgerDay(now), entry);
    else await deps.ledger.record(ledgerDay(now), entry);
    deps.health.recordTokens(model.id, now, usage.inputTokens + usage.outputTokens - reservation.estimatedInput);
    deps.metrics.recordCall(model.id, { ok: true, latencyMs, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens });
    return cost;
  }

  async function releaseReservation(reservation: Reservation): Promise<void> {
    if (reservation.id !== undefined) await deps.ledger.release(reservation.id);
  }

  /** Records a failed try on the breaker (aborts are not the model's fault) and cools down on Retry-After. */
  function onTryFailed(model: CompiledModel, error: unknown): void {
    const now = deps.clock();
    // An abort is the caller's doing, and a malformed request (400, 404, 413, 422) the request's:
    // neither says the model is unhealthy, so neither counts against its circuit.
    if (isAbort(error) || (ProviderError.isInstance(error) && error.status !== undefined && REQUEST_FAULT_STATUSES.has(error.status))) {
      deps.health.onCancel(model.id);
      return;
    }
    deps.health.onFailure(model.id, now);
    if (ProviderError.isInstance(error) && error.retryAfterMs !== undefined) deps.health.coolDown(model.id, now, now + error.retryAfterMs);
  }

  /**
   * Runs `run` with p-retry's retries. The first try runs directly — on the success path p-retry's
   * bookkeeping costs more than the rest of a routed call — and a failure is handed to p-retry as
   * its own first attempt, so whether and when to retry is decided exactly as if it had made it.
   */
  async function withRetries<T>(run: () => Promise<T>, model: CompiledModel, signal: AbortSignal | undefined): Promise<T> {
    let result: T;
    try {
      result = await run();
    } catch (firstError) {
      if (retry.retries <= 0) throw firstError;
      let replayed = false;
      return pRetry(async () => {
        if (!replayed) {
          replayed = true;
          throw firstError;
        }
        return run();
      }, retryOptions(model, signal));
    }
    // As p-retry does: an answer that arrives after the caller aborted still ends in the abort.
    signal?.throwIfAborted();
    return result;
  }

  function retryOptions(model: CompiledModel, signal: AbortSignal | undefined) {
    return {
      retries: retry.retries,
      factor: retry.factor,
      minTimeout: retry.minTimeoutMs,
      maxTimeout: retry.maxTimeoutMs,
      randomize: retry.randomize,
      ...(signal ? { signal } : {}),
      // Retry only while the circuit stays closed: a failure that opened it (or failed a half-open
      // trial) ends the retries for this model. A Retry-After wait happens in onFailedAttempt.
      shouldRetry: ({ error }: { error: Error }) =>
        ProviderError.isInstance(error) && error.retryable && !isAbort(error) && deps.health.circuit(model.id, deps.clock()) === 'closed',
      onFailedAttempt: async ({ error, retriesLeft }: { error: Error; retriesLeft: number }) => {
        if (!ProviderError.isInstance(error) || error.retryAfterMs === undefined || !error.retryable) return;
        // A long Retry-After: leave this model cooling down and move on to the next one now.
        if (error.retryAfterMs > retry.maxRetryAfterMs) throw error;
        // Wait only if a retry follows: after the last try, or once the circuit has opened, the
        // next model is tried at once.
        if (retriesLeft <= 0 || deps.health.circuit(model.id, deps.clock()) !== 'closed') return;
        await deps.sleep(error.retryAfterMs, signal);
      },
    };
  }

  /** Calls one model with retries; settles or releases its reservation. */
  async function callModel(
    decision: RoutingDecision,
    model: CompiledModel,
    request: CompletionRequest,
    attempts: AttemptRecord[],
    signal: AbortSignal | undefined,
  ): Promise<AttemptOutcome<{ response: ProviderResponse; costMicros: number; latencyMs: number }>> {
    const prepared = await prepare(decision, model, request, attempts);
    if (!('adapter' in prepared)) return prepared;
    const { adapter, reservation } = prepared;
    const started = deps.clock();
    let tryNumber = 0;
    let served: ProviderResponse | undefined;
    let response: ProviderResponse;
    try {
      const run = async () => {
        tryNumber += 1;
        if (tryNumber > 1) {
          // A retry is a new request for the rate window.
          deps.health.recordRequest(model.id, deps.clock(), 0);
        }
        const t0 = deps.clock();
        try {
          const result = await adapter.complete(providerRequest(model, request), signal ? { signal } : {});
          served = result;
          deps.health.onSuccess(model.id, deps.clock());
          attempts.push({ modelId: model.id, attempt: tryNumber, ok: true, durationMs: deps.clock() - t0 });
          return result;
        } catch (error) {
          const normalized = normalizeError(error, adapter, model, signal);
          attempts.push({ modelId: model.id, attempt: tryNumber, ok: false, durationMs: deps.clock() - t0, error: normalized });
          onTryFailed(model, normalized);
          throw normalized;
        }
      };
      response = await withRetries(run, model, signal);
    } catch (error) {
      if (served !== undefined) {
        // The provider answered (and will bill) before the caller's abort was seen: book the cost,
        // then report the abort.
        await settle(decision, model, reservation, served.usage, deps.clock() - started);
        return { ok: false, budgetRefused: false, fatal: new RequestAbortedError(signal?.reason ?? error) };
      }
      await releaseReservation(reservation);
      deps.metrics.recordCall(model.id, { ok: false, latencyMs: deps.clock() - started });
      if (isAbort(error) || signal?.aborted) return { ok: false, budgetRefused: false, fatal: new RequestAbortedError(signal?.reason ?? error) };
      const retryAt = unavailableUntil(model);
      return { ok: false, budgetRefused: false, ...(retryAt !== undefined ? { retryAt } : {}) };
    }
    // Outside the try: a ledger that fails to book must not be mistaken for a failed call (and
    // booked again by the branch above).
    const latencyMs = deps.clock() - started;
    const cost = await settle(decision, model, reservation, response.usage, latencyMs);
    return { ok: true, value: { response, costMicros: cost, latencyMs } };
  }

  /** When a model that just failed (a long Retry-After, an opened circuit) may be tried again, if it may not now. */
  function unavailableUntil(model: CompiledModel): number | undefined {
    const live = deps.health.stateOf(model.id, deps.clock());
    return live && !live.available ? live.availableAt : undefined;
  }

  function failure(decision: RoutingDecision, attempts: AttemptRecord[], retryAts: number[], budgetOnly: boolean): Error {
    if (budgetOnly) {
      const refusal = attempts.find((a) => a.skipped === 'budget')?.error;
      if (refusal instanceof BudgetExceededError) return refusal;
    }
    const retryAt = retryAts.length > 0 ? Math.min(...retryAts) : undefined;
    return new AllModelsFailedError(decision.agentId, attempts, retryAt);
  }

  /** Runs `attempt` for each model of the chain until one succeeds; degrades to local models on budget refusals. */
  async function walkChain<T>(
    decision: RoutingDecision,
    attempts: AttemptRecord[],
    signal: AbortSignal | undefined,
    attempt: (model: CompiledModel) => Promise<AttemptOutcome<T>>,
    firstBatch?: (models: CompiledModel[]) => Promise<{ outcome: AttemptOutcome<T> & { ok: true }; modelId: string } | { outcomes: AttemptOutcome<T>[] }>,
  ): Promise<{ value: T; modelId: string }> {
    const chain = chainOf(decision);
    const tried = new Set<string>();
    const retryAts: number[] = [];
    let budgetRefusals = 0;
    let otherFailures = 0;
    const note = (outcome: AttemptOutcome<T>) => {
      if (outcome.ok) return;
      if (outcome.fatal) throw outcome.fatal;
      if (outcome.retryAt !== undefined) retryAts.push(outcome.retryAt);
      if (outcome.budgetRefused) budgetRefusals++;
      else otherFailures++;
    };
    let index = 0;
    if (firstBatch && chain.length > 1) {
      const models = chain.slice(0, 2).map((id) => deps.compiled.models.get(id)!);
      models.forEach((m) => tried.add(m.id));
      const batch = await firstBatch(models);
      if ('outcome' in batch) return { value: batch.outcome.value, modelId: batch.modelId };
      batch.outcomes.forEach(note);
      index = 2;
    }
    for (; index < chain.length || (budgetRefusals > 0 && index < chain.length + 1); index++) {
      if (index === chain.length) {
        // Every cloud model was over budget: degrade to local models before refusing.
        const extra = localDegradation(decision, new Set([...chain, ...tried]));
        if (extra.length === 0) break;
        chain.push(...extra);
      }
      if (signal?.aborted) throw new RequestAbortedError(signal.reason);
      const modelId = chain[index]!;
      if (tried.has(modelId)) continue;
      tried.add(modelId);
      const outcome = await attempt(deps.compiled.models.get(modelId)!);
      if (outcome.ok) return { value: outcome.value, modelId };
      note(outcome);
    }
    throw failure(decision, attempts, retryAts, budgetRefusals > 0 && otherFailures === 0);
  }

  async function verify(
    decision: RoutingDecision,
    request: CompletionRequest,
    answer: string,
    signal: AbortSignal | undefined,
    attempts: AttemptRecord[],
  ): Promise<VerificationResult> {
    const verification = decision.verification!;
    const model = deps.compiled.models.get(verification.modelId)!;
    const verifyRequest: CompletionRequest = {
      system: VERIFY_SYSTEM,
      messages: [...request.messages, { role: 'assistant', content: answer }, { role: 'user', content: 'Verify the answer above.' }],
      ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
    };
    const outcome = await callModel(decision, model, verifyRequest, attempts, signal);
    if (!outcome.ok) {
      if (outcome.fatal) throw outcome.fatal;
      return { modelId: model.id, reason: verification.reason, verdict: 'failed', costUsd: 0, error: attempts[attempts.length - 1]?.error };
    }
    const text = outcome.value.response.text;
    return {
      modelId: model.id,
      reason: verification.reason,
      verdict: /^\s*VERIFIED\b/i.test(text) ? 'verified' : 'issues',
      text,
      usage: outcome.value.response.usage,
      costUsd: microsToUsd(outcome.value.costMicros),
    };
  }

  async function complete(agentId: string, request: CompletionRequest, options: CompleteOptions = {}): Promise<CompletionResult> {
    checkRequest(request);
    const { signal } = options;
    if (signal?.aborted) throw new RequestAbortedError(signal.reason);
    const started = deps.clock();
    const decision = await deps.route(agentId, routedTask(options.task, request), options.context ?? {});
    const attempts: AttemptRecord[] = [];

    const cacheKey = decision.execution.cacheResponses ? ResponseCache.keyOf(decision.modelId, request) : undefined;
    if (cacheKey !== undefined) {
      const hit = deps.cache.get(cacheKey, started);
      // An answer a fallback gave is cached under the decision's model: never hand a cloud model's
      // answer to a request that must stay local, and say when a fallback had served it.
      const allowed = hit !== undefined && !(decision.localOnly && deps.compiled.models.get(hit.modelId)?.type !== 'local');
      if (hit && allowed) {
        return { ...hit, decision, attempts, costUsd: 0, latencyMs: deps.clock() - started, cached: true, usedFallback: hit.modelId !== decision.modelId };
      }
    }

    const attempt = (model: CompiledModel) => callModel(decision, model, request, attempts, signal);
    const hedge = decision.execution.parallelRequests ? (models: CompiledModel[]) => raceModels(decision, models, request, attempts, signal) : undefined;
    const { value, modelId } = await walkChain(decision, attempts, signal, attempt, hedge);
    const model = deps.compiled.models.get(modelId)!;
    deps.metrics.recordRequest(modelId !== decision.modelId);

    const result: CompletionResult = {
      text: value.response.text,
      finishReason: value.response.finishReason,
      usage: value.response.usage,
      raw: value.response.raw,
      modelId,
      provider: model.provider,
      decision,
      attempts,
      costUsd: microsToUsd(value.costMicros),
      latencyMs: deps.clock() - started,
      cached: false,
      usedFallback: modelId !== decision.modelId,
    };
    if (value.response.toolCalls !== undefined) result.toolCalls = value.response.toolCalls;
    if (decision.verification && options.verify !== false) {
      result.verification = await verify(decision, request, result.text, signal, attempts);
    }
    if (cacheKey !== undefined) deps.cache.set(cacheKey, result, deps.clock());
    return result;
  }

  /** `parallel_requests`: the first two models race; the first success wins and the other is aborted. */
  async function raceModels(
    decision: RoutingDecision,
    models: CompiledModel[],
    request: CompletionRequest,
    attempts: AttemptRecord[],
    signal: AbortSignal | undefined,
  ) {
    const controllers = models.map(() => new AbortController());
    const unlink = signal ? linkAbort(signal, controllers) : () => {};
    type Value = { response: ProviderResponse; costMicros: number; latencyMs: number };
    try {
      const runs = models.map((model, i) =>
        callModel(decision, model, request, attempts, controllers[i]!.signal).then((outcome) => ({ outcome, modelId: model.id, index: i })),
      );
      const outcomes: AttemptOutcome<Value>[] = [];
      const pending = new Set(runs);
      while (pending.size > 0) {
        const settled = await Promise.race(pending);
        pending.delete(runs[settled.index]!);
        if (settled.outcome.ok) {
          controllers.forEach((controller, i) => i !== settled.index && controller.abort(new Error('another model answered first')));
          // The losers settle (releasing their reservations) before the winner is returned.
          await Promise.all(pending);
          return { outcome: settled.outcome, modelId: settled.modelId };
        }
        // A loser's abort is ours, not the caller's: only a caller abort is fatal.
        outcomes.push(signal?.aborted ? settled.outcome : { ...settled.outcome, fatal: undefined });
      }
      return { outcomes };
    } finally {
      unlink();
    }
  }

  async function* stream(agentId: string, request: CompletionRequest, options: CompleteOptions = {}): AsyncGenerator<RouterStreamPart, void, undefined> {
    checkRequest(request);
    const { signal } = options;
    if (signal?.aborted) throw new RequestAbortedError(signal.reason);
    const started = deps.clock();
    const decision = await deps.route(agentId, routedTask(options.task, request), options.context ?? {});
    const attempts: AttemptRecord[] = [];

    type Opened = { iterator: AsyncIterator<StreamPart>; first: StreamPart; reservation: Reservation; model: CompiledModel; t0: number };
    const open = async (model: CompiledModel): Promise<AttemptOutcome<Opened>> => {
      const prepared = await prepare(decision, model, request, attempts);
      if (!('adapter' in prepared)) return prepared;
      const { adapter, reservation } = prepared;
      if (!adapter.stream) {
        await releaseReservation(reservation);
        deps.health.onCancel(model.id);
        attempts.push({ modelId: model.id, attempt: 0, ok: false, durationMs: 0, skipped: 'no_streaming' });
        return { ok: false, budgetRefused: false };
      }
      const streamOf = adapter.stream.bind(adapter);
      let tryNumber = 0;
      const t0 = deps.clock();
      try {
        // Retries and fallbacks apply until the first part arrives.
        const opened = await withRetries(async () => {
          tryNumber += 1;
          const tryStart = deps.clock();
          try {
            const iterator = streamOf(providerRequest(model, request), signal ? { signal } : {})[Symbol.asyncIterator]();
            const first = await iterator.next();
            if (first.done) throw new ProviderError(`The stream from ${model.id} ended before any output`, { provider: adapter.provider, modelId: model.id, kind: 'stream_interrupted', retryable: true });
            return { iterator, first: first.value };
          } catch (error) {
            const normalized = normalizeError(error, adapter, model, signal);
            attempts.push({ modelId: model.id, attempt: tryNumber, ok: false, durationMs: deps.clock() - tryStart, error: normalized });
            onTryFailed(model, normalized);
            throw normalized;
          }
        }, model, signal);
        attempts.push({ modelId: model.id, attempt: tryNumber, ok: true, durationMs: deps.clock() - t0 });
        return { ok: true, value: { ...opened, reservation, model, t0 } };
      } catch (error) {
        await releaseReservation(reservation);
        deps.metrics.recordCall(model.id, { ok: false, latencyMs: deps.clock() - t0 });
        if (isAbort(error) || signal?.aborted) return { ok: false, budgetRefused: false, fatal: new RequestAbortedError(signal?.reason ?? error) };
        const retryAt = unavailableUntil(model);
        return { ok: false, budgetRefused: false, ...(retryAt !== undefined ? { retryAt } : {}) };
      }
    };

    const { value: opened, modelId } = await walkChain(decision, attempts, signal, open);
    const { iterator, model, reservation } = opened;
    let text = '';
    let finish: Extract<StreamPart, { type: 'finish' }> | undefined;
    let part: StreamPart | undefined = opened.first;
    let billed = false;
    /** Bills what was consumed when the stream ends early: the estimate's input and the text received. */
    const billPartial = async () => {
      billed = true;
      const usage = { inputTokens: reservation.estimatedInput, outputTokens: Math.ceil(text.length / 4) };
      await settle(decision, model, reservation, usage, deps.clock() - opened.t0);
    };
    try {
      yield { type: 'start', modelId, decision };
      while (part) {
        if (part.type === 'text-delta') {
          text += part.text;
          yield part;
        } else {
          // The finish part ends the answer; a provider that sends more after it is not read further.
          finish = part;
          break;
        }
        const next = await iterator.next();
        part = next.done ? undefined : next.value;
      }
      if (!finish) throw new ProviderError(`The stream from ${model.id} ended without a finish event`, { provider: model.provider, modelId: model.id, kind: 'stream_interrupted', retryable: false });
    } catch (error) {
      await billPartial();
      if (signal?.aborted) {
        deps.health.onCancel(model.id);
        throw new RequestAbortedError(signal.reason);
      }
      deps.health.onFailure(model.id, deps.clock());
      throw new StreamInterruptedError(model.id, text, error);
    } finally {
      if (!finish) {
        // Close the provider's stream; if the consumer stopped reading, bill what it consumed.
        try {
          await iterator.return?.();
        } catch {
          // the provider's stream already failed; nothing more to close
        }
        if (!billed) {
          await billPartial();
          deps.health.onCancel(model.id);
        }
      } else {
        // Let the provider's stream run its cleanup (it stopped at its finish part).
        try {
          await iterator.return?.();
        } catch {
          // nothing more to close
        }
      }
    }
    deps.health.onSuccess(model.id, deps.clock());
    const cost = await settle(decision, model, reservation, finish.usage, deps.clock() - opened.t0);
    deps.metrics.recordRequest(modelId !== decision.modelId);
    const result: CompletionResult = {
      text,
      finishReason: finish.finishReason,
      usage: finish.usage,
      raw: finish.raw,
      modelId,
      provider: model.provider,
      decision,
      attempts,
      costUsd: microsToUsd(cost),
      latencyMs: deps.clock() - started,
      cached: false,
      usedFallback: modelId !== decision.modelId,
    };
    yield { type: 'finish', result };
  }

  /** For hosts that call models themselves: books the usage against the ledger, rate windows and metrics. */
  async function record(decision: RoutingDecision, usage: TokenUsage, options: RecordOptions = {}): Promise<number> {
    const modelId = options.modelId ?? decision.modelId;
    const model = deps.compiled.models.get(modelId);
    if (!model) throw new InvalidArgumentError('modelId', `unknown model "${modelId}"`);
    if (!Number.isFinite(usage?.inputTokens) || !Number.isFinite(usage?.outputTokens) || usage.inputTokens < 0 || usage.outputTokens < 0) {
      throw new InvalidArgumentError('usage', 'expected { inputTokens, outputTokens } as non-negative numbers');
    }
    const now = deps.clock();
    deps.health.recordRequest(model.id, now, usage.inputTokens + usage.outputTokens);
    if (options.ok === false) deps.health.onFailure(model.id, now);
    else deps.health.onSuccess(model.id, now);
    const cost = costMicros(model, usage.inputTokens, usage.outputTokens);
    await deps.ledger.record(ledgerDay(now), { agentId: decision.agentId, modelId: model.id, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costMicros: cost, at: now });
    deps.metrics.recordCall(model.id, { ok: options.ok !== false, latencyMs: options.latencyMs ?? 0, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens });
    return microsToUsd(cost);
  }

  return { complete, stream, record };
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Statuses that blame the request rather than the model. */
const REQUEST_FAULT_STATUSES = new Set([400, 404, 413, 422]);

function isAbort(error: unknown): boolean {
  return (ProviderError.isInstance(error) && error.kind === 'abort') || RequestAbortedError.isInstance(error) || (error instanceof Error && error.name === 'AbortError');
}

function normalizeError(error: unknown, adapter: ProviderAdapter, model: CompiledModel, signal: AbortSignal | undefined): unknown {
  if (ProviderError.isInstance(error)) return error;
  if (signal?.aborted) return new ProviderError(`Call to ${model.id} aborted`, { provider: adapter.provider, modelId: model.id, kind: 'abort', retryable: false, cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(`Call to ${model.id} failed: ${message}`, { provider: adapter.provider, modelId: model.id, kind: 'other', retryable: false, cause: error });
}

function linkAbort(signal: AbortSignal, controllers: AbortController[]): () => void {
  const onAbort = () => controllers.forEach((controller) => controller.abort(signal.reason));
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
