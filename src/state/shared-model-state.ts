// The contract of a store that several router instances share for their models' live state: the
// requests and tokens of the last minute counted over every instance, and blocks (a provider's
// Retry-After, an opened circuit) that one instance saw and every instance honours. Times travel
// as durations from the store's own clock, so instances whose clocks disagree still agree on them.
// The in-memory state needs none of this; `llm-agent-router/redis` implements it.
import type { ModelLimits } from './model-live-state.js';

/** Why a model is blocked for every instance. */
export type SharedBlockReason = 'cooling_down' | 'circuit_open';

/** What every instance sees of one model. */
export interface SharedModelFacts {
  /** Requests started in the last minute, by every instance. */
  requests: number;
  /** Tokens counted in the last minute, by every instance. */
  tokens: number;
  /** How long (ms) the model stays blocked, if it is. */
  blockedForMs?: number;
  blockedReason?: SharedBlockReason;
}

export type SharedPermit =
  | { allowed: true }
  | { allowed: false; reason: 'rate_limited' | SharedBlockReason; /** ms until the model may be tried again. */ retryInMs: number };

export interface SharedModelState {
  /** The shared facts of these models (those with nothing to report may be left out). Read before each decision. */
  read(models: readonly ModelLimits[]): Promise<ReadonlyMap<string, SharedModelFacts>>;
  /**
   * Checks the model's block and its rpm / tpm over every instance and, if it may be called,
   * counts one request with `tokens` — in one atomic step, so concurrent instances cannot all pass.
   */
  acquire(model: ModelLimits, tokens: number): Promise<SharedPermit>;
  /** Counts requests and tokens without checking (a retry; a correction once usage is known: tokens may be negative). */
  count(modelId: string, requests: number, tokens: number): Promise<void>;
  /** Blocks the model for every instance for `forMs`; never shortens a longer block. */
  block(modelId: string, forMs: number, reason: SharedBlockReason): Promise<void>;
}
