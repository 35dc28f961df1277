// The public types of making a call: options, results, stream parts, and how adapters are
// registered. The policies that produce them live one per file beside this one.
import type { AttemptRecord } from '../call-errors.js';
import type { ProviderAdapter } from '../providers/provider.js';
import type { FinishReason, ResponseInfo, ResultPart, StreamPart, TokenUsage, ToolCall } from '../request/types.js';

export type { CompletionRequest } from '../request/types.js';
import type { RoutingContext, RoutingDecision, Task } from '../routing/types.js';

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

export interface CompleteOptions {
  /** The task as the router should see it (type, complexity, privacy_level, ...). The request itself is scanned for PII too. */
  task?: Task;
  context?: RoutingContext;
  signal?: AbortSignal;
  /** Run the cloud verification a global rule asks for. Default true. */
  verify?: boolean;
}

export interface VerificationResult {
  modelId: string;
  reason: string;
  /**
   * `verified` when the verifier's answer starts with VERIFIED; `issues` otherwise; `failed` if it
   * could not run; `skipped` when the answer holds PII, which is never sent to a cloud verifier.
   */
  verdict: 'verified' | 'issues' | 'failed' | 'skipped';
  text?: string;
  usage?: TokenUsage;
  costUsd: number;
  error?: unknown;
}

export interface CompletionResult {
  /** The answer's text (its text parts joined). */
  text: string;
  /** Text, reasoning and tool calls, in the order the model produced them. */
  content: ResultPart[];
  /** The tools the model asked to call, ids preserved: answer each with a `tool-result` part. */
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  /** The provider's own finish reason. */
  rawFinishReason?: string;
  usage: TokenUsage;
  /** What the provider said of the response (its id, the model that served as it names it). */
  response: ResponseInfo;
  raw: unknown;
  /** The model that actually served the request (its key in models.yaml). */
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

/** A stream's parts: `start`, the provider's deltas and tool calls, then one `finish` with the result. */
export type RouterStreamPart =
  | { type: 'start'; modelId: string; decision: RoutingDecision }
  | Exclude<StreamPart, { type: 'finish' }>
  | { type: 'finish'; result: CompletionResult };

export interface RecordOptions {
  /** The model that served, if not the decision's. */
  modelId?: string;
  latencyMs?: number;
  ok?: boolean;
}
