// The live state of every model — rate windows and circuit breakers — and the `ModelLiveState`
// view of it that decisions read (`model.available`, `model.rate_limit_approaching`, ...). With a
// shared store (several router instances), what this instance sees is merged with what every
// instance counted and blocked: the store is read before each decision and asked before each call,
// and this instance's requests, tokens, cooldowns and opened circuits are written to it.
import type { ModelLimits, ModelLiveState, ModelLiveStates } from './model-live-state.js';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitPermit } from './circuit-breaker.js';
import { RateWindow, type RateWindowUsage } from './rate-window.js';
import { guardSharedState, SHARED_STATE_TIMEOUT_MS, type GuardedSharedState } from './guarded-shared-state.js';
import type { SharedBlockReason, SharedModelState, SharedPermit } from './shared-model-state.js';

export interface ModelHealthOptions {
  breaker?: CircuitBreakerOptions;
  /** Share of rpm / tpm above which a model is "approaching" its limit. Default 0.8. */
  approachingShare?: number;
  /** A store shared with other router instances (rate windows and blocks over every instance). */
  shared?: SharedModelState;
  /** Told when the shared store fails; this instance then goes on with what it sees itself. */
  onSharedError?: (operation: string, error: unknown) => void;
  /** How long to wait for the shared store before going on without it (ms). Default 1000. */
  sharedTimeoutMs?: number;
}

/** What the shared store said of a model when it was last read. */
interface SharedView {
  requests: number;
  tokens: number;
  /** Local epoch ms until which the model is blocked (0: it is not). */
  blockedUntil: number;
  reason: SharedBlockReason | 'rate_limited' | undefined;
  readAt: number;
}

interface Entry {
  model: ModelLimits;
  window: RateWindow;
  breaker: CircuitBreaker;
  /** Epoch ms of the last event; an entry idle for over a minute with a closed circuit is idle. */
  lastActivity: number;
  shared: SharedView | undefined;
}

/** How long the shared counts read before a decision stand for the last minute's (ms). */
const SHARED_COUNTS_FRESH_MS = 1000;

const MAX_COOLDOWN_MS = 24 * 3_600_000;

export class ModelHealth {
  private readonly entries = new Map<string, Entry>();
  private approachingShare: number;
  /** Epoch ms after which no model can be anything but idle (no recent activity, no cooldown). */
  private quietAfter = Number.NEGATIVE_INFINITY;
  private readonly shared: GuardedSharedState | undefined;
  private limits: readonly ModelLimits[];
  /** Writes to the shared store not yet answered. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    models: Iterable<ModelLimits>,
    private readonly options: ModelHealthOptions = {},
  ) {
    this.approachingShare = options.approachingShare ?? 0.8;
    this.shared = options.shared ? guardSharedState(options.shared, options.sharedTimeoutMs ?? SHARED_STATE_TIMEOUT_MS, (operation, error) => this.sharedError(operation, error)) : undefined;
    for (const model of models) {
      this.entries.set(model.id, { model, window: new RateWindow(), breaker: new CircuitBreaker(options.breaker), lastActivity: Number.NEGATIVE_INFINITY, shared: undefined });
    }
    this.limits = [...this.entries.values()].map((entry) => entry.model);
  }

  /**
   * A new set of models (a configuration reload): a model kept keeps its window and circuit under
   * its new limits, a new one starts idle, one no longer configured is forgotten; the share of a
   * limit that counts as approaching it may change too.
   */
  setModels(models: Iterable<ModelLimits>, approachingShare = this.approachingShare): void {
    this.approachingShare = approachingShare;
    const next = new Map<string, Entry>();
    for (const model of models) {
      const kept = this.entries.get(model.id);
      next.set(model.id, kept ? { ...kept, model } : { model, window: new RateWindow(), breaker: new CircuitBreaker(this.options.breaker), lastActivity: Number.NEGATIVE_INFINITY, shared: undefined });
    }
    this.entries.clear();
    for (const [id, entry] of next) this.entries.set(id, entry);
    this.limits = [...this.entries.values()].map((entry) => entry.model);
  }

  /** Whether a store shared with other instances is in use. */
  get sharesState(): boolean {
    return this.shared !== undefined;
  }

  /** Counts a request starting now, with the tokens expected so far (also in the shared store). */
  recordRequest(modelId: string, now: number, tokens: number): void {
    const entry = this.touch(modelId, now);
    if (!entry) return;
    entry.window.addRequest(now, tokens);
    if (this.shared) this.publish((shared) => shared.count(modelId, 1, tokens));
  }

  /** Adds or corrects tokens once a call's actual usage is known. */
  recordTokens(modelId: string, now: number, tokens: number): void {
    const entry = this.touch(modelId, now);
    if (!entry) return;
    entry.window.addTokens(now, tokens);
    if (this.shared && tokens) this.publish((shared) => shared.count(modelId, 0, tokens));
  }

