// The `llm-agent-router/admin` entry: the seed's runtime configuration API (agent models, strategy,
// task routing, experiments) plus budget, models, metrics, explain and an audit log, as a standard
// fetch handler with bearer-token or host-provided auth. `toNodeListener` serves it from node:http.

export { createAdminHandler, ADMIN_DEFAULTS } from './admin/create-admin-handler.js';
export { toNodeListener, type FetchHandler, type NodeListenerOptions } from './admin/node-listener.js';
export type { AdminErrorCode } from './admin/admin-response.js';
export type { AdminModelView } from './admin/model-listing.js';
export type {
  AdminAction,
  AdminAuditEntry,
  AdminAuthorize,
  AdminHandler,
  AdminHandlerOptions,
  AdminPrincipal,
  AdminRouter,
} from './admin/admin-types.js';
