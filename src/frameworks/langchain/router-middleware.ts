// `routerMiddleware`: routing for `langchain`'s `createAgent`. Its `wrapModelCall` routes each model
// call on the step's messages, system prompt and tools (scanned for PII, routed on their needs), then
// runs the agent's own model call with the chosen model in `request.model`, inside `router.execute`:
// fallbacks, retries, breakers and the budget reservation apply, and the usage the model reports
// (`usage_metadata`) settles the cost.
import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import { InvalidArgumentError } from '../../errors.js';
import type { ExecuteAttempt } from '../../execution/execute-call.js';
import type { CompletionRequest } from '../../execution/types.js';
import type { Router } from '../../router/create-router.js';
import type { RoutingContext, Task } from '../../routing/types.js';
import { messagesToRequest, systemText } from './messages-to-request.js';
import { checkModels, invokeOnModels, type LangChainChatModel } from './model-call.js';
import { withRouterMetadata } from './result-to-message.js';
import { toolChoiceOf, toolDefinitions } from './tool-definitions.js';

/** What `createAgent` hands a middleware's `wrapModelCall` (the fields the router reads). */
export interface RouterModelRequest {
  model: unknown;
  messages: BaseMessage[];
  systemPrompt?: string;
  systemMessage?: BaseMessage;
  tools?: unknown[];
  toolChoice?: unknown;
  modelSettings?: Record<string, unknown>;
  responseFormat?: unknown;
  runtime?: { signal?: AbortSignal; context?: unknown };
}

export interface RouterMiddlewareOptions {
  /** Router model ids → the LangChain chat model that makes the call when that id is chosen. */
  models: Record<string, LangChainChatModel>;
  /** The task as the router should see it; a function reads it from the step's request. */
  task?: Task | ((request: RouterModelRequest) => Task);
  /** The routing context; a function reads it from the step's request (e.g. `request.runtime.context`). */
  context?: RoutingContext | ((request: RouterModelRequest) => RoutingContext);
  /** The middleware's name in the agent. Default `RouterMiddleware`. */
  name?: string;
}

/**
 * A `createAgent` middleware (structurally: this entry does not import `langchain`). Generic in the
 * request so it takes `createAgent`'s full `ModelRequest` and hands the same shape to `handler`.
 */
export interface RouterMiddleware {
  name: string;
  wrapModelCall<R extends RouterModelRequest>(request: R, handler: (request: R) => AIMessage | Promise<AIMessage>): Promise<AIMessage>;
}

/** `createMiddleware` marks middleware with this symbol; set it so the object is one to every check. */
const MIDDLEWARE_BRAND = Symbol.for('AgentMiddleware');

/**
 * Routes every model call of a `createAgent` agent to the LangChain model in `models` the router
 * chooses. List it last in `middleware`: the last middleware runs innermost, so the request it
 * scans is the one the model receives; a middleware after it could add what the scan never read.
 */
export function routerMiddleware(router: Router, agentId: string, options: RouterMiddlewareOptions): RouterMiddleware {
  if (typeof router?.execute !== 'function') throw new InvalidArgumentError('router', 'expected a router from createRouter()');
  if (!router.agentIds().includes(agentId)) throw new InvalidArgumentError('agentId', `"${String(agentId)}" is not an agent of this router (known: ${router.agentIds().join(', ')})`);
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'expected { models, task?, context? }');
  const models = checkModels(router, options.models);
  const read = <T>(value: T | ((request: RouterModelRequest) => T) | undefined, request: RouterModelRequest): T | undefined =>
    typeof value === 'function' ? (value as (request: RouterModelRequest) => T)(request) : value;

  return {
    [MIDDLEWARE_BRAND]: true,
    name: options.name ?? 'RouterMiddleware',
    async wrapModelCall(request, handler) {
      const task = read(options.task, request);
      const context = read(options.context, request);
      const signal = request.runtime?.signal;
      const served = await invokeOnModels(
        { router, agentId, models, options: { ...(task ? { task } : {}), ...(context ? { context } : {}), ...(signal ? { signal } : {}), request: scanRequest(request) } },
        async (model, attempt) => (await handler({ ...request, model: withAttemptSignal(model, attempt, request) })) as BaseMessage,
      );
      return withRouterMetadata(served.message as AIMessage, served.metadata);
    },
  } as RouterMiddleware;
}

/**
 * What the step sends, in the neutral shape, for the scan and the routing: the system prompt, the
 * messages, the tools and tool choice, and model settings (read as provider options).
 */
function scanRequest(request: RouterModelRequest): CompletionRequest {
  const system = request.systemMessage !== undefined ? systemText(request.systemMessage.content, 'systemMessage', 'scan') : request.systemPrompt;
  const tools = request.tools && request.tools.length > 0 ? toolDefinitions(request.tools, 'scan') : undefined;
  let toolChoice;
  try {
    toolChoice = toolChoiceOf(request.toolChoice);
  } catch {
    toolChoice = undefined;
  }
  const settings = request.modelSettings && Object.keys(request.modelSettings).length > 0 ? request.modelSettings : undefined;
  return {
    messages: messagesToRequest(request.messages, 'scan'),
    ...(system ? { system } : {}),
    ...(tools ? { tools } : {}),
    ...(tools && toolChoice !== undefined ? { toolChoice } : {}),
    ...(settings ? { providerOptions: { langchain: settings } } : {}),
  };
}

/**
 * The chosen model with the attempt's signal bound, so a try the router ends (its timeout, the
 * caller's abort) cancels the model's request: the agent node invokes `request.model` with the
 * run's own signal only, and a bound config merges both. Only a chat model is wrapped (the agent
 * binds tools through the binding to it), and not when the step has a `responseFormat`: createAgent
 * reads the model itself (its profile) to choose a structured-output strategy. Then a try the
 * router gives up on ends on the router's side while the model's request runs to its end.
 */
function withAttemptSignal(model: LangChainChatModel, attempt: ExecuteAttempt, request: RouterModelRequest): unknown {
  if (request.responseFormat !== undefined) return model;
  const modelType = (model as unknown as { _modelType?: () => string })._modelType;
  const isChatModel = typeof modelType === 'function' && modelType.call(model) === 'base_chat_model';
  return isChatModel ? model.withConfig({ signal: attempt.signal }) : model;
}
