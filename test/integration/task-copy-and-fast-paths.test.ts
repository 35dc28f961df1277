// The router's copy of a task (every field the router reads its own, undefined when absent), the decision's
// fast paths (every preferred model a candidate at once, prebuilt rule steps, the built-in factor
// record, a shared data object) and the in-memory ledger's reservations: what each must keep of the
// behaviour before them, through the public API.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRouter, MemoryLedger, type RouterConfigInput, type RoutingDecision, type Task } from '../../src/index.js';
import { createMockProvider } from '../../src/test.js';

const CLOCK = () => 1_767_225_600_000;
const DAY = '2026-01-01';
const SSN = 'my SSN is 078-05-1120';
const ASK = { messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 20 };
const BUILTIN = ['task_complexity', 'cost_efficiency', 'privacy_requirements', 'performance_needs', 'model_availability'];

const MODELS: RouterConfigInput['models'] = {
  loc: { provider: 'pl', type: 'local', context_window: 8_000 },
  cloud: { provider: 'pc', type: 'cloud', context_window: 16_000, cost_per_1k_tokens: { input: 0.01, output: 0.02 } },
  big: { provider: 'pc', type: 'cloud', context_window: 200_000, cost_per_1k_tokens: { input: 0.03, output: 0.06 } },
};
const CONFIG: RouterConfigInput = {
  models: MODELS,
  agents: {
    a: {
      model_preferences: { primary: 'cloud', fallback: 'loc', large: 'big' },
      routing_rules: [
        { name: 'typed', condition: "task.type == 'x'", model: 'big' },
        { condition: 'has(task.prompt) and data.contains_pii == false', model: 'cloud' },
      ],
    },
    // Every field the router reads, tested by a condition: the copy's own undefined fields must not answer for any.
    own: { model_preferences: { primary: 'loc' }, routing_rules: [{ name: 'any', condition: ['id', 'type', 'complexity', 'privacy_level', 'critical', 'estimated_tokens', 'max_output_tokens', 'max_latency_ms', 'prompt', 'messages', 'data', 'force_model'].map((f) => `has(task.${f})`).join(' or '), model: 'big' }] },
    pii: { model_preferences: { primary: 'big', fallback: 'loc' }, routing_rules: [{ name: 'clean', condition: 'data.contains_pii == false', model: 'cloud' }, { name: 'found', condition: 'data.contains_pii == true', model: 'loc' }] },
  },
};

/** The twelve fields the router reads, each with a value that would change a decision if taken. */
const FIELDS: [string, unknown][] = [
  ['id', 'planted'], ['type', 'x'], ['complexity', 10], ['privacy_level', 'high'], ['critical', true], ['estimated_tokens', 900_000],
  ['max_output_tokens', 900_000], ['max_latency_ms', 1], ['prompt', `${SSN}, card 4111 1111 1111 1111`],
  ['messages', [{ role: 'user', content: SSN }]], ['data', { contains_pii: true }], ['force_model', 'loc'],
];

async function withPollution<T>(key: string, how: 'value' | 'getter', value: unknown, run: () => Promise<T>): Promise<T> {
  Object.defineProperty(Object.prototype, key, how === 'value' ? { value, writable: true, enumerable: true, configurable: true } : { get: () => value, configurable: true });
  try {
    return await run();
  } finally {
    delete (Object.prototype as Record<string, unknown>)[key];
  }
}

const codeOf = (call: () => Promise<unknown>) => call().then(() => 'resolved', (error: { code?: string }) => error.code ?? String(error));
/** A decision, or the refusal's code, message and trace. */
const settle = (call: Promise<RoutingDecision>) => call.then((decision) => ({ decision }), (error: { code?: string; message: string; trace?: unknown }) => ({ code: error.code, message: error.message, trace: error.trace }));
/** Whether the rule named `any` matched (its model chosen, or skipped under a constraint). */
const anyMatched = async (call: Promise<RoutingDecision>) => {
  const settled = await settle(call);
  const trace = ('decision' in settled ? settled.decision.trace : settled.trace) as RoutingDecision['trace'];
  return trace.some((step) => step.step === 'agent_rule' && step.rule === 'any' && step.outcome !== 'not_matched');
};

