// Host hooks (onAudit, onError, the listener's onError) that fail asynchronously, basePath values that
// can never match, and body-less cross-site-style changes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminHandler, toNodeListener } from '../../../src/admin.js';
import { createRouter } from '../../../src/index.js';
import { adminConfig } from '../../admin/admin-harness.js';
import { manualClock } from '../../helpers/seed.js';
import { setup, TOKEN } from './setup.js';

/** Runs `body` with the process's unhandledRejection listeners swapped for a recorder; returns what escaped. */
async function escapedRejections(body: () => Promise<void>): Promise<unknown[]> {
  const saved = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  const escaped: unknown[] = [];
  const record = (reason: unknown) => escaped.push(reason);
  process.on('unhandledRejection', record);
  try {
    await body();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.off('unhandledRejection', record);
    for (const listener of saved) process.on('unhandledRejection', listener as NodeJS.UnhandledRejectionListener);
  }
  return escaped;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('host hooks that fail', () => {
  it('a synchronously throwing onAudit is ignored: the change is still 200 and in the log', async () => {
    const { call } = await setup({ onAudit: () => {
      throw new Error('sink down');
    } });
    expect((await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first' } })).status).toBe(200);
    expect((await call('GET', '/api/audit')).body.entries).toHaveLength(1);
  });

  it('an async onAudit that rejects does not produce an unhandled rejection', async () => {
    const escaped = await escapedRejections(async () => {
      const { call } = await setup({ onAudit: (async () => {
        throw new Error('durable log unreachable');
      }) as any });
      expect((await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first' } })).status).toBe(200);
    });
    expect(escaped).toEqual([]);
  });

  it('an async onError that rejects does not produce an unhandled rejection', async () => {
    const escaped = await escapedRejections(async () => {
      const { call, router } = await setup({ onError: (async () => {
        throw new Error('error tracker down');
      }) as any });
      (router as any).metrics = () => {
        throw new Error('broken');
      };
      expect((await call('GET', '/api/metrics')).status).toBe(500);
    });
    expect(escaped).toEqual([]);
  });

  it('toNodeListener still answers 500 when both the handler and its onError throw', async () => {
    let status: number | string = 'none';
    const escaped = await escapedRejections(async () => {
      const failing = async (): Promise<Response> => {
        throw new Error('handler bug');
      };
      const server = createServer(toNodeListener(failing, { onError: () => {
        throw new Error('logger bug');
      } }));
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      status = await fetch(`http://127.0.0.1:${port}/api/budget`, { signal: AbortSignal.timeout(1500) })
        .then((r) => r.status)
        .catch((e: Error) => e.name);
    });
    expect(status).toBe(500);
    expect(escaped).toEqual([]);
  });

  it('toNodeListener answers 500 (no stack) when a handler throws and onError is well-behaved', async () => {
    const errors: unknown[] = [];
    const server = createServer(toNodeListener(async () => {
      throw new Error(`secret ${TOKEN}`);
    }, { onError: (e) => errors.push(e) }));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain(TOKEN);
    expect(errors).toHaveLength(1);
  });
});

describe('basePath validation', () => {
  it('refuses malformed basePaths at creation', async () => {
    const router = createRouter(await adminConfig(), { logger: {}, clock: manualClock() });
    for (const basePath of ['/', 'admin', '/admin/', '//admin', '/ad min', '/admin?x', '/admin#x', 42]) {
      expect(() => createAdminHandler(router, { token: TOKEN, basePath: basePath as any }), String(basePath)).toThrow();
    }
  });

  it('a basePath accepted at creation is one some request path can match', async () => {
    const router = createRouter(await adminConfig(), { logger: {}, clock: manualClock() });
    for (const basePath of ['/ädmin', '/a{b}', '/a"b', '/a<b>', '/a`b', '/a/../admin', '/admin/.', '/a%zz']) {
      let handler;
      try {
        handler = createAdminHandler(router, { token: TOKEN, basePath });
      } catch {
        continue; // refused: fine
      }
      const res = await handler(new Request(`http://localhost${basePath}/api/budget`, { headers: { authorization: `Bearer ${TOKEN}` } }));
      expect(res.status, basePath).toBe(200);
    }
  });
});

describe('cross-site style requests', () => {
  it('a cookie-authorised, body-less, Content-Type-less cross-site POST cannot pause an experiment', async () => {
    const { call, router } = await setup({ authorize: (request) => (request.headers.get('cookie') === 'session=ok' ? { id: 'alice' } : false) });
    const res = await call('POST', '/api/experiments/opus_vs_gpt/pause', {
      auth: null,
      raw: '',
      headers: { cookie: 'session=ok', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' },
    });
    expect(res.status).toBe(415);
    expect(router.experiments.list()[0]!.status).toBe('running');
  });

  it('a POST with no body and no content type (a beacon) is refused 415 and changes nothing', async () => {
    const { handler, router } = await setup({ authorize: (request) => (request.headers.get('cookie') === 'session=ok' ? { id: 'alice' } : false) });
    const res = await handler(new Request('http://localhost/api/experiments/opus_vs_gpt/end', { method: 'POST', headers: { cookie: 'session=ok' } }));
    expect(res.status).toBe(415);
    expect(router.experiments.list()[0]!.status).toBe('running');
  });

  it('a cross-site form post (urlencoded / text/plain) of a change is refused 415', async () => {
    const { call, router } = await setup({ authorize: (request) => (request.headers.get('cookie') === 'session=ok' ? { id: 'alice' } : false) });
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      for (const path of ['/api/experiments/opus_vs_gpt/end', '/api/routing/strategy']) {
        const res = await call('POST', path, { auth: null, raw: '', headers: { cookie: 'session=ok', 'content-type': type } });
        expect(res.status, `${type} ${path}`).toBe(415);
      }
    }
    expect(router.experiments.list()[0]!.status).toBe('running');
  });
});
