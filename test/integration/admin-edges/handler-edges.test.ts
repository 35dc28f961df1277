// Adversarial edge cases for llm-agent-router/admin, called as a fetch handler (no server).
import { describe, expect, it } from 'vitest';
import { createAdminHandler, type AdminAuditEntry, type AdminHandlerOptions } from '../../../src/admin.js';
import { createRouter, InvalidArgumentError, type Router } from '../../../src/index.js';
import { adminConfig, SECRET, stateOf } from '../../admin/admin-harness.js';
import { setup, TOKEN } from './setup.js';
import { manualClock } from '../../helpers/seed.js';

describe('basePath and path tricks', () => {
  it('a path that only prefix-matches basePath (/adminX) is a 404 and does nothing', async () => {
    const { call, router } = await setup({ basePath: '/admin' });
    const before = stateOf(router);
    for (const path of ['/adminX/api/overrides', '/admin-api/overrides', '/adminapi/overrides', '/api/overrides', '/Admin/api/overrides']) {
      const res = await call('GET', path);
      expect(res.status, path).toBe(404);
    }
    const res = await call('POST', '/adminX/api/routing/strategy', { body: { strategy: 'privacy_first' } });
    expect(res.status).toBe(404);
    expect(stateOf(router)).toBe(before);
  });

  it('dot segments, double slashes, trailing slashes, case and %2F never reach an endpoint unauthenticated', async () => {
    const { call, router } = await setup({ basePath: '/admin' });
    const before = stateOf(router);
    const paths = [
      '/admin/api/../api/overrides',
      '/admin//api/overrides',
      '/admin/api//overrides',
      '/admin/api/overrides/',
      '/admin/API/overrides',
      '/admin%2Fapi/overrides',
      '/admin/api%2Foverrides',
      '/x/../admin/api/overrides',
      '/admin/api/overrides?x=/../',
      '/admin/./api/overrides',
      '/admin/%2e%2e/admin/api/overrides',
    ];
    for (const path of paths) {
      const res = await call('GET', path, { auth: null });
      expect([401, 404], path).toContain(res.status);
      expect(JSON.stringify(res.body)).not.toContain('agentModels');
    }
    const strategy = await call('POST', '/admin/api/../api/routing/strategy', { auth: null, body: { strategy: 'privacy_first' } });
    expect(strategy.status).toBe(401);
    expect(stateOf(router)).toBe(before);
  });

  it('normalised dot segments still reach the endpoint when authorised (URL normalisation, not a bypass)', async () => {
    const { call } = await setup({ basePath: '/admin' });
    expect((await call('GET', '/admin/api/../api/overrides')).status).toBe(200);
    expect((await call('GET', '/admin/api/overrides?limit=1#frag')).status).toBe(200);
  });

  it('trailing slash, double slash and upper case are 404, not a different endpoint', async () => {
    const { call } = await setup();
    for (const path of ['/api/overrides/', '//api/overrides', '/API/overrides', '/api/Overrides', '/api/agents/cto_agent/model/', '/api/%61udit']) {
      expect((await call('GET', path)).status, path).toBe(404);
    }
  });

  it('%2F and percent-encoded dots in an id are data, not path structure', async () => {
    const { call, router } = await setup();
    const set = await call('POST', '/api/tasks/a%2F..%2F..%2Fagents%2Fcto_agent%2Fmodel/routing', { body: { force_model: 'llama-3-70b' } });
    expect(set.status).toBe(200);
    expect(set.body.target).toBe('a/../../agents/cto_agent/model');
    expect(router.overrides.list().agentModels).toEqual([]);
    const agent = await call('POST', '/api/agents/cto%5Fagent/model', { body: { model_id: 'llama-3-70b' } });
    expect(agent.status).toBe(200); // %5F is "_": decoded once
    const double = await call('POST', '/api/agents/cto%255Fagent/model', { body: { model_id: 'llama-3-70b' } });
    expect(double.status).toBe(404); // decoded only once: "cto%5Fagent" is unknown
  });

  it('prototype-ish ids (__proto__, constructor, hasOwnProperty) are unknown agents / experiments, never 500', async () => {
    const { call, errors } = await setup();
    for (const id of ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'prototype']) {
      expect((await call('POST', `/api/agents/${id}/model`, { body: { model_id: 'llama-3-70b' } })).status, id).toBe(404);
      expect((await call('DELETE', `/api/agents/${id}/model`)).status, id).toBe(404);
      expect((await call('POST', `/api/experiments/${id}/pause`)).status, id).toBe(404);
      expect((await call('POST', '/api/agents/cto_agent/model', { body: { model_id: id } })).status, id).toBe(404);
      expect((await call('POST', '/api/routing/strategy', { body: { strategy: id } })).status, id).toBe(404);
      expect((await call('POST', '/api/route/explain', { body: { agent_id: id } })).status, id).toBe(404);
    }
    expect(errors).toEqual([]);
  });

  it('a task id of __proto__ / constructor is stored as data and does not pollute Object.prototype', async () => {
    const { call, router } = await setup();
    for (const id of ['__proto__', 'constructor', 'hasOwnProperty']) {
      const res = await call('POST', `/api/tasks/${id}/routing`, { body: { force_model: 'llama-3-70b' } });
      expect(res.status, id).toBe(200);
    }
    expect(({} as any).value).toBeUndefined();
    expect(({} as any).force_model).toBeUndefined();
    expect(router.overrides.list().taskRouting.map((o) => o.target)).toEqual(['__proto__', 'constructor', 'hasOwnProperty']);
    const explained = await call('POST', '/api/route/explain', { body: { agent_id: 'cto_agent', task: { id: '__proto__', complexity: 3 } } });
    expect(explained.status).toBe(200);
    expect(explained.body.modelId).toBe('llama-3-70b');
  });
});

