// Per-request options both SDK adapters pass: the router retries, so the SDK never does; the
// caller's signal; and the adapter's timeout and headers, applied per request too so that an
// injected client honours the adapter's settings.

export interface SdkSettings {
  client?: unknown;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

/**
 * `requestHeaders` (a request's own `headers`) win over the adapter's, whatever their case: a
 * created client already has the adapter's as defaults, an injected one gets them here.
 */
export function sdkRequestOptions(
  settings: SdkSettings,
  signal: AbortSignal | undefined,
  requestHeaders?: Record<string, string>,
) {
  const headers = new Headers(settings.client ? settings.headers : undefined);
  for (const [name, value] of Object.entries(requestHeaders ?? {})) headers.set(name, value);
  const hasHeaders = [...headers.keys()].length > 0;
  return {
    maxRetries: 0,
    ...(signal ? { signal } : {}),
    ...(settings.timeoutMs !== undefined ? { timeout: settings.timeoutMs } : {}),
    ...(hasHeaders ? { headers } : {}),
  };
}
