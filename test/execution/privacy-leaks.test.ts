// One regression test per leak that was measured: PII reached cloud models through parts of a
// request the scan did not read, a caller's `contains_pii: false` switched the scan off, and
// `privacy_level: 'high'` was a hard constraint nowhere. Each now stays local, and says why.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type CompletionRequest, type LoadedConfig, type RouterConfigInput } from '../../src/index.js';
import { createMockProvider, type MockProvider, type MockResponses } from '../../src/test.js';
import { loadSeed, manualClock } from '../helpers/seed.js';

const CLOUD = ['claude-3-opus', 'gpt-4-turbo'];
const LOCAL = ['llama-3-70b', 'deepseek-coder-33b', 'qwen-2-72b'];
const EMAIL = 'jane.doe@example.com';
const COMPLEX = { task: { complexity: 9 } };

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

function setup(scripts: Partial<Record<string, MockResponses>> = {}, config: LoadedConfig | RouterConfigInput = seed) {
  const mocks: Record<string, MockProvider> = {};
  for (const id of Object.keys(config.models)) mocks[id] = createMockProvider({ name: id, responses: scripts[id] ?? `answer from ${id}` });
  const router = createRouter(config, { providers: mocks, clock: manualClock(), retry: { retries: 0 }, logger: {} });
  const cloudCalls = () => CLOUD.flatMap((id) => mocks[id]?.calls ?? []);
  return { router, mocks, cloudCalls };
}

const ask = (extra: Partial<CompletionRequest> = {}): CompletionRequest => ({ messages: [{ role: 'user', content: 'Design the orders service.' }], ...extra });
const withToolCall = (output: unknown): CompletionRequest => ({
  messages: [
    { role: 'user', content: 'Look up the customer of order 17.' },
    { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'customer', input: { order: 17 } }] },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'customer', output: output as never }] },
  ],
  tools: [{ name: 'customer', inputSchema: { type: 'object' } }],
});

describe('PII in the parts of a request the scan used to skip stays local', () => {
  const cases: [string, (who: string) => CompletionRequest][] = [
    ['a tool description', (who) => ask({ tools: [{ name: 'notify', description: `Mails ${who} when done`, inputSchema: { type: 'object' } }] })],
    ['provider options (metadata.user_email)', (who) => ask({ providerOptions: { openai: { metadata: { user_email: who } } } })],
    ["a message's name", (who) => ({ messages: [{ role: 'user', content: 'hello', name: who }] })],
    ['a stop sequence', (who) => ask({ stop: [who] })],
    ['a header', (who) => ask({ headers: { 'x-customer': who } })],
    ["a tool result in the AI SDK's json shape", (who) => withToolCall({ type: 'json', value: { customer: { email: who } } })],
    ['a tool result of any other shape', (who) => withToolCall([{ rows: [[who]] }])],
    ['a text file inside a tool result', (who) => withToolCall({ type: 'content', value: [{ type: 'text', text: 'see attachment' }, { type: 'media', data: Buffer.from(`owner: ${who}`).toString('base64'), mediaType: 'text/plain' }] })],
    ['a text file whose media type has stray spaces and capitals', (who) => ({ messages: [{ role: 'user', content: [{ type: 'file', data: Buffer.from(`to ${who}`).toString('base64'), mediaType: ' Text/Plain ' }] }] })],
    ['a tool-call input', (who) => ({ ...withToolCall('ok'), messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'customer', input: { to: who } }] }, { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'customer', output: 'sent' }] }] })],
  ];
  it.each(cases)('PII in %s keeps the call on a local model', async (_where, build) => {
    const request = build(EMAIL);
    const { router, cloudCalls } = setup();
    const result = await router.complete('cto_agent', request, COMPLEX);
    expect(LOCAL).toContain(result.modelId);
    expect(cloudCalls()).toEqual([]);
    expect(result.decision.privacyEnforced).toBe(true);
    expect(result.decision.constraints.join(' ')).toContain('the PII scan found email');
    // Without the PII the same request goes to the cloud: the test tells the two apart.
    expect(CLOUD).toContain((await setup().router.complete('cto_agent', build('the team'), COMPLEX)).modelId);
  });

  it('data nested deeper than the scan reads counts as PII (fail closed), and the trace says why', async () => {
    let deep: unknown = 'nothing personal';
    for (let i = 0; i < 80; i++) deep = { next: deep };
    const { router, cloudCalls } = setup();
    const result = await router.complete('cto_agent', withToolCall({ type: 'json', value: deep }), COMPLEX);
    expect(LOCAL).toContain(result.modelId);
    expect(cloudCalls()).toEqual([]);
    expect(result.decision.constraints.join(' ')).toMatch(/could not read everything.*nested deeper than 64 levels/);
  });

  it("a getter or a cycle in the task's data counts as PII; the getter is never run", async () => {
    let ran = false;
    const data = Object.defineProperty({}, 'secret', {
      enumerable: true,
      get() {
        ran = true;
        return 'x';
      },
    });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const { router } = setup();
    for (const task of [{ complexity: 9, data }, { complexity: 9, data: cyclic }]) {
      const decision = await router.route('cto_agent', task);
      expect(decision.modelType).toBe('local');
      expect(decision.constraints.join(' ')).toMatch(/could not read everything.*(accessor property|cycle)/);
    }
    expect(ran).toBe(false);
  });

  it("a caller's data.contains_pii: false no longer switches off the scan of the messages sent", async () => {
    const { router, cloudCalls } = setup();
    const result = await router.complete('cto_agent', ask({ messages: [{ role: 'user', content: `Invoice ${EMAIL}` }] }), { task: { complexity: 9, data: { contains_pii: false } } });
    expect(LOCAL).toContain(result.modelId);
    expect(cloudCalls()).toEqual([]);
  });

  it('a PII false positive is handled by configuration: routing.privacy.allow_patterns', async () => {
    const config = { ...seed, routing: { ...seed.routing!, privacy: { allow_patterns: ['support@acme\\.example'] } } };
    const { router } = setup({}, config);
    expect((await router.complete('cto_agent', ask({ system: 'Sign as support@acme.example' }), COMPLEX)).modelId).toBe('claude-3-opus');
    // The allow-list covers that address only.
    expect((await router.complete('cto_agent', ask({ system: `Sign as support@acme.example, cc ${EMAIL}` }), COMPLEX)).decision.modelType).toBe('local');
  });

  it('images cannot be scanned: allowed by default, kept local with privacy.unscannable_media: local_only', async () => {
    const image: CompletionRequest = { messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', data: new Uint8Array([137, 80, 78, 71]), mediaType: 'image/png' }] }] };
    expect((await setup().router.complete('cto_agent', image, COMPLEX)).modelId).toBe('claude-3-opus');
    const strict = { ...seed, routing: { ...seed.routing!, privacy: { unscannable_media: 'local_only' as const } } };
    const result = await setup({}, strict).router.complete('cto_agent', image, COMPLEX);
    expect(result.decision.modelType).toBe('local');
    expect(result.decision.constraints.join(' ')).toContain('cannot be scanned');
  });

  it("a verifier never receives a local model's answer that holds PII", async () => {
    const { router, mocks } = setup({ 'llama-3-70b': `Done. I notified ${EMAIL}.` });
    const result = await router.complete('qa_agent', ask(), { task: { type: 'test_generation', critical: true } });
    expect(result.modelId).toBe('llama-3-70b');
    expect(result.decision.verification?.modelId).toBe('gpt-4-turbo');
    expect(result.verification).toMatchObject({ verdict: 'skipped', costUsd: 0 });
    expect(String(result.verification?.error)).toContain('the PII scan found email');
    expect(mocks['gpt-4-turbo']!.calls).toEqual([]);
  });
});

