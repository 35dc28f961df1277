// The provider specification: what every model adapter implements. Adapters (openai, anthropic,
// mock) live in their own files and import only this and the request model; the router talks to
// nothing else.
import type {
  FinishReason,
  NormalizedRequest,
  ResponseInfo,
  ResultPart,
  StreamPart,
  TokenUsage,
} from '../request/types.js';

export type { FinishReason, StreamPart, TokenUsage } from '../request/types.js';

/**
 * The neutral request as an adapter receives it: already validated and copied (string contents
 * expanded to parts), plus the provider's own name for the model.
 */
export interface ProviderRequest extends NormalizedRequest {
  /** The provider's own model name (the config's `model_id`, else the model's key). */
  model: string;
}

export interface ProviderResponse {
  /** Text, reasoning and tool calls, in the order the model produced them. */
  content: ResultPart[];
  finishReason: FinishReason;
  /** The provider's own finish reason, e.g. `end_turn`, `tool_calls`. */
  rawFinishReason?: string;
  usage: TokenUsage;
  response?: ResponseInfo;
  /** The provider's raw response body. */
  raw?: unknown;
}

export interface CallOptions {
  signal?: AbortSignal;
  /**
   * How long the call may take, in milliseconds. The router gives it, in place of a signal of its
   * own for the try's timeout, only to an adapter that declares `honoursTimeoutMs`, when the caller
   * gave no signal; the router ends the try on time itself either way.
   */
  timeoutMs?: number;
}

/**
 * A model provider. `complete` returns one normalised response; `stream` yields deltas and tool
 * calls and ends with exactly one `finish` part. Failures are thrown as `ProviderError` (with
 * `kind`, `status`, `retryable`, `retryAfterMs`) so the router can decide whether to retry or fall
 * back. Adapters translate the neutral request both ways, so a conversation can move between them.
 */
export interface ProviderAdapter {
  readonly specificationVersion: 'v2';
  /** A short name for logs and errors, e.g. `openai`, `anthropic`, `mock`. */
  readonly provider: string;
  /**
   * `complete()` ends its own call once `options.timeoutMs` has passed (an SDK's request timeout),
   * so the router need not make an AbortSignal per try just to carry its timeout there: a call the
   * caller gave no signal is then sent with `timeoutMs` (and, in a `parallel_requests` race, the
   * race's signal). Without it, every try gets a signal that aborts on the caller's abort and on the
   * try's timeout.
   */
  readonly honoursTimeoutMs?: boolean;
  complete(request: ProviderRequest, options?: CallOptions): Promise<ProviderResponse>;
  stream?(request: ProviderRequest, options?: CallOptions): AsyncIterable<StreamPart>;
}
