// What a host (or `llm-agent-router/telemetry`) can watch of each operation: it starts, the router
// decides, it ends with its result or its error and every try it made. The router calls these hooks
// and nothing else; a hook that throws is logged and ignored, never the caller's failure.
import type { AttemptRecord } from '../call-errors.js';
import type { TokenUsage } from '../request/types.js';
import type { RoutingDecision } from '../routing/types.js';

export type ObservedOperation = 'route' | 'complete' | 'stream' | 'execute';

/** What served an operation that succeeded. */
export interface ObservedResult {
  /** The model that served (its key in models.yaml) and its provider. */
  modelId: string;
  provider: string;
  /** The name the provider gave the model that answered, when it said. */
  responseModelId?: string | undefined;
  usage?: TokenUsage | undefined;
  costUsd?: number | undefined;
  finishReason?: string | undefined;
  usedFallback: boolean;
  cached?: boolean | undefined;
}

export interface ObservedEnd {
  /** The decision, when the router got that far. */
  decision: RoutingDecision | undefined;
  /** Every try and skip, in order (each try's `startedAt` and `durationMs` place it in time). */
  attempts: readonly AttemptRecord[];
  /** Set when the operation succeeded (absent for `route`, which calls no model). */
  result?: ObservedResult | undefined;
  /** Set when it failed: the error the caller got. */
  error?: unknown;
  /** Set when the consumer stopped reading a stream before its end. */
  cancelled?: boolean | undefined;
  /** Epoch ms (the router's clock) when the operation started and ended. */
  startedAt: number;
  endedAt: number;
}

/** One operation being watched. */
export interface OperationObservation {
  /** The router decided (for `complete`, `stream` and `execute`, before the first model is called). */
  decided?(decision: RoutingDecision): void;
  /** The operation ended; called exactly once. */
  end(outcome: ObservedEnd): void;
}

/** Passed as `createRouter(config, { observer })`. */
export interface RouterObserver {
  /** A `route`, `complete`, `stream` or `execute` call begins; return what should watch it, if anything. */
  start(operation: ObservedOperation, agentId: string): OperationObservation | undefined | void;
}

/**
 * The router's side of an observation: hooks that cannot throw into the call, and an `end` that
 * runs once however the operation finishes.
 */
export class Observed {
  private ended = false;

  private constructor(
    private readonly watcher: OperationObservation,
    private readonly startedAt: number,
    private readonly clock: () => number,
    private readonly warn: (message: string, details?: unknown) => void,
  ) {}

  static start(observer: RouterObserver | undefined, operation: ObservedOperation, agentId: string, clock: () => number, warn: (message: string, details?: unknown) => void): Observed | undefined {
    if (!observer) return undefined;
    try {
      const watcher = observer.start(operation, agentId);
      return watcher ? new Observed(watcher, clock(), clock, warn) : undefined;
    } catch (error) {
      warn('an observer threw when an operation started; ignored', error);
      return undefined;
    }
  }

  decided(decision: RoutingDecision): void {
    try {
      this.watcher.decided?.(decision);
    } catch (error) {
      this.warn('an observer threw on a decision; ignored', error);
    }
  }

  end(outcome: Omit<ObservedEnd, 'startedAt' | 'endedAt'>): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.watcher.end({ ...outcome, startedAt: this.startedAt, endedAt: this.clock() });
    } catch (error) {
      this.warn('an observer threw when an operation ended; ignored', error);
    }
  }
}
