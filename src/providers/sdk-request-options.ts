// Per-request options both SDK adapters pass: the router retries, so the SDK never does; the
// caller's signal; the time the call may take; and the adapter's timeout and headers, applied per
// request too so that an injected client honours the adapter's settings. Built per call, so kept
// cheap: a `Headers` object only when there are headers to send.

export interface SdkSettings {
  client?: unknown;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

/**
 * What the adapters hand the SDK's `create(body, options)`: every option of a request the SDKs read,
 * undefined when not set (as if left out). The SDKs copy the options into an object of their own and
 * read the rest through Object.prototype, where a planted `defaultBaseURL` would send the API key and
 * the prompt to another host, and a planted `query`, `headers` or `fetchOptions` would change the
 * request. (`method`, `path`, `body` and `stream` are the SDK's own: set after the copy.)
 */
export interface SdkRequestOptions {
  maxRetries: 0;
  signal: AbortSignal | undefined;
  /**
   * Milliseconds; the SDK aborts its request when they have passed. Left out when not set: the SDKs
   * check a `timeout` that is there at all (`'timeout' in options`).
   */
  timeout?: number;
  headers: Headers | undefined;
  query: undefined;
  fetchOptions: undefined;
  idempotencyKey: undefined;
  defaultBaseURL: undefined;
  __metadata: undefined;
  __security: undefined;
  __binaryResponse: undefined;
  __streamClass: undefined;
  __synthesizeEventData: undefined;
}

/**
 * `requestHeaders` (a request's own `headers`) win over the adapter's, whatever their case: a
 * created client already has the adapter's as defaults, an injected one gets them here.
 * `timeoutMs` is how long the router lets this call take (`CallOptions.timeoutMs`); the SDK is
 * given the shorter of it and the adapter's own timeout.
 */
export function sdkRequestOptions(
  settings: SdkSettings,
  signal: AbortSignal | undefined,
  requestHeaders?: Record<string, string>,
  timeoutMs?: number,
): SdkRequestOptions {
  const options: SdkRequestOptions = {
    maxRetries: 0,
    signal,
    headers: undefined,
    query: undefined,
    fetchOptions: undefined,
    idempotencyKey: undefined,
    defaultBaseURL: undefined,
    __metadata: undefined,
    __security: undefined,
    __binaryResponse: undefined,
    __streamClass: undefined,
    __synthesizeEventData: undefined,
  };
  const timeout = shorter(settings.timeoutMs, timeoutMs);
  if (timeout !== undefined) options.timeout = timeout;
  const defaults = settings.client ? settings.headers : undefined;
  if (hasKeys(defaults) || hasKeys(requestHeaders)) {
    const headers = new Headers(defaults);
    for (const [name, value] of Object.entries(requestHeaders ?? {})) headers.set(name, value);
    if ([...headers.keys()].length > 0) options.headers = headers;
  }
  return options;
}

function shorter(a: number | undefined, b: number | undefined): number | undefined {
  const usable = (ms: number | undefined) => ms !== undefined && Number.isFinite(ms) && ms >= 0;
  if (!usable(b)) return a;
  if (a === undefined) return b;
  return Math.min(a, b!);
}

function hasKeys(record: Record<string, string> | undefined): boolean {
  if (record === undefined) return false;
  for (const _ in record) return true;
  return false;
}
