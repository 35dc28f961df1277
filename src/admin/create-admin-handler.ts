// createAdminHandler: the seed's runtime configuration API as a standard fetch handler. Each request
// is authenticated, matched against the routing table, its path ids and JSON body checked, and only
// then applied to the router; every change (and every refused change) is audited.
import { InvalidArgumentError } from '../errors.js';
import { AdminRequestError, errorResponse, fromRouterError, jsonResponse } from './admin-response.js';
import { adminRoutes, type AdminRoute, type Method, type Operation } from './admin-routes.js';
import type { AdminAuditEntry, AdminHandler, AdminHandlerOptions, AdminPrincipal, AdminRouter } from './admin-types.js';
import { createAuthenticate } from './admin-auth.js';
import { AuditLog, ignoreRejection } from './audit-log.js';
import { readJsonBody } from './read-json-body.js';
import { parseBody } from './request-bodies.js';
import { definedOnly } from '../defined-only.js';

export const ADMIN_DEFAULTS = { basePath: '', maxBodyBytes: 64 * 1024, auditLimit: 1000 } as const;

const MAX_ID_LENGTH = 256;
// C0 and C1 control characters, DEL included.
const CONTROL = /\p{Cc}/u;

function positiveInteger(name: string, value: unknown, minimum: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    throw new InvalidArgumentError(`options.${name}`, `expected a whole number >= ${minimum}, got ${String(value)}`);
  }
  return value;
}

function checkBasePath(basePath: unknown): string {
  // Segments of URL-safe characters, no dot segments: a path that a parsed request URL can equal.
  if (typeof basePath !== 'string' || (basePath !== '' && (!/^(\/[A-Za-z0-9\-._~]+)+$/.test(basePath) || /\/\.{1,2}(\/|$)/.test(basePath)))) {
    throw new InvalidArgumentError('options.basePath', `expected '' or a path like '/admin' (no trailing slash), got ${JSON.stringify(basePath)}`);
  }
  return basePath;
}

/** The path below `basePath`, or `undefined` when the request is not for this handler. */
function localPath(pathname: string, basePath: string): string | undefined {
  if (basePath === '') return pathname;
  if (pathname === basePath) return '/';
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : undefined;
}

function matchRoute(routes: readonly AdminRoute[], segments: readonly string[]): AdminRoute | undefined {
  return routes.find(
    (route) => route.segments.length === segments.length && route.segments.every((part, i) => part.startsWith(':') || part === segments[i]),
  );
}

/** Path parameters, each percent-decoded once and checked (non-empty, at most 256 characters, no control characters). */
function paramsOf(route: AdminRoute, segments: readonly string[]): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  route.segments.forEach((part, i) => {
    if (!part.startsWith(':')) return;
    const name = part.slice(1);
    let value: string;
    try {
      value = decodeURIComponent(segments[i]!);
    } catch {
      throw new AdminRequestError(400, 'INVALID_PATH', `Invalid ${name}: not valid percent-encoded UTF-8`, { path: name });
    }
    if (value.length === 0 || value.length > MAX_ID_LENGTH) {
      throw new AdminRequestError(400, 'INVALID_PATH', `Invalid ${name}: expected 1 to ${MAX_ID_LENGTH} characters`, { path: name });
    }
    if (CONTROL.test(value)) throw new AdminRequestError(400, 'INVALID_PATH', `Invalid ${name}: control characters are not allowed`, { path: name });
    params[name] = value;
  });
  return params;
}

/**
 * Creates the admin API's fetch handler for `router`. Needs exactly one of `token` or `authorize`;
 * throws `InvalidArgumentError` for a missing or malformed option.
 */
