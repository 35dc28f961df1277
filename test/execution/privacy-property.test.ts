// Privacy over every byte that leaves, as a property: PII placed in any field of the request model,
// at any depth (past the scanner's depth limit too), under local-only privacy levels in any case,
// privacy_first, agent and task overrides to cloud models, an all-cloud experiment, races,
// verification and failing local models — and no cloud adapter ever receives a call. A counter
// checks that most runs were decided and served, so the property cannot pass by refusing everything.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRouter, RouterError, type CompletionRequest, type LoadedConfig } from '../../src/index.js';
import { createMockProvider, type MockProvider } from '../../src/test.js';
import { loadSeed, manualClock } from '../helpers/seed.js';

const CLOUD = ['claude-3-opus', 'gpt-4-turbo'];
const LOCAL = ['llama-3-70b', 'deepseek-coder-33b', 'qwen-2-72b'];
const AGENTS = ['cto_agent', 'backend_agent', 'frontend_agent', 'qa_agent'];
const PII = ['jane.doe@example.com', '123-45-6789', '4111 1111 1111 1111', 'DE89 3704 0044 0532 0130 00', '+44 20 7946 0958', 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789'];
/** Past the scan's default depth limit (64): unreadable, so it must count as PII. */
const TOO_DEEP = 70;

function nest(value: unknown, depth: number): unknown {
  let out = value;
  for (let i = 0; i < depth; i++) out = i % 2 === 0 ? { level: out } : [out];
  return out;
}

const BASE_TOOLS = [{ name: 'lookup', description: 'Finds an order', inputSchema: { type: 'object', properties: { id: { type: 'string' } } } }];

/** A clean three-turn conversation with a tool, in the neutral model. */
function conversation(): CompletionRequest {
  return {
    system: 'You are helpful.',
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Where is order 17?' }] },
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'lookup', input: { id: '17' } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'lookup', output: { type: 'json', value: { status: 'shipped' } } }] },
    ],
    tools: structuredClone(BASE_TOOLS),
  };
}

type Placement = (request: CompletionRequest, task: Record<string, unknown>, pii: string, depth: number) => void;

/** Every place of a request (and task) a value can hide, at the given nesting depth where the field nests. */
const PLACEMENTS: Record<string, Placement> = {
  userText: (r, _t, pii) => r.messages.push({ role: 'user', content: `about ${pii}` }),
  system: (r, _t, pii) => (r.system = `Context: ${pii}`),
  systemMessage: (r, _t, pii) => r.messages.unshift({ role: 'system', content: pii }),
  messageName: (r, _t, pii) => r.messages.push({ role: 'user', content: 'hi', name: pii }),
  toolDescription: (r, _t, pii) => (r.tools![0]!.description = `Finds orders of ${pii}`),
  toolSchema: (r, _t, pii, depth) => (r.tools![0]!.inputSchema = { type: 'object', description: nest(pii, depth) as string }),
  toolCallInput: (r, _t, pii, depth) => ((r.messages[1]!.content as { input: unknown }[])[0]!.input = nest({ email: pii }, depth)),
  toolResultJson: (r, _t, pii, depth) => ((r.messages[2]!.content as { output: unknown }[])[0]!.output = { type: 'json', value: nest({ owner: pii }, depth) }),
  toolResultFile: (r, _t, pii) =>
    ((r.messages[2]!.content as { output: unknown }[])[0]!.output = { type: 'content', value: [{ type: 'media', mediaType: 'text/plain', data: Buffer.from(`owner ${pii}`).toString('base64') }] }),
  toolResultText: (r, _t, pii) => ((r.messages[2]!.content as { output: unknown }[])[0]!.output = { type: 'text', value: `owner ${pii}` }),
  toolResultRaw: (r, _t, pii, depth) => ((r.messages[2]!.content as { output: unknown }[])[0]!.output = nest([pii], depth)),
  stop: (r, _t, pii) => (r.stop = ['END', pii]),
  providerOptions: (r, _t, pii, depth) => (r.providerOptions = { openai: { metadata: nest({ user_email: pii }, depth) as Record<string, unknown> }, anthropic: { metadata: { user_id: pii } } }),
  headers: (r, _t, pii) => (r.headers = { 'x-user': pii }),
  imageUrl: (r, _t, pii) => r.messages.push({ role: 'user', content: [{ type: 'image', data: `https://img.example.com/a.png?owner=${encodeURIComponent(pii)}&raw=${pii}` }] }),
  textFile: (r, _t, pii) => r.messages.push({ role: 'user', content: [{ type: 'file', mediaType: 'text/plain', data: Buffer.from(`notes: ${pii}`).toString('base64') }] }),
  jsonSchemaAnswer: (r, _t, pii) => (r.responseFormat = { type: 'json', schema: { type: 'object', description: pii }, name: 'answer' }),
  taskPrompt: (_r, t, pii) => (t.prompt = pii),
  taskData: (_r, t, pii, depth) => (t.data = { customers: nest({ customer: pii }, depth) }),
  // The caller says there is no PII: the scan runs anyway.
  callerSaysClean: (r, t, pii) => {
    t.data = { contains_pii: false };
    r.messages.push({ role: 'user', content: pii });
  },
};