describe('bearer token parsing', () => {
  it('accepts scheme in any case and several spaces; refuses tabs, commas, quotes and a second token', async () => {
    const { call } = await setup();
    for (const auth of [`bearer ${TOKEN}`, `BEARER ${TOKEN}`, `Bearer  ${TOKEN}`, `Bearer ${TOKEN} `, ` Bearer ${TOKEN}`]) {
      expect((await call('GET', '/api/budget', { auth })).status, JSON.stringify(auth)).toBe(200);
    }
    for (const auth of [
      `Bearer\t${TOKEN}`,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer "${TOKEN}"`,
      `Bearer ${TOKEN}, Bearer ${TOKEN}`,
      `Bearer ${TOKEN} ${TOKEN}`,
      `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`,
      `Token ${TOKEN}`,
      `Bearer`,
      `Bearer `,
      TOKEN,
      `Bearer ${TOKEN}\u00a0`,
      `Bearer ${TOKEN.toUpperCase()}`,
    ]) {
      const res = await call('GET', '/api/budget', { auth });
      expect(res.status, JSON.stringify(auth)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    }
  });

  it('two Authorization headers (joined by ", ") are refused', async () => {
    const { handler } = await setup();
    const headers = new Headers();
    headers.append('authorization', `Bearer ${TOKEN}`);
    headers.append('authorization', `Bearer ${TOKEN}`);
    expect((await handler(new Request('http://localhost/api/budget', { headers }))).status).toBe(401);
  });

  it('token option refuses unicode, spaces, empty and control characters at creation', async () => {
    const { router } = await setup();
    for (const token of ['', ' ', 'tøken', 'a b', 'tab\tx', 'nl\n', '\u0000x', 'ｔｏｋｅｎ']) {
      expect(() => createAdminHandler(router, { token }), JSON.stringify(token)).toThrow();
    }
  });

  it('every token the constructor accepts can authenticate; one a Bearer header cannot carry is refused at creation', async () => {
    const clock = manualClock();
    const router = createRouter(await adminConfig(), { logger: {}, clock });
    for (const token of ['p@ss!word#1', 'abc=def', 'a:b', 'x,y', 'q"uote']) {
      expect(() => createAdminHandler(router, { token }), token).toThrow(InvalidArgumentError);
    }
    for (const token of ['abc', 'A-b.c_d~e+f/g', 'c2VjcmV0==']) {
      const handler = createAdminHandler(router, { token });
      const res = await handler(new Request('http://localhost/api/budget', { headers: { authorization: `Bearer ${token}` } }));
      expect(res.status, token).toBe(200);
    }
  });
});

describe('authorize returning odd values', () => {
  const odd: [string, () => unknown][] = [
    ['true', () => true],
    ['1', () => 1],
    ['"alice"', () => 'alice'],
    ['null', () => null],
    ['{}', () => ({})],
    ["{ id: '' }", () => ({ id: '' })],
    ['{ id: 42 }', () => ({ id: 42 })],
    ['[]', () => []],
    ['a function', () => () => ({ id: 'x' })],
    ['rejecting promise', () => Promise.reject(new Error('idp down'))],
    ['throwing', () => {
      throw new Error('boom');
    }],
    ['throwing id getter', () => ({ get id(): string {
      throw new Error('getter');
    } })],
    ['thenable resolving true', () => ({ then: (resolve: (v: unknown) => void) => resolve(true) })],
  ];
  for (const [name, value] of odd) {
    it(`authorize returning ${name} never lets a change in`, async () => {
      const { call, router, audits } = await setup({ authorize: value as any });
      const before = stateOf(router);
      const res = await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first' }, auth: null });
      expect([401, 500]).toContain(res.status);
      expect(res.text).not.toMatch(/at .*\.(ts|js):\d+|boom|idp down|getter/);
      expect(stateOf(router)).toBe(before);
      expect(audits).toEqual([]);
    });
  }

  it('a principal whose id getter changes after the check does not change the audit to a non-string', async () => {
    let reads = 0;
    const principal = {
      get id(): any {
        reads++;
        return reads === 1 ? 'alice' : { toString: () => 'mallory' };
      },
    };
    const { call, audits } = await setup({ authorize: () => principal as any });
    const res = await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first' }, auth: null });
    expect(res.status).toBe(200);
    expect(audits[0]!.principal).toBe('alice');
  });

  it('authorize sees the request before the body is read', async () => {
    let bodyUsed: boolean | undefined;
    const { call } = await setup({
      authorize: (request) => {
        bodyUsed = request.bodyUsed;
        return false;
      },
    });
    expect((await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first' }, auth: null })).status).toBe(401);
    expect(bodyUsed).toBe(false);
  });
});
