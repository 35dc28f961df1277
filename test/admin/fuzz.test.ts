// Property tests: no malformed body, content type, method or path makes the admin API fail with a
// 500, and a request it refuses leaves the router's overrides and experiments exactly as they were.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminHandler, type AdminHandler } from '../../src/admin.js';
import type { Router } from '../../src/index.js';
import { adminRouter, stateOf, startAdmin, TOKEN, type AdminServer } from './admin-harness.js';

const POST_PATHS = [
  '/api/agents/{id}/model',
  '/api/routing/strategy',
  '/api/tasks/{id}/routing',
  '/api/route/explain',
  '/api/experiments/{id}/start',
  '/api/experiments/{id}/pause',
  '/api/experiments/{id}/end',
];
const OTHER_PATHS = ['/api/overrides', '/api/budget', '/api/models', '/api/metrics', '/api/experiments', '/api/audit?limit={id}'];
const FIELDS = ['model_id', 'reason', 'duration', 'strategy', 'force_model', 'agent_id', 'task', 'context', 'forceModel'];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
const KNOWN = ['cto_agent', 'qa_agent', 'llama-3-70b', 'claude-3-opus', 'privacy_first', 'balanced', 'opus_vs_gpt'];

/** A path segment: known names, traversal and encoding tricks, unicode, or anything. */
const segment = fc.oneof(
  fc.constantFrom(...KNOWN, ...PROTO_KEYS, '..', '.', '%2e%2e', '%2F', 'a%2Fb', '%00', '%', '%zz', '%E0%A4', '%C0%AF', '', ' ', '%20', '?', '#', ';', 'x'.repeat(300)),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
);

const path = fc.oneof(
  fc.tuple(fc.constantFrom(...POST_PATHS, ...OTHER_PATHS), segment).map(([template, id]) => template.replace('{id}', id)),
  fc.array(segment, { maxLength: 6 }).map((segments) => `/${segments.join('/')}`),
  fc.array(fc.oneof(segment, fc.constantFrom('api', 'agents', 'model', 'tasks', 'routing', 'experiments')), { maxLength: 5 }).map((s) => `/api/${s.join('/')}`),
);

/** A value of a wrong, odd or hostile type. */
const oddValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('', '2h', '-1h', '0', 'ms', '1e308d', 'Infinity', ...KNOWN), fc.integer(), fc.double(), fc.string({ unit: 'binary', maxLength: 50 }));

/** A body object with the API's fields, prototype keys and random keys, each of any type. */
const fieldsBody = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS, ...PROTO_KEYS), fc.string({ maxLength: 10 })), oddValue), { maxLength: 6 })
  .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`);

const deep = fc.integer({ min: 1, max: 20_000 }).map((depth) => `{"agent_id":"cto_agent","task":{"data":${'['.repeat(depth)}${']'.repeat(depth)}}}`);

const body = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value) ?? ''),
  fieldsBody,
  fieldsBody.chain((text) => fc.nat({ max: text.length }).map((cut) => text.slice(0, cut))), // truncated
  fc.tuple(fc.constantFrom(...FIELDS), fc.integer({ min: 0, max: 120_000 })).map(([key, size]) => `{${JSON.stringify(key)}:"${'x'.repeat(size)}"}`), // huge strings
  fc.constantFrom(
    '{"model_id":"llama-3-70b","__proto__":{"polluted":true}}',
    '{"strategy":"balanced","constructor":{"prototype":{"polluted":true}}}',
    '{"agent_id":"cto_agent","task":{"__proto__":{"complexity":99},"constructor":{"prototype":{"x":1}}}}',
    '{"agent_id":"cto_agent","context":{"__proto__":null,"routing_strategy":"__proto__"}}',
    '{"agent_id":"cto_agent","task":{"complexity":1e400}}',
    '{"agent_id":"constructor"}',
  ),
  deep,
  fc.uint8Array({ maxLength: 200 }),
  fc.constant(undefined),
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom(undefined, 'text/plain', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', '', 'application/*') },
);

const method = fc.oneof({ weight: 5, arbitrary: fc.constant('POST') }, { weight: 2, arbitrary: fc.constantFrom('GET', 'DELETE') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH', 'OPTIONS', 'HEAD') });

interface Sent {
  method: string;
  path: string;
  body: string | Uint8Array | undefined;
  type: string | undefined;
}

const requestArb = fc.record({ method, path, body, type: contentType }) as fc.Arbitrary<Sent>;

function toRequest(sent: Sent): Request | undefined {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
  if (sent.type !== undefined) headers['content-type'] = sent.type;
  const hasBody = sent.body !== undefined && sent.method !== 'GET' && sent.method !== 'HEAD';
  try {
    return new Request(`http://admin.test${sent.path.startsWith('/') ? '' : '/'}${sent.path}`, { method: sent.method, headers, body: hasBody ? (sent.body as string) : undefined });
  } catch {
    return undefined; // not a URL fetch can express at all
  }
}

const STATUSES = [200, 400, 404, 405, 413, 415, 422];

