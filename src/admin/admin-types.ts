// The public types of `llm-agent-router/admin`: the handler, its options, who made a change and the
// audit entries that record it.
import type { Router } from '../router/router-api.js';

/** Who is calling, as the host's `authorize` says. `id` is what the audit log records. */
export interface AdminPrincipal {
  id: string;
  [key: string]: unknown;
}

/**
 * Decides who a request comes from and whether it may use the admin API: a principal lets it in,
 * `false` or `undefined` refuses it (401). It runs before the body is read.
 */
export type AdminAuthorize = (
  request: Request,
) => Promise<AdminPrincipal | false | undefined> | AdminPrincipal | false | undefined;

/** What an audited request changes. */
export type AdminAction =
  | 'agent_model.set'
  | 'agent_model.clear'
  | 'strategy.set'
  | 'strategy.clear'
  | 'task_routing.set'
  | 'task_routing.clear'
  | 'experiment.start'
  | 'experiment.pause'
  | 'experiment.end';

/** One change made (or refused) through the admin API. */
export interface AdminAuditEntry {
  /** When, as ISO 8601 on the handler's clock. */
  at: string;
  action: AdminAction;
  /** The agent id, task id or experiment name; `routing` for the strategy. Absent when the path's id was itself invalid. */
  target?: string;
  /** The model or strategy set, or the value an override held before it was cleared. */
  value?: string;
  reason?: string;
  duration?: string | number;
  /** `authorize`'s principal id (absent with the `token` option: the token names nobody). */
  principal?: string;
  /** Whether the change was applied. */
  ok: boolean;
  /** The error code of a refused change (`ok: false`), e.g. `UNKNOWN_MODEL`, `INVALID_BODY`. */
  error?: string;
}

export interface AdminHandlerOptions {
  /** A shared secret the caller sends as `Authorization: Bearer <token>`. Give this or `authorize`. */
  token?: string;
  /** The host's own authentication (sessions, JWTs, mTLS headers). Give this or `token`. */
  authorize?: AdminAuthorize;
  /** Where the handler is mounted, e.g. `/admin`: paths are matched below it. Default `''`. */
  basePath?: string;
  /** The largest request body read, in bytes; more is a 413. Default 65536 (64 KiB). */
  maxBodyBytes?: number;
  /** How many audit entries are kept in memory (the oldest go first). Default 1000. */
  auditLimit?: number;
  /** Receives every audit entry as it is written (e.g. to ship it to a durable log). Its errors are ignored. */
  onAudit?: (entry: AdminAuditEntry) => unknown;
  /** Receives what caused a 500 (a failure inside the router or the host's `authorize`). Default: `console.error`. */
  onError?: (error: unknown, request: Request) => unknown;
  /** Epoch-ms clock for audit times. Default `Date.now`. */
  clock?: () => number;
}

/** A standard fetch handler: mount it in Hono, Next.js, Bun, Deno, or `node:http` via `toNodeListener`. */
export interface AdminHandler {
  (request: Request): Promise<Response>;
  /** The body limit it enforces, so `toNodeListener` can stop reading at the same size. */
  readonly maxBodyBytes: number;
}

/** What every admin action runs against. */
export type AdminRouter = Pick<
  Router,
  'overrides' | 'config' | 'modelIds' | 'agentIds' | 'modelState' | 'metrics' | 'budget' | 'explain' | 'experiments'
>;