export function createAdminHandler(router: AdminRouter, options: AdminHandlerOptions): AdminHandler {
  if (typeof router !== 'object' || router === null || typeof router.overrides !== 'object') {
    throw new InvalidArgumentError('router', 'expected a router from createRouter()');
  }
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'expected { token } or { authorize }');
  const settings = { ...ADMIN_DEFAULTS, ...definedOnly(options) };
  const authenticate = createAuthenticate(options.token, options.authorize);
  const basePath = checkBasePath(settings.basePath);
  const maxBodyBytes = positiveInteger('maxBodyBytes', settings.maxBodyBytes, 1);
  const auditLimit = positiveInteger('auditLimit', settings.auditLimit, 0);
  for (const name of ['onAudit', 'onError', 'clock'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new InvalidArgumentError(`options.${name}`, 'expected a function');
  }
  const clock = options.clock ?? Date.now;
  const onError = options.onError ?? ((error: unknown) => console.error('llm-agent-router/admin: internal error', error));
  const audit = new AuditLog(auditLimit, options.onAudit);
  const routes = adminRoutes(audit);

  /** Reads and checks the body an operation takes (400 / 413 / 415), or `undefined` when it takes none. */
  async function bodyOf(operation: Operation, request: Request): Promise<unknown> {
    return operation.body ? parseBody(operation.body, await readJsonBody(request, maxBodyBytes)) : undefined;
  }

  /** Runs an operation; what the router throws for a bad request becomes its 4xx. */
  async function run<T>(call: () => T | Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw fromRouterError(error) ?? error;
    }
  }

  async function change(operation: Extract<Operation, { kind: 'change' }>, route: AdminRoute, segments: string[], request: Request, url: URL, principal: AdminPrincipal | undefined): Promise<Response> {
    // What is known so far goes into the audit entry, whether the change is applied or refused.
    const seen: { target?: string | undefined; value?: string | undefined; reason?: string | undefined; duration?: string | number | undefined; applied?: boolean; error?: string } = {};
    if (operation.target === undefined) seen.target = 'routing';
    try {
      const params = paramsOf(route, segments);
      if (operation.target !== undefined) seen.target = params[operation.target];
      const body = await bodyOf(operation, request);
      const reason = (body as { reason?: unknown } | undefined)?.reason;
      if (typeof reason === 'string') seen.reason = reason;
      const outcome = await run(() => operation.run({ router, params, query: url.searchParams, body }));
      seen.applied = true;
      seen.value = outcome.value;
      seen.duration = outcome.duration;
      return jsonResponse(outcome.result);
    } catch (error) {
      // A failure after the router applied the change (writing the answer) does not unsay it.
      if (!seen.applied) seen.error = error instanceof AdminRequestError ? error.code : 'INTERNAL';
      throw error;
    } finally {
      // Built in one order, so every entry reads the same: when, what, on what, to what, why, who, outcome.
      const entry = { at: isoTime(clock()), action: operation.action } as AdminAuditEntry;
      for (const key of ['target', 'value', 'reason', 'duration'] as const) if (seen[key] !== undefined) Object.assign(entry, { [key]: seen[key] });
      if (principal) entry.principal = principal.id;
      entry.ok = seen.error === undefined;
      if (seen.error !== undefined) entry.error = seen.error;
      audit.append(entry);
    }
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = localPath(url.pathname, basePath);
    if (path === undefined) throw new AdminRequestError(404, 'NOT_FOUND', 'Not found');
    const principal = await authenticate(request);
    const segments = path.split('/').slice(1);
    const route = matchRoute(routes, segments);
    if (!route) throw new AdminRequestError(404, 'NOT_FOUND', `No admin endpoint at ${shorten(request.method)} ${shorten(path)}`);
    // Own properties only: `constructor` and `__proto__` are valid HTTP method tokens.
    const operation = Object.hasOwn(route.methods, request.method) ? route.methods[request.method as Method] : undefined;
    if (!operation) {
      const allow = Object.keys(route.methods).join(', ');
      throw new AdminRequestError(405, 'METHOD_NOT_ALLOWED', `${shorten(request.method)} is not allowed here; use ${allow}`, { headers: { allow } });
    }
    if (operation.kind === 'change') return change(operation, route, segments, request, url, principal);
    const params = paramsOf(route, segments);
    const body = await bodyOf(operation, request);
    return jsonResponse(await run(() => operation.run({ router, params, query: url.searchParams, body })));
  }

  const handler = async (request: Request): Promise<Response> => {
    try {
      return await handle(request);
    } catch (error) {
      if (error instanceof AdminRequestError) return errorResponse(error);
      try {
        ignoreRejection(onError(error, request));
      } catch {
        // Reporting must not turn a 500 into an unhandled rejection.
      }
      return errorResponse(new AdminRequestError(500, 'INTERNAL', 'Internal error'));
    }
  };
  return Object.defineProperty(handler, 'maxBodyBytes', { value: maxBodyBytes, enumerable: true }) as AdminHandler;
}

function isoTime(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? new Date().toISOString() : date.toISOString();
}

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
