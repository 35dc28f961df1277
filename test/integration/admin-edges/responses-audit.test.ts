// What the admin API serves (no secrets, no stacks, consistent headers) and its audit log under
// odd queries, trimming and concurrency.
import { describe, expect, it } from 'vitest';
import { SECRET } from '../../admin/admin-harness.js';
import { setup, TOKEN } from './setup.js';

const READS = ['/api/overrides', '/api/budget', '/api/models', '/api/metrics', '/api/experiments', '/api/audit'];

describe('nothing secret is served', () => {
  it('GET /api/models never includes api keys, endpoint credentials/path/query, model_path or unknown nested keys', async () => {
    const ENV_SECRET = 'env-value-7f3a9c-SECRET';
    process.env.ADMIN_EDGE_SECRET = ENV_SECRET;
    const { call } = await setup({}, (config) => {
      const llama = config.models['llama-3-70b'];
      llama.api_key = SECRET;
      llama.apiKey = SECRET;
      llama.headers = { authorization: `Bearer ${SECRET}` };
      llama.model_path = `/secret/${SECRET}/weights.gguf`;
      llama.endpoint = `http://admin:${ENV_SECRET}@10.0.0.5:8080/v1/chat?token=${SECRET}#${SECRET}`;
      llama.rate_limits = { ...(llama.rate_limits ?? {}), api_key: SECRET };
      llama.cost_per_1k_tokens = { ...(llama.cost_per_1k_tokens ?? { input: 0, output: 0 }), secret: SECRET };
      llama.performance = { ...(llama.performance ?? {}), token: SECRET };
      llama.supports = { ...(llama.supports ?? {}), key: SECRET };
      const opus = config.models['claude-3-opus'];
      opus.endpoint = `https://u:${SECRET}@[::1]:8443/${SECRET}?k=${SECRET}`;
    });
    const res = await call('GET', '/api/models');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(SECRET);
    expect(res.text).not.toContain(ENV_SECRET);
    expect(res.text).not.toContain('/v1');
    const llama = res.body.models.find((m: any) => m.id === 'llama-3-70b');
    expect(llama.endpoint_origin).toBe('http://10.0.0.5:8080');
    for (const path of READS) expect((await call('GET', path)).text, path).not.toContain(SECRET);
  });

  it('the bearer token appears in no response and no audit entry', async () => {
    const { call, audits } = await setup();
    await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first', reason: 'x' } });
    await call('POST', '/api/agents/cto_agent/model', { body: { model_id: 'gpt-9' } });
    await call('POST', '/api/tasks/t/routing', { raw: 'not json', headers: { 'content-type': 'application/json' } });
    const responses = await Promise.all([...READS, '/api/nope'].map((path) => call('GET', path)));
    for (const res of responses) expect(res.text).not.toContain(TOKEN);
    expect(JSON.stringify(audits)).not.toContain(TOKEN);
    expect(audits.every((entry) => !('principal' in entry))).toBe(true);
    const wrong = await call('GET', '/api/budget', { auth: `Bearer ${TOKEN}x` });
    expect(wrong.text).not.toContain(TOKEN);
  });

  it('a 500 says only "Internal error": no stack, no internal message, cause to onError; onError throwing is contained', async () => {
    const boom = new Error(`db password ${SECRET} at /srv/app/secret.ts:12`);
    const { call, router, errors } = await setup();
    (router as any).metrics = () => {
      throw boom;
    };
    (router as any).budget = () => {
      throw 'a string, not an Error';
    };
    (router.overrides as any).setStrategy = () => {
      throw new TypeError(`cannot read ${SECRET}`);
    };
    for (const [method, path, body] of [['GET', '/api/metrics'], ['GET', '/api/budget'], ['POST', '/api/routing/strategy', { strategy: 'privacy_first' }]] as const) {
      const res = await call(method, path, body ? { body } : {});
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    expect(errors).toHaveLength(3);
    expect(errors[0]).toBe(boom);

    const { handler } = await (async () => {
      const s = await setup({ onError: () => {
        throw new Error('reporter down');
      } });
      (s.router as any).metrics = () => {
        throw boom;
      };
      return s;
    })();
    const res = await handler(new Request('http://localhost/api/metrics', { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(res.status).toBe(500);
  });

  it('every refusal is JSON with Cache-Control: no-store and no CORS headers; HEAD/OPTIONS/PUT are 405 with Allow', async () => {
    const { call } = await setup();
    const cases: [string, string, Parameters<typeof call>[2]?][] = [
      ['GET', '/api/budget', { auth: null }],
      ['GET', '/api/nope'],
      ['PUT', '/api/routing/strategy'],
      ['HEAD', '/api/budget'],
      ['OPTIONS', '/api/budget', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } }],
      ['POST', '/api/routing/strategy', { raw: 'x', headers: { 'content-type': 'text/plain' } }],
      ['POST', '/api/tasks/%ZZ/routing', { body: { force_model: 'llama-3-70b' } }],
      ['GET', '/api/audit?limit=abc'],
    ];
    for (const [method, path, init] of cases) {
      const res = await call(method, path, init);
      expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('cache-control'), `${method} ${path}`).toBe('no-store');
      if (method !== 'HEAD') expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect([...res.headers.keys()].filter((name) => name.startsWith('access-control'))).toEqual([]);
      if (res.status === 405) expect(res.headers.get('allow')).toBeTruthy();
    }
  });

  it('ids with CR/LF, NUL or DEL are 400 INVALID_PATH and never reach a header; unicode ids only appear JSON-escaped in bodies', async () => {
    const { call, audits } = await setup();
    for (const id of ['a%0d%0aSet-Cookie:%20x=1', '%00', 'a%7F', 'a%C2%85b', '%E2%80%AE']) {
      const res = await call('POST', `/api/tasks/${id}/routing`, { body: { force_model: 'llama-3-70b' } });
      if (id === '%E2%80%AE') expect(res.status).toBe(200);
      else expect(res.status, id).toBe(400);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    expect(audits.filter((entry) => !entry.ok).every((entry) => entry.target === undefined && entry.error === 'INVALID_PATH')).toBe(true);
  });
});

describe('audit log', () => {
  it('?limit= accepts 0..999999999 digits only; -1, abc, 1e9, 1.5, +1, empty, spaces are 400', async () => {
    const { call } = await setup();
    for (let i = 0; i < 3; i++) await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first', reason: `r${i}` } });
    for (const bad of ['-1', 'abc', '1e9', '1.5', '+1', '', '%201', '0x10', '1234567890', 'Infinity', 'NaN']) {
      const res = await call('GET', `/api/audit?limit=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('INVALID_QUERY');
    }
    expect((await call('GET', '/api/audit?limit=0')).body.entries).toEqual([]);
    expect((await call('GET', '/api/audit?limit=999999999')).body.entries).toHaveLength(3);
    expect((await call('GET', '/api/audit?limit=2')).body.entries.map((e: any) => e.reason)).toEqual(['r1', 'r2']);
    expect((await call('GET', '/api/audit?limit=001')).body.entries.map((e: any) => e.reason)).toEqual(['r2']);
    expect((await call('GET', '/api/audit?limit=1&limit=abc')).status).toBe(200);
  });

  it('auditLimit keeps only the newest N (across the batch-trim boundary) while onAudit sees every entry', async () => {
    for (const limit of [1, 3, 7]) {
      const { call, audits } = await setup({ auditLimit: limit });
      for (let i = 0; i < 40; i++) await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first', reason: `r${i}` } });
      const kept = (await call('GET', '/api/audit')).body.entries.map((e: any) => e.reason);
      expect(kept, String(limit)).toEqual(Array.from({ length: limit }, (_, i) => `r${40 - limit + i}`));
      expect(audits).toHaveLength(40);
    }
    const none = await setup({ auditLimit: 0 });
    await none.call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first' } });
    expect((await none.call('GET', '/api/audit')).body.entries).toEqual([]);
    expect(none.audits).toHaveLength(1);
  });

  it('entries handed out are copies: mutating a listing or an onAudit entry does not change the log', async () => {
    const { call, audits } = await setup();
    await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first' } });
    audits[0]!.ok = false;
    (audits[0] as any).action = 'forged';
    const listed = (await call('GET', '/api/audit')).body.entries;
    expect(listed[0]).toMatchObject({ ok: true, action: 'strategy.set' });
  });

  it('200 parallel mixed changes: one audit entry each, ok matching the status, state matching the last applied', async () => {
    const { call, audits, router } = await setup();
    const requests = Array.from({ length: 200 }, (_, i) => {
      switch (i % 5) {
        case 0:
          return call('POST', '/api/agents/cto_agent/model', { body: { model_id: i % 10 === 0 ? 'llama-3-70b' : 'gpt-9', reason: `n${i}` } });
        case 1:
          return call('POST', `/api/tasks/t${i}/routing`, { body: { force_model: 'claude-3-opus', reason: `n${i}` } });
        case 2:
          return call('DELETE', `/api/tasks/t${i - 1}/routing`);
        case 3:
          return call('POST', '/api/routing/strategy', { raw: '{bad', headers: { 'content-type': 'application/json' } });
        default:
          return call('POST', `/api/experiments/opus_vs_gpt/${i % 2 ? 'pause' : 'start'}`);
      }
    });
    const responses = await Promise.all(requests);
    const listed = (await call('GET', '/api/audit')).body.entries;
    expect(listed).toHaveLength(200);
    expect(audits).toHaveLength(200);
    expect(listed.filter((e: any) => e.ok).length).toBe(responses.filter((r) => r.status === 200).length);
    expect(listed.filter((e: any) => !e.ok).length).toBe(responses.filter((r) => r.status !== 200).length);
    expect(router.overrides.list().agentModels.map((o) => o.value)).toEqual(['llama-3-70b']);
  });

  it('a refused change is audited with its code: 413, 415, unknown model, bad duration, bad path id', async () => {
    const { call, audits } = await setup({ maxBodyBytes: 64 });
    await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first', reason: 'x'.repeat(100) } });
    await call('POST', '/api/routing/strategy', { raw: 'strategy=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await call('POST', '/api/agents/cto_agent/model', { body: { model_id: 'gpt-9' } });
    await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first', duration: 'soon' } });
    await call('DELETE', `/api/tasks/${'x'.repeat(257)}/routing`);
    expect(audits.map((entry) => [entry.ok, entry.error])).toEqual([
      [false, 'PAYLOAD_TOO_LARGE'],
      [false, 'UNSUPPORTED_MEDIA_TYPE'],
      [false, 'UNKNOWN_MODEL'],
      [false, 'INVALID_ARGUMENT'],
      [false, 'INVALID_PATH'],
    ]);
  });

  it('unauthenticated changes and reads are not audited', async () => {
    const { call, audits } = await setup();
    await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first' }, auth: null });
    await call('DELETE', '/api/routing/strategy', { auth: 'Bearer nope' });
    await call('GET', '/api/overrides');
    await call('POST', '/api/route/explain', { body: { agent_id: 'cto_agent' } });
    expect(audits).toEqual([]);
  });

  it('a clock returning NaN/Infinity still yields an ISO `at`', async () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, 1e20]) {
      const { call, audits } = await setup({ clock: () => value });
      await call('DELETE', '/api/routing/strategy');
      expect(audits[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
  });
});
