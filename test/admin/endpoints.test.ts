// Every endpoint of llm-agent-router/admin answering through a real node:http server: what it does
// to the router and what it returns.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRET, startAdmin, type AdminServer } from './admin-harness.js';

let admin: AdminServer;
beforeEach(async () => {
  admin = await startAdmin();
});
afterEach(async () => {
  await admin.close();
});

describe('overrides', () => {
  it('POST /api/agents/{id}/model sets the agent\'s model, with reason and duration; DELETE clears it', async () => {
    const set = await admin.call('POST', '/api/agents/cto_agent/model', { body: { model_id: 'llama-3-70b', reason: 'switching to local for privacy', duration: '2h' } });
    expect(set.status).toBe(200);
    expect(set.headers.get('content-type')).toMatch(/^application\/json/);
    expect(set.body).toMatchObject({ kind: 'agent_model', target: 'cto_agent', value: 'llama-3-70b', reason: 'switching to local for privacy' });
    expect(set.body.expiresAt - set.body.setAt).toBe(2 * 3_600_000);
    expect(admin.router.overrides.list().agentModels).toEqual([expect.objectContaining({ target: 'cto_agent', value: 'llama-3-70b' })]);
    expect((await admin.router.route('cto_agent', { complexity: 9 })).modelId).toBe('llama-3-70b');

    const cleared = await admin.call('DELETE', '/api/agents/cto_agent/model');
    expect(cleared).toMatchObject({ status: 200, body: { cleared: true } });
    expect(admin.router.overrides.list().agentModels).toEqual([]);
    expect((await admin.call('DELETE', '/api/agents/cto_agent/model')).body).toEqual({ cleared: false });
  });

  it('POST /api/routing/strategy puts a strategy in force; DELETE clears it', async () => {
    const set = await admin.call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first', duration: '2h' } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ kind: 'strategy', value: 'privacy_first' });
    expect(admin.router.overrides.list().strategy?.value).toBe('privacy_first');
    expect((await admin.router.route('cto_agent', { complexity: 9 })).strategy).toBe('privacy_first');
    admin.clock.advance(2 * 3_600_000);
    expect(admin.router.overrides.list().strategy).toBeUndefined();

    await admin.call('POST', '/api/routing/strategy', { body: { strategy: 'cost_optimized' } });
    expect((await admin.call('DELETE', '/api/routing/strategy')).body).toEqual({ cleared: true });
    expect(admin.router.overrides.list().strategy).toBeUndefined();
  });

  it('POST /api/tasks/{id}/routing forces a model for a task; DELETE clears it', async () => {
    const set = await admin.call('POST', '/api/tasks/task-42/routing', { body: { force_model: 'claude-3-opus', reason: 'complex architectural decision' } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ kind: 'task_routing', target: 'task-42', value: 'claude-3-opus' });
    expect((await admin.router.route('qa_agent', { id: 'task-42', complexity: 1 })).modelId).toBe('claude-3-opus');
    expect((await admin.call('DELETE', '/api/tasks/task-42/routing')).body).toEqual({ cleared: true });
    expect(admin.router.overrides.list().taskRouting).toEqual([]);
  });

  it('path ids are percent-decoded once', async () => {
    const set = await admin.call('POST', '/api/tasks/feature%2F42%20%C3%A9t%C3%A9%2541/routing', { body: { force_model: 'gpt-4-turbo' } });
    expect(set.status).toBe(200);
    expect(admin.router.overrides.list().taskRouting.map((o) => o.target)).toEqual(['feature/42 été%41']);
  });

  it('GET /api/overrides lists what is in force, with null for no strategy', async () => {
    expect((await admin.call('GET', '/api/overrides')).body).toEqual({ agentModels: [], strategy: null, taskRouting: [] });
    admin.router.overrides.setAgentModel('qa_agent', 'qwen-2-72b', { reason: 'r' });
    const listing = await admin.call('GET', '/api/overrides');
    expect(listing.status).toBe(200);
    expect(listing.body.agentModels).toEqual([expect.objectContaining({ kind: 'agent_model', target: 'qa_agent', value: 'qwen-2-72b', reason: 'r' })]);
  });
});

