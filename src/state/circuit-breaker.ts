// A circuit breaker per model: closed (calls flow), open (calls refused until a cool-off ends),
// half-open (exactly one trial call; its outcome closes or re-opens the circuit). It opens on N
// consecutive failures or on a failure ratio over a sliding window. Separately, a provider's 429
// cools the model down until its Retry-After; a new cooldown never shortens an existing one.

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  consecutiveFailures?: number;
  /** Failure ratio over the window that opens the circuit. Default 0.5. */
  failureRatio?: number;
  /** Calls the window must hold before the ratio counts. Default 10. */
  minimumCalls?: number;
  /** Length of the ratio window in ms. Default 60 000. */
  windowMs?: number;
  /** How long the circuit stays open before a trial call. Default 30 000 ms. */
  openMs?: number;
  /**
   * How long a half-open trial may stay in flight before another call may take it (a trial whose
   * caller vanished must not keep the model out for good). Default 120 000 ms.
   */
  trialTimeoutMs?: number;
}

export interface CircuitPermit {
  allowed: boolean;
  state: CircuitState;
  /** Why not allowed: `circuit_open`, `half_open_trial_in_flight` or `cooling_down`. */
  reason?: string;
  /** When the model may be tried again (epoch ms), if not allowed. */
  retryAt?: number;
}

/** What an option left out is. */
export const CIRCUIT_BREAKER_DEFAULTS: Readonly<Required<CircuitBreakerOptions>> = Object.freeze({
  consecutiveFailures: 5,
  failureRatio: 0.5,
  minimumCalls: 10,
  windowMs: 60_000,
  openMs: 30_000,
  trialTimeoutMs: 120_000,
});

export class CircuitBreaker {
  private readonly options: Required<CircuitBreakerOptions>;
  private state: CircuitState = 'closed';
  private openedUntil = 0;
  private cooldownUntil = 0;
  private consecutive = 0;
  private trialInFlight = false;
  private trialStartedAt = 0;
  /** Outcomes in the ratio window: [time, failed] pairs, oldest first. */
  /** Outcomes, oldest first; those before `head` have left the window (dropped in batches). */
  private outcomes: { at: number; failed: boolean }[] = [];
  private head = 0;
  private failuresInWindow = 0;

  constructor(options: CircuitBreakerOptions = {}) {
    // An option given as `undefined` keeps its default: spread alone would copy the `undefined` and
    // disable the breaker (`consecutive >= undefined` is never true; `now + undefined` is NaN).
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
    this.options = { ...CIRCUIT_BREAKER_DEFAULTS, ...given };
  }

  /** May a call start now? A `true` in half-open claims the single trial; settle it with success/failure. */
  tryAcquire(now: number): CircuitPermit {
    const peek = this.peek(now);
    if (!peek.allowed) return peek;
    if (this.state === 'half_open') {
      this.trialInFlight = true;
      this.trialStartedAt = now;
    }
    return peek;
  }

  /** Like `tryAcquire`, without claiming the half-open trial (for decisions). */
  peek(now: number): CircuitPermit {
    if (now < this.cooldownUntil) {
      return { allowed: false, state: this.state, reason: 'cooling_down', retryAt: Math.max(this.cooldownUntil, this.state === 'open' ? this.openedUntil : 0) };
    }
    if (this.state === 'open') {
      if (now < this.openedUntil) return { allowed: false, state: 'open', reason: 'circuit_open', retryAt: this.openedUntil };
      this.state = 'half_open';
      this.trialInFlight = false;
    }
    if (this.state === 'half_open' && this.trialInFlight && now - this.trialStartedAt < this.options.trialTimeoutMs) {
      return { allowed: false, state: 'half_open', reason: 'half_open_trial_in_flight', retryAt: now + 1000 };
    }
    return { allowed: true, state: this.state };
  }

  onSuccess(now: number): void {
    this.record(now, false);
    this.consecutive = 0;
    if (this.state === 'half_open') {
      this.state = 'closed';
      this.trialInFlight = false;
      this.outcomes = [];
      this.head = 0;
      this.failuresInWindow = 0;
    }
  }

  /** Records a failure; says whether it opened the circuit. */
  onFailure(now: number): boolean {
    this.record(now, true);
    this.consecutive += 1;
    if (this.state === 'half_open') {
      this.open(now);
      return true;
    }
    const { consecutiveFailures, failureRatio, minimumCalls } = this.options;
    const inWindow = this.outcomes.length - this.head;
    const ratioTripped = inWindow >= minimumCalls && this.failuresInWindow / inWindow >= failureRatio;
    if (this.state === 'closed' && (this.consecutive >= consecutiveFailures || ratioTripped)) {
      this.open(now);
      return true;
    }
    return false;
  }

  /** How long an opened circuit stays open (ms). */
  get openMs(): number {
    return this.options.openMs;
  }

  /** A call that never reached the model (aborted by the caller) releases a claimed trial. */
  onCancel(): void {
    this.trialInFlight = false;
  }

  /** Keeps the model out of use until `until` (epoch ms); never shortens an existing cooldown. */
  coolDown(until: number): void {
    if (until > this.cooldownUntil) this.cooldownUntil = until;
  }

  current(now: number): { state: CircuitState; retryAt?: number } {
    const permit = this.peek(now);
    return permit.allowed ? { state: permit.state } : { state: permit.state, ...(permit.retryAt !== undefined ? { retryAt: permit.retryAt } : {}) };
  }

  private open(now: number): void {
    this.state = 'open';
    this.openedUntil = now + this.options.openMs;
    this.trialInFlight = false;
    this.consecutive = 0;
  }

  private record(now: number, failed: boolean): void {
    this.outcomes.push({ at: now, failed });
    if (failed) this.failuresInWindow += 1;
    const horizon = now - this.options.windowMs;
    while (this.head < this.outcomes.length && this.outcomes[this.head]!.at <= horizon) {
      if (this.outcomes[this.head]!.failed) this.failuresInWindow -= 1;
      this.head++;
    }
    // Compact now and then, not on every call: O(1) amortised however busy the model is.
    if (this.head > 1024 && this.head * 2 > this.outcomes.length) {
      this.outcomes = this.outcomes.slice(this.head);
      this.head = 0;
    }
  }
}
