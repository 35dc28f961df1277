// An agent's rules decided as one set, route() without an async frame, the decision's own fields
// read as own properties, one abort signal per parallel race, and the registry's models kept in
// order of fit: what each must keep of the behaviour before it, through the public API.
import { describe, expect, it } from 'vitest';
import { compileCondition, createRouter, MemoryLedger, type ProviderAdapter, type RouterConfigInput } from 'llm-agent-router';
import { planConditionSet } from '../../src/conditions/index.js';

// ---------------------------------------------------------------------------------------------
// Shared helpers

const CLOCK = () => 1_767_225_600_000;
const ask = { messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 10 };
const USAGE = { inputTokens: 10, outputTokens: 10 };
const answer = (text: string) => ({ content: [{ type: 'text' as const, text }], finishReason: 'stop' as const, usage: USAGE });

/** Calls `call`, failing the test if it throws synchronously; gives what its promise settles with (an error's code or name). */
function settlesAsPromise(call: () => Promise<unknown>): Promise<unknown> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error) {
    throw new Error(`threw synchronously: ${String(error)}`);
  }
  expect(promise).toBeInstanceOf(Promise);
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error as { code?: string; name?: string }).code ?? (error as Error).name,
  );
}

const BASIC: RouterConfigInput = {
  models: { loc: { provider: 'local', type: 'local' }, cloud: { provider: 'openai', type: 'cloud' } },
  agents: { a: { model_preferences: { primary: 'loc', fallback: 'cloud' } } },
};

// ---------------------------------------------------------------------------------------------
// route() without an async frame: every failure is still a rejection

