// Per-request options both SDK adapters pass: the router retries, so the SDK never does; the
// caller's signal; and the adapter's timeout and headers, applied per request too so that an
// injected client honours the adapter's settings.

export interface SdkSettings {
  client?: unknown;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export function sdkRequestOptions(settings: SdkSettings, signal: AbortSignal | undefined) {
  return {
    maxRetries: 0,
    ...(signal ? { signal } : {}),
    ...(settings.timeoutMs !== undefined ? { timeout: settings.timeoutMs } : {}),
    ...(settings.client && settings.headers ? { headers: settings.headers } : {}),
  };
}
