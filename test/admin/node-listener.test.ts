// toNodeListener: a node:http request becomes a standard Request (URL, headers, body stream with a
// size limit) and the Response is written back; failures of the handler or the client are contained.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAdminHandler, toNodeListener, type NodeListenerOptions } from '../../src/admin.js';
import { InvalidArgumentError } from '../../src/index.js';
import { adminRouter, TOKEN } from './admin-harness.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: (request: Request) => Promise<Response>, options?: NodeListenerOptions): Promise<number> {
  server = createServer(toNodeListener(handler, options));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A raw request: the path is sent exactly as given (fetch would normalise it). */
function raw(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('toNodeListener', () => {
  it('passes method, URL, headers and body through, and writes status, headers and body back', async () => {
    const seen: { method: string; url: string; header: string | null; body: string }[] = [];
    const port = await serve(async (request) => {
      seen.push({ method: request.method, url: request.url, header: request.headers.get('x-test'), body: await request.text() });
      const headers = new Headers({ 'content-type': 'text/plain', 'x-answer': '42' });
      headers.append('set-cookie', 'a=1');
      headers.append('set-cookie', 'b=2');
      return new Response(new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('hello ')), c.enqueue(new TextEncoder().encode('world')), c.close()) }), { status: 201, headers });
    });
    const res = await raw(port, 'POST', '/x/y?q=1', { 'x-test': 'yes', 'content-type': 'text/plain', host: 'admin.example:8443' }, 'the body');
    expect(res).toMatchObject({ status: 201, body: 'hello world', headers: { 'x-answer': '42', 'set-cookie': ['a=1', 'b=2'] } });
    expect(seen).toEqual([{ method: 'POST', url: 'http://admin.example:8443/x/y?q=1', header: 'yes', body: 'the body' }]);
  });

  it('a missing or unusable Host header falls back to localhost; a path starting with // stays a path', async () => {
    const urls: string[] = [];
    const port = await serve(async (request) => (urls.push(request.url), new Response(null, { status: 204 })));
    await raw(port, 'GET', '//evil.example/api/overrides', { host: 'bad host/../x' });
    await raw(port, 'GET', '/a', { host: 'user:pw@h' });
    expect(urls).toEqual(['http://localhost//evil.example/api/overrides', 'http://localhost/a']);
  });

  it('serves the admin API: encoded slashes stay inside the id, dot segments are resolved before routing', async () => {
    const { router } = await adminRouter();
    const port = await serve(createAdminHandler(router, { token: TOKEN }));
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const encoded = await raw(port, 'POST', '/api/agents/cto_agent%2Fmodel/model', auth, '{"model_id":"llama-3-70b"}');
    expect(encoded.status).toBe(404);
    expect(JSON.parse(encoded.body).error.code).toBe('UNKNOWN_AGENT');
    expect((await raw(port, 'GET', '/api/agents/../overrides', auth)).status).toBe(200);
    expect((await raw(port, 'GET', '//api/overrides', auth)).status).toBe(404);
    expect(router.overrides.list().agentModels).toEqual([]);
  });

  it('cuts the body at the handler\'s own limit, or at its own when smaller', async () => {
    const { router } = await adminRouter();
    const body = JSON.stringify({ strategy: 'privacy_first', reason: 'x'.repeat(200) });
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' };
    let port = await serve(createAdminHandler(router, { token: TOKEN, maxBodyBytes: 100 }));
    expect((await raw(port, 'POST', '/api/routing/strategy', headers, body)).status).toBe(413);
    server!.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    port = await serve(createAdminHandler(router, { token: TOKEN }), { maxBodyBytes: 100 });
    expect((await raw(port, 'POST', '/api/routing/strategy', headers, body)).status).toBe(413);
    expect(router.overrides.list().strategy).toBeUndefined();
  });

  it('a handler that throws is a 500, reported to onError', async () => {
    const onError = vi.fn();
    const port = await serve(async () => {
      throw new Error('boom');
    }, { onError });
    const res = await raw(port, 'GET', '/');
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }));
  });

  it('a method the fetch standard refuses (TRACE) is a 400', async () => {
    const handler = vi.fn(async () => new Response('never'));
    const port = await serve(handler);
    const res = await raw(port, 'TRACE', '/api/overrides');
    expect(res.status).toBe(400);
    expect(handler).not.toHaveBeenCalled();
  });

  it('a client that disconnects mid-body does not take the server down', async () => {
    const { router } = await adminRouter();
    const onError = vi.fn();
    const port = await serve(createAdminHandler(router, { token: TOKEN, onError }));
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`POST /api/routing/strategy HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"strategy":`);
        setTimeout(() => (socket.destroy(), resolve()), 50);
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const res = await raw(port, 'GET', '/api/overrides', { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(router.overrides.list().strategy).toBeUndefined();
    expect(onError).not.toHaveBeenCalled();
  });

  it('checks its arguments', () => {
    expect(() => toNodeListener('nope' as never)).toThrow(InvalidArgumentError);
    expect(() => toNodeListener(async () => new Response(), { maxBodyBytes: -1 })).toThrow(InvalidArgumentError);
  });
});
