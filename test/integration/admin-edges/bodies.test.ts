// Hostile JSON bodies, content types, durations and explain tasks against the admin fetch handler.
import { describe, expect, it } from 'vitest';
import { SECRET, stateOf } from '../../admin/admin-harness.js';
import { setup } from './setup.js';

const json = (text: string) => ({ raw: text, headers: { 'content-type': 'application/json' } });

describe('JSON body parsing', () => {
  it('duplicate keys: the last one wins, and the audit records what was applied', async () => {
    const { call, router, audits } = await setup();
    const res = await call('POST', '/api/agents/cto_agent/model', json('{"model_id":"gpt-9","model_id":"llama-3-70b"}'));
    expect(res.status).toBe(200);
    expect(router.overrides.list().agentModels[0]!.value).toBe('llama-3-70b');
    expect(audits.at(-1)).toMatchObject({ ok: true, value: 'llama-3-70b' });
  });

  it('__proto__ / constructor keys in a body are refused as unknown fields and pollute nothing', async () => {
    const { call, router } = await setup();
    const before = stateOf(router);
    for (const text of [
      '{"model_id":"llama-3-70b","__proto__":{"polluted":1}}',
      '{"model_id":"llama-3-70b","constructor":{"prototype":{"polluted":1}}}',
      '{"__proto__":{"model_id":"llama-3-70b"}}',
    ]) {
      const res = await call('POST', '/api/agents/cto_agent/model', json(text));
      expect(res.status, text).toBe(400);
      expect(res.body.error.code).toBe('INVALID_BODY');
    }
    expect(({} as any).polluted).toBeUndefined();
    expect(stateOf(router)).toBe(before);
  });

  it('an explain task/context with __proto__ does not change the decision or pollute', async () => {
    const { call } = await setup();
    const plain = await call('POST', '/api/route/explain', { body: { agent_id: 'cto_agent', task: { complexity: 3 } } });
    const hostile = await call('POST', '/api/route/explain', json('{"agent_id":"cto_agent","task":{"complexity":3,"__proto__":{"complexity":10,"force_model":"claude-3-opus"}},"context":{"__proto__":{"routing_strategy":"nope"}}}'));
    expect(hostile.status).toBe(200);
    expect(hostile.body.modelId).toBe(plain.body.modelId);
    expect(({} as any).force_model).toBeUndefined();
  });

  it('deeply nested bodies (JSON.parse depth, deep task.data, deep arrays) are answered without a 500 or a crash', async () => {
    const { call, errors } = await setup({ maxBodyBytes: 1 << 20 });
    const depth = 100_000;
    const deepObject = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const deepArray = `${'['.repeat(depth * 2)}${']'.repeat(depth * 2)}`;
    for (const [name, text] of [
      ['task.data object', `{"agent_id":"cto_agent","task":{"data":${deepObject}}}`],
      ['task.messages array', `{"agent_id":"cto_agent","task":{"messages":${deepArray}}}`],
      ['task.prompt-ish other field', `{"agent_id":"cto_agent","task":{"other":${deepArray}}}`],
      ['context', `{"agent_id":"cto_agent","context":{"x":${deepObject}}}`],
      ['top level array', deepArray],
    ] as const) {
      const res = await call('POST', '/api/route/explain', json(text));
      expect([200, 400, 422], name).toContain(res.status);
    }
    const change = await call('POST', '/api/agents/cto_agent/model', json(`{"model_id":"llama-3-70b","reason":${deepObject}}`));
    expect(change.status).toBe(400);
    expect(errors).toEqual([]);
  });

  it('non-UTF-8 bytes and UTF-16 are 400 INVALID_JSON; a UTF-8 BOM is accepted', async () => {
    const { call } = await setup();
    const bad = new Uint8Array([0x7b, 0x22, 0x6d, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
    expect((await call('POST', '/api/routing/strategy', { raw: bad, headers: { 'content-type': 'application/json' } })).body.error.code).toBe('INVALID_JSON');
    const surrogate = new Uint8Array([...Buffer.from('{"strategy":"'), 0xed, 0xa0, 0x80, ...Buffer.from('"}')]);
    expect((await call('POST', '/api/routing/strategy', { raw: surrogate, headers: { 'content-type': 'application/json' } })).body.error.code).toBe('INVALID_JSON');
    const utf16 = Buffer.from('\ufeff{"strategy":"privacy_first"}', 'utf16le');
    expect((await call('POST', '/api/routing/strategy', { raw: utf16, headers: { 'content-type': 'application/json' } })).status).toBe(400);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"strategy":"privacy_first"}')]);
    expect((await call('POST', '/api/routing/strategy', { raw: bom, headers: { 'content-type': 'application/json' } })).status).toBe(200);
  });

  it('INVALID_JSON messages are bounded even for a huge malformed body', async () => {
    const { call } = await setup();
    const res = await call('POST', '/api/routing/strategy', json(`{"strategy":"${'x'.repeat(60_000)}`));
    expect(res.status).toBe(400);
    expect(res.text.length).toBeLessThan(1000);
  });

  it('a lone surrogate escape in a reason is stored and served as well-formed JSON', async () => {
    const { call } = await setup();
    const res = await call('POST', '/api/routing/strategy', json('{"strategy":"privacy_first","reason":"\\ud800x"}'));
    expect(res.status).toBe(200);
    const audit = await call('GET', '/api/audit');
    expect(audit.text).toContain('\\ud800');
  });
});

describe('content types', () => {
  it('accepts application/json with parameters, in any case, and application/*+json', async () => {
    const { call } = await setup();
    for (const type of ['application/json; charset=utf-8', 'APPLICATION/JSON', 'Application/Json;charset="UTF-8"', 'application/merge-patch+json', 'application/vnd.api+json', '  application/json  ']) {
      const res = await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first' }, headers: { 'content-type': type } });
      expect(res.status, type).toBe(200);
    }
  });

  it('refuses look-alike and non-JSON content types with 415, before reading', async () => {
    const { call, router } = await setup();
    const before = stateOf(router);
    for (const type of ['text/json', 'text/plain', 'application/jsonx', 'application/json-seq', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json, text/plain', 'json', 'application/xjson', '*/*']) {
      const res = await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first' }, headers: { 'content-type': type } });
      expect(res.status, type).toBe(415);
    }
    expect(stateOf(router)).toBe(before);
  });

  it('a body without a content type is 415; an empty body with one reads as {}', async () => {
    const { call } = await setup();
    expect((await call('POST', '/api/routing/strategy', { raw: '{"strategy":"privacy_first"}' })).status).toBe(415);
    const empty = await call('POST', '/api/routing/strategy', { raw: '', headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.path).toBe('strategy');
  });

  it('a declared Content-Length over the limit is 413 without reading; a lying small one is still counted', async () => {
    const { call } = await setup({ maxBodyBytes: 100 });
    const big = JSON.stringify({ strategy: 'privacy_first', reason: 'x'.repeat(200) });
    const res = await call('POST', '/api/routing/strategy', { raw: big, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const streamed = await call('POST', '/api/routing/strategy', { raw: stream, headers: { 'content-type': 'application/json' } });
    expect(streamed.status).toBe(413);
  });
});

describe('durations and reasons', () => {
  it('overflowing and huge durations are accepted as far-future expiries (no timer overflow), and stay in force', async () => {
    const { call, router, clock } = await setup();
    for (const duration of ['99999999h', `${'9'.repeat(62)}d`, 1e308, Number.MAX_SAFE_INTEGER, 2 ** 31, '24.8d', '25d']) {
      const res = await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first', duration } });
      expect(res.status, String(duration)).toBe(200);
      clock.advance(1000);
      expect(router.overrides.list().strategy?.value, String(duration)).toBe('privacy_first');
    }
  });

  it('an expiry beyond the Date range does not break the listing or explain', async () => {
    const { call } = await setup();
    expect((await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first', duration: 1e308 } })).status).toBe(200);
    expect((await call('POST', '/api/agents/cto_agent/model', { body: { model_id: 'llama-3-70b', duration: `${'9'.repeat(62)}d` } })).status).toBe(200);
    const listing = await call('GET', '/api/overrides');
    expect(listing.status).toBe(200);
    expect(listing.body.strategy.expiresAt).toBeGreaterThan(1e300);
    const explained = await call('POST', '/api/route/explain', { body: { agent_id: 'cto_agent' } });
    expect(explained.status).toBe(200);
    expect((await call('GET', '/api/audit')).status).toBe(200);
  });

  it('1e400 (Infinity after JSON.parse), negative, zero and malformed durations are 400 and change nothing', async () => {
    const { call, router, audits } = await setup();
    const before = stateOf(router);
    for (const raw of ['1e400', '-1', '0', '-0', '"-5m"', '"0s"', '"0ms0s"', '"NaN"', '"Infinity"', '"1e3"', '"PT2H"', '"2 hours"', '""', '"h"', 'null', 'true', '[1]', '{"ms":1}']) {
      const res = await call('POST', '/api/routing/strategy', json(`{"strategy":"privacy_first","duration":${raw}}`));
      expect(res.status, raw).toBe(400);
    }
    expect(stateOf(router)).toBe(before);
    expect(audits.every((entry) => entry.ok === false)).toBe(true);
  });

  it('a sub-millisecond duration (1e-9 ms, "0.0001ms") is not answered 200 for an override that is already gone', async () => {
    const { call, router } = await setup();
    for (const duration of [1e-9, '0.0001ms']) {
      const res = await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first', duration } });
      // Either refused, or in force right after it was set.
      if (res.status === 200) expect(router.overrides.list().strategy?.value, String(duration)).toBe('privacy_first');
      else expect(res.status).toBe(400);
    }
  });

  it('reason: 1000 characters pass, 1001 (or megabytes under a raised limit) are 400 INVALID_BODY', async () => {
    const { call } = await setup({ maxBodyBytes: 8 << 20 });
    expect((await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first', reason: '€'.repeat(1000) } })).status).toBe(200);
    const long = await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first', reason: 'x'.repeat(1001) } });
    expect(long.status).toBe(400);
    expect(long.body.error.path).toBe('reason');
    const huge = await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first', reason: 'x'.repeat(5_000_000) } });
    expect(huge.status).toBe(400);
    expect(huge.text.length).toBeLessThan(1000);
  });
});

describe('explain with hostile tasks', () => {
  it('unknown agent is 404 UNKNOWN_AGENT, a non-object task 400', async () => {
    const { call } = await setup();
    expect((await call('POST', '/api/route/explain', { body: { agent_id: 'nobody' } })).body.error.code).toBe('UNKNOWN_AGENT');
    for (const task of [[], 'x', 1, null]) {
      expect((await call('POST', '/api/route/explain', { body: { agent_id: 'cto_agent', task } })).status, JSON.stringify(task)).toBe(400);
    }
  });

  it('a task prompt longer than the PII scan limit fails closed (treated as PII), not a 500', async () => {
    const { call, errors, router } = await setup({ maxBodyBytes: 40 << 20 });
    const res = await call('POST', '/api/route/explain', { body: { agent_id: 'cto_agent', task: { prompt: 'a'.repeat(33_000_000), complexity: 9 } } });
    expect([200, 422]).toContain(res.status);
    if (res.status === 200) {
      const models = router.config.models as Record<string, { type: string }>;
      expect(models[res.body.modelId]!.type).toBe('local');
    }
    expect(res.text).not.toContain('aaaaaaaaaaaaaaaa');
    expect(errors).toEqual([]);
  }, 60_000);

  it('a task with thousands of typo-like keys is answered quickly', async () => {
    const { call } = await setup();
    const task: Record<string, number> = { complexity: 5 };
    for (let i = 0; i < 3000; i++) task[`cmplx${i}`] = i;
    const started = performance.now();
    const res = await call('POST', '/api/route/explain', { body: { agent_id: 'cto_agent', task } });
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a hostile context.routing_strategy is 400/404, never 500', async () => {
    const { call, errors } = await setup();
    for (const routing_strategy of ['__proto__', 'constructor', {}, [], 1, null, 'x'.repeat(10_000)]) {
      const res = await call('POST', '/api/route/explain', { body: { agent_id: 'cto_agent', context: { routing_strategy } } });
      expect([200, 400, 404], JSON.stringify(routing_strategy).slice(0, 40)).toContain(res.status);
      expect(res.text.length).toBeLessThan(20_000);
    }
    expect(errors).toEqual([]);
  });

  it('explain answers (200 and 422) never contain a model secret, its endpoint path or credentials', async () => {
    const { call } = await setup();
    const bodies = [
      { agent_id: 'cto_agent', task: { force_model: 'gpt-4-turbo', complexity: 5 } },
      { agent_id: 'frontend_agent', task: { complexity: 9 } },
      { agent_id: 'cto_agent', task: { prompt: 'my email is a@b.com and SSN 123-45-6789', privacy_level: 'high' } },
      { agent_id: 'cto_agent', task: { estimated_tokens: 10_000_000 } },
    ];
    for (const body of bodies) {
      const res = await call('POST', '/api/route/explain', { body });
      expect([200, 422]).toContain(res.status);
      expect(res.text).not.toContain(SECRET);
      expect(res.text).not.toContain('api.example.com/v1');
    }
  });
});
