// The options a router is created with, read once as the caller's own fields: an option the caller
// left out is never taken from Object.prototype (where a prototype-pollution bug elsewhere in an
// application can plant `reservationTtlMs: 1`, `retry: { retries: 1e6 }` or `trace: false`).
import { isOwn, isRecord, ownFields } from '../own-data.js';
import type { RouterOptions } from './router-api.js';

/** Every option `createRouter` reads (checked against `RouterOptions` below). */
const OPTION_KEYS = [
  'ledger',
  'modelState',
  'modelStateTimeoutMs',
  'clock',
  'piiDetector',
  'scanLimits',
  'tokenEstimator',
  'logger',
  'verbose',
  'trace',
  'providers',
  'retry',
  'circuitBreaker',
  'reservationTtlMs',
  'cache',
  'sleep',
  'timeouts',
  'observer',
  'random',
] as const satisfies readonly (keyof RouterOptions)[];

/** A compile error when an option is added to `RouterOptions` and not to the list above. */
const EVERY_OPTION_LISTED: Exclude<keyof RouterOptions, (typeof OPTION_KEYS)[number]> extends never ? true : never = true;
void EVERY_OPTION_LISTED;

/** Options that are bags of plain settings, read field by field: copied the same way. */
const SETTING_BAGS = new Set<string>(['scanLimits', 'retry', 'circuitBreaker', 'cache', 'timeouts']);

/**
 * The caller's own options, in an object without a prototype; a bag of settings (`retry`, `cache`,
 * ...) is copied the same way. Objects with behaviour (the ledger, the logger, the providers) are
 * the caller's own and kept as they are.
 */
export function ownRouterOptions(options: RouterOptions): RouterOptions {
  const copy = Object.create(null) as Record<string, unknown>;
  for (const key of OPTION_KEYS) {
    if (!isOwn(options, key)) continue;
    const value: unknown = options[key];
    copy[key] = SETTING_BAGS.has(key) && isRecord(value) ? ownFields(value) : value;
  }
  return copy as RouterOptions;
}
