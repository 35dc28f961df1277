// toNodeListener over real sockets: aborted and trickled bodies, Expect: 100-continue, HEAD, chunked
// bodies over the limit, odd request targets and Host headers.
import { createServer, type Server, type ServerOptions } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminHandler, toNodeListener, type AdminAuditEntry, type AdminHandlerOptions } from '../../../src/admin.js';
import { createRouter, type Router } from '../../../src/index.js';
import { adminConfig, stateOf } from '../../admin/admin-harness.js';
import { manualClock } from '../../helpers/seed.js';
import { TOKEN } from './setup.js';

interface Started {
  router: Router;
  server: Server;
  port: number;
  audits: AdminAuditEntry[];
  listenerErrors: unknown[];
  handlerErrors: unknown[];
}

const started: Started[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) {
    s.server.closeAllConnections();
    await new Promise<void>((resolve) => s.server.close(() => resolve()));
  }
});

async function start(options: Partial<AdminHandlerOptions> = {}, serverOptions: ServerOptions = {}): Promise<Started> {
  const router = createRouter(await adminConfig(), { logger: {}, clock: manualClock() });
  const audits: AdminAuditEntry[] = [];
  const listenerErrors: unknown[] = [];
  const handlerErrors: unknown[] = [];
  const handler = createAdminHandler(router, { token: TOKEN, onAudit: (e) => audits.push(e), onError: (e) => handlerErrors.push(e), ...options });
  const server = createServer(serverOptions, toNodeListener(handler, { onError: (e) => listenerErrors.push(e) }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const s = { router, server, port: (server.address() as AddressInfo).port, audits, listenerErrors, handlerErrors };
  started.push(s);
  return s;
}

/** A raw socket collecting everything the server sends. */
async function raw(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<void>; waitFor: (re: RegExp, ms?: number) => Promise<boolean> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let data = '';
  socket.on('data', (chunk) => {
    data += chunk.toString('latin1');
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const waitFor = async (re: RegExp, ms = 3000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (re.test(data)) return true;
      await new Promise((r) => setTimeout(r, 10));
    }
    return re.test(data);
  };
  return { socket, received: () => data, closed, waitFor };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const auth = `Authorization: Bearer ${TOKEN}\r\n`;

describe('toNodeListener edges', () => {
  it('a client that aborts mid-body leaves the router unchanged, is audited as BODY_UNREADABLE, and nothing throws', async () => {
    const s = await start();
    const before = stateOf(s.router);
    const c = await raw(s.port);
    c.socket.write(`POST /api/routing/strategy HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{"strategy":"privacy_first"`);
    await sleep(50);
    c.socket.destroy();
    await sleep(100);
    expect(stateOf(s.router)).toBe(before);
    expect(s.audits).toHaveLength(1);
    expect(s.audits[0]).toMatchObject({ ok: false, error: 'BODY_UNREADABLE' });
    expect(s.listenerErrors).toEqual([]);
    expect(s.handlerErrors).toEqual([]);
  });

  it('a chunked body that grows past maxBodyBytes is 413 with Connection: close, and the server stops reading', async () => {
    const s = await start({ maxBodyBytes: 1024 });
    const c = await raw(s.port);
    c.socket.write(`POST /api/routing/strategy HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = 'x'.repeat(512);
    for (let i = 0; i < 4; i++) c.socket.write(`${(512).toString(16)}\r\n${chunk}\r\n`);
    expect(await c.waitFor(/HTTP\/1\.1 413/)).toBe(true);
    expect(c.received()).toMatch(/connection: close/i);
    // The rest never ends; the server closes instead of reading it.
    for (let i = 0; i < 20 && !c.socket.destroyed; i++) {
      c.socket.write(`${(512).toString(16)}\r\n${chunk}\r\n`);
      await sleep(20);
    }
    await Promise.race([c.closed, sleep(2000)]);
    expect(c.socket.destroyed || c.socket.readableEnded).toBe(true);
    expect(s.audits[0]).toMatchObject({ ok: false, error: 'PAYLOAD_TOO_LARGE' });
  });

  it('an unauthenticated POST declaring a huge body is refused 401 at once without reading it', async () => {
    const s = await start();
    const c = await raw(s.port);
    c.socket.write(`POST /api/routing/strategy HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n`);
    expect(await c.waitFor(/HTTP\/1\.1 401/)).toBe(true);
    expect(c.received()).toMatch(/connection: close/i);
    c.socket.destroy();
  });

  it('Expect: 100-continue works for a valid request, and a bad token is still 401', async () => {
    const s = await start();
    const c = await raw(s.port);
    const body = '{"strategy":"privacy_first"}';
    c.socket.write(`POST /api/routing/strategy HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`);
    expect(await c.waitFor(/HTTP\/1\.1 100 Continue/)).toBe(true);
    c.socket.write(body);
    expect(await c.waitFor(/HTTP\/1\.1 200 OK/)).toBe(true);
    c.socket.destroy();
    const d = await raw(s.port);
    d.socket.write(`POST /api/routing/strategy HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`);
    expect(await d.waitFor(/HTTP\/1\.1 401/)).toBe(true);
    d.socket.destroy();
    expect(s.router.overrides.list().strategy?.value).toBe('privacy_first');
  });

  it('HEAD is 405 with Allow and no body bytes; a GET carrying a body is served and the connection stays usable', async () => {
    const s = await start();
    const c = await raw(s.port);
    c.socket.write(`HEAD /api/budget HTTP/1.1\r\nHost: x\r\n${auth}\r\n`);
    expect(await c.waitFor(/\r\n\r\n/)).toBe(true);
    await sleep(50);
    expect(c.received()).toMatch(/^HTTP\/1\.1 405/);
    expect(c.received()).toMatch(/allow: GET/i);
    expect(c.received().split('\r\n\r\n')[1]).toBe('');
    c.socket.write(`GET /api/budget HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 5\r\n\r\nhello`);
    c.socket.write(`GET /api/metrics HTTP/1.1\r\nHost: x\r\n${auth}\r\n`);
    expect(await c.waitFor(/"decisions"/)).toBe(true);
    c.socket.destroy();
  });

  it('a Host header cannot move the path under basePath (Host: x/admin, x@y, x?y)', async () => {
    const s = await start({ basePath: '/admin' });
    for (const host of ['x/admin', 'x@y/admin', 'x?/admin', 'x#/admin', 'x\\admin']) {
      const c = await raw(s.port);
      c.socket.write(`GET /api/overrides HTTP/1.1\r\nHost: ${host}\r\n${auth}Connection: close\r\n\r\n`);
      await Promise.race([c.closed, sleep(2000)]);
      expect(c.received(), host).not.toMatch(/^HTTP\/1\.1 200/);
    }
  });

  it('dot segments and backslashes in the raw request target are normalised before basePath matching (no escape from basePath)', async () => {
    const s = await start({ basePath: '/admin' });
    for (const target of ['/admin/../api/overrides', '/x/..%2f../admin/api/overrides', '/admin/api/%2e%2e/%2e%2e/api/overrides']) {
      const c = await raw(s.port);
      c.socket.write(`POST ${target.replace('overrides', 'routing/strategy')} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 28\r\nConnection: close\r\n\r\n{"strategy":"privacy_first"}`);
      await Promise.race([c.closed, sleep(2000)]);
      expect(c.received(), target).toMatch(/^HTTP\/1\.1 40[14]/);
    }
    expect(s.router.overrides.list().strategy).toBeUndefined();
  });

  it('an absolute-form request target (GET http://host/api/budget) reaches the endpoint', async () => {
    const s = await start();
    const c = await raw(s.port);
    c.socket.write(`GET http://127.0.0.1:${s.port}/api/budget HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n${auth}Connection: close\r\n\r\n`);
    await Promise.race([c.closed, sleep(2000)]);
    expect(c.received()).toMatch(/^HTTP\/1\.1 200/);
  });

  it('a TRACE request is refused with the same JSON + Cache-Control: no-store as every other refusal', async () => {
    const s = await start();
    const c = await raw(s.port);
    c.socket.write(`TRACE /api/budget HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n\r\n`);
    await Promise.race([c.closed, sleep(2000)]);
    expect(c.received()).toMatch(/^HTTP\/1\.1 4\d\d/);
    expect(c.received()).toMatch(/cache-control: no-store/i);
  });

  it('a TRACE request never reaches the handler or echoes the Authorization header', async () => {
    const s = await start();
    const c = await raw(s.port);
    c.socket.write(`TRACE /api/budget HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n\r\n`);
    await Promise.race([c.closed, sleep(2000)]);
    expect(c.received()).toMatch(/^HTTP\/1\.1 400/);
    expect(c.received()).not.toContain(TOKEN);
  });

  // Observation, not a defect of the handler: a body trickled one byte at a time is waited for with no
  // timeout of toNodeListener's own — only node:http's requestTimeout (default 300 s) ends it. With a
  // short requestTimeout the server answers 408 and closes.
  it('a slowloris-style trickled body is waited for (no listener timeout); node:http requestTimeout ends it', async () => {
    const s = await start();
    const c = await raw(s.port);
    c.socket.write(`POST /api/routing/strategy HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
    for (let i = 0; i < 15; i++) {
      c.socket.write(' ');
      await sleep(100);
    }
    expect(c.received()).toBe('');
    c.socket.destroy();
    expect(s.audits.at(-1) ?? { ok: false }).toMatchObject({ ok: false });

    const t = await start({}, { requestTimeout: 500, connectionsCheckingInterval: 100 } as ServerOptions);
    const d = await raw(t.port);
    d.socket.write(`POST /api/routing/strategy HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
    const trickle = setInterval(() => {
      if (!d.socket.destroyed) d.socket.write(' ');
    }, 50);
    await Promise.race([d.closed, sleep(3000)]);
    clearInterval(trickle);
    expect(d.received()).toMatch(/408|^$/);
    expect(d.socket.destroyed || d.socket.readableEnded).toBe(true);
    expect(t.router.overrides.list().strategy).toBeUndefined();
  });

  it('200 parallel POSTs over real sockets: every one answered, audited once', async () => {
    const s = await start();
    const base = `http://127.0.0.1:${s.port}`;
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fetch(`${base}/api/tasks/t${i}/routing`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ force_model: i % 2 ? 'claude-3-opus' : 'nope' }),
        }).then((r) => r.status),
      ),
    );
    expect(responses.filter((st) => st === 200)).toHaveLength(100);
    expect(responses.filter((st) => st === 404)).toHaveLength(100);
    expect(s.audits).toHaveLength(200);
    expect(s.router.overrides.list().taskRouting).toHaveLength(100);
  });
});
