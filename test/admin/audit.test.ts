// The admin API's audit log: who changed what, to what and why; refused changes recorded as refused;
// the log bounded, readable at GET /api/audit and handed to onAudit.
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminAuditEntry, AdminHandlerOptions } from '../../src/admin.js';
import { AuditLog } from '../../src/admin/audit-log.js';
import { stateOf, startAdmin, type AdminServer } from './admin-harness.js';

let admin: AdminServer | undefined;
afterEach(async () => {
  await admin?.close();
  admin = undefined;
});

async function start(options: Partial<AdminHandlerOptions> = {}): Promise<AdminServer> {
  admin = await startAdmin(options);
  return admin;
}

const AT = '2026-11-25T09:00:00.000Z';

describe('audit entries', () => {
  it('record what changed, to what, why and when', async () => {
    const { call, clock } = await start();
    await call('POST', '/api/agents/cto_agent/model', { body: { model_id: 'llama-3-70b', reason: 'switching to local for privacy', duration: '2h' } });
    clock.advance(60_000);
    await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first', duration: 7_200_000 } });
    await call('POST', '/api/tasks/task-42/routing', { body: { force_model: 'claude-3-opus', reason: 'complex architectural decision' } });
    await call('DELETE', '/api/agents/cto_agent/model');
    await call('DELETE', '/api/routing/strategy');
    await call('DELETE', '/api/tasks/nothing-set/routing');
    await call('POST', '/api/experiments/opus_vs_gpt/pause', { body: { reason: 'quality dip' } });
    await call('POST', '/api/experiments/opus_vs_gpt/start');
    await call('POST', '/api/experiments/opus_vs_gpt/end');
    const { body } = await call('GET', '/api/audit');
    expect(body.entries).toEqual([
      { at: AT, action: 'agent_model.set', target: 'cto_agent', value: 'llama-3-70b', reason: 'switching to local for privacy', duration: '2h', ok: true },
      { at: '2026-11-25T09:01:00.000Z', action: 'strategy.set', target: 'routing', value: 'privacy_first', duration: 7_200_000, ok: true },
      { at: '2026-11-25T09:01:00.000Z', action: 'task_routing.set', target: 'task-42', value: 'claude-3-opus', reason: 'complex architectural decision', ok: true },
      { at: '2026-11-25T09:01:00.000Z', action: 'agent_model.clear', target: 'cto_agent', value: 'llama-3-70b', ok: true },
      { at: '2026-11-25T09:01:00.000Z', action: 'strategy.clear', target: 'routing', value: 'privacy_first', ok: true },
      { at: '2026-11-25T09:01:00.000Z', action: 'task_routing.clear', target: 'nothing-set', ok: true },
      { at: '2026-11-25T09:01:00.000Z', action: 'experiment.pause', target: 'opus_vs_gpt', value: 'paused', reason: 'quality dip', ok: true },
      { at: '2026-11-25T09:01:00.000Z', action: 'experiment.start', target: 'opus_vs_gpt', value: 'running', ok: true },
      { at: '2026-11-25T09:01:00.000Z', action: 'experiment.end', target: 'opus_vs_gpt', value: 'ended', ok: true },
    ]);
  });

  it('record the principal authorize returned', async () => {
    const { call } = await start({
      authorize: (request) => {
        const user = request.headers.get('x-user');
        return user ? { id: user, team: 'sre' } : false;
      },
    });
    await call('POST', '/api/routing/strategy', { token: null, headers: { 'x-user': 'alice@example.com' }, body: { strategy: 'cost_optimized', reason: 'month end' } });
    await call('DELETE', '/api/routing/strategy', { token: null, headers: { 'x-user': 'bob@example.com' } });
    const { body } = await call('GET', '/api/audit', { token: null, headers: { 'x-user': 'carol' } });
    expect(body.entries.map((e: AdminAuditEntry) => [e.principal, e.action, e.value, e.reason])).toEqual([
      ['alice@example.com', 'strategy.set', 'cost_optimized', 'month end'],
      ['bob@example.com', 'strategy.clear', 'cost_optimized', undefined],
    ]);
  });

  it('record refused changes as refused (ok: false, the error code), and leave the router as it was', async () => {
    const server = await start({ authorize: () => ({ id: 'mallory' }) });
    const before = stateOf(server.router);
    const refusals: [string, string, unknown][] = [
      ['POST', '/api/agents/cto_agent/model', { model_id: 'gpt-9', reason: 'try' }],
      ['POST', '/api/agents/ghost/model', { model_id: 'llama-3-70b' }],
      ['POST', '/api/routing/strategy', { strategy: 'privacy_first', duration: 'forever' }],
      ['POST', '/api/tasks/t%001/routing', { force_model: 'claude-3-opus' }],
      ['POST', '/api/experiments/nope/start', {}],
      ['POST', '/api/experiments/opus_vs_gpt/end', { reason: 'x', extra: 1 }],
    ];
    for (const [method, path, body] of refusals) expect((await server.call(method, path, { token: null, body })).status).toBeGreaterThanOrEqual(400);
    expect(stateOf(server.router)).toBe(before);
    const { body } = await server.call('GET', '/api/audit', { token: null });
    expect(body.entries.map((e: AdminAuditEntry) => [e.action, e.target, e.ok, e.error, e.principal])).toEqual([
      ['agent_model.set', 'cto_agent', false, 'UNKNOWN_MODEL', 'mallory'],
      ['agent_model.set', 'ghost', false, 'UNKNOWN_AGENT', 'mallory'],
      ['strategy.set', 'routing', false, 'INVALID_ARGUMENT', 'mallory'],
      ['task_routing.set', undefined, false, 'INVALID_PATH', 'mallory'],
      ['experiment.start', 'nope', false, 'UNKNOWN_EXPERIMENT', 'mallory'],
      ['experiment.end', 'opus_vs_gpt', false, 'INVALID_BODY', 'mallory'],
    ]);
    expect(body.entries[0].reason).toBe('try');
  });

  it('leave out reads and unauthenticated requests', async () => {
    const { call } = await start();
    await call('GET', '/api/overrides');
    await call('GET', '/api/models');
    await call('POST', '/api/route/explain', { body: { agent_id: 'cto_agent' } });
    await call('POST', '/api/routing/strategy', { token: 'wrong', body: { strategy: 'privacy_first' } });
    expect((await call('GET', '/api/audit')).body.entries).toEqual([]);
  });
});

