// Test support for llm-agent-router/admin: the seed's router (plus an experiment and a model carrying
// secret-like fields), served by a real node:http server on 127.0.0.1 through toNodeListener.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdminHandler, toNodeListener, type AdminHandler, type AdminHandlerOptions } from '../../src/admin.js';
import { createRouter, type LoadedConfig, type Router, type RouterConfigInput } from '../../src/index.js';
import { loadSeed, manualClock } from '../helpers/seed.js';

export const TOKEN = 'test-admin-token-0123456789';
export const SECRET = 'sk-live-DO-NOT-SERVE-4242';

export const EXPERIMENT = {
  name: 'opus_vs_gpt',
  agents: ['frontend_agent'],
  condition: 'task.complexity >= 5',
  variants: [
    { model: 'claude-3-opus', weight: 3 },
    { model: 'gpt-4-turbo', weight: 1 },
  ],
};

let seed: LoadedConfig | undefined;

/** The seed configuration with one experiment, and secret-like fields on gpt-4-turbo that must never be served. */
export async function adminConfig(): Promise<RouterConfigInput> {
  seed ??= await loadSeed();
  const config = structuredClone({ models: seed.models, agents: seed.agents, routing: seed.routing! });
  (config.routing as Record<string, unknown>).experiments = [EXPERIMENT];
  const gpt = config.models['gpt-4-turbo'] as unknown as Record<string, unknown>;
  gpt.api_key = SECRET;
  gpt.endpoint = `https://user:${SECRET}@api.example.com/v1?key=${SECRET}`;
  return config;
}

export async function adminRouter(): Promise<{ router: Router; clock: ReturnType<typeof manualClock> }> {
  const clock = manualClock();
  const router = createRouter(await adminConfig(), { logger: {}, clock });
  return { router, clock };
}

export interface CallOptions {
  /** A JSON body (serialised) or raw text / bytes / a stream, sent as is. */
  body?: unknown;
  raw?: NonNullable<RequestInit['body']>;
  /** `null`: no Authorization header. Default: the test token. */
  token?: string | null;
  headers?: Record<string, string>;
}

export interface AdminServer {
  router: Router;
  handler: AdminHandler;
  clock: ReturnType<typeof manualClock>;
  url: string;
  /** Calls the server with fetch; returns the status, headers and parsed JSON body. */
  call(method: string, path: string, options?: CallOptions): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

export async function startAdmin(options: Partial<AdminHandlerOptions> = {}, given?: { router: Router; clock: ReturnType<typeof manualClock> }): Promise<AdminServer> {
  const { router, clock } = given ?? (await adminRouter());
  const handlerOptions: AdminHandlerOptions = options.authorize ? { clock, ...options } : { token: TOKEN, clock, ...options };
  const handler = createAdminHandler(router, handlerOptions);
  const server: Server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    router,
    handler,
    clock,
    url,
    async call(method, path, call = {}) {
      const headers: Record<string, string> = { ...call.headers };
      const token = call.token === undefined ? TOKEN : call.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: NonNullable<RequestInit['body']> | undefined = call.raw;
      if (call.body !== undefined) {
        body = JSON.stringify(call.body);
        headers['content-type'] ??= 'application/json';
      }
      // A well-behaved client declares JSON on every change, body or not (a body-less POST without it is refused).
      if (method === 'POST' && body === undefined && !('content-type' in headers)) headers['content-type'] = 'application/json';
      const init: RequestInit & { duplex?: 'half' } = { method, headers, body };
      if (body instanceof ReadableStream) init.duplex = 'half';
      const response = await fetch(`${url}${path}`, init);
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Left as text: the test says what it expects.
      }
      return { status: response.status, headers: response.headers, body: parsed as any };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Router state that a refused request must leave as it was. */
export function stateOf(router: Router): string {
  return JSON.stringify({ overrides: router.overrides.list(), experiments: router.experiments.list() });
}
