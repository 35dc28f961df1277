// JSON responses and the one error type of the admin API: each refusal carries its status, a stable
// code, a message for people and, for a bad field, the field's path.
import {
  InvalidArgumentError,
  NoEligibleModelError,
  UnknownAgentError,
  UnknownExperimentError,
  UnknownModelError,
  UnknownStrategyError,
} from '../errors.js';

/** The codes of the admin API's own refusals; the router's codes (`UNKNOWN_AGENT`, ...) pass through. */
export type AdminErrorCode =
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'INVALID_PATH'
  | 'INVALID_QUERY'
  | 'INVALID_JSON'
  | 'INVALID_BODY'
  | 'BODY_UNREADABLE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INTERNAL';

/** A request the admin API refuses, with the HTTP status it is answered with. */
export class AdminRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly path: string | undefined;
  readonly headers: Record<string, string>;
  /** Further fields for the error body (a refused explain's constraints and trace). */
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: AdminErrorCode | string, message: string, extra: { path?: string; headers?: Record<string, string>; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'AdminRequestError';
    this.status = status;
    this.code = code;
    this.path = extra.path;
    this.headers = extra.headers ?? {};
    this.details = extra.details;
  }
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** Absent values are written as `null`, so every documented field is present in the JSON. */
function replacer(_key: string, value: unknown): unknown {
  return value === undefined ? null : value;
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body, replacer), { status, headers: { ...JSON_HEADERS, ...headers } });
}

export function errorResponse(error: AdminRequestError): Response {
  const body: Record<string, unknown> = { ...error.details, code: error.code, message: error.message };
  if (error.path !== undefined) body.path = error.path;
  return new Response(JSON.stringify({ error: body }), { status: error.status, headers: { ...JSON_HEADERS, ...error.headers } });
}

/**
 * What the router throws for a request it cannot serve, as an admin error; `undefined` for anything
 * else, which is an internal failure (500). Checked with `isInstance`, so two copies of the package
 * in one tree still map.
 */
export function fromRouterError(error: unknown): AdminRequestError | undefined {
  if (UnknownAgentError.isInstance(error) || UnknownModelError.isInstance(error) || UnknownStrategyError.isInstance(error) || UnknownExperimentError.isInstance(error)) {
    return new AdminRequestError(404, error.code, error.message, { cause: error });
  }
  if (InvalidArgumentError.isInstance(error)) {
    return new AdminRequestError(400, error.code, error.message, { path: error.argument, cause: error });
  }
  if (NoEligibleModelError.isInstance(error)) {
    // A dry run that finds no model is an answer about the request, not a server failure.
    return new AdminRequestError(422, error.code, error.message, {
      cause: error,
      details: { agentId: error.agentId, constraints: error.constraints, trace: error.trace, retryAt: error.retryAt },
    });
  }
  return undefined;
}
