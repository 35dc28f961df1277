// What llm-agent-router/admin refuses, and how: 401, 400 with the field's path, 404, 405, 413, 415 —
// through a real node:http server — and that a refused change leaves the router as it was.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stateOf, startAdmin, TOKEN, type AdminServer } from './admin-harness.js';

let admin: AdminServer;
let before: string;
beforeEach(async () => {
  admin = await startAdmin();
  before = stateOf(admin.router);
});
afterEach(async () => {
  await admin.close();
});

const unchanged = () => expect(stateOf(admin.router)).toBe(before);

describe('401: authentication', () => {
  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token' }],
    ['a wrong token of another length', { authorization: `Bearer ${TOKEN}x` }],
    ['the token with another scheme', { authorization: `Basic ${TOKEN}` }],
    ['the token without a scheme', { authorization: TOKEN }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('%s', async (_name, headers) => {
    for (const [method, path] of [['GET', '/api/overrides'], ['POST', '/api/routing/strategy'], ['GET', '/api/nowhere']] as const) {
      const res = await admin.call(method, path, { token: null, headers, body: method === 'POST' ? { strategy: 'privacy_first' } : undefined });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
    unchanged();
  });

  it('the scheme is case-insensitive', async () => {
    expect((await admin.call('GET', '/api/overrides', { token: null, headers: { authorization: `bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('a wrong token is told apart from a missing one in the challenge', async () => {
    const wrong = await admin.call('GET', '/api/overrides', { token: 'nope' });
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const missing = await admin.call('GET', '/api/overrides', { token: null });
    expect(missing.headers.get('www-authenticate')).not.toContain('error=');
  });
});

describe('400: bodies, with the field path', () => {
  it.each([
    ['/api/agents/cto_agent/model', {}, 'model_id'],
    ['/api/agents/cto_agent/model', { model_id: 42 }, 'model_id'],
    ['/api/agents/cto_agent/model', { model_id: '' }, 'model_id'],
    ['/api/agents/cto_agent/model', { model_id: 'llama-3-70b', reason: ['x'] }, 'reason'],
    ['/api/agents/cto_agent/model', { model_id: 'llama-3-70b', duration: true }, 'duration'],
    ['/api/agents/cto_agent/model', { model_id: 'llama-3-70b', modelId: 'x' }, 'modelId'],
    ['/api/agents/cto_agent/model', { model_id: 'llama-3-70b', __proto__: { polluted: true } }, '__proto__'],
    ['/api/routing/strategy', { strategy: 'privacy_first', duration: '2 fortnights' }, 'duration'],
    ['/api/routing/strategy', { strategy: 'privacy_first', duration: -5 }, 'duration'],
    ['/api/routing/strategy', { strategy: null }, 'strategy'],
    ['/api/tasks/t1/routing', { forceModel: 'claude-3-opus' }, 'force_model'],
    ['/api/tasks/t1/routing', { force_model: 'claude-3-opus', constructor: 'x' }, 'constructor'],
    ['/api/route/explain', { agent_id: 'cto_agent', task: 'do it' }, 'task'],
    ['/api/route/explain', { agent_id: 'cto_agent', task: [1] }, 'task'],
    ['/api/route/explain', { task: {} }, 'agent_id'],
    ['/api/experiments/opus_vs_gpt/pause', { reason: 7 }, 'reason'],
    ['/api/experiments/opus_vs_gpt/start', { why: 'x' }, 'why'],
  ])('POST %s %j → path %s', async (path, body, field) => {
    // `__proto__` in an object literal sets the prototype; send it as JSON text so it is a key.
    const raw = JSON.stringify(body);
    const text = field === '__proto__' ? raw.replace(/}$/, ',"__proto__":{"polluted":true}}') : raw;
    const res = await admin.call('POST', path, { raw: text, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.error.path).toBe(field);
    expect(['INVALID_BODY', 'INVALID_ARGUMENT']).toContain(res.body.error.code);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    unchanged();
  });

  it.each([
    ['not JSON', '{"model_id": "llama-3-70b"'],
    ['a trailing comma', '{"model_id": "llama-3-70b",}'],
    ['single quotes', "{'model_id': 'llama-3-70b'}"],
  ])('invalid JSON (%s) → 400 INVALID_JSON', async (_name, raw) => {
    const res = await admin.call('POST', '/api/agents/cto_agent/model', { raw, headers: { 'content-type': 'application/json' } });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'INVALID_JSON' } } });
    unchanged();
  });

  it('a body that is not UTF-8 → 400 INVALID_JSON', async () => {
    const raw = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
    const res = await admin.call('POST', '/api/routing/strategy', { raw, headers: { 'content-type': 'application/json' } });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'INVALID_JSON' } } });
  });

  it('a JSON value that is not an object → 400 without a path', async () => {
    for (const raw of ['[]', 'null', '"privacy_first"', '42', 'true']) {
      const res = await admin.call('POST', '/api/routing/strategy', { raw, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_BODY');
      expect(res.body.error.path).toBeUndefined();
    }
    unchanged();
  });

  it('a task field the router reads with the wrong type → 400 from explain', async () => {
    const res = await admin.call('POST', '/api/route/explain', { body: { agent_id: 'cto_agent', task: { complexity: 'very' } } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_ARGUMENT');
  });
});

describe('400: path ids', () => {
  it.each([
    ['a control character', '/api/agents/cto%00agent/model', 'agent_id'],
    ['a newline', '/api/tasks/t%0A1/routing', 'task_id'],
    ['DEL', '/api/tasks/t%7F1/routing', 'task_id'],
    ['a C1 control', '/api/experiments/x%C2%85y/start', 'name'],
    ['257 characters', `/api/tasks/${'t'.repeat(257)}/routing`, 'task_id'],
    ['bad percent-encoding', '/api/tasks/%E0%A4/routing', 'task_id'],
    ['an empty id', '/api/tasks//routing', 'task_id'],
  ])('%s → 400 INVALID_PATH', async (_name, path, field) => {
    const body = path.includes('/tasks/') ? { force_model: 'claude-3-opus' } : path.includes('/agents/') ? { model_id: 'llama-3-70b' } : {};
    const res = await admin.call('POST', path, { body });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_PATH', path: field });
    unchanged();
  });

  it('256 characters are accepted', async () => {
    const id = 't'.repeat(256);
    expect((await admin.call('POST', `/api/tasks/${id}/routing`, { body: { force_model: 'claude-3-opus' } })).status).toBe(200);
  });
});

describe('404', () => {
  it.each([
    ['agent', 'POST', '/api/agents/ceo_agent/model', { model_id: 'llama-3-70b' }, 'UNKNOWN_AGENT'],
    ['agent (clear)', 'DELETE', '/api/agents/ceo_agent/model', undefined, 'UNKNOWN_AGENT'],
    ['agent (explain)', 'POST', '/api/route/explain', { agent_id: 'ceo_agent' }, 'UNKNOWN_AGENT'],
    ['agent (inherited name)', 'POST', '/api/agents/constructor/model', { model_id: 'llama-3-70b' }, 'UNKNOWN_AGENT'],
    ['model', 'POST', '/api/agents/cto_agent/model', { model_id: 'gpt-9' }, 'UNKNOWN_MODEL'],
    ['model (task)', 'POST', '/api/tasks/t1/routing', { force_model: 'toString' }, 'UNKNOWN_MODEL'],
    ['strategy', 'POST', '/api/routing/strategy', { strategy: 'yolo' }, 'UNKNOWN_STRATEGY'],
    ['strategy (inherited name)', 'POST', '/api/routing/strategy', { strategy: '__proto__' }, 'UNKNOWN_STRATEGY'],
    ['experiment', 'POST', '/api/experiments/nope/start', {}, 'UNKNOWN_EXPERIMENT'],
    ['path', 'GET', '/api/nothing-here', undefined, 'NOT_FOUND'],
    ['path with a trailing slash', 'GET', '/api/overrides/', undefined, 'NOT_FOUND'],
    ['path outside the API', 'GET', '/', undefined, 'NOT_FOUND'],
    ['experiment verb', 'POST', '/api/experiments/opus_vs_gpt/restart', {}, 'NOT_FOUND'],
  ])('unknown %s → 404 %s', async (_name, method, path, body, code) => {
    const res = await admin.call(method, path, { body });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    unchanged();
  });
});

describe('405', () => {
  it.each([
    ['PUT', '/api/agents/cto_agent/model', 'POST, DELETE'],
    ['GET', '/api/agents/cto_agent/model', 'POST, DELETE'],
    ['POST', '/api/overrides', 'GET'],
    ['DELETE', '/api/budget', 'GET'],
    ['GET', '/api/route/explain', 'POST'],
    ['DELETE', '/api/experiments/opus_vs_gpt/start', 'POST'],
    ['PATCH', '/api/routing/strategy', 'POST, DELETE'],
    ['OPTIONS', '/api/models', 'GET'],
  ])('%s %s → 405, Allow: %s', async (method, path, allow) => {
    const res = await admin.call(method, path);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect(res.body.error.code).toBe('METHOD_NOT_ALLOWED');
  });
});

describe('413: body size', () => {
  const big = (size: number) => JSON.stringify({ strategy: 'privacy_first', reason: 'x'.repeat(size) });

  it('a body over 64 KiB with a content-length', async () => {
    const res = await admin.call('POST', '/api/routing/strategy', { raw: big(70 * 1024), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    unchanged();
  });

  it('a chunked body without a content-length: counted while read, stopped at the limit', async () => {
    let sent = 0;
    const chunk = new TextEncoder().encode('x'.repeat(8 * 1024));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"strategy":"privacy_first","reason":"'));
      },
      pull(controller) {
        // Endless unless the server stops reading: it must answer long before 16 MiB.
        if (sent > 16 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await admin.call('POST', '/api/routing/strategy', { raw: stream, headers: { 'content-type': 'application/json' } }).catch((error: unknown) => error);
    // The server answers 413 and closes; the client may see the answer or, mid-upload, the close.
    if (res instanceof Error) expect(String(res.cause ?? res)).toMatch(/closed|reset|socket|terminated|EPIPE/i);
    else expect((res as { status: number }).status).toBe(413);
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    unchanged();
  });

  it('exactly at the limit is read', async () => {
    const base = big(0).length;
    const res = await admin.call('POST', '/api/routing/strategy', { raw: big(64 * 1024 - base), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400); // read and parsed: the reason is over 1000 characters
    expect(res.body.error.path).toBe('reason');
  });
});

describe('415: content type', () => {
  it.each([
    ['text/plain', 'text/plain'],
    ['form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['json-ish', 'application/jsonp'],
  ])('%s → 415', async (_name, type) => {
    const res = await admin.call('POST', '/api/routing/strategy', { raw: '{"strategy":"privacy_first"}', headers: { 'content-type': type } });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    unchanged();
  });

  it('a body without a content type → 415', async () => {
    const res = await admin.call('POST', '/api/routing/strategy', { raw: new Uint8Array(new TextEncoder().encode('{"strategy":"privacy_first"}')) });
    expect(res.status).toBe(415);
    unchanged();
  });

  it('JSON with a charset, and +json types, are accepted', async () => {
    for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'application/vnd.api+json']) {
      const res = await admin.call('POST', '/api/routing/strategy', { raw: '{"strategy":"privacy_first"}', headers: { 'content-type': type } });
      expect(res.status).toBe(200);
    }
  });
});