describe('route() and explain(): failures are rejections, never synchronous throws', () => {
  const throwingLedger = (how: 'throw' | 'reject'): MemoryLedger => {
    const ledger = new MemoryLedger();
    (ledger as unknown as { snapshot: () => unknown }).snapshot = () => {
      if (how === 'throw') throw new Error('ledger down');
      return Promise.reject(new Error('ledger down'));
    };
    return ledger;
  };

  it('bad arguments, a bad clock and a failing ledger reject; with or without an observer', async () => {
    for (const observer of [undefined, { start: () => ({ end: () => {} }) }]) {
      const base = { logger: {}, ...(observer ? { observer } : {}) };
      const router = createRouter(BASIC, { ...base, clock: CLOCK });
      for (const method of ['route', 'explain'] as const) {
        const call = router[method].bind(router) as (agentId: unknown, task?: unknown, context?: unknown) => Promise<unknown>;
        expect(await settlesAsPromise(() => call('nobody'))).toBe('UNKNOWN_AGENT');
        expect(await settlesAsPromise(() => call(Symbol('a')))).toBe('UNKNOWN_AGENT');
        expect(await settlesAsPromise(() => call('a', []))).toBe('INVALID_ARGUMENT');
        expect(await settlesAsPromise(() => call('a', {}, null))).toBe('INVALID_ARGUMENT');
        expect(await settlesAsPromise(() => call('a', { complexity: 'high' }))).toBe('INVALID_ARGUMENT');
        expect(await settlesAsPromise(() => call('a', {}, { routing_strategy: 'no_such' }))).toBe('UNKNOWN_STRATEGY');
        expect(await settlesAsPromise(() => call('a', { type: 'x' }))).toBe('resolved');
      }
      const nanClock = createRouter(BASIC, { ...base, clock: () => Number.NaN });
      expect(await settlesAsPromise(() => nanClock.route('a'))).toBe('INVALID_ARGUMENT');
      const brokenClock = createRouter(BASIC, { ...base, clock: () => { throw new Error('no time'); } });
      expect(await settlesAsPromise(() => brokenClock.route('a'))).toBe('Error');
      for (const how of ['throw', 'reject'] as const) {
        const router2 = createRouter(BASIC, { ...base, clock: CLOCK, ledger: throwingLedger(how) });
        expect(await settlesAsPromise(() => router2.route('a'))).toBe('Error');
        expect(await settlesAsPromise(() => router2.explain('a'))).toBe('Error');
      }
    }
  });

  it('with the in-memory ledger the decision is made within the call and handed back settled', async () => {
    const router = createRouter(BASIC, { logger: {}, clock: CLOCK });
    const seen: string[] = [];
    router.on((event) => {
      if (event.type === 'decision') seen.push(event.decision.modelId);
    });
    const promise = router.route('a', { complexity: 2 });
    // The decision event fired before route() returned, as it did when route() was async.
    expect(seen).toHaveLength(1);
    let settled = false;
    void promise.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(true);
    expect((await promise).modelId).toBe(seen[0]);
  });

  it('a revoked Proxy as the task or the context is an INVALID_ARGUMENT rejection naming it', async () => {
    const router = createRouter(BASIC, { logger: {}, clock: CLOCK });
    const revoked = () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    };
    for (const [task, context, name] of [[revoked(), {}, 'task'], [{}, revoked(), 'context']] as const) {
      const error: unknown = await router.route('a', task, context).then(() => undefined, (thrown: unknown) => thrown);
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(String((error as Error).message)).toContain(name);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The registry's models in order of fit, made once per agent

describe('registry alternatives in order of fit', () => {
  it('when no preferred model may serve: every eligible model, most capable first, ties in configuration order', async () => {
    const config: RouterConfigInput = {
      models: {
        pref: { provider: 'openai', type: 'cloud' },
        l_none: { provider: 'local', type: 'local' },
        l_half: { provider: 'local', type: 'local', capabilities: ['code'] },
        l_none2: { provider: 'local', type: 'local' },
        l_full: { provider: 'local', type: 'local', capabilities: ['code', 'math'] },
        l_half2: { provider: 'local', type: 'local', capabilities: ['math'] },
      },
      agents: {
        wide: { model_preferences: { primary: 'pref' }, capabilities_required: ['code', 'math'] },
        one: { model_preferences: { primary: 'l_none' }, capabilities_required: ['code', 'math'] },
      },
    };
    const router = createRouter(config, { logger: {}, clock: CLOCK });
    // privacy_level high: the preferred cloud model is out, the registry's local models are considered.
    const widened = await router.explain('wide', { privacy_level: 'high' });
    const considered = widened.trace.find((step) => step.message.startsWith("none of the agent's preferred models"))!;
    expect(considered.message).toContain('l_full, l_half, l_half2, l_none, l_none2');
    // One preferred model and no other candidate: the two most capable others become the fallbacks.
    const single = await router.explain('one', { privacy_level: 'high' });
    expect(single.modelId).toBe('l_none');
    expect(single.fallbacks).toEqual(['l_full', 'l_half']);
  });
});

// ---------------------------------------------------------------------------------------------
// parallel_requests: one abort signal for the whole race

function raceConfig(timeoutMs?: number): RouterConfigInput {
  const timed = timeoutMs !== undefined ? { timeout_ms: timeoutMs } : {};
  return {
    models: {
      a: { provider: 'pa', type: 'cloud', cost_per_1k_tokens: { input: 1, output: 1 }, ...timed },
      b: { provider: 'pb', type: 'cloud', cost_per_1k_tokens: { input: 1, output: 1 }, ...timed },
    },
    agents: { x: { model_preferences: { primary: 'a', fallback: 'b' } } },
    routing: { default_strategy: 'race', strategies: { race: { rules: [{ dynamic_routing: false }, { parallel_requests: true }] } }, budget: { daily: 100 } },
  };
}

/** An adapter whose calls are settled by the test; each call's signal is kept. */
function manual(provider: string, honoursTimeoutMs: boolean) {
  const calls: { signal: AbortSignal | undefined; resolve: () => void; settled: boolean }[] = [];
  const adapter: ProviderAdapter = {
    specificationVersion: 'v2',
    provider,
    honoursTimeoutMs,
    complete(_request, options = {}) {
      return new Promise((resolve, reject) => {
        const call = {
          signal: options.signal,
          settled: false,
          resolve: () => {
            if (call.settled) return;
            call.settled = true;
            resolve(answer(`from ${provider}`));
          },
        };
        calls.push(call);
        options.signal?.addEventListener('abort', () => {
          if (call.settled) return;
          call.settled = true;
          reject(options.signal!.reason);
        });
      });
    },
  };
  return { adapter, calls };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
};

describe('parallel_requests with one abort signal per race', () => {
  it('the winner is served and not marked as a lost race; the loser is, and its reservation is freed', async () => {
    const a = manual('pa', true);
    const b = manual('pb', true);
    const ledger = new MemoryLedger();
    const router = createRouter(raceConfig(), { ledger, logger: {}, clock: CLOCK, providers: { pa: a.adapter, pb: b.adapter }, retry: { retries: 0 } });
    const pending = router.complete('x', ask, { task: { estimated_tokens: 10 } });
    await until(() => a.calls.length === 1 && b.calls.length === 1);
    a.calls[0]!.resolve();
    const result = await pending;
    expect(result.modelId).toBe('a');
    expect(result.attempts.map((t) => [t.modelId, t.ok, t.raceLost === true])).toEqual([
      ['a', true, false],
      ['b', false, true],
    ]);
    expect(b.calls[0]!.signal?.aborted).toBe(true);
    expect(ledger.openReservations).toBe(0);
  });

  it('a verification after a race is not handed the race\'s (aborted) signal', async () => {
    const l1 = manual('p1', true);
    const l2 = manual('p2', true);
    const verifierSignals: (AbortSignal | undefined)[] = [];
    const verifier: ProviderAdapter = {
      specificationVersion: 'v2',
      provider: 'pv',
      honoursTimeoutMs: true,
      async complete(_request, options = {}) {
        verifierSignals.push(options.signal);
        if (options.signal?.aborted) throw options.signal.reason;
        return answer('VERIFIED');
      },
    };
    const config: RouterConfigInput = {
      models: { l1: { provider: 'p1', type: 'local' }, l2: { provider: 'p2', type: 'local' }, v: { provider: 'pv', type: 'cloud' } },
      agents: { x: { model_preferences: { primary: 'l1', fallback: 'l2' } } },
      routing: {
        default_strategy: 'race',
        strategies: { race: { rules: [{ dynamic_routing: false }, { parallel_requests: true }] } },
        global_rules: [{ name: 'qa', condition: "task.critical and model.type == 'local'", action: 'require_cloud_verification' }],
      },
    };
    const router = createRouter(config, { logger: {}, clock: CLOCK, providers: { p1: l1.adapter, p2: l2.adapter, pv: verifier }, retry: { retries: 0 } });
    const pending = router.complete('x', ask, { task: { critical: true } });
    await until(() => l1.calls.length === 1 && l2.calls.length === 1);
    l1.calls[0]!.resolve();
    const result = await pending;
    expect(result.modelId).toBe('l1');
    expect(result.verification).toMatchObject({ modelId: 'v', verdict: 'verified' });
    expect(verifierSignals.every((signal) => signal === undefined || !signal.aborted)).toBe(true);
  });

  // A race has one abort signal for all its tries: once a model has won, every other provider call
  // of the race ends — the other models', and the winner's own tries the router gave up on after
  // their timeout (an adapter that declares `honoursTimeoutMs` is handed the race's signal: the
  // OpenAI SDK's timer stops at the response headers, so a stalled body could outlive it). A call
  // that ends aborted books nothing; its reservation is released.
  it("the winner's timed-out earlier try is aborted with the race, its reservation released", async () => {
    const a = manual('pa', true);
    const b = manual('pb', true);
    const ledger = new MemoryLedger();
    const router = createRouter(raceConfig(20), {
      ledger,
      logger: {},
      providers: { pa: a.adapter, pb: b.adapter },
      retry: { retries: 1, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false },
    });
    const pending = router.complete('x', ask, { task: { estimated_tokens: 10 } });
    // Both first tries time out after 20 ms; a's retry answers at once.
    await until(() => a.calls.length === 2);
    a.calls[1]!.resolve();
    const result = await pending;
    expect(result.modelId).toBe('a');
    const firstTry = a.calls[0]!;
    expect(firstTry.signal?.aborted).toBe(true);
    // It ends aborted (the adapter honours its signal): only the winning call of a is booked.
    await until(() => ledger.openReservations === 0);
    const day = new Date().toISOString().slice(0, 10);
    expect((await ledger.report(day)).byModel.a).toBe(20_000);
  });
});

// ---------------------------------------------------------------------------------------------
// An agent's rules as one set: the work a decision does

/** A context that counts the reads of its own fields whose names start with `g` (a Proxy trap per own-property check). */
function countingContext(): { context: Record<string, unknown>; reads: () => number } {
  let reads = 0;
  const context = new Proxy({} as Record<string, unknown>, {
    getOwnPropertyDescriptor(target, key) {
      if (typeof key === 'string' && key.startsWith('g')) reads++;
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
  return { context, reads: () => reads };
}

describe('rules decided as one set: the work of a decision', () => {
  const rulesWith = (later: number) => [
    { condition: "task.type == 'hit'", model: 'loc' },
    ...Array.from({ length: later }, (_, i) => ({ condition: `context.g${i} == true and task.complexity > 3`, model: 'cloud' })),
  ];
  const configFor = (later: number): RouterConfigInput => ({
    models: BASIC.models,
    agents: { a: { model_preferences: { primary: 'loc', fallback: 'cloud' }, routing_rules: rulesWith(later) } },
  });

  it('below eight rules, a decision whose first rule matches reads nothing the later rules test', async () => {
    const router = createRouter(configFor(6), { logger: {}, clock: CLOCK, trace: false });
    const { context, reads } = countingContext();
    expect((await router.route('a', { type: 'hit' }, context)).reason).toContain('routing_rules[0]');
    expect(reads()).toBe(0);
  });

  // A set reads every path its rules test before the first rule (at most MAX_SET_PATHS of them):
  // rules that each test paths of their own are evaluated one by one, so a decision whose first
  // rule matches does no work for the rules after it, whatever their number.
  it('from eight rules on, a decision whose first rule matches still reads nothing the later rules test', async () => {
    const router = createRouter(configFor(1000), { logger: {}, clock: CLOCK, trace: false });
    const { context, reads } = countingContext();
    expect((await router.route('a', { type: 'hit' }, context)).reason).toContain('routing_rules[0]');
    expect(reads()).toBe(0);
  });

  // Planning a set finds each clause's path by key, not by a scan of every path of its root.
  it('rules that test more paths than a set reads up front are not planned as a set; shared paths are', () => {
    const distinct = Array.from({ length: 8000 }, (_, i) => compileCondition(`task.f${i} == ${i}`));
    const shared = Array.from({ length: 8000 }, (_, i) => compileCondition(`task.type == 'v${i}' and task.n > ${i}`));
    expect(planConditionSet(distinct)).toBeUndefined();
    expect(planConditionSet(distinct.slice(0, 32))).toBeDefined();
    expect(planConditionSet(distinct.slice(0, 33))).toBeUndefined();
    const set = planConditionSet(shared)!;
    expect(set.candidates(set.read({ task: { type: 'v17', n: 100 } })!)).toEqual([17]);
  });
});

// ---------------------------------------------------------------------------------------------
// A polluted Object.prototype: what the changelog says no longer changes a decision

function withPollution<T>(key: string, value: unknown, run: () => Promise<T>): Promise<T> {
  const proto = Object.prototype as Record<string, unknown>;
  proto[key] = value;
  return run().finally(() => {
    delete proto[key];
  });
}

describe('a polluted Object.prototype', () => {
  const config: RouterConfigInput = {
    models: BASIC.models,
    agents: { a: { model_preferences: { primary: 'cloud', fallback: 'loc' }, routing_rules: Array.from({ length: 9 }, (_, i) => ({ condition: `task.type == 't${i}'`, model: 'cloud' })) } },
  };

  it('the task\'s and context\'s own fields only: force_model, routing_strategy and privacy_level planted on the prototype change nothing', async () => {
    const router = createRouter(config, { logger: {}, clock: CLOCK });
    const clean = await router.explain('a', { type: 't3' });
    for (const [key, value] of [['force_model', 'loc'], ['routing_strategy', 'no_such'], ['privacy_level', 'high'], ['cost_limit_reached', true]] as const) {
      const polluted = await withPollution(key, value, () => router.explain('a', { type: 't3' }));
      expect(polluted).toEqual(clean);
    }
  });

  // The router's copy of a task holds every field the router reads as its own (undefined when the task
  // does not), and the router reads those fields by name: a value planted on Object.prototype under
  // any of their names must change nothing.
  it('no field the router reads of a task is taken from the prototype', async () => {
    const router = createRouter(config, { logger: {}, clock: CLOCK });
    for (const task of [{ type: 't3' }, { type: 'other', complexity: 2 }, {}]) {
      const clean = await router.explain('a', task);
      for (const [key, value] of [
        ['id', 'planted'],
        ['type', 't3'],
        ['complexity', 10],
        ['privacy_level', 'high'],
        ['critical', true],
        ['estimated_tokens', 900_000],
        ['max_output_tokens', 900_000],
        ['max_latency_ms', 1],
        ['prompt', 'call me at 555-0100, card 4111 1111 1111 1111'],
        ['messages', [{ role: 'user', content: 'my SSN is 078-05-1120' }]],
        ['data', { contains_pii: true }],
        ['force_model', 'loc'],
      ] as const) {
        const polluted = await withPollution(key, value, () => router.explain('a', task));
        expect(polluted, `Object.prototype.${key}`).toEqual(clean);
      }
    }
  });

  // The state a decision reads is built with every field its own (undefined when absent), so a
  // polluted Object.prototype cannot supply an override, notes or a refusal.
  it('an Object.prototype carrying taskOverride does not turn every task into a task override', async () => {
    const router = createRouter(config, { logger: {}, clock: CLOCK });
    const polluted = await withPollution('taskOverride', { modelId: 'loc' }, () => router.route('a', { type: 't3' }));
    expect(polluted).toMatchObject({ source: 'agent_rule', modelId: 'cloud' });
  });

  it('an Object.prototype carrying notes does not make every route fail', async () => {
    const router = createRouter(config, { logger: {}, clock: CLOCK });
    const decision = await withPollution('notes', 1, () => router.route('a', { type: 't3' }));
    expect(decision.modelId).toBe('cloud');
  });

  // The ledger's snapshot is read by its own fields.
  it('an Object.prototype carrying unavailable does not refuse the cloud to every decision', async () => {
    const router = createRouter(config, { logger: {}, clock: CLOCK });
    const decision = await withPollution('unavailable', 'planted', () => router.route('a', { type: 't3' }));
    expect(decision).toMatchObject({ modelId: 'cloud', localOnly: false });
  });

  it("complete(), execute() and record() take their options' own fields only", async () => {
    const router = createRouter(config, { logger: {}, clock: CLOCK });
    const ask = { messages: [{ role: 'user' as const, content: 'hello' }] };
    const clean = await router.complete('a', ask);
    for (const [key, value] of [
      ['task', { force_model: 'loc' }],
      ['context', { routing_strategy: 'privacy_first' }],
    ] as const) {
      const polluted = await withPollution(key, value, () => router.complete('a', ask));
      expect(polluted.modelId).toBe(clean.modelId);
      expect(polluted.decision.source).toBe(clean.decision.source);
    }
    const executed = await withPollution('request', { messages: [{ role: 'user', content: 'jane.doe@example.com' }] }, () =>
      router.execute('a', {}, async () => ({ value: 1, usage: { inputTokens: 1, outputTokens: 1 } })),
    );
    expect(executed.decision.privacyEnforced).toBe(false);
    const decision = await router.route('a', { type: 't3' });
    await withPollution('modelId', 'loc', () => router.record(decision, { inputTokens: 1000, outputTokens: 1000 }));
    const budget = await router.budget();
    expect(Object.keys(budget.byModel)).not.toContain('loc');
  });
});
