// The one way the Redis stores talk to Redis: a script is loaded once and run by its SHA1 (loaded
// again if Redis forgot it, e.g. after a restart); every command has a deadline; and a store that
// failed is not asked again for a short while, so no request waits on a Redis that is down. The
// transitions (unavailable, recovered) are reported once each, not per command.
import { createHash } from 'node:crypto';
import { InvalidArgumentError, StateUnavailableError } from '../errors.js';

/**
 * What the stores need of a Redis client: `evalsha` and `script('LOAD', ...)`, as `ioredis`
 * offers them (a `Redis` or `Cluster` instance). The host creates, configures and closes it.
 */
export interface RedisScriptClient {
  evalsha(sha1: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  script(subcommand: 'LOAD', script: string): Promise<unknown>;
}

export interface RedisLinkOptions {
  /** The longest a command may take before the store counts as unavailable (ms). Default 500. */
  commandTimeoutMs?: number;
  /** After a failure, how long the store is not asked (every operation takes its unavailable path at once) (ms). Default 1000. */
  retryIntervalMs?: number;
}

export const REDIS_LINK_DEFAULTS: Readonly<Required<RedisLinkOptions>> = Object.freeze({ commandTimeoutMs: 500, retryIntervalMs: 1000 });

export interface Script {
  readonly source: string;
  readonly sha: string;
  readonly name: string;
}

export function script(name: string, source: string): Script {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** A transition of a store's link to Redis. */
export type RedisLinkEvent =
  | { type: 'redis_unavailable'; store: string; error: StateUnavailableError }
  | { type: 'redis_recovered'; store: string; downMs: number };

export class RedisLink {
  private readonly timeoutMs: number;
  private readonly retryMs: number;
  private downSince: number | undefined;
  private retryAt = 0;
  private lastError: StateUnavailableError | undefined;
  private readonly loaded = new Set<string>();

  constructor(
    private readonly client: RedisScriptClient,
    private readonly store: string,
    options: RedisLinkOptions,
    private readonly onEvent: (event: RedisLinkEvent) => void,
  ) {
    if (typeof client?.evalsha !== 'function' || typeof client.script !== 'function') {
      throw new InvalidArgumentError('client', 'expected a Redis client with evalsha() and script() (an ioredis Redis or Cluster instance)');
    }
    this.timeoutMs = positive('commandTimeoutMs', options.commandTimeoutMs ?? REDIS_LINK_DEFAULTS.commandTimeoutMs);
    this.retryMs = positive('retryIntervalMs', options.retryIntervalMs ?? REDIS_LINK_DEFAULTS.retryIntervalMs);
  }

  /** Whether the last command failed and the retry interval has not passed: operations should not wait on Redis. */
  get unavailable(): boolean {
    return this.downSince !== undefined && Date.now() < this.retryAt;
  }

  /** Runs a script under the deadline; rejects with `StateUnavailableError` (at once while the store is down). */
  async run(op: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    if (this.unavailable) {
      throw new StateUnavailableError(this.store, op.name, `Redis is unavailable (${this.lastError?.reason ?? 'it failed'}); it is asked again ${this.retryMs} ms after the failure`);
    }
    const attempt = { givenUp: false };
    try {
      const result = await this.withDeadline(op, attempt, this.evaluate(op, keys, args, attempt));
      this.up();
      return result;
    } catch (error) {
      throw this.down(op, error);
    }
  }

  private async evaluate(op: Script, keys: readonly string[], args: readonly (string | number)[], attempt: { givenUp: boolean }): Promise<unknown> {
    if (!this.loaded.has(op.sha)) {
      await this.client.script('LOAD', op.source);
      this.loaded.add(op.sha);
    }
    // A command given up at its deadline is not sent after all: its caller has already gone on without it.
    const send = () => {
      if (attempt.givenUp) throw new StateUnavailableError(this.store, op.name, 'given up at its deadline', { timedOut: true });
      return this.client.evalsha(op.sha, keys.length, ...keys, ...args);
    };
    try {
      return await send();
    } catch (error) {
      if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error;
      // Redis restarted or flushed its scripts: load again, once.
      await this.client.script('LOAD', op.source);
      return send();
    }
  }

  private withDeadline<T>(op: Script, attempt: { givenUp: boolean }, work: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        attempt.givenUp = true;
        reject(new StateUnavailableError(this.store, op.name, `Redis did not answer within ${this.timeoutMs} ms`, { timedOut: true }));
      }, this.timeoutMs);
    });
    // A command that answers after its deadline is let go (its rejection must not go unhandled).
    work.catch(() => undefined);
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }

  private up(): void {
    if (this.downSince === undefined) return;
    const downMs = Date.now() - this.downSince;
    this.downSince = undefined;
    this.lastError = undefined;
    this.emit({ type: 'redis_recovered', store: this.store, downMs });
  }

  private down(op: Script, error: unknown): StateUnavailableError {
    const failure = StateUnavailableError.isInstance(error)
      ? error
      : new StateUnavailableError(this.store, op.name, (error as Error | undefined)?.message ?? String(error), { cause: error });
    // A script Redis refused (a bug, a wrong key type) is no outage, but neither can it be trusted: the same path.
    const first = this.downSince === undefined;
    if (first) this.downSince = Date.now();
    this.retryAt = Date.now() + this.retryMs;
    this.lastError = failure;
    // Loading may be what failed: load again next time.
    this.loaded.delete(op.sha);
    if (first) this.emit({ type: 'redis_unavailable', store: this.store, error: failure });
    return failure;
  }

  private emit(event: RedisLinkEvent): void {
    try {
      this.onEvent(event);
    } catch {
      // a throwing listener must not break a call
    }
  }
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw new InvalidArgumentError(`options.${name}`, `expected a positive number of milliseconds, got ${String(value)}`);
  return value;
}