  tryAcquire(modelId: string, now: number): CircuitPermit {
    const entry = this.entries.get(modelId);
    if (!entry) return { allowed: true, state: 'closed' };
    const blocked = sharedBlock(entry, now);
    if (blocked) return { ...blocked, state: entry.breaker.current(now).state };
    return entry.breaker.tryAcquire(now);
  }

  onSuccess(modelId: string, now: number): void {
    this.touch(modelId, now)?.breaker.onSuccess(now);
  }

  onFailure(modelId: string, now: number): void {
    // An open circuit stays open for its cool-off: keep the model out of the idle fast path until then.
    const entry = this.touch(modelId, now, (this.options.breaker?.openMs ?? 30_000) + 61_000);
    if (!entry) return;
    const opened = entry.breaker.onFailure(now);
    if (opened && this.shared) {
      const openMs = entry.breaker.openMs;
      this.publish((shared) => shared.block(modelId, openMs, 'circuit_open'));
    }
  }

  onCancel(modelId: string): void {
    this.entries.get(modelId)?.breaker.onCancel();
  }

  coolDown(modelId: string, now: number, until: number): void {
    // A provider's Retry-After is capped at a day: a bogus header must not retire a model for ever.
    const capped = Math.min(until, now + MAX_COOLDOWN_MS);
    if (!Number.isFinite(capped)) return;
    const entry = this.touch(modelId, now, capped - now);
    if (!entry) return;
    entry.breaker.coolDown(capped);
    if (this.shared && capped > now) this.publish((shared) => shared.block(modelId, capped - now, 'cooling_down'));
  }

  /** Reads what every instance counted and blocked (before a decision). A failing store leaves this instance's own view. */
  async refresh(now: number): Promise<void> {
    if (!this.shared) return;
    const facts = await this.shared.read(this.limits);
    if (facts === undefined) return;
    for (const [id, entry] of this.entries) {
      let requests: number, tokens: number, blockedFor: number, reason: SharedBlockReason;
      try {
        // What a store answered may be anything, even throwing getters.
        const fact = facts.get(id) as Partial<Record<string, unknown>> | undefined;
        requests = count(fact?.requests);
        tokens = count(fact?.tokens);
        blockedFor = Math.min(count(fact?.blockedForMs), MAX_COOLDOWN_MS);
        reason = fact?.blockedReason === 'circuit_open' ? 'circuit_open' : 'cooling_down';
      } catch (error) {
        this.sharedError('read', error);
        return;
      }
      // A block this instance learned by asking (acquire) stands until it ends.
      const kept = entry.shared && entry.shared.blockedUntil > now ? entry.shared : undefined;
      const blockedUntil = blockedFor > 0 ? now + blockedFor : 0;
      entry.shared = kept && kept.blockedUntil >= blockedUntil
        ? { ...kept, requests, tokens, readAt: now }
        : { requests, tokens, blockedUntil, reason: blockedUntil > 0 ? reason : undefined, readAt: now };
      if (requests > 0 || tokens > 0 || blockedUntil > 0) this.touch(id, now, blockedUntil > 0 ? blockedUntil - now : 0);
    }
  }

  /**
   * Asks the shared store whether the model may be called — its block and its rpm / tpm over every
   * instance — and counts the request there and here when it may. A failing store lets the call
   * through on this instance's own view.
   */
  async acquireShared(modelId: string, now: number, tokens: number): Promise<SharedPermit> {
    const entry = this.entries.get(modelId);
    if (!entry) return { allowed: true };
    if (!this.shared) {
      this.recordRequest(modelId, now, tokens);
      return { allowed: true };
    }
    const permit = await this.shared.acquire(entry.model, tokens);
    if (permit === undefined) {
      // The store cannot say: this instance's own window decides, checked and counted in one step.
      const rate = this.rateLimited(modelId, now);
      if (rate.limited) return { allowed: false, reason: 'rate_limited', retryInMs: Math.max(1, (rate.availableAt ?? now + 1000) - now) };
      this.touch(modelId, now)?.window.addRequest(now, tokens);
      return { allowed: true };
    }
    if (permit.allowed) {
      this.touch(modelId, now)?.window.addRequest(now, tokens);
      return permit;
    }
    const retryInMs = Math.min(count(permit.retryInMs), MAX_COOLDOWN_MS) || 1000;
    const until = now + retryInMs;
    const view = entry.shared ?? { requests: 0, tokens: 0, blockedUntil: 0, reason: undefined, readAt: now };
    if (until > view.blockedUntil) entry.shared = { ...view, blockedUntil: until, reason: permit.reason };
    this.touch(modelId, now, retryInMs);
    return { allowed: false, reason: permit.reason, retryInMs };
  }

