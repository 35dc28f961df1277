// Values that may come now or later: a ledger (or any store the host plugs in) answers at once in
// memory and with a promise over the network. Work on such a value goes on synchronously when it is
// already there — no async frame, no microtask hop — and after it when it is a promise.

/** A value now, or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** True for a promise or any thenable, as `await` would treat it. */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * `then(value)` now when `value` is there, or once it settles. A throw of `then` on a value that is
 * there propagates synchronously: call this only where the caller turns a throw into a rejection
 * (inside an async function, or from one).
 */
export function thenMaybe<T, R>(value: T | PromiseLike<T>, then: (value: T) => R | PromiseLike<R>): MaybePromise<R> {
  return isPromiseLike(value) ? Promise.resolve(value).then(then) : (then(value) as MaybePromise<R>);
}
