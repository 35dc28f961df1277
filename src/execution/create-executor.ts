// Making the call once route() has decided: `complete`, `stream` and `record` composed from the
// policies beside this file (attempt pipeline, fallback chain, hedged call, stream, verification,
// cache). The request is checked and copied first; the copy is what is scanned, routed and sent.
import { InvalidArgumentError } from '../errors.js';
import { RequestAbortedError } from '../call-errors.js';
import { normalizeRequest, requestOf } from '../request/normalize-request.js';
import type { NormalizedMessage, NormalizedRequest, TokenUsage } from '../request/types.js';
import type { RoutingContext, RoutingDecision, Task } from '../routing/types.js';
import { microsToUsd } from '../state/cost-ledger.js';
import { completeOn, type Served } from './attempt-pipeline.js';
import { executeCall, type ExecuteFn, type ExecuteResult } from './execute-call.js';
import { bookUsage } from './budget-reservation.js';
import type { CallContext, ExecutorDeps } from './call-context.js';
import { Observed, type ObservedOperation, type ObservedResult } from './call-observer.js';
import { completionResult } from './completion-result.js';
import { walkChain } from './fallback-chain.js';
import { hedgeWith } from './hedged-call.js';
import { ResponseCache } from './response-cache.js';
import { streamCall } from './stream-call.js';
import type { CompleteOptions, CompletionRequest, CompletionResult, RecordOptions, RouterStreamPart } from './types.js';
import { verifyAnswer } from './verification.js';
import { ownOption } from '../own-data.js';

export interface ExecuteOptions extends CompleteOptions {
  /**
   * What the host's call will send, in the neutral shape: scanned for PII (every byte, as for
   * `complete()`) and checked for what it needs of a model. Without it only the task is scanned.
   */
  request?: CompletionRequest;
}

export interface Executor {
  execute<T>(agentId: string, options: ExecuteOptions, attempt: ExecuteFn<T>): Promise<ExecuteResult<T>>;
  complete(agentId: string, request: CompletionRequest, options?: CompleteOptions): Promise<CompletionResult>;
  stream(agentId: string, request: CompletionRequest, options?: CompleteOptions): AsyncGenerator<RouterStreamPart, void, undefined>;
  record(decision: RoutingDecision, usage: TokenUsage, options?: RecordOptions): Promise<number>;
}

export interface ExecutorWiring extends ExecutorDeps {
  /** Decides for a request: the request's own bytes are scanned and its needs are hard constraints. */
  route: (agentId: string, task: Task, context: RoutingContext, request: NormalizedRequest) => Promise<RoutingDecision>;
  cache: ResponseCache<CompletionResult>;
}

/** `execute()` without a request: nothing but the task is scanned, and nothing is asked of the model. */
const NO_REQUEST: NormalizedRequest = Object.freeze(requestOf(Object.freeze([]) as unknown as NormalizedMessage[]));