  /** Settles once every write to the shared store started so far has been answered (or has failed). */
  flushed(): Promise<void> | undefined {
    return this.pending.size > 0 ? Promise.all(this.pending).then(() => undefined) : undefined;
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
    const usage = usageOf(entry, now);
    const rpm = model.requestsPerMinute;
    const tpm = model.tokensPerMinute;
    const limited = (rpm !== undefined && usage.requests >= rpm) || (tpm !== undefined && usage.tokens >= tpm);
    return limited ? { limited, availableAt: freesUpAt(window, now, rpm, tpm) } : { limited };
  }

  /** The live state of one model. */
  stateOf(modelId: string, now: number): ModelLiveState | undefined {
    const entry = this.entries.get(modelId);
    if (!entry) return undefined;
    const { model, window, breaker } = entry;
    const usage = usageOf(entry, now);
    const rpm = model.requestsPerMinute;
    const tpm = model.tokensPerMinute;
    const requestShare = rpm ? usage.requests / rpm : 0;
    const tokenShare = tpm ? usage.tokens / tpm : 0;
    const load = Math.min(1, Math.max(requestShare, tokenShare));
    const exhausted = (rpm !== undefined && usage.requests >= rpm) || (tpm !== undefined && usage.tokens >= tpm);
    const circuit = sharedBlock(entry, now) ?? breaker.peek(now);
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
      state.availableAt = freesUpAt(window, now, rpm, tpm);
    }
    return state;
  }

  /**
   * Live states of the models that are not idle, or undefined when every model is idle. Computed
   * per model when a decision asks for it (and kept for that decision), not for every model up front.
   */
  snapshot(now: number): LiveStates | undefined {
    if (now > this.quietAfter) return undefined;
    return new LiveStates(this, now);
  }

  /** @internal One model's live state for a snapshot: undefined when it is idle (available, no load). */
  liveOrIdle(modelId: string, now: number): ModelLiveState | undefined {
    const entry = this.entries.get(modelId);
    if (!entry) return undefined;
    if (now - entry.lastActivity > 60_000 && entry.breaker.current(now).state === 'closed' && entry.breaker.peek(now).allowed && !sharedBlock(entry, now)) return undefined;
    return this.stateOf(modelId, now);
  }

  /** Starts a write to the shared store; its failure is reported, never thrown at a caller. */
  /** Starts a write to the shared store (bounded in time, never throwing), tracked until it settles. */
  private publish(write: (shared: GuardedSharedState) => Promise<void>): void {
    const tracked: Promise<void> = write(this.shared!).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private sharedError(operation: string, error: unknown): void {
    try {
      this.options.onSharedError?.(operation, error);
    } catch {
      // a throwing reporter must not break a call
    }
  }

  private touch(modelId: string, now: number, holdMs = 0): Entry | undefined {
    const entry = this.entries.get(modelId);
    if (!entry) return undefined;
    entry.lastActivity = Math.max(entry.lastActivity, now);
    this.quietAfter = Math.max(this.quietAfter, now + 61_000, now + holdMs);
    return entry;
  }
}

/** The models' live states at one moment, each worked out the first time a decision asks for it. */
export class LiveStates implements ModelLiveStates {
  private readonly known = new Map<string, ModelLiveState | null>();

  constructor(
    private readonly health: ModelHealth,
    private readonly now: number,
  ) {}

  get(modelId: string): ModelLiveState | undefined {
    let state = this.known.get(modelId);
    if (state === undefined) {
      state = this.health.liveOrIdle(modelId, this.now) ?? null;
      this.known.set(modelId, state);
    }
    return state ?? undefined;
  }
}

/** A block every instance honours, from the shared store (or learned by asking it), if one holds now. */
function sharedBlock(entry: Entry, now: number): { allowed: false; reason: string; retryAt: number } | undefined {
  const shared = entry.shared;
  if (!shared || shared.blockedUntil <= now) return undefined;
  return { allowed: false, reason: shared.reason ?? 'cooling_down', retryAt: shared.blockedUntil };
}

/** The last minute's requests and tokens: this instance's own, or every instance's when read lately and higher. */
function usageOf(entry: Entry, now: number): RateWindowUsage {
  const own = entry.window.usage(now);
  const shared = entry.shared;
  if (!shared || now - shared.readAt > SHARED_COUNTS_FRESH_MS) return own;
  return { requests: Math.max(own.requests, shared.requests), tokens: Math.max(own.tokens, shared.tokens) };
}

function freesUpAt(window: RateWindow, now: number, rpm: number | undefined, tpm: number | undefined): number {
  const own = window.freesUpAt(now, rpm, tpm);
  // Full by the shared counts only: when those free up is not known here; ask again in a second.
  return own > now ? own : now + SHARED_COUNTS_FRESH_MS;
}

/** A count from the shared store: a finite number of at least 0, or 0. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
