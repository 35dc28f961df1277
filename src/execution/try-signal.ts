// One try's signal: it aborts when the caller's signal does, and when the try outlives its timeout
// — so a provider that never answers cannot hang the caller, whatever its adapter does with the
// signal. A stream keeps it after opening, to end the provider's stream with the call.
export class TrySignal {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly unlink: () => void;
  /** Called once when the try ends early; a plain field, not an event listener (cheaper per try). */
  private onEnd: (() => void) | undefined;
  /** Set when the try ran out of time (as opposed to the caller aborting). */
  timedOut = false;

  constructor(
    parent: AbortSignal | undefined,
    timeoutMs: number,
  ) {
    const onAbort = () => this.end(parent?.reason);
    if (parent?.aborted) onAbort();
    parent?.addEventListener('abort', onAbort, { once: true });
    this.unlink = () => parent?.removeEventListener('abort', onAbort);
    this.restart(timeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts the clock again (a stream's idle time between parts); `Infinity` stops it. */
  restart(timeoutMs: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!Number.isFinite(timeoutMs) || this.controller.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.end(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    // A pending timeout must not keep the process alive on its own.
    (this.timer as { unref?: () => void }).unref?.();
  }

  /**
   * Settles with `promise`, or rejects with `ended()` as soon as this signal aborts — whatever the
   * code behind the promise does with the signal.
   */
  race<T>(promise: Promise<T>, ended: () => Error): Promise<T> {
    if (this.controller.signal.aborted) {
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
    if (this.controller.signal.aborted) return;
    this.controller.abort(reason);
    const onEnd = this.onEnd;
    this.onEnd = undefined;
    onEnd?.();
  }

  /** Stops the clock and lets go of the caller's signal. */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.unlink();
  }
}