describe('the log', () => {
  it('hands every entry to onAudit; a failing onAudit neither fails nor undoes the change', async () => {
    const seen: AdminAuditEntry[] = [];
    const { call, router } = await start({
      onAudit: (entry) => {
        seen.push(entry);
        throw new Error('log shipper down');
      },
    });
    const res = await call('POST', '/api/agents/qa_agent/model', { body: { model_id: 'qwen-2-72b' } });
    expect(res.status).toBe(200);
    expect(router.overrides.list().agentModels).toHaveLength(1);
    await call('POST', '/api/agents/qa_agent/model', { body: { model_id: 'nope' } });
    expect(seen.map((e) => [e.action, e.ok])).toEqual([['agent_model.set', true], ['agent_model.set', false]]);
    expect((await call('GET', '/api/audit')).body.entries).toEqual(seen);
  });

  it('keeps the newest auditLimit entries', async () => {
    const { call } = await start({ auditLimit: 3 });
    for (let i = 0; i < 20; i++) await call('POST', `/api/tasks/t${i}/routing`, { body: { force_model: 'claude-3-opus' } });
    const { body } = await call('GET', '/api/audit');
    expect(body.entries.map((e: AdminAuditEntry) => e.target)).toEqual(['t17', 't18', 't19']);
  });

  it('stays bounded over many entries (AuditLog)', () => {
    const log = new AuditLog(1000, undefined);
    for (let i = 0; i < 25_000; i++) log.append({ at: AT, action: 'strategy.set', target: `t${i}`, ok: true });
    const kept = log.list();
    expect(kept).toHaveLength(1000);
    expect(kept[0]!.target).toBe('t24000');
    expect(kept.at(-1)!.target).toBe('t24999');
    expect(log.list(2).map((e) => e.target)).toEqual(['t24998', 't24999']);
    expect(log.list(5000)).toHaveLength(1000);
    // Its own array never holds more than twice the limit (or the limit plus a batch).
    expect((log as unknown as { entries: unknown[] }).entries.length).toBeLessThanOrEqual(2000);
  });

  it('auditLimit 0 keeps none, but still calls onAudit', async () => {
    const seen: AdminAuditEntry[] = [];
    const { call } = await start({ auditLimit: 0, onAudit: (entry) => seen.push(entry) });
    await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first' } });
    expect((await call('GET', '/api/audit')).body.entries).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('?limit= must be a whole number', async () => {
    const { call } = await start();
    await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first' } });
    expect((await call('GET', '/api/audit?limit=0')).body.entries).toEqual([]);
    expect((await call('GET', '/api/audit?limit=99')).body.entries).toHaveLength(1);
    for (const bad of ['-1', '1.5', 'ten', '', '1e3']) {
      const res = await call('GET', `/api/audit?limit=${bad}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'INVALID_QUERY', path: 'limit' });
    }
  });

  it('entries returned are copies', async () => {
    const seen: AdminAuditEntry[] = [];
    const { call } = await start({ onAudit: (entry) => seen.push(entry) });
    await call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first' } });
    seen[0]!.action = 'experiment.end';
    expect((await call('GET', '/api/audit')).body.entries[0].action).toBe('strategy.set');
  });
});
