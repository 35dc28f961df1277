// The types a decision is made of: the task and context a caller passes, the live state the router
// gathers before deciding, and the `RoutingDecision` it returns.
import type { FeatureSet } from '../request/types.js';
import type { ModelLiveState, ModelLiveStates } from '../state/model-live-state.js';

export type { ModelLiveState } from '../state/model-live-state.js';

/** An open object describing the work. The router reads the fields below; conditions may read any. */
export interface Task {
  /** Used by task overrides (`setTaskRouting`), sticky experiments and feedback; a number counts as its digits. */
  id?: string | number;
  type?: string;
  /** 0 (trivial) to 10 (hardest). Unknown complexity counts as 5. */
  complexity?: number;
  privacy_level?: 'low' | 'medium' | 'high' | (string & {});
  critical?: boolean;
  /** Input tokens; otherwise estimated from `prompt` / `messages`. */
  estimated_tokens?: number;
  /** Output tokens; otherwise the configured default. */
  max_output_tokens?: number;
  prompt?: string;
  messages?: unknown[];
  /** Data the task works on. `contains_pii` is filled in by the PII detector when not given. */
  data?: Record<string, unknown>;
  /** Forces a model for this task (honoured only within the hard constraints). */
  force_model?: string;
  [field: string]: unknown;
}

/** The caller's context: `routing_strategy`, `budget_mode`, `cost_limit_reached`, or anything conditions read. */
export interface RoutingContext {
  routing_strategy?: string;
  budget_mode?: boolean;
  cost_limit_reached?: boolean;
  [field: string]: unknown;
}

export type DecisionSource = 'task_override' | 'agent_override' | 'global_rule' | 'agent_rule' | 'strategy';

export type TraceStepKind =
  | 'input'
  | 'constraint'
  | 'task_override'
  | 'agent_rule'
  | 'agent_override'
  | 'experiment'
  | 'strategy'
  | 'score'
  | 'global_rule'
  | 'fallbacks'
  | 'verification';

export type TraceOutcome = 'applied' | 'matched' | 'not_matched' | 'skipped' | 'error' | 'chosen' | 'info';

/** One step the router considered. Read in order, the trace answers "why this model?". */
export interface TraceStep {
  step: TraceStepKind;
  outcome: TraceOutcome;
  message: string;
  /** The rule's name or index (`routing_rules[1]`, `privacy_enforcement`). */
  rule?: string;
  modelId?: string;
  /** For scoring steps: the weighted score and each factor's 0..1 value. */
  score?: number;
  factors?: Record<string, number>;
}

/** What the router gathers before a decision; `decide()` reads only this, the config and its inputs. */
export interface RoutingState {
  /** Epoch ms, from the router's clock. */
  now: number;
  /** The strategy in force and where it came from. */
  strategy: string;
  strategySource: 'override' | 'context' | 'environment' | 'config' | 'default';
  /**
   * The context's `routing_strategy` when a runtime override outranked it. A request that asked for a
   * local-only strategy keeps that constraint whatever strategy is in force.
   */
  requestedStrategy?: string | undefined;
  /** Today's spend across all agents, committed plus reserved, in USD. */
  dailyCostUsd: number;
  /** Today's spend by this agent, in USD. */
  agentDailyCostUsd: number;
  /** The daily cloud budget in force, in USD, if any. */
  budgetUsd: number | undefined;
  /** Why no cloud model may serve whatever the rules say (the cost ledger cannot be reached and fails closed). */
  cloudRefused?: string | undefined;
  /**
   * Whether what would be sent holds PII: the detector's verdict over the request and the task's
   * text, true when the caller asserted it or when the scan could not read everything; undefined
   * when nothing needed the scan.
   */
  containsPii: boolean | undefined;
  /** Why `containsPii` is true: the scan's finding, the caller's word, or what could not be scanned. */
  piiReason?: string | undefined;
  /** Notes on the task for the trace (a field name that looks misspelt). */
  notes?: readonly string[] | undefined;
  /** What the request needs beyond text (tools, images, files, a JSON schema); absent for a bare task. */
  requires?: FeatureSet | undefined;
  /** The most output tokens the request allows, when it says (checked against context windows). */
  outputLimit?: number | undefined;
  inputTokens: number;
  /**
   * Where `inputTokens` came from: the task's own count (`estimated_tokens`), the text of the task
   * and request, or the configured default when there was neither.
   */
  inputTokensSource?: 'task' | 'text' | 'default';
  outputTokens: number;
  agentOverride?: { modelId: string; reason?: string } | undefined;
  taskOverride?: { modelId: string; reason?: string } | undefined;
  /** Experiments whose status or split differs from the configuration's (started, paused, adapted). */
  experiments?: ReadonlyMap<string, LiveExperiment> | undefined;
  /** Live state of models that are not idle (a `Map` will do); a model missing here is available with no load. */
  modelStates?: ModelLiveStates | undefined;
}

/** An experiment as it runs now: whether it assigns tasks, and its split when that moved from the weights. */
export interface LiveExperiment {
  running: boolean;
  /** Set when the runtime changed its status. */
  status?: 'running' | 'paused' | 'ended';
  /** The upper end of each variant's share of 0..1, in order, when it differs from the weights. */
  upTo?: readonly number[];
  /**
   * The compiled experiment `upTo` was worked out for: a decision on another configuration's
   * experiment of the same name (in flight across a reload) splits by its own weights instead.
   */
  of?: object;
}

export interface Verification {
  modelId: string;
  reason: string;
}

export interface RoutingDecision {
  agentId: string;
  /** The model chosen (its key in models.yaml). */
  modelId: string;
  /** The chosen model's provider (`anthropic`, `openai`, `local`, ...) and type. */
  provider: string;
  modelType: 'cloud' | 'local';
  /** Human-readable: which rule, strategy or override chose it, and why. */
  reason: string;
  /** 0..1: how sure the router is that the model suits the task. */
  confidence: number;
  /** Estimated cost of the task on the chosen model, in USD. */
  estimatedCost: number;
  /** The daily cloud budget in force (USD), if any; calls are reserved against it. */
  budgetUsd: number | undefined;
  /**
   * Tokens the estimate is based on; `inputGiven` when the input is the task's own count
   * (`estimated_tokens`), which budget reservations then trust without a margin.
   */
  estimatedTokens: { input: number; output: number; inputGiven: boolean };
  source: DecisionSource;
  /** The strategy in force. */
  strategy: string;
  /** Ordered alternates that satisfy the same hard constraints. */
  fallbacks: string[];
  /** Set when a global rule requires a cloud model to verify the answer. */
  verification?: Verification;
  /** Hard constraints that were active (e.g. `local only: data contains PII (privacy_enforcement)`). */
  constraints: string[];
  /** Whether every model in `modelId`, `fallbacks` and `verification` must be local. */
  localOnly: boolean;
  /** Whether only cloud models may serve (a strategy requires them); a budget then never degrades to local. */
  cloudOnly: boolean;
  /** Whether a privacy constraint (PII in the data, a privacy rule or strategy) made it local-only. */
  privacyEnforced: boolean;
  /** Execution hints from the strategy (`parallel_requests`, `cache_responses`). */
  execution: { parallelRequests: boolean; cacheResponses: boolean };
  /** Every step considered, matched or skipped, with why. */
  trace: TraceStep[];
  /** The A/B experiment that assigned the model, and the variant, when one did. */
  experiment?: { name: string; variant: string };
  /** The task's id, when it had one (a numeric id as its digits). */
  taskId?: string;
  /** Epoch ms of the decision. */
  decidedAt: number;
}