async function checkOne(router: Router, send: () => Promise<{ status: number; text: string }>): Promise<void> {
  const before = stateOf(router);
  const { status, text } = await send();
  expect(STATUSES, `status ${status}: ${text.slice(0, 300)}`).toContain(status);
  if (status >= 400) {
    const parsed = JSON.parse(text) as { error: { code: string; message: string } };
    expect(typeof parsed.error.code).toBe('string');
    expect(typeof parsed.error.message).toBe('string');
    expect(stateOf(router), `refused with ${status} but the state changed`).toBe(before);
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

/** A fresh router and handler; `internal` collects what reached a 500. */
async function fuzzHandler(): Promise<{ router: Router; handler: AdminHandler; internal: unknown[] }> {
  const { router } = await adminRouter();
  const internal: unknown[] = [];
  return { router, handler: createAdminHandler(router, { token: TOKEN, onError: (error) => internal.push(error) }), internal };
}

describe('fuzz: the fetch handler', () => {
  it('never answers 500, and refusals change nothing', async () => {
    const { router, handler, internal } = await fuzzHandler();
    await fc.assert(
      fc.asyncProperty(requestArb, async (sent) => {
        const request = toRequest(sent);
        if (!request) return;
        await checkOne(router, async () => {
          const response = await handler(request);
          return { status: response.status, text: await response.text() };
        });
      }),
      { numRuns: 1500 },
    );
    expect(internal).toEqual([]);
  }, 120_000);

  it('valid requests with random ids either succeed or are refused with 400 / 404', async () => {
    const { router, handler, internal } = await fuzzHandler();
    const ids = fc.oneof(segment, fc.constantFrom(...KNOWN));
    const valid = fc.record({
      template: fc.constantFrom(...POST_PATHS),
      id: ids,
      model: fc.oneof(fc.constantFrom('llama-3-70b', 'claude-3-opus', 'gpt-9', '__proto__'), fc.string({ maxLength: 300 })),
      strategy: fc.oneof(fc.constantFrom('privacy_first', 'balanced', 'constructor'), fc.string()),
      duration: fc.option(fc.oneof(fc.constantFrom('2h', '1h30m', '500ms', '0s', '1d', '5 years'), fc.integer({ min: -10, max: 1e9 }), fc.double()), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(valid, async (v) => {
        const bodies: Record<string, unknown> = {
          '/api/agents/{id}/model': { model_id: v.model, duration: v.duration },
          '/api/routing/strategy': { strategy: v.strategy, duration: v.duration },
          '/api/tasks/{id}/routing': { force_model: v.model, duration: v.duration },
          '/api/route/explain': { agent_id: v.id, task: { id: v.id, complexity: 5 } },
        };
        const sent: Sent = { method: 'POST', path: v.template.replace('{id}', v.id), body: JSON.stringify(bodies[v.template] ?? {}), type: 'application/json' };
        const request = toRequest(sent);
        if (!request) return;
        await checkOne(router, async () => {
          const response = await handler(request);
          return { status: response.status, text: await response.text() };
        });
      }),
      { numRuns: 800 },
    );
    expect(internal).toEqual([]);
  }, 120_000);
});

describe('fuzz: explain with any task and context', () => {
  // The task and context are open objects the router reads itself: any JSON object, with keys named
  // like Object.prototype's properties, must get an answer or a 4xx, never an internal failure.
  it('answers 200, 400, 404 or 422, never 500', async () => {
    const { router, handler, internal } = await fuzzHandler();
    const key = fc.oneof(fc.constantFrom(...PROTO_KEYS, 'id', 'type', 'complexity', 'privacy_level', 'critical', 'prompt', 'messages', 'data', 'routing_strategy', 'budget_mode'), fc.string({ maxLength: 8 }));
    const object = fc.array(fc.tuple(key, oddValue), { maxLength: 5 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`);
    const agent = fc.constantFrom('cto_agent', 'backend_agent', 'frontend_agent', 'qa_agent');
    await fc.assert(
      fc.asyncProperty(agent, object, object, async (agentId, task, context) => {
        const text = `{"agent_id":${JSON.stringify(agentId)},"task":${task},"context":${context}}`;
        const request = toRequest({ method: 'POST', path: '/api/route/explain', body: text, type: 'application/json' })!;
        await checkOne(router, async () => {
          const response = await handler(request);
          return { status: response.status, text: await response.text() };
        });
      }),
      { numRuns: 1000 },
    );
    expect(internal).toEqual([]);
  }, 120_000);
});

describe('fuzz: through node:http', () => {
  let admin: AdminServer;
  const internal: unknown[] = [];
  beforeAll(async () => {
    admin = await startAdmin({ onError: (error) => internal.push(error) });
  });
  afterAll(async () => {
    await admin.close();
  });

  it('never answers 500, and refusals change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (sent) => {
        if (toRequest(sent) === undefined) return;
        const hasBody = sent.body !== undefined && sent.method !== 'GET' && sent.method !== 'HEAD';
        const headers: Record<string, string> = {};
        if (sent.type !== undefined) headers['content-type'] = sent.type;
        await checkOne(admin.router, async () => {
          const response = await fetch(`${admin.url}${sent.path.startsWith('/') ? '' : '/'}${sent.path}`, {
            method: sent.method,
            headers: { ...headers, authorization: `Bearer ${TOKEN}` },
            body: hasBody ? (sent.body as string) : undefined,
          }).catch((error: unknown) => error as Error);
          if (response instanceof Error) {
            // Only a body over the limit, refused mid-upload, may end in a closed connection rather than the answer.
            const size = typeof sent.body === 'string' ? Buffer.byteLength(sent.body) : (sent.body?.byteLength ?? 0);
            if (!(hasBody && size > 64 * 1024)) throw response;
            return { status: 413, text: '{"error":{"code":"PAYLOAD_TOO_LARGE","message":"closed"}}' };
          }
          return { status: response.status, text: sent.method === 'HEAD' ? '{"error":{"code":"HEAD","message":""}}' : await response.text() };
        });
      }),
      { numRuns: 300 },
    );
    expect(internal).toEqual([]);
  }, 120_000);
});
