// How spans and metrics name an error: its HTTP status, its kind, its code or its class — never its
// message (which may quote what the task holds).
import { ProviderError } from '../call-errors.js';
import { RouterError } from '../errors.js';

/**
 * A low-cardinality name for what went wrong: a provider failure's HTTP status or kind
 * (`503`, `timeout`), a router error's code (`ALL_MODELS_FAILED`), else the error's class.
 */
export function errorType(error: unknown): string {
  try {
    if (ProviderError.isInstance(error)) return error.status !== undefined ? String(error.status) : error.kind;
    if (RouterError.isInstance(error)) return error.code;
    if (error instanceof Error && typeof error.name === 'string' && error.name) return error.name;
  } catch {
    // a hostile thrown value (a throwing getter): described as unknown below
  }
  return '_OTHER';
}
