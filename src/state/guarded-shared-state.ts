// A store shared by several instances is someone else's code over someone else's network: what the
// router asks of it is bounded in time, and what it answers is checked. Nothing here throws or
// hangs: a store that fails, answers late or answers nonsense reads as "cannot say" (undefined),
// and the router goes on with this instance's own view.
import type { ModelLimits } from './model-live-state.js';
import type { SharedBlockReason, SharedModelState, SharedPermit } from './shared-model-state.js';

/** How long the router waits for a shared store before it goes on without it (ms). */
export const SHARED_STATE_TIMEOUT_MS = 1000;

const REASONS: ReadonlySet<string> = new Set(['rate_limited', 'cooling_down', 'circuit_open']);

export interface GuardedSharedState {
  /** The facts by model id, or undefined when the store cannot say. */
  read(models: readonly ModelLimits[]): Promise<ReadonlyMap<string, unknown> | undefined>;
  /** The store's permit, or undefined when it cannot say. */
  acquire(model: ModelLimits, tokens: number): Promise<SharedPermit | undefined>;
  count(modelId: string, requests: number, tokens: number): Promise<void>;
  block(modelId: string, forMs: number, reason: SharedBlockReason): Promise<void>;
}

export function guardSharedState(store: SharedModelState, timeoutMs: number, onError: (operation: string, error: unknown) => void): GuardedSharedState {
  function bounded<T>(operation: string, run: () => Promise<T>): Promise<T | undefined> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (value: T | undefined, error?: unknown) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (error !== undefined) onError(operation, error);
        resolve(value);
      };
      const timer = setTimeout(() => finish(undefined, new Error(`the shared store did not answer within ${timeoutMs} ms`)), timeoutMs);
      try {
        Promise.resolve(run()).then(
          (value) => finish(value),
          (error: unknown) => finish(undefined, error ?? new Error('the shared store failed')),
        );
      } catch (error) {
        finish(undefined, error ?? new Error('the shared store failed'));
      }
    });
  }

  return {
    async read(models) {
      const facts = await bounded('read', () => store.read(models));
      if (facts === undefined) return undefined;
      if (typeof (facts as { get?: unknown } | null)?.get !== 'function') {
        onError('read', new TypeError('the shared store answered read() with no Map'));
        return undefined;
      }
      return facts;
    },
    async acquire(model, tokens) {
      const permit = (await bounded('acquire', () => store.acquire(model, tokens))) as Partial<Record<string, unknown>> | undefined | null;
      if (permit === undefined) return undefined;
      try {
        return checkPermit(permit);
      } catch (error) {
        onError('acquire', error);
        return undefined;
      }
    },
    async count(modelId, requests, tokens) {
      await bounded('count', () => store.count(modelId, requests, tokens));
    },
    async block(modelId, forMs, reason) {
      await bounded('block', () => store.block(modelId, forMs, reason));
    },
  };
}

/** The permit a store answered, checked (its fields may be anything, even throwing getters). */
function checkPermit(permit: Partial<Record<string, unknown>> | null): SharedPermit {
  if (typeof permit !== 'object' || permit === null || typeof permit.allowed !== 'boolean') {
    throw new TypeError('the shared store answered acquire() with no permit');
  }
  if (permit.allowed) return { allowed: true };
  const reason = typeof permit.reason === 'string' && REASONS.has(permit.reason) ? (permit.reason as Exclude<SharedPermit, { allowed: true }>['reason']) : 'cooling_down';
  const retryInMs = typeof permit.retryInMs === 'number' && Number.isFinite(permit.retryInMs) && permit.retryInMs > 0 ? permit.retryInMs : 1000;
  return { allowed: false, reason, retryInMs };
}
