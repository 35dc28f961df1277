// toNodeListener: serves a fetch handler from `node:http` — the Node request becomes a standard
// Request (its body a stream cut at a size limit), and the Response is written back.
import { ignoreRejection } from './audit-log.js';
import { ADMIN_DEFAULTS } from './create-admin-handler.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidArgumentError } from '../errors.js';
import { BodyTooLargeError } from './read-json-body.js';

export interface NodeListenerOptions {
  /** The most body bytes read from the socket; more ends the body stream with a 413. Default: the handler's own `maxBodyBytes`, else 64 KiB. */
  maxBodyBytes?: number;
  /** Receives errors the listener cannot answer (a failing handler, a broken socket). Default: `console.error`. */
  onError?: (error: unknown) => unknown;
}

/** A standard fetch handler (`createAdminHandler`'s, or any), optionally carrying its body limit. */
export type FetchHandler = ((request: Request) => Promise<Response>) & { readonly maxBodyBytes?: number };


function pathOf(target: string): string | undefined {
  try {
    const url = new URL(target);
    return `${url.pathname}${url.search}`;
  } catch {
    return undefined;
  }
}

/** The request's URL. `req.url` is used as a path even when it starts with `//`. */
function urlOf(req: IncomingMessage): string {
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const origin = `${encrypted ? 'https' : 'http'}://`;
  const host = req.headers.host;
  // An absolute-form target (`GET http://host/api/budget`, RFC 9112) is taken for its path and query
  // only: the Host header names the server, whatever the target says.
  const absolute = /^https?:\/\//i.test(req.url ?? '') ? pathOf(req.url!) : undefined;
  const path = absolute ?? (req.url?.startsWith('/') ? req.url : '/');
  for (const base of [host, 'localhost']) {
    if (typeof base !== 'string' || base === '') continue;
    try {
      const url = new URL(`${origin}${base}`);
      if (url.pathname === '/' && url.search === '' && url.username === '') return `${url.origin}${path}`;
    } catch {
      // An unusable Host header: fall back to localhost.
    }
  }
  return `${origin}localhost${path}`;
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.startsWith(':')) continue; // HTTP/2 pseudo-headers
    headers.append(name, raw[i + 1]!);
  }
  return headers;
}

function hasBody(req: IncomingMessage): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The request body as a web stream that errors with `BodyTooLargeError` once more than `limit` bytes arrive. */
function bodyOf(req: IncomingMessage, limit: number): ReadableStream<Uint8Array> {
  let received = 0;
  let settled = false;
  const detach: (() => void)[] = [];
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        for (const off of detach) off();
        req.pause();
        if (error === undefined) controller.close();
        else controller.error(error);
      };
      const on = (event: string, listener: (...args: any[]) => void) => {
        req.on(event, listener);
        detach.push(() => req.off(event, listener));
      };
      on('data', (chunk: Buffer) => {
        received += chunk.byteLength;
        if (received > limit) return finish(new BodyTooLargeError(limit));
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      on('end', () => finish());
      on('error', (error: Error) => finish(error));
      on('close', () => finish(req.complete ? undefined : new Error('The client closed the connection before the body ended')));
    },
    pull() {
      if (!settled) req.resume();
    },
    cancel() {
      settled = true;
      for (const off of detach) off();
      req.pause();
    },
  }, { highWaterMark: 1 });
}

/** The standard Request for a Node request. */
export function toRequest(req: IncomingMessage, limit: number): Request {
  const init: RequestInit & { duplex?: 'half' } = { method: req.method ?? 'GET', headers: headersOf(req) };
  if (hasBody(req)) {
    init.body = bodyOf(req, limit);
    init.duplex = 'half';
  }
  return new Request(urlOf(req), init);
}

async function writeResponse(response: Response, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  const cookies = response.headers.getSetCookie();
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  // A body left unread (refused early): close the connection rather than read the rest of it.
  if (!req.complete && hasBody(req)) res.setHeader('connection', 'close');
  if (response.body === null || req.method === 'HEAD') {
    await response.body?.cancel();
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) return;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
    }
  } finally {
    if (res.destroyed) void reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  res.end();
}

function plainError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify({ error: { code, message } }));
}

/**
 * A `node:http` request listener serving `handler`:
 * `http.createServer(toNodeListener(createAdminHandler(router, { token }))).listen(8080)`.
 */
export function toNodeListener(handler: FetchHandler, options: NodeListenerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  if (typeof handler !== 'function') throw new InvalidArgumentError('handler', 'expected a function (request: Request) => Promise<Response>');
  const limit = options.maxBodyBytes ?? handler.maxBodyBytes ?? ADMIN_DEFAULTS.maxBodyBytes;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new InvalidArgumentError('options.maxBodyBytes', `expected a whole number >= 1, got ${String(limit)}`);
  const onError = options.onError ?? ((error: unknown) => console.error('llm-agent-router/admin: listener error', error));
  return (req, res) => {
    let request: Request;
    try {
      request = toRequest(req, limit);
    } catch {
      // A method or header the fetch standard refuses (TRACE, a malformed value).
      plainError(res, 400, 'BAD_REQUEST', 'The request cannot be represented as a fetch Request');
      return;
    }
    void (async () => {
      try {
        await writeResponse(await handler(request), req, res);
      } catch (error) {
        // Whatever the host's onError does (throw, reject), the client gets its answer.
        try {
          ignoreRejection(onError(error));
        } catch {
          // reported as far as it could be
        }
        plainError(res, 500, 'INTERNAL', 'Internal error');
      }
    })();
  };
}