const scenarioArb = fc.record({
  agent: fc.constantFrom(...AGENTS),
  placement: fc.option(fc.constantFrom(...Object.keys(PLACEMENTS)), { nil: undefined }),
  pii: fc.constantFrom(...PII),
  depth: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 }), fc.constant(TOO_DEEP)),
  privacyLevel: fc.constantFrom(undefined, 'low', 'high', 'HIGH', 'High'),
  complexity: fc.integer({ min: 0, max: 10 }),
  critical: fc.boolean(),
  strategy: fc.constantFrom(undefined, 'balanced', 'cost_optimized', 'performance_optimized', 'privacy_first'),
  agentOverride: fc.option(fc.constantFrom(...CLOUD), { nil: undefined }),
  taskOverride: fc.option(fc.constantFrom(...CLOUD), { nil: undefined }),
  experiment: fc.boolean(),
  failingLocal: fc.subarray(LOCAL),
  answerPii: fc.boolean(),
});

let seed: LoadedConfig;
let withExperiment: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
  withExperiment = { ...seed, routing: { ...seed.routing!, experiments: [{ name: 'cloud_ab', variants: [{ model: 'claude-3-opus' }, { model: 'gpt-4-turbo' }] }] } };
});

describe('privacy over every byte that leaves (complete(), property)', () => {
  it('no cloud adapter is called when the request holds PII anywhere or a privacy constraint is active; no PII byte ever reaches one', async () => {
    const tally = { runs: 0, served: 0, localOnlyRuns: 0, localOnlyServed: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        tally.runs++;
        const request = conversation();
        const task: Record<string, unknown> = { id: 'task-1', complexity: s.complexity, critical: s.critical, type: s.critical ? 'test_generation' : 'code_generation' };
        if (s.privacyLevel !== undefined) task.privacy_level = s.privacyLevel;
        if (s.placement !== undefined) PLACEMENTS[s.placement]!(request, task, s.pii, s.depth);

        const mocks: Record<string, MockProvider> = {};
        for (const id of [...CLOUD, ...LOCAL]) {
          const failing = s.failingLocal.includes(id);
          const text = LOCAL.includes(id) && s.answerPii ? `Done; I mailed ${PII[0]}` : `answer from ${id}`;
          mocks[id] = createMockProvider({ name: id, responses: failing ? { error: { status: 503 } } : { text, usage: { inputTokens: 10, outputTokens: 10 } } });
        }
        const router = createRouter(s.experiment ? withExperiment : seed, { providers: mocks, clock: manualClock(), retry: { retries: 0 }, logger: {} });
        if (s.agentOverride) router.overrides.setAgentModel(s.agent, s.agentOverride);
        if (s.taskOverride) router.overrides.setTaskRouting('task-1', { forceModel: s.taskOverride });

        const strategy = s.strategy ?? 'balanced';
        const localOnly = s.placement !== undefined || s.privacyLevel?.toLowerCase() === 'high' || strategy === 'privacy_first';
        if (localOnly) tally.localOnlyRuns++;
        try {
          const result = await router.complete(s.agent, request, { task, context: s.strategy ? { routing_strategy: s.strategy } : {} });
          tally.served++;
          if (localOnly) {
            tally.localOnlyServed++;
            expect(LOCAL).toContain(result.modelId);
          }
        } catch (error) {
          expect(RouterError.isInstance(error)).toBe(true);
          const code = (error as RouterError).code;
          // Refusing is allowed (every local model failed, or none was eligible); leaking is not.
          expect(['ALL_MODELS_FAILED', 'NO_ELIGIBLE_MODEL']).toContain(code);
          tally.refused++;
        }
        const cloudCalls = CLOUD.flatMap((id) => mocks[id]!.calls);
        if (localOnly) expect(cloudCalls).toEqual([]);
        for (const call of cloudCalls) {
          const sent = JSON.stringify(call.request);
          for (const pii of PII) expect(sent).not.toContain(pii);
        }
      }),
      { numRuns: 600 },
    );
    // The property holds because PII stayed local, not because the router refused: most runs were
    // served, local-only runs included.
    expect(tally.served / tally.runs).toBeGreaterThan(0.6);
    expect(tally.localOnlyServed / tally.localOnlyRuns).toBeGreaterThan(0.5);
  });
});