describe("privacy_level 'high' is a hard local-only constraint", () => {
  it.each(['high', 'HIGH', 'High'])('privacy_level %s: local model, local fallbacks, no verification', async (level) => {
    const { router } = setup();
    const decision = await router.route('cto_agent', { complexity: 9, privacy_level: level, critical: true });
    expect(decision.modelType).toBe('local');
    expect(decision.fallbacks.every((id) => LOCAL.includes(id))).toBe(true);
    expect(decision.fallbacks.length).toBeGreaterThan(0);
    expect(decision.verification).toBeUndefined();
    expect(decision).toMatchObject({ localOnly: true, privacyEnforced: true });
    expect(decision.constraints).toContain(`local only: the task's privacy_level is ${level}, which is local-only`);
  });

  it('a failing local model falls back to another local model, never to the cloud', async () => {
    const { router, mocks, cloudCalls } = setup({ 'llama-3-70b': { error: { status: 503 } }, 'deepseek-coder-33b': { error: { status: 503 } }, 'qwen-2-72b': { error: { status: 503 } } });
    await expect(router.complete('cto_agent', ask(), { task: { complexity: 9, privacy_level: 'high' } })).rejects.toMatchObject({ code: 'ALL_MODELS_FAILED' });
    expect(LOCAL.filter((id) => mocks[id]!.calls.length > 0).length).toBeGreaterThan(1);
    expect(cloudCalls()).toEqual([]);
  });

  it('a task override to a cloud model is skipped, with the reason in the trace', async () => {
    const { router } = setup();
    router.overrides.setTaskRouting('t-9', { forceModel: 'claude-3-opus' });
    const decision = await router.route('cto_agent', { id: 't-9', complexity: 9, privacy_level: 'High' });
    expect(decision.modelType).toBe('local');
    expect(decision.trace.find((step) => step.step === 'task_override')).toMatchObject({ outcome: 'skipped', message: expect.stringContaining('only local models are allowed') });
  });

  it('parallel_requests races only local models', async () => {
    const { router, cloudCalls, mocks } = setup();
    const result = await router.complete('cto_agent', ask(), { task: { complexity: 9, privacy_level: 'high' }, context: { routing_strategy: 'performance_optimized' } });
    expect(result.decision.execution.parallelRequests).toBe(true);
    expect(LOCAL.filter((id) => mocks[id]!.calls.length > 0).length).toBe(2);
    expect(cloudCalls()).toEqual([]);
  });

  it('the local-only levels are configurable (routing.privacy.local_only_levels), compared case-insensitively', async () => {
    const config = { ...seed, routing: { ...seed.routing!, privacy: { local_only_levels: ['Confidential', 'high'] } } };
    const { router } = setup({}, config);
    expect((await router.route('cto_agent', { complexity: 9, privacy_level: 'CONFIDENTIAL' })).modelType).toBe('local');
    expect((await router.route('cto_agent', { complexity: 9, privacy_level: 'medium' })).modelType).toBe('cloud');
  });
});