describe('reads', () => {
  it('GET /api/budget reports today\'s spend against the budget in force', async () => {
    await admin.router.complete('cto_agent', { messages: [{ role: 'user', content: 'design a system' }] }, { task: { complexity: 9 } });
    const { status, body } = await admin.call('GET', '/api/budget');
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['budgetUsd', 'byAgent', 'byModel', 'calls', 'day', 'remainingUsd', 'reservedUsd', 'spentUsd', 'strategy'].sort());
    expect(body.day).toBe('2026-11-25');
    expect(body.calls).toBe(1);
    expect(body.spentUsd).toBeGreaterThan(0);
    expect(body.byAgent.cto_agent).toBe(body.spentUsd);
    expect(body).toEqual(JSON.parse(JSON.stringify(await admin.router.budget(), (_k, v: unknown) => (v === undefined ? null : v))));
  });

  it('GET /api/models lists each model\'s configuration and live state, and no secret', async () => {
    const { status, body } = await admin.call('GET', '/api/models');
    expect(status).toBe(200);
    expect(body.models.map((m: { id: string }) => m.id)).toEqual(admin.router.modelIds());
    const opus = body.models.find((m: { id: string }) => m.id === 'claude-3-opus');
    expect(opus).toMatchObject({
      provider: 'anthropic',
      type: 'cloud',
      model_id: 'claude-3-opus-20240229',
      cost_per_1k_tokens: { input: 0.015, output: 0.075 },
      rate_limits: { requests_per_minute: 50, tokens_per_minute: 100000 },
      state: { available: true, rate_limit_approaching: false, requests_last_minute: 0, tokens_last_minute: 0, load: 0 },
    });
    const llama = body.models.find((m: { id: string }) => m.id === 'llama-3-70b');
    expect(llama).toMatchObject({ type: 'local', endpoint_origin: 'http://localhost:8080', performance: { tokens_per_second: 30 } });
    const gpt = body.models.find((m: { id: string }) => m.id === 'gpt-4-turbo');
    expect(gpt.endpoint_origin).toBe('https://api.example.com');
    expect(JSON.stringify(body)).not.toContain(SECRET);
    expect(JSON.stringify(body)).not.toContain('api_key');
  });

  it('GET /api/models shows a model\'s rate window filling', async () => {
    for (let i = 0; i < 3; i++) await admin.router.complete('cto_agent', { messages: [{ role: 'user', content: 'hi' }] }, { task: { complexity: 9 } });
    const { body } = await admin.call('GET', '/api/models');
    const opus = body.models.find((m: { id: string }) => m.id === 'claude-3-opus');
    expect(opus.state.requests_last_minute).toBe(3);
    expect(opus.state).toEqual(admin.router.modelState('claude-3-opus'));
  });

  it('GET /api/metrics returns the router\'s metrics', async () => {
    await admin.router.route('cto_agent', { complexity: 9 });
    const { status, body } = await admin.call('GET', '/api/metrics');
    expect(status).toBe(200);
    expect(body.decisions).toBe(1);
    expect(body.model_usage_by_agent).toEqual({ cto_agent: { 'claude-3-opus': 1 } });
  });

  it('POST /api/route/explain dry-runs a decision with its trace and records nothing', async () => {
    const { status, body } = await admin.call('POST', '/api/route/explain', {
      body: { agent_id: 'cto_agent', task: { complexity: 9, privacy_level: 'low' }, context: { routing_strategy: 'balanced' } },
    });
    expect(status).toBe(200);
    expect(body.modelId).toBe('claude-3-opus');
    expect(body.trace.length).toBeGreaterThan(0);
    expect((await admin.router.metrics()).decisions).toBe(0);
    const bare = await admin.call('POST', '/api/route/explain', { body: { agent_id: 'qa_agent' } });
    expect(bare.status).toBe(200);
    expect(typeof bare.body.modelId).toBe('string');
  });

  it('GET /api/experiments lists them; POST start / pause / end change them', async () => {
    const list = await admin.call('GET', '/api/experiments');
    expect(list.status).toBe(200);
    expect(list.body.experiments).toEqual([expect.objectContaining({ name: 'opus_vs_gpt', status: 'running' })]);

    const paused = await admin.call('POST', '/api/experiments/opus_vs_gpt/pause', { body: { reason: 'quality dip' } });
    expect(paused).toMatchObject({ status: 200, body: { name: 'opus_vs_gpt', status: 'paused', reason: 'quality dip' } });
    expect(admin.router.experiments.get('opus_vs_gpt').status).toBe('paused');
    expect((await admin.router.route('frontend_agent', { id: 't1', complexity: 6 })).experiment).toBeUndefined();

    // An empty body is allowed.
    expect((await admin.call('POST', '/api/experiments/opus_vs_gpt/start')).body.status).toBe('running');
    expect((await admin.call('POST', '/api/experiments/opus_vs_gpt/end', { raw: '', headers: { 'content-type': 'application/json' } })).body.status).toBe('ended');
    expect(admin.router.experiments.get('opus_vs_gpt').status).toBe('ended');
  });

  it('GET /api/audit returns the audit log, newest last, and ?limit= the newest few', async () => {
    await admin.call('POST', '/api/routing/strategy', { body: { strategy: 'privacy_first', reason: 'incident' } });
    await admin.call('DELETE', '/api/routing/strategy');
    await admin.call('POST', '/api/experiments/opus_vs_gpt/pause');
    const all = await admin.call('GET', '/api/audit');
    expect(all.status).toBe(200);
    expect(all.body.entries.map((e: { action: string }) => e.action)).toEqual(['strategy.set', 'strategy.clear', 'experiment.pause']);
    const last = await admin.call('GET', '/api/audit?limit=1');
    expect(last.body.entries.map((e: { action: string }) => e.action)).toEqual(['experiment.pause']);
  });
});
