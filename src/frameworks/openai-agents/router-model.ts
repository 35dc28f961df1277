// The router as an Agents SDK `Model`: every model call of an agent's loop is routed anew on the
// conversation so far — a tool result holding PII keeps that turn on a local model — and served with
// the router's retries, fallbacks, budget and ledger. By default the router's own provider adapters
// make the call; with `models`, the chosen model's own SDK `Model` makes it, inside `router.execute`.
import type { Model, ModelRequest, ModelResponse, ModelRetryAdvice, ModelRetryAdviceRequest, StreamEvent } from '@openai/agents-core';
import { InvalidArgumentError, RouterError, UnknownAgentError, UnknownModelError } from '../../errors.js';
import type { CompleteOptions } from '../../execution/types.js';
import type { Router } from '../../router/create-router.js';
import type { RoutingContext, Task } from '../../routing/types.js';
import { hostResponse, hostStream, type HostCall } from './host-call.js';
import { toCompletionRequest } from './input-to-request.js';
import { toModelResponse } from './result-to-response.js';
import { asSdkAbort } from './sdk-abort.js';
import { toStreamEvents } from './stream-events.js';

export interface RouterModelOptions {
  /** The task as the router should see it on every turn (type, complexity, privacy_level, ...). The conversation itself is scanned for PII either way. */
  task?: Task;
  /** The routing context of every turn (e.g. `routing_strategy`). */
  context?: RoutingContext;
  /**
   * Agents SDK models by router model id (its key in models.yaml). When given, the model the router
   * chooses makes the call itself — `getResponse` / `getStreamedResponse` of the SDK model — inside
   * `router.execute`, with the router's fallbacks, retries, breakers and budget around it. Every model
   * the agent may be routed to needs an entry: one without is a failed try, and the chain moves on.
   * Default: the router's own provider adapters make the call.
   */
  models?: Readonly<Record<string, Model>>;
}

export class RouterModel implements Model {
  /** The router agent whose configuration routes every call. */
  readonly agentId: string;
  readonly #router: Router;
  readonly #options: Pick<CompleteOptions, 'task' | 'context'>;
  readonly #host: HostCall | undefined;

  constructor(router: Router, agentId: string, options: RouterModelOptions = {}) {
    if (typeof router !== 'object' || router === null || typeof router.complete !== 'function') {
      throw new InvalidArgumentError('router', 'expected a router from createRouter()');
    }
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'expected { task?, context?, models? }');
    if (typeof agentId !== 'string' || !router.agentIds().includes(agentId)) throw new UnknownAgentError(String(agentId), router.agentIds());
    this.agentId = agentId;
    this.#router = router;
    this.#options = { ...(options.task ? { task: options.task } : {}), ...(options.context ? { context: options.context } : {}) };
    this.#host = options.models === undefined ? undefined : { router, agentId, options: this.#options, models: checkModels(router, options.models) };
  }

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    if (this.#host) return hostResponse(this.#host, request);
    const { signal } = request;
    try {
      const result = await this.#router.complete(this.agentId, toCompletionRequest(request, 'router'), { ...this.#options, ...(signal ? { signal } : {}) });
      return toModelResponse(result);
    } catch (error) {
      throw asSdkAbort(error, signal);
    }
  }

  getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    if (this.#host) return hostStream(this.#host, request);
    return this.#stream(request);
  }

  async *#stream(request: ModelRequest): AsyncGenerator<StreamEvent, void, undefined> {
    const { signal } = request;
    const options = { ...this.#options, ...(signal ? { signal } : {}) };
    yield* toStreamEvents(this.#router.stream(this.agentId, toCompletionRequest(request, 'router'), options), signal);
  }

  /**
   * The router has already retried the call and walked its fallback chain: a retry by the SDK's own
   * policy would repeat all of that, so it is advised against for the router's errors.
   */
  getRetryAdvice({ error }: ModelRetryAdviceRequest): ModelRetryAdvice | undefined {
    if (!RouterError.isInstance(error)) return undefined;
    return { suggested: false, reason: `llm-agent-router already retried and fell back (${error.code})` };
  }
}

/** Checks `models`: known router model ids, each an SDK `Model`. */
export function checkModels(router: Router, models: unknown): Readonly<Record<string, Model>> {
  if (typeof models !== 'object' || models === null || Array.isArray(models)) {
    throw new InvalidArgumentError('models', 'expected Agents SDK models by router model id: { [modelId]: Model }');
  }
  const known = router.modelIds();
  const checked: Record<string, Model> = {};
  for (const [modelId, model] of Object.entries(models)) {
    if (!known.includes(modelId)) throw new UnknownModelError(modelId, known, 'RouterModel models');
    const candidate = model as Partial<Model> | null;
    if (typeof candidate?.getResponse !== 'function' || typeof candidate.getStreamedResponse !== 'function') {
      throw new InvalidArgumentError(`models.${modelId}`, 'expected an Agents SDK Model (getResponse and getStreamedResponse)');
    }
    checked[modelId] = model as Model;
  }
  return checked;
}
