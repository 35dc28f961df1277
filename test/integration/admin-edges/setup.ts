// Shared set-up for the admin edge tests: a fresh seed router (with secret-like model fields) and the
// admin fetch handler over it, called directly.
import { createAdminHandler, type AdminAuditEntry, type AdminHandlerOptions } from '../../../src/admin.js';
import { createRouter, type Router } from '../../../src/index.js';
import { adminConfig } from '../../admin/admin-harness.js';
import { manualClock } from '../../helpers/seed.js';

export const TOKEN = 'edge-token-0123456789abcdef';

export async function setup(options: Partial<AdminHandlerOptions> = {}, mutateConfig?: (config: any) => void) {
  const clock = manualClock();
  const config = await adminConfig();
  mutateConfig?.(config);
  const router: Router = createRouter(config, { logger: {}, clock });
  const errors: unknown[] = [];
  const audits: AdminAuditEntry[] = [];
  const base: AdminHandlerOptions = options.authorize ? { clock } : { token: TOKEN, clock };
  const handler = createAdminHandler(router, {
    ...base,
    onError: (error) => errors.push(error),
    onAudit: (entry) => audits.push(entry),
    ...options,
  });
  async function call(method: string, path: string, init: { body?: unknown; raw?: RequestInit['body']; headers?: Record<string, string>; auth?: string | null } = {}) {
    const headers: Record<string, string> = { ...init.headers };
    if (init.auth !== null) headers.authorization = init.auth ?? `Bearer ${TOKEN}`;
    let body = init.raw;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    // A well-behaved client declares JSON on every change, body or not (a body-less POST without it is refused).
    if (method === 'POST' && body === undefined && !('content-type' in headers)) headers['content-type'] = 'application/json';
    const response = await handler(new Request(`http://localhost${path}`, { method, headers, body, duplex: 'half' } as RequestInit));
    const text = await response.text();
    let json: any = text;
    try {
      json = JSON.parse(text);
    } catch {
      // left as text
    }
    return { status: response.status, headers: response.headers, body: json, text };
  }
  return { router, handler, call, errors, audits, clock };
}
