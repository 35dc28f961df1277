// One try's signal: it aborts when the caller's signal does, and when the try outlives its timeout
// — so a provider that never answers cannot hang the caller, whatever its adapter does with the
// signal. A stream keeps it after opening, to end the provider's stream with the call.
export class TrySignal {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly unlink: () => void;
  /** Set when the try ran out of time (as opposed to the caller aborting). */
  timedOut = false;

  constructor(
    parent: AbortSignal | undefined,
    timeoutMs: number,
  ) {
    const onAbort = () => this.controller.abort(parent?.reason);
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
      this.controller.abort(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    // A pending timeout must not keep the process alive on its own.
    (this.timer as { unref?: () => void }).unref?.();
  }

  /**
   * Settles with `promise`, or rejects with `ended()` as soon as this signal aborts — whatever the
   * code behind the promise does with the signal.
   */
  race<T>(promise: Promise<T>, ended: () => Error): Promise<T> {
    const { signal } = this.controller;
    if (signal.aborted) {
      promise.catch(() => {});
      return Promise.reject(ended());
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        // The late answer or failure has nowhere to go.
        promise.catch(() => {});
        reject(ended());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(this.timedOut ? ended() : error);
        },
      );
    });
  }

  /** Stops the clock and lets go of the caller's signal. */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.unlink();
  }
}
