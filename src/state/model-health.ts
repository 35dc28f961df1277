// The live state of every model — rate windows and circuit breakers — and the `ModelLiveState`
// view of it that decisions read (`model.available`, `model.rate_limit_approaching`, ...).
import type { ModelLimits, ModelLiveState } from './model-live-state.js';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitPermit } from './circuit-breaker.js';
import { RateWindow } from './rate-window.js';

export interface ModelHealthOptions {
  breaker?: CircuitBreakerOptions;
  /** Share of rpm / tpm above which a model is "approaching" its limit. Default 0.8. */
  approachingShare?: number;
}

interface Entry {
  model: ModelLimits;
  window: RateWindow;
  breaker: CircuitBreaker;
  /** Epoch ms of the last event; an entry idle for over a minute with a closed circuit is idle. */
  lastActivity: number;
}

const MAX_COOLDOWN_MS = 24 * 3_600_000;

export class ModelHealth {
  private readonly entries = new Map<string, Entry>();
  private readonly approachingShare: number;
  /** Epoch ms after which no model can be anything but idle (no recent activity, no cooldown). */
  private quietAfter = Number.NEGATIVE_INFINITY;

  constructor(
    models: Iterable<ModelLimits>,
    private readonly options: ModelHealthOptions = {},
  ) {
    this.approachingShare = options.approachingShare ?? 0.8;
    for (const model of models) {
      this.entries.set(model.id, { model, window: new RateWindow(), breaker: new CircuitBreaker(options.breaker), lastActivity: Number.NEGATIVE_INFINITY });
    }
  }

  /** Counts a request starting now, with the tokens expected so far. */
  recordRequest(modelId: string, now: number, tokens: number): void {
    const entry = this.touch(modelId, now);
    entry?.window.addRequest(now, tokens);
  }

  /** Adds or corrects tokens once a call's actual usage is known. */
  recordTokens(modelId: string, now: number, tokens: number): void {
    this.touch(modelId, now)?.window.addTokens(now, tokens);
  }

  tryAcquire(modelId: string, now: number): CircuitPermit {
    const entry = this.entries.get(modelId);
    return entry ? entry.breaker.tryAcquire(now) : { allowed: true, state: 'closed' };
  }

  onSuccess(modelId: string, now: number): void {
    this.touch(modelId, now)?.breaker.onSuccess(now);
  }

  onFailure(modelId: string, now: number): void {
    // An open circuit stays open for its cool-off: keep the model out of the idle fast path until then.
    this.touch(modelId, now, (this.options.breaker?.openMs ?? 30_000) + 61_000)?.breaker.onFailure(now);
  }

  onCancel(modelId: string): void {
    this.entries.get(modelId)?.breaker.onCancel();
  }

  coolDown(modelId: string, now: number, until: number): void {
    // A provider's Retry-After is capped at a day: a bogus header must not retire a model for ever.
    const capped = Math.min(until, now + MAX_COOLDOWN_MS);
    if (!Number.isFinite(capped)) return;
    this.touch(modelId, now, capped - now)?.breaker.coolDown(capped);
  }

  /** The circuit's state (ignoring any Retry-After cooldown). */
  circuit(modelId: string, now: number): 'closed' | 'open' | 'half_open' {
    return this.entries.get(modelId)?.breaker.current(now).state ?? 'closed';
  }

  /** Whether the model's rate window is full (rpm or tpm reached), and when it frees up. */
  rateLimited(modelId: string, now: number): { limited: boolean; availableAt?: number } {
    const entry = this.entries.get(modelId);
    if (!entry) return { limited: false };
    const { model, window } = entry;
    const usage = window.usage(now);
    const rpm = model.requestsPerMinute;
    const tpm = model.tokensPerMinute;
    const limited = (rpm !== undefined && usage.requests >= rpm) || (tpm !== undefined && usage.tokens >= tpm);
    return limited ? { limited, availableAt: window.freesUpAt(now, rpm, tpm) } : { limited };
  }

  /** The live state of one model. */
  stateOf(modelId: string, now: number): ModelLiveState | undefined {
    const entry = this.entries.get(modelId);
    if (!entry) return undefined;
    const { model, window, breaker } = entry;
    const usage = window.usage(now);
    const rpm = model.requestsPerMinute;
    const tpm = model.tokensPerMinute;
    const requestShare = rpm ? usage.requests / rpm : 0;
    const tokenShare = tpm ? usage.tokens / tpm : 0;
    const load = Math.min(1, Math.max(requestShare, tokenShare));
    const exhausted = (rpm !== undefined && usage.requests >= rpm) || (tpm !== undefined && usage.tokens >= tpm);
    const circuit = breaker.peek(now);
    const state: ModelLiveState = {
      available: circuit.allowed && !exhausted,
      rate_limit_approaching: requestShare >= this.approachingShare || tokenShare >= this.approachingShare,
      requests_last_minute: usage.requests,
      tokens_last_minute: usage.tokens,
      load,
    };
    if (!circuit.allowed) {
      state.unavailableReason = circuit.reason ?? 'circuit_open';
      if (circuit.retryAt !== undefined) state.availableAt = circuit.retryAt;
    } else if (exhausted) {
      state.unavailableReason = 'rate_limited';
      state.availableAt = window.freesUpAt(now, rpm, tpm);
    }
    return state;
  }

  /** Live states of the models that are not idle, or undefined when every model is idle. */
  snapshot(now: number): ReadonlyMap<string, ModelLiveState> | undefined {
    if (now > this.quietAfter) return undefined;
    const states = new Map<string, ModelLiveState>();
    for (const [id, entry] of this.entries) {
      if (now - entry.lastActivity > 60_000 && entry.breaker.current(now).state === 'closed' && entry.breaker.peek(now).allowed) continue;
      states.set(id, this.stateOf(id, now)!);
    }
    return states.size > 0 ? states : undefined;
  }

  private touch(modelId: string, now: number, holdMs = 0): Entry | undefined {
    const entry = this.entries.get(modelId);
    if (!entry) return undefined;
    entry.lastActivity = Math.max(entry.lastActivity, now);
    this.quietAfter = Math.max(this.quietAfter, now + 61_000, now + holdMs);
    return entry;
  }
}