export function createExecutor(wiring: ExecutorWiring): Executor {
  const { route, cache, ...deps } = wiring;

  async function begin(operation: ObservedOperation, agentId: string, request: CompletionRequest | undefined, options: CompleteOptions): Promise<{ call: CallContext; startedAt: number }> {
    const observed = Observed.start(deps.observer, operation, agentId, deps.clock, deps.warn);
    try {
      if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'expected { task?, context?, signal?, verify? }');
      const normalized = request === undefined ? NO_REQUEST : normalizeRequest(request);
      // The options' own fields only: nothing is taken from a polluted Object.prototype.
      const signal = ownOption(options, 'signal');
      if (signal?.aborted) throw new RequestAbortedError(signal.reason);
      const startedAt = deps.clock();
      const decision = await route(agentId, ownOption(options, 'task') ?? {}, ownOption(options, 'context') ?? {}, normalized);
      observed?.decided(decision);
      return { call: { deps, decision, request: normalized, attempts: [], signal, observed }, startedAt };
    } catch (error) {
      observed?.end({ decision: undefined, attempts: [], error });
      throw error;
    }
  }

  /** Tells the observer and the experiment's metrics how a call ended. */
  function ended(call: CallContext, startedAt: number, how: { result?: ObservedResult; error?: unknown; cancelled?: boolean }): void {
    const { decision } = call;
    // A stream the consumer left early says nothing of the variant: it is not counted.
    if (decision.experiment && deps.onOutcome && !how.cancelled) {
      deps.onOutcome(decision, { ok: how.result !== undefined, servedModelId: how.result?.modelId, costUsd: how.result?.costUsd ?? 0, latencyMs: deps.clock() - startedAt });
    }
    call.observed?.end({ decision, attempts: call.attempts, ...how });
  }

  async function complete(agentId: string, request: CompletionRequest, options: CompleteOptions = {}): Promise<CompletionResult> {
    const { call, startedAt } = await begin('complete', agentId, request, options);
    let result: CompletionResult;
    try {
      result = await completeCall(call, startedAt, options);
    } catch (error) {
      ended(call, startedAt, { error });
      throw error;
    }
    // Nothing is built for the outcome when nobody watches it.
    if (call.observed || call.decision.experiment) ended(call, startedAt, { result: observedResult(result) });
    return result;
  }

  async function completeCall(call: CallContext, startedAt: number, options: CompleteOptions): Promise<CompletionResult> {
    const { decision } = call;
    const cacheKey = decision.execution.cacheResponses ? ResponseCache.keyOf(decision.modelId, call.request) : undefined;
    if (cacheKey !== undefined) {
      const hit = cache.get(cacheKey, startedAt);
      // An answer a fallback gave is cached under the decision's model: never hand a cloud model's
      // answer to a request that must stay local, and say when a fallback had served it.
      const allowed = hit !== undefined && !(decision.localOnly && deps.compiled.models.get(hit.modelId)?.type !== 'local');
      if (hit && allowed) {
        return { ...hit, decision, attempts: call.attempts, costUsd: 0, latencyMs: deps.clock() - startedAt, cached: true, usedFallback: hit.modelId !== decision.modelId };
      }
    }

    const hedge = decision.execution.parallelRequests ? hedgeWith<Served>(call, (model, signal) => completeOn(call, model, signal)) : undefined;
    const { value } = await walkChain(call, (model) => completeOn(call, model), hedge);
    deps.metrics.recordServed(decision, value.modelId);
    const result = completionResult(call, value.response, { modelId: value.modelId, costMicros: value.costMicros, startedAt });
    if (decision.verification && ownOption(options, 'verify') !== false) result.verification = await verifyAnswer(call, result.content);
    if (cacheKey !== undefined) cache.set(cacheKey, result, deps.clock());
    return result;
  }

  async function execute<T>(agentId: string, options: ExecuteOptions, attempt: ExecuteFn<T>): Promise<ExecuteResult<T>> {
    const { call, startedAt } = await begin('execute', agentId, typeof options === 'object' && options !== null ? ownOption(options, 'request') : undefined, options ?? {});
    let executed: ExecuteResult<T>;
    try {
      executed = await executeCall(call, attempt);
    } catch (error) {
      ended(call, startedAt, { error });
      throw error;
    }
    if (call.observed || (call.decision.experiment && deps.onOutcome)) {
      // The host's call ends when its usage is known and booked.
      const model = deps.compiled.models.get(executed.modelId)!;
      executed.settled.then(
        ({ usage, costUsd }) => ended(call, startedAt, { result: { modelId: executed.modelId, provider: model.provider, usage, costUsd, usedFallback: executed.usedFallback } }),
        (error: unknown) => ended(call, startedAt, { error }),
      );
    }
    return executed;
  }

  async function* stream(agentId: string, request: CompletionRequest, options: CompleteOptions = {}): AsyncGenerator<RouterStreamPart, void, undefined> {
    const { call, startedAt } = await begin('stream', agentId, request, options);
    if (!call.observed && !(call.decision.experiment && deps.onOutcome)) {
      yield* streamCall(call, startedAt);
      return;
    }
    let done = false;
    const endOnce = (how: { result?: ObservedResult; error?: unknown; cancelled?: boolean }) => {
      if (done) return;
      done = true;
      ended(call, startedAt, how);
    };
    try {
      for await (const part of streamCall(call, startedAt)) {
        if (part.type === 'finish') endOnce({ result: observedResult(part.result) });
        yield part;
      }
    } catch (error) {
      endOnce({ error });
      throw error;
    } finally {
      // The consumer stopped reading before the end.
      endOnce({ cancelled: true });
    }
  }

  /** For hosts that call models themselves: books the usage against the ledger, rate windows and metrics. */
  async function record(decision: RoutingDecision, usage: TokenUsage, options: RecordOptions = {}): Promise<number> {
    const modelId = ownOption(options, 'modelId') ?? decision.modelId;
    const ok = ownOption(options, 'ok') !== false;
    const model = deps.compiled.models.get(modelId);
    if (!model) throw new InvalidArgumentError('modelId', `unknown model "${modelId}"`);
    if (!Number.isFinite(usage?.inputTokens) || !Number.isFinite(usage?.outputTokens) || usage.inputTokens < 0 || usage.outputTokens < 0) {
      throw new InvalidArgumentError('usage', 'expected { inputTokens, outputTokens } as non-negative numbers');
    }
    const now = deps.clock();
    deps.health.recordRequest(model.id, now, usage.inputTokens + usage.outputTokens);
    if (!ok) deps.health.onFailure(model.id, now);
    else deps.health.onSuccess(model.id, now);
    const cost = await bookUsage(deps, decision.agentId, model, undefined, usage, now);
    deps.metrics.recordCall(model.id, { ok, latencyMs: ownOption(options, 'latencyMs') ?? 0, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens });
    deps.metrics.recordServed(decision, model.id);
    return microsToUsd(cost);
  }

  return { execute, complete, stream, record };
}

function observedResult(result: CompletionResult): ObservedResult {
  return {
    modelId: result.modelId,
    provider: result.provider,
    responseModelId: result.response?.modelId,
    usage: result.usage,
    costUsd: result.costUsd,
    finishReason: result.finishReason,
    usedFallback: result.usedFallback,
    cached: result.cached,
  };
}