/** route(), explain() and complete() of a task on a fresh router (a call leaves live state behind), made before `around`. */
async function observe(task: Task, around: (run: () => Promise<unknown>) => Promise<unknown> = (run) => run()) {
  const providers = { pl: createMockProvider({ name: 'pl', responses: 'ok' }), pc: createMockProvider({ name: 'pc', responses: 'ok' }) };
  const router = createRouter(CONFIG, { logger: {}, clock: CLOCK, providers });
  const seen: unknown[] = [];
  await around(async () => {
    seen.push(await router.route('a', task), await router.explain('a', task));
    const done = await router.complete('a', ASK, { task });
    seen.push({ decision: done.decision, modelId: done.modelId, costUsd: done.costUsd });
  });
  return [...seen, [...providers.pl.calls, ...providers.pc.calls].map((call) => call.request.messages)];
}

describe("the router's copy of a task", () => {
  // Before, a getter planted under one of these names made route() throw for a task holding that field.
  it('a value or getter planted on Object.prototype under any field the router reads changes no route(), explain() or complete()', async () => {
    for (const task of [{}, { type: 'x' }, { prompt: 'hello there' }, { data: { n: 1 } }, { id: 7, complexity: 3 }] as Task[]) {
      const clean = await observe(task);
      for (const [key, value] of FIELDS) {
        for (const how of ['value', 'getter'] as const) {
          expect(await observe(task, (run) => withPollution(key, how, value, run)), `${how} Object.prototype.${key}, task ${JSON.stringify(task)}`).toEqual(clean);
        }
      }
    }
  });

  it('conditions see only the caller\'s own fields: none of the twelve fields the router reads, polluted or not', async () => {
    const router = createRouter(CONFIG, { logger: {}, clock: CLOCK });
    expect(await anyMatched(router.explain('own', {}))).toBe(false);
    for (const [key, value] of FIELDS) {
      expect(await withPollution(key, 'value', value, () => anyMatched(router.explain('own', {}))), key).toBe(false);
      // A forced model comes before the rules: one the router does not know lets them run.
      expect(await anyMatched(router.explain('own', { [key]: key === 'force_model' ? 'unknown' : value })), key).toBe(true);
    }
  });

  it('a Proxy (never read by name), a frozen, null-prototype or class-instance task, own __proto__ and constructor keys: decided as the plain task', async () => {
    class Shaped { type = 'x'; complexity = 4; get prompt() { return SSN; } }
    const plain = { type: 'x', complexity: 4 };
    const router = createRouter(CONFIG, { logger: {}, clock: CLOCK });
    const expected = await router.explain('a', plain);
    const shapes: [string, object][] = [
      ['a Proxy whose get trap throws', new Proxy({ ...plain }, { get: () => { throw new Error('read by name'); } })],
      ['frozen', Object.freeze({ ...plain })],
      ['null prototype', Object.assign(Object.create(null) as object, plain)],
      ['a class instance (a prototype getter is not the task\'s)', new Shaped()],
      ['own __proto__', JSON.parse('{"__proto__": {"force_model": "loc", "prompt": "078-05-1120"}, "type": "x", "complexity": 4}') as object],
    ];
    for (const [name, task] of shapes) {
      expect(await router.explain('a', task as Task), name).toEqual(expected);
      expect(await router.route('a', task as Task), name).toEqual(expected);
    }
    const withKeys = await router.explain('a', { ...plain, constructor: 'c', toString: 's', hasOwnProperty: 1 });
    expect({ ...withKeys, trace: undefined }).toEqual({ ...expected, trace: undefined });
  });

  it('a task-level getter on prompt, messages or data is refused; an accessor nested in data counts as PII', async () => {
    const router = createRouter(CONFIG, { logger: {}, clock: CLOCK, providers: { pl: createMockProvider({ name: 'pl' }), pc: createMockProvider({ name: 'pc' }) } });
    for (const key of ['prompt', 'messages', 'data']) {
      const task = Object.defineProperty({}, key, { enumerable: true, get: () => (key === 'prompt' ? 'x' : key === 'messages' ? [] : {}) }) as Task;
      expect(await codeOf(() => router.route('a', task)), key).toBe('INVALID_ARGUMENT');
      expect(await codeOf(() => router.complete('a', ASK, { task })), key).toBe('INVALID_ARGUMENT');
    }
    let ran = false;
    const data = Object.defineProperty({}, 'secret', { enumerable: true, get: () => ((ran = true), 'v') });
    const decision = await router.route('a', { data });
    expect(decision.localOnly).toBe(true);
    expect(decision.constraints.join()).toMatch(/task\.data\.secret is an accessor/);
    expect(ran).toBe(false);
  });

  it('any task, copied, frozen, without a prototype or behind a Proxy, with a field planted on Object.prototype: the plain task\'s decision', async () => {
    const router = createRouter(CONFIG, { logger: {}, clock: CLOCK });
    const task = fc.record(
      { id: fc.oneof(fc.string({ minLength: 1, maxLength: 3 }), fc.nat(9)), type: fc.constantFrom('x', 'y'), complexity: fc.nat(10), privacy_level: fc.constantFrom('low', 'high'), estimated_tokens: fc.nat(20_000), prompt: fc.constantFrom('hi', SSN), data: fc.constantFrom({}, { contains_pii: false }, { k: 'v' }), force_model: fc.constantFrom('loc', 'big') },
      { requiredKeys: [] },
    );
    const shape = fc.constantFrom('copy', 'frozen', 'null', 'proxy');
    await fc.assert(
      fc.asyncProperty(task, shape, fc.nat(FIELDS.length - 1), async (given, how, field) => {
        const expected = await settle(router.explain('a', given));
        const shaped = how === 'copy' ? { ...given } : how === 'frozen' ? Object.freeze({ ...given }) : how === 'null' ? Object.assign(Object.create(null) as Task, given) : new Proxy({ ...given }, {});
        const [key, value] = FIELDS[field]!;
        expect(await withPollution(key, 'value', value, () => settle(router.explain('a', shaped)))).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  // A setter planted on Object.prototype runs as checkTask fills the copy (`copy[key] = value`) and
  // sees the copy as `this`: whatever it writes through the copy's prototype lands on
  // Object.prototype, which the router never reads for its fields. (A version whose copies shared a
  // prototype of their own let such a setter write force_model there for every later task.)
  it('a setter once planted on Object.prototype leaves no mark on later tasks once it is gone', async () => {
    const plant = (value: unknown) =>
      Object.defineProperty(Object.prototype, 'tag', { configurable: true, set(this: object) { (Object.getPrototypeOf(this) as Record<string, unknown>).force_model = value; } });
    const router = createRouter(CONFIG, { logger: {}, clock: CLOCK });
    const before = await router.explain('a', {});
    plant('loc');
    await router.route('a', { tag: 1 }).finally(() => delete (Object.prototype as Record<string, unknown>).tag);
    try {
      expect(await createRouter(CONFIG, { logger: {}, clock: CLOCK }).explain('a', {})).toEqual(before);
    } finally {
      // Undo what the setter wrote, for the tests after this one.
      plant(undefined);
      await router.route('a', { tag: 1 }).finally(() => delete (Object.prototype as Record<string, unknown>).tag);
      delete (Object.prototype as Record<string, unknown>).force_model; // where the setter wrote
    }
  });
});

describe('what conditions read of data.contains_pii', () => {
  it('false when the config reads PII and nothing is sent, true on a finding; no state carried between decisions', async () => {
    for (const trace of [true, false]) {
      const router = createRouter(CONFIG, { logger: {}, clock: CLOCK, trace });
      const cases: [Task, string][] = [[{}, 'cloud'], [{ prompt: SSN }, 'loc'], [{}, 'cloud'], [{ data: {} }, 'cloud'], [{ data: { contains_pii: true } }, 'loc'], [{ id: 3 }, 'cloud'], [{ data: { contains_pii: false }, prompt: SSN }, 'loc'], [{ messages: [SSN] }, 'loc'], [{}, 'cloud']];
      for (const [task, model] of cases) expect((await router.route('pii', task)).modelId, `${JSON.stringify(task)}, trace ${trace}`).toBe(model);
    }
  });
});

describe('a decision with every preferred model a candidate at once', () => {
  it('its models are exactly the eligible preferred ones, with or without an agent override, whatever the context windows', async () => {
    const windows = fc.array(fc.option(fc.integer({ min: 1_000, max: 9_000 }), { nil: undefined }), { minLength: 4, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(windows, fc.integer({ min: 0, max: 10_000 }), fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: undefined }), fc.constantFrom(undefined, 'm1', 'm3'), async (sizes, input, output, override) => {
        const models = Object.fromEntries(sizes.map((size, i) => [`m${i}`, { provider: 'p', type: 'cloud' as const, ...(size === undefined ? {} : { context_window: size }) }]));
        const router = createRouter({ models, agents: { a: { model_preferences: { primary: 'm0', second: 'm1', third: 'm2' } } } }, { logger: {}, clock: CLOCK });
        if (override) router.overrides.setAgentModel('a', override);
        const needed = input + (output ?? 0);
        const fits = (id: string) => sizes[Number(id.slice(1))] === undefined || needed <= sizes[Number(id.slice(1))]!;
        let decision: RoutingDecision;
        try {
          decision = await router.route('a', { estimated_tokens: input, ...(output === undefined ? {} : { max_output_tokens: output }) });
        } catch (error) {
          expect((error as { code?: string }).code).toBe('NO_ELIGIBLE_MODEL');
          expect(['m0', 'm1', 'm2', 'm3'].some(fits)).toBe(false);
          return;
        }
        const served = [decision.modelId, ...decision.fallbacks];
        for (const id of served) expect(fits(id), id).toBe(true);
        const preferred = ['m0', 'm1', 'm2'].filter((id) => !(override && id === 'm0'));
        for (const id of preferred) expect(served.includes(id), id).toBe(fits(id));
        const skipped = decision.trace.filter((step) => step.step === 'strategy' && step.outcome === 'skipped').map((step) => step.modelId);
        expect(skipped).toEqual(preferred.filter((id) => !fits(id)));
        const { message } = decision.trace.find((step) => step.step === 'fallbacks')!;
        expect(message).toBe(decision.fallbacks.length ? `fallbacks in order: ${decision.fallbacks.join(', ')}` : 'no eligible fallback');
      }),
      { numRuns: 300 },
    );
  });
});

describe('traced decisions built from prebuilt parts', () => {
  it('the built-in factors scored as in any other order, keys in their usual order; route() traces as explain()', async () => {
    const withFactors = (names: string[]) => createRouter({ ...CONFIG, routing: { routing_factors: names.map((name) => ({ name, weight: 5 - BUILTIN.indexOf(name) })) } }, { logger: {}, clock: CLOCK });
    const usual = withFactors(BUILTIN);
    const reversed = withFactors([...BUILTIN].reverse());
    const task = fc.record({ complexity: fc.nat(10), estimated_tokens: fc.nat(20_000), max_latency_ms: fc.integer({ min: 1, max: 5_000 }), privacy_level: fc.constantFrom('low', 'medium') }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(task, async (given) => {
        const a = await usual.explain('a', given);
        expect(await usual.route('a', given)).toEqual(a);
        const b = await reversed.explain('a', given);
        const scores = (d: RoutingDecision) => d.trace.filter((step) => step.step === 'score');
        expect(scores(a).map((s) => s.modelId)).toEqual(scores(b).map((s) => s.modelId));
        scores(a).forEach((step, i) => {
          const other = scores(b)[i]!;
          expect(Object.keys(step.factors!)).toEqual(BUILTIN);
          expect(Object.entries(step.factors!).sort()).toEqual(Object.entries(other.factors!).sort());
          expect(Math.abs(step.score! - other.score!)).toBeLessThanOrEqual(1e-4);
        });
      }),
      { numRuns: 100 },
    );
  });

  it("an agent rule's chosen step and reason, for a few rules and for a rule set; now one frozen step shared by every decision", async () => {
    for (const count of [2, 9]) {
      const rules = Array.from({ length: count }, (_, i) => ({ ...(i % 2 ? { name: `r${i}` } : {}), condition: `task.complexity == ${i}`, model: i % 2 ? 'big' : 'cloud' }));
      const router = createRouter({ models: MODELS, agents: { a: { model_preferences: { primary: 'loc' }, routing_rules: rules } } }, { logger: {}, clock: CLOCK });
      const quiet = createRouter({ models: MODELS, agents: { a: { model_preferences: { primary: 'loc' }, routing_rules: rules } } }, { logger: {}, clock: CLOCK, trace: false });
      for (const [i, rule] of rules.entries()) {
        const label = rule.name ?? `routing_rules[${i}]`;
        const first = await router.route('a', { complexity: i });
        const chosen = first.trace.find((step) => step.outcome === 'chosen')!;
        expect(chosen).toEqual({ step: 'agent_rule', outcome: 'chosen', rule: label, modelId: rule.model, message: `"${rule.condition}" matched → ${rule.model}` });
        expect([first.reason, first.confidence, first.source]).toEqual([`agent rule ${label}: ${rule.condition}`, 0.9, 'agent_rule']);
        expect((await quiet.route('a', { complexity: i })).reason).toBe(first.reason);
        // The difference from before: the step is the configuration's, frozen, not each decision's own.
        const again = await router.route('a', { complexity: i, id: 'other' });
        expect(again.trace.find((step) => step.outcome === 'chosen')).toBe(chosen);
        expect(Object.isFrozen(chosen)).toBe(true);
      }
    }
  });
});

describe('reservations in the in-memory ledger', () => {
  it('any sequence of reserves, releases and commits: the totals an oracle keeps, none left reserved', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('reserve' as const), agent: fc.constantFrom('x', 'y'), amount: fc.nat(1_000), limit: fc.option(fc.nat(3_000), { nil: undefined }), agentLimit: fc.option(fc.nat(2_000), { nil: undefined }) }),
      fc.record({ kind: fc.constantFrom('release' as const, 'commit' as const), pick: fc.nat(), cost: fc.nat(1_500) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const ledger = new MemoryLedger();
        const open: { id: string; agent: string; amount: number }[] = [];
        const spent = new Map<string, number>();
        const reservedBy = (agent: string) => open.filter((r) => r.agent === agent).reduce((sum, r) => sum + r.amount, 0);
        const total = () => [...spent.values()].reduce((a, b) => a + b, 0);
        for (const step of ops) {
          if (step.kind === 'reserve') {
            const used = total() + reservedBy('x') + reservedBy('y');
            const agentUsed = (spent.get(step.agent) ?? 0) + reservedBy(step.agent);
            const ok = step.amount === 0 || ((step.limit === undefined || used + step.amount <= step.limit) && (step.agentLimit === undefined || agentUsed + step.amount <= step.agentLimit));
            const request = { day: DAY, agentId: step.agent, modelId: 'm', amountMicros: step.amount, now: 0, expiresAt: 1e12 };
            if (step.limit !== undefined) Object.assign(request, { limitMicros: step.limit });
            if (step.agentLimit !== undefined) Object.assign(request, { agentLimitMicros: step.agentLimit });
            const result = ledger.reserve(request);
            expect(result.ok).toBe(ok);
            if (result.ok) open.push({ id: result.reservationId, agent: step.agent, amount: step.amount });
          } else if (open.length > 0) {
            const [r] = open.splice(step.pick % open.length, 1);
            if (step.kind === 'release') ledger.release(r!.id);
            else {
              ledger.commit(r!.id, DAY, { agentId: r!.agent, modelId: 'm', costMicros: step.cost, inputTokens: 1, outputTokens: 1, at: 0 });
              spent.set(r!.agent, (spent.get(r!.agent) ?? 0) + step.cost);
            }
          }
          for (const agent of ['x', 'y']) {
            expect(ledger.snapshot({ day: DAY, agentId: agent, now: 0 })).toEqual({ totalMicros: total(), reservedMicros: reservedBy('x') + reservedBy('y'), agentMicros: spent.get(agent) ?? 0, agentReservedMicros: reservedBy(agent) });
          }
          expect(ledger.openReservations).toBe(open.length);
        }
        for (const r of open.splice(0)) ledger.release(r.id);
        expect(ledger.snapshot({ day: DAY, agentId: 'x', now: 0 })).toMatchObject({ reservedMicros: 0, agentReservedMicros: 0 });
        expect(ledger.report(DAY).byAgent).toEqual(Object.fromEntries([...spent].filter(([, v]) => v > 0)));
      }),
      { numRuns: 300 },
    );
  });

  it('many concurrent complete() calls: every reservation ends, spend adds up, and the limits sent are the budgets set', async () => {
    for (const budgets of [false, true]) {
      const requests: object[] = [];
      const ledger = new MemoryLedger();
      const reserve = ledger.reserve.bind(ledger);
      ledger.reserve = (request) => (requests.push({ ...request }), reserve(request));
      let n = 0;
      const reply = () => (n++ % 4 === 0 ? { error: { status: 500 } } : { text: 'ok', latencyMs: n % 3, usage: { inputTokens: 100 + n, outputTokens: 40 } });
      const config: RouterConfigInput = {
        models: { m1: { provider: 'p1', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.02 } }, m2: { provider: 'p2', type: 'cloud', cost_per_1k_tokens: { input: 0.02, output: 0.01 } } },
        agents: { x: { model_preferences: { primary: 'm1', fallback: 'm2' }, ...(budgets ? { daily_budget: 5 } : {}) }, y: { model_preferences: { primary: 'm2', fallback: 'm1' } } },
        ...(budgets ? { routing: { budget: { daily: 10 } } } : {}),
      };
      const router = createRouter(config, { ledger, logger: {}, clock: CLOCK, retry: { retries: 0 }, providers: { p1: createMockProvider({ name: 'p1', responses: reply }), p2: createMockProvider({ name: 'p2', responses: reply }) } });
      const settled = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => router.complete(i % 3 ? 'x' : 'y', ASK)));
      const done = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      expect([done.length > 0, requests.length > 0]).toEqual([true, true]);
      expect(ledger.openReservations).toBe(0);
      const report = ledger.report(DAY);
      for (const agentId of ['x', 'y']) expect(ledger.snapshot({ day: DAY, agentId, now: CLOCK() })).toMatchObject({ reservedMicros: 0, agentReservedMicros: 0, agentMicros: report.byAgent[agentId] ?? 0 });
      const sum = (byId: Record<string, number>) => Object.values(byId).reduce((a, b) => a + b, 0);
      expect([sum(report.byAgent), sum(report.byModel), report.calls]).toEqual([report.totalMicros, report.totalMicros, done.length]);
      expect(report.totalMicros / 1e6).toBeCloseTo(done.reduce((a, r) => a + r.costUsd, 0), 5);
      for (const request of requests) {
        const r = request as { agentId: string; limitMicros?: number; agentLimitMicros?: number };
        // Both limits are always the request's own fields (undefined without a budget), so that a
        // ledger never reads one through Object.prototype.
        expect([Object.hasOwn(r, 'limitMicros'), r.limitMicros]).toEqual([true, budgets ? 10_000_000 : undefined]);
        expect([Object.hasOwn(r, 'agentLimitMicros'), r.agentLimitMicros]).toEqual([true, budgets && r.agentId === 'x' ? 5_000_000 : undefined]);
      }
    }
  });
});
