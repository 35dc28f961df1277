// The types the state layer owns: what it needs to know of a model (its limits), and the live state
// it reports for one. Routing reads these; the state layer knows nothing of routing.

/** A model's identity and rate limits, as the state layer tracks them. */
export interface ModelLimits {
  id: string;
  requestsPerMinute: number | undefined;
  tokensPerMinute: number | undefined;
}

/** A model's live state as conditions see it under `model.*` (besides its configuration). */
export interface ModelLiveState {
  available: boolean;
  /** Why the model is unavailable: `circuit_open`, `rate_limited`, `cooling_down`, `half_open_trial_in_flight`. */
  unavailableReason?: string;
  /** When an unavailable model becomes available again (epoch ms). */
  availableAt?: number;
  rate_limit_approaching: boolean;
  requests_last_minute: number;
  tokens_last_minute: number;
  /** Highest share (0..1) of the model's rpm / tpm used in the last minute. */
  load: number;
}

/** Models' live states as a decision reads them: by id; a model without one is available with no load. */
export interface ModelLiveStates {
  get(modelId: string): ModelLiveState | undefined;
}
