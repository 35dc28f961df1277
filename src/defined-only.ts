// Options given as `undefined` keep their default: a spread would copy the undefined over it (p-retry
// then retries 10 times; a handler's base path becomes `undefined`). One helper for every options object.

/** `options` without the keys whose value is `undefined`. */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
