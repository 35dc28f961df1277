// createAdminHandler as a plain fetch handler (`new Request(...)` in, Response out, as Hono, Next.js,
// Bun and Deno call it): its options, mounting under a base path, `authorize`, internal failures.
import { describe, expect, it, vi } from 'vitest';
import { createAdminHandler, type AdminHandlerOptions } from '../../src/admin.js';
import { createRouter, InvalidArgumentError, type Router } from '../../src/index.js';
import { adminRouter, SECRET, stateOf, TOKEN } from './admin-harness.js';

const ORIGIN = 'http://admin.test';

function request(method: string, path: string, init: { body?: unknown; raw?: NonNullable<RequestInit['body']>; token?: string | null; headers?: Record<string, string> } = {}): Request {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
  let body = init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  }
  return new Request(`${ORIGIN}${path}`, { method, headers, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
}

async function json(response: Response): Promise<any> {
  return JSON.parse(await response.text());
}

describe('options', () => {
  it.each<[string, Partial<AdminHandlerOptions>]>([
    ['neither token nor authorize', {}],
    ['both token and authorize', { token: TOKEN, authorize: () => ({ id: 'x' }) }],
    ['an empty token', { token: '' }],
    ['a token with a space', { token: 'a b' }],
    ['a token that is not a string', { token: 42 as never }],
    ['authorize that is not a function', { authorize: 'yes' as never }],
    ['a base path with a trailing slash', { token: TOKEN, basePath: '/admin/' }],
    ['a base path without a leading slash', { token: TOKEN, basePath: 'admin' }],
    ['maxBodyBytes 0', { token: TOKEN, maxBodyBytes: 0 }],
    ['maxBodyBytes 1.5', { token: TOKEN, maxBodyBytes: 1.5 }],
    ['auditLimit -1', { token: TOKEN, auditLimit: -1 }],
    ['onAudit not a function', { token: TOKEN, onAudit: {} as never }],
  ])('%s → InvalidArgumentError', async (_name, options) => {
    const { router } = await adminRouter();
    let thrown: unknown;
    try {
      createAdminHandler(router, options as AdminHandlerOptions);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
  });

  it('an option given as undefined keeps its default', async () => {
    const { router } = await adminRouter();
    const handler = createAdminHandler(router, { token: TOKEN, basePath: undefined, maxBodyBytes: undefined, auditLimit: undefined });
    expect(handler.maxBodyBytes).toBe(64 * 1024);
    const response = await handler(new Request('http://localhost/api/overrides', { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(response.status).toBe(200);
  });

  it('exposes its body limit for toNodeListener', async () => {
    const { router } = await adminRouter();
    expect(createAdminHandler(router, { token: TOKEN }).maxBodyBytes).toBe(64 * 1024);
    expect(createAdminHandler(router, { token: TOKEN, maxBodyBytes: 100 }).maxBodyBytes).toBe(100);
  });
});

describe('as a fetch handler', () => {
  it('answers a Request with a Response', async () => {
    const { router } = await adminRouter();
    const handler = createAdminHandler(router, { token: TOKEN });
    const set = await handler(request('POST', '/api/agents/cto_agent/model', { body: { model_id: 'llama-3-70b' } }));
    expect(set.status).toBe(200);
    expect(set.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(set.headers.get('cache-control')).toBe('no-store');
    expect(router.overrides.list().agentModels[0]?.value).toBe('llama-3-70b');
    expect((await json(await handler(request('GET', '/api/overrides')))).agentModels).toHaveLength(1);
    expect((await handler(request('GET', '/api/overrides', { token: null }))).status).toBe(401);
  });

  it('is mounted under basePath', async () => {
    const { router } = await adminRouter();
    const handler = createAdminHandler(router, { token: TOKEN, basePath: '/ops/admin' });
    expect((await handler(request('GET', '/ops/admin/api/overrides'))).status).toBe(200);
    expect((await handler(request('GET', '/api/overrides'))).status).toBe(404);
    expect((await handler(request('GET', '/ops/administrator/api/overrides'))).status).toBe(404);
    expect((await handler(request('GET', '/ops/admin'))).status).toBe(404);
  });

  it('a method named after an Object.prototype property is a 405, not a crash', async () => {
    const { router } = await adminRouter();
    const handler = createAdminHandler(router, { token: TOKEN });
    for (const method of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const response = await handler(request(method, '/api/models'));
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET');
    }
  });

  it('stops reading an endless body at the limit', async () => {
    const { router } = await adminRouter();
    const handler = createAdminHandler(router, { token: TOKEN, maxBodyBytes: 1000 });
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 100;
        controller.enqueue(new Uint8Array(100).fill(0x20));
      },
      cancel() {
        cancelled = true;
      },
    });
    const response = await handler(request('POST', '/api/routing/strategy', { raw: endless, headers: { 'content-type': 'application/json' } }));
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(1300);
    expect(cancelled).toBe(true);
  });

  it('does not read the body of a request it refuses before the body', async () => {
    const { router } = await adminRouter();
    const handler = createAdminHandler(router, { token: TOKEN });
    let pulled = 0;
    // highWaterMark 0: nothing is pulled until someone reads.
    const body = () => new ReadableStream<Uint8Array>({ pull: (c) => void ((pulled += 1), c.enqueue(new TextEncoder().encode('{}')), c.close()) }, { highWaterMark: 0 });
    expect((await handler(request('POST', '/api/routing/strategy', { raw: body(), token: 'wrong', headers: { 'content-type': 'application/json' } }))).status).toBe(401);
    expect((await handler(request('POST', '/api/routing/strategy', { raw: body(), headers: { 'content-type': 'text/csv' } }))).status).toBe(415);
    expect((await handler(request('POST', '/api/nowhere', { raw: body(), headers: { 'content-type': 'application/json' } }))).status).toBe(404);
    expect(pulled).toBe(0);
    // The same body is read when the request gets that far.
    expect((await handler(request('POST', '/api/experiments/opus_vs_gpt/start', { raw: body(), headers: { 'content-type': 'application/json' } }))).status).toBe(200);
    expect(pulled).toBe(1);
  });

  it('a dry run that finds no eligible model is a 422 with the constraints', async () => {
    const router = createRouter(
      {
        models: { big: { provider: 'openai', type: 'cloud', cost_per_1k_tokens: { input: 1, output: 1 } } },
        agents: { a: { model_preferences: { primary: 'big' } } },
      },
      { logger: {} },
    );
    const handler = createAdminHandler(router, { token: TOKEN });
    const response = await handler(request('POST', '/api/route/explain', { body: { agent_id: 'a', task: { prompt: 'my card is 4111 1111 1111 1111' } } }));
    expect(response.status).toBe(422);
    const { error } = await json(response);
    expect(error.code).toBe('NO_ELIGIBLE_MODEL');
    expect(error.constraints.join(' ')).toContain('PII');
    expect(Array.isArray(error.trace)).toBe(true);
  });

  // The task is an open object: a key the router does not read is no error, whatever its name.
  // (Found by fuzz.test.ts: check-task.ts looked such keys up in a plain object literal.)
  it.each(['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'])('explain takes a task with a key named %s', async (key) => {
    const { router } = await adminRouter();
    const onError = vi.fn();
    const handler = createAdminHandler(router, { token: TOKEN, onError });
    const text = `{"agent_id":"cto_agent","task":{"complexity":9,${JSON.stringify(key)}:{"complexity":0}}}`;
    const response = await handler(request('POST', '/api/route/explain', { raw: text, headers: { 'content-type': 'application/json' } }));
    expect(onError).not.toHaveBeenCalled();
    expect(response.status).toBe(200);
    expect((await json(response)).modelId).toBe('claude-3-opus');
  });

  it('explain serves no secret from the model configuration', async () => {
    const { router } = await adminRouter();
    const handler = createAdminHandler(router, { token: TOKEN });
    router.overrides.setAgentModel('backend_agent', 'gpt-4-turbo');
    const response = await handler(request('POST', '/api/route/explain', { body: { agent_id: 'backend_agent', task: { complexity: 5 } } }));
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(JSON.parse(text).modelId).toBe('gpt-4-turbo');
    expect(text).not.toContain(SECRET);
  });
});

describe('authorize', () => {
  it('lets a principal in and refuses false or undefined with 401', async () => {
    const { router } = await adminRouter();
    const seen: string[] = [];
    const handler = createAdminHandler(router, {
      authorize: async (req) => {
        seen.push(req.headers.get('x-user') ?? '');
        const user = req.headers.get('x-user');
        if (user === 'alice') return { id: 'alice', role: 'sre' };
        return user === 'bob' ? false : undefined;
      },
    });
    expect((await handler(request('GET', '/api/overrides', { token: null, headers: { 'x-user': 'alice' } }))).status).toBe(200);
    const bob = await handler(request('GET', '/api/overrides', { token: null, headers: { 'x-user': 'bob' } }));
    expect(bob.status).toBe(401);
    expect(bob.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await handler(request('GET', '/api/overrides', { token: null }))).status).toBe(401);
    expect(seen).toEqual(['alice', 'bob', '']);
  });

  it('a throwing or malformed authorize is a 500 reported to onError, never a way in', async () => {
    const { router } = await adminRouter();
    const before = stateOf(router);
    for (const authorize of [
      () => {
        throw new Error('session store down');
      },
      () => ({ id: 5 }) as never,
      () => true as never,
      () => ({ id: '' }),
    ]) {
      const onError = vi.fn();
      const handler = createAdminHandler(router, { authorize, onError });
      const response = await handler(request('POST', '/api/routing/strategy', { token: null, body: { strategy: 'privacy_first' } }));
      expect(response.status).toBe(500);
      expect(await json(response)).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
      expect(onError).toHaveBeenCalledTimes(1);
    }
    expect(stateOf(router)).toBe(before);
  });
});

describe('internal failures', () => {
  it('are a 500 with a generic message; the cause goes to onError', async () => {
    const { router } = await adminRouter();
    const broken: Router = Object.create(router, {
      metrics: { value: async () => Promise.reject(new TypeError('secret internals at /srv/x.js')) },
    });
    const onError = vi.fn();
    const handler = createAdminHandler(broken, { token: TOKEN, onError });
    const response = await handler(request('GET', '/api/metrics'));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(text).not.toContain('secret internals');
    expect(onError).toHaveBeenCalledWith(expect.any(TypeError), expect.any(Request));
  });

  it('a failing onError is ignored', async () => {
    const { router } = await adminRouter();
    const broken: Router = Object.create(router, { budget: { value: () => Promise.reject(new Error('x')) } });
    const handler = createAdminHandler(broken, {
      token: TOKEN,
      onError: () => {
        throw new Error('reporter down');
      },
    });
    expect((await handler(request('GET', '/api/budget'))).status).toBe(500);
  });
});
