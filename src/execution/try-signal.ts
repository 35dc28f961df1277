// One try's end: it comes when the caller's signal aborts, and when the try outlives its timeout —
// so a provider that never answers cannot hang the caller, whatever its adapter does with the
// signal. The AbortSignal handed to the adapter is made on first use only: an adapter that ends
// its own calls on time (`honoursTimeoutMs`) and a caller without a signal need none, and one
// AbortController (with the SDK's listener on its signal) is the dearest part of a try. A stream
// keeps it after opening, to end the provider's stream with the call.
import type { CallOptions } from '../providers/provider.js';

/**
 * Why a race's losers are aborted: one shared reason, so that ending a loser allocates no error
 * (a race runs on every call of a `parallel_requests` strategy).
 */
export const RACE_LOST: Error = Object.freeze(new Error('another model answered first'));

export class TrySignal {
  private controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private parent: AbortSignal | undefined;
  private onParentAbort: (() => void) | undefined;
  /** Called once when the try ends early; a plain field, not an event listener (cheaper per try). */
  private onEnd: (() => void) | undefined;
  /** Why the try ended early, once it has. */
  private reason: unknown;
  /** The try ended early: it timed out, or the caller aborted. */
  ended = false;
  /** Set when the try ran out of time (as opposed to the caller aborting). */
  timedOut = false;

  constructor(
    parent: AbortSignal | undefined,
    readonly timeoutMs: number,
    /** The parent is the router's own (a race's), made for this call and dropped after it. */
    private readonly parentIsOurs = false,
  ) {
    if (parent) {
      if (parent.aborted) this.end(parent.reason);
      else {
        const onAbort = () => this.end(parent.reason);
        parent.addEventListener('abort', onAbort, { once: true });
        this.parent = parent;
        this.onParentAbort = onAbort;
      }
    }
    this.restart(timeoutMs);
  }

  /**
   * What the adapter's `complete()` is given: the try's signal — or, for an adapter that ends its
   * own calls on time (`honoursTimeoutMs`), the try's timeout with no signal made for it: none when
   * nothing can abort the try but its timeout, the race's own signal when it runs in a race. A
   * caller's signal is never handed on (an SDK may leave a listener on it per call); the adapter gets
   * the try's own then. The router ends the try on time itself either way (`race`).
   */
  callOptions(honoursTimeoutMs: boolean | undefined): CallOptions {
    // Both fields always the object's own (undefined when not given), so that an adapter reading
    // either never reaches Object.prototype.
    if (honoursTimeoutMs !== true || this.ended || (this.parent !== undefined && !this.parentIsOurs)) return { signal: this.signal, timeoutMs: undefined };
    const timeoutMs = Number.isFinite(this.timeoutMs) ? this.timeoutMs : undefined;
    return { signal: this.parent, timeoutMs };
  }

  /** The try's signal, made on first use: it aborts when the try ends early (already, if it has). */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.ended) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Why the try ended early (the caller's reason, or the timeout's error); `undefined` while it runs. */
  get endReason(): unknown {
    return this.reason;
  }

  /** Starts the clock again (a stream's idle time between parts); `Infinity` stops it. */
  restart(timeoutMs: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!Number.isFinite(timeoutMs) || this.ended) return;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.end(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    // A pending timeout must not keep the process alive on its own.
    (this.timer as { unref?: () => void }).unref?.();
  }

  /**
   * Settles with `promise`, or rejects with `ended()` as soon as the try ends early — whatever the
   * code behind the promise does with the signal.
   */
  race<T>(promise: Promise<T>, ended: () => Error): Promise<T> {
    if (this.ended) {
      promise.catch(() => {});
      return Promise.reject(ended());
    }
    return new Promise<T>((resolve, reject) => {
      this.onEnd = () => {
        // The late answer or failure is not this race's: whoever made the promise handles it
        // (try-call.ts books a late answer).
        promise.catch(() => {});
        reject(ended());
      };
      promise.then(
        (value) => {
          this.onEnd = undefined;
          resolve(value);
        },
        (error: unknown) => {
          this.onEnd = undefined;
          reject(this.timedOut ? ended() : error);
        },
      );
    });
  }

  private end(reason: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.reason = reason;
    this.controller?.abort(reason);
    const onEnd = this.onEnd;
    this.onEnd = undefined;
    onEnd?.();
  }

  /** Stops the clock and lets go of the caller's signal. */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.parent !== undefined) {
      this.parent.removeEventListener('abort', this.onParentAbort!);
      this.parent = undefined;
      this.onParentAbort = undefined;
    }
  }
}
