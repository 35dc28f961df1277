// PII placed in prompts, system prompts, tool-call arguments, tool results, the task and the
// context must never reach a span (attributes, events, status message, exception) or a metric, on
// any outcome: served, fallen back, all failed, streamed, cut, routed, executed, refused.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompletionRequest, LoadedConfig, RouterConfigInput } from 'llm-agent-router';
import { drain } from '../../helpers/router-outcomes.js';
import { loadSeed } from '../../helpers/seed.js';
import { hangingAdapter, setup, spanText } from './edge-harness.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

/** A marker no attribute name or router text contains: `zq` then 8+ random lowercase letters. */
const markerArb = fc.stringMatching(/^zq[a-z]{8,12}$/);
const piiArb = fc.tuple(markerArb, fc.constantFrom('email', 'ssn', 'phone', 'name', 'card')).map(([marker, kind]) => {
  const text = {
    email: `${marker}@example.org`,
    ssn: `${marker} 123-45-6789`,
    phone: `${marker} +1 415 555 0134`,
    name: `Patient ${marker} Roe`,
    card: `${marker} 4111 1111 1111 1111`,
  }[kind];
  return { marker, text };
});

type Placement = (request: CompletionRequest, task: Record<string, unknown>, context: Record<string, unknown>, pii: string) => void;
const PLACEMENTS: Record<string, Placement> = {
  user: (r, _t, _c, pii) => r.messages.push({ role: 'user', content: `please help ${pii}` }),
  system: (r, _t, _c, pii) => (r.system = `You serve ${pii}`),
  toolArgs: (r, _t, _c, pii) => {
    r.messages.push({ role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: { customer: pii, nested: { again: [pii] } } }] });
    r.messages.push({ role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'lookup', output: { type: 'json', value: { owner: pii } } }] });
    r.messages.push({ role: 'user', content: 'go on' });
  },
  taskPrompt: (_r, t, _c, pii) => (t.prompt = pii),
  taskData: (_r, t, _c, pii) => (t.data = { customer: pii, [pii]: 1 }),
  taskId: (_r, t, _c, pii) => (t.id = pii),
  taskType: (_r, t, _c, pii) => (t.type = pii),
  context: (_r, _t, c, pii) => (c.user = pii),
};

const OUTCOMES = ['served', 'fallback', 'allFail', 'badRequest', 'stream', 'streamCut', 'route', 'execute', 'executeThrows'] as const;

describe('no PII in telemetry (property)', () => {
  it('for well-formed requests, no span text and no metric attribute carries the PII', async () => {
    await fc.assert(
      fc.asyncProperty(
        piiArb,
        fc.subarray(Object.keys(PLACEMENTS), { minLength: 1 }),
        fc.constantFrom(...OUTCOMES),
        fc.constantFrom('cto_agent', 'backend_agent', 'frontend_agent', 'qa_agent'),
        fc.boolean(),
        async ({ marker, text }, placements, outcome, agent, piiLocal) => {
          const request: CompletionRequest = { messages: [{ role: 'user', content: 'Design the service.' }] };
          const task: Record<string, unknown> = { complexity: 9 };
          const context: Record<string, unknown> = {};
          for (const name of placements) PLACEMENTS[name]!(request, task, context, text);
          if (piiLocal) task.privacy_level = 'high';
          const fail500 = { error: { status: 500, message: 'upstream failed' } };
          const scripts: Record<string, unknown> = {};
          if (outcome === 'fallback') scripts['claude-3-opus'] = fail500;
          if (outcome === 'allFail') for (const id of Object.keys(seed.models)) scripts[id] = fail500;
          if (outcome === 'badRequest') for (const id of Object.keys(seed.models)) scripts[id] = { error: { status: 400 } };
          if (outcome === 'streamCut') for (const id of Object.keys(seed.models)) scripts[id] = { failAfterChunks: 1 };
          // Every model echoes the last user message (the mock's default): the answer carries PII too.
          for (const id of Object.keys(seed.models)) scripts[id] ??= { text: `echo ${text}` };
          const { otel, router } = setup(seed, { scripts: scripts as never });
          const options = { task, context };
          switch (outcome) {
            case 'route':
              await router.route(agent, task, context).catch(() => {});
              break;
            case 'stream':
            case 'streamCut':
              await drain(router.stream(agent, request, options)).catch(() => {});
              break;
            case 'execute':
            case 'executeThrows': {
              const executed = await router
                .execute(agent, { ...options, request }, async () => {
                  if (outcome === 'executeThrows') throw Object.assign(new Error('HTTP 503'), { status: 503 });
                  return { value: text, usage: { inputTokens: 1, outputTokens: 1 } };
                })
                .catch(() => undefined);
              await executed?.settled.catch(() => {});
              break;
            }
            default:
              await router.complete(agent, request, options).catch(() => {});
          }
          expect(otel.spans().length).toBeGreaterThan(0);
          const written = spanText(otel.spans());
          // Exception events carry the stack too; it must not carry the PII either.
          expect(written).not.toContain(marker);
          const metrics = JSON.stringify((await otel.collect()).map((m) => m.dataPoints.map((p) => p.attributes)));
          expect(metrics).not.toContain(marker);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('error messages that reach the span status and the exception event', () => {
  it('a task field of the wrong type holding the prompt does not put the prompt in the span', async () => {
    const { otel, router } = setup(seed);
    const prompt = 'Patient Jane Roe, DOB 1984-03-02';
    await router.complete('cto_agent', { messages: [{ role: 'user', content: prompt }] }, { task: { messages: prompt as never } }).catch(() => {});
    await router.route('cto_agent', { data: prompt as never }).catch(() => {});
    const operations = otel.spans();
    expect(operations.map((s) => s.attributes['error.type'])).toEqual(['INVALID_ARGUMENT', 'INVALID_ARGUMENT']);
    expect(spanText(operations)).not.toContain('Jane Roe');
  });

  it('a PII key in cyclic task data does not reach the span of a refused call', async () => {
    const cloudOnly: RouterConfigInput = {
      models: { cloud: { provider: 'cloud', type: 'cloud' } },
      agents: { worker: { model_preferences: { primary: 'cloud' } } },
      routing: { default_strategy: 'cloud_first', strategies: { cloud_first: { rules: [{ prefer_cloud_models: true }] } } },
    };
    const { otel, router } = setup(seed, { config: cloudOnly, providers: () => ({ cloud: hangingAdapter('cloud') }) });
    const customer: Record<string, unknown> = { plan: 'gold' };
    customer.account = { owner: customer };
    const error = await router.complete('worker', { messages: [{ role: 'user', content: 'summarise the accounts' }] }, { task: { data: { customers: { 'jane.roe@example.com': customer } } } }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('NO_ELIGIBLE_MODEL');
    const operation = otel.span('llm_router.complete');
    expect(operation.attributes['error.type']).toBe('NO_ELIGIBLE_MODEL');
    expect(spanText([operation])).not.toContain('jane.roe@example.com');
  });
});
