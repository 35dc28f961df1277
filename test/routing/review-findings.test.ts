// Regression tests for problems a review found: each fails closed, never towards the cloud or a
// crash, and bad input gets a typed error.
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createRouter, loadConfig, MemoryLedger, parseConfig, type LoadedConfig } from '../../src/index.js';
import { createMockProvider } from '../../src/test.js';
import { loadSeed, manualClock, SEED_DIR } from '../helpers/seed.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const LOCAL = new Set(['llama-3-70b', 'deepseek-coder-33b', 'qwen-2-72b']);

describe('tokens and money that are not finite', () => {
  it('NaN, Infinity or negative token counts are refused with the field named, never priced', async () => {
    const router = createRouter(seed);
    for (const estimated_tokens of [Number.NaN, Number.POSITIVE_INFINITY, -5]) {
      await expect(router.route('cto_agent', { complexity: 9, estimated_tokens })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'task.estimated_tokens' });
    }
    await expect(router.route('cto_agent', { complexity: 9, max_output_tokens: Number.POSITIVE_INFINITY })).rejects.toMatchObject({ argument: 'task.max_output_tokens' });
  });

  it('the memory ledger refuses non-finite amounts instead of poisoning its sums', () => {
    const ledger = new MemoryLedger();
    const now = Date.parse('2026-11-25T10:00:00Z');
    expect(() => ledger.reserve({ day: '2026-11-25', agentId: 'a', modelId: 'm', amountMicros: Number.NaN, now, expiresAt: now + 1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => ledger.record('2026-11-25', { agentId: 'a', modelId: 'm', inputTokens: 0, outputTokens: 0, costMicros: Number.POSITIVE_INFINITY, at: now })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(ledger.snapshot({ day: '2026-11-25', agentId: 'a', now })).toEqual({ totalMicros: 0, reservedMicros: 0, agentMicros: 0, agentReservedMicros: 0 });
  });
});

describe('task fields the router reads are checked', () => {
  it.each([
    [{ complexity: 'high' }, 'task.complexity', 'expected a number from 0 to 10, got "high"'],
    [{ complexity: 50 }, 'task.complexity', 'expected a number from 0 to 10, got 50'],
    [{ privacy_level: 3 }, 'task.privacy_level', 'expected a string, got 3'],
    [{ critical: 'yes' }, 'task.critical', 'expected true or false, got "yes"'],
    [{ data: ['a'] }, 'task.data', 'expected an object, got an array'],
    [{ id: {} }, 'task.id', 'expected a string or a number, got object'],
  ])('%j → INVALID_ARGUMENT on %s', async (task, argument, message) => {
    const error = await createRouter(seed).route('cto_agent', task as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', argument });
    expect((error as Error).message).toContain(message);
  });

  it('a getter on a field the router reads is refused, whether it returns or throws, and never runs', async () => {
    const router = createRouter(seed);
    let runs = 0;
    const counting = Object.defineProperty({}, 'complexity', { enumerable: true, get: () => (++runs, 9) });
    await expect(router.route('cto_agent', counting)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'task.complexity' });
    const throwing = Object.defineProperty({}, 'privacy_level', { enumerable: true, get: () => { throw new Error('boom'); } });
    await expect(router.route('cto_agent', throwing)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'task.privacy_level' });
    expect(runs).toBe(0);
  });

  it('an inherited field is not one of the task: it is neither checked nor used', async () => {
    const router = createRouter(seed);
    const inherited = await router.route('cto_agent', Object.create({ complexity: 999 }) as never);
    const plain = await router.route('cto_agent', {});
    expect(inherited.modelId).toBe(plain.modelId);
    expect(inherited.trace).toEqual(plain.trace);
  });

  it('routes on the fields as they were checked, even if the task changes while the ledger is read', async () => {
    let task: Record<string, unknown> = {};
    const slowLedger = new MemoryLedger();
    const original = slowLedger.snapshot.bind(slowLedger);
    // A ledger may answer asynchronously (CostLedger allows a promise); this one changes the task meanwhile.
    slowLedger.snapshot = (async (query: Parameters<typeof original>[0]) => {
      task['privacy_level'] = 'high';
      return original(query);
    }) as never;
    const router = createRouter(seed, { ledger: slowLedger });
    task = { complexity: 9 };
    const decision = await router.route('cto_agent', task);
    // Checked as { complexity: 9 }: the later privacy_level does not reach the decision.
    expect(decision.localOnly).toBe(false);
    expect(decision.modelId).toBe('claude-3-opus');
  });

  it('a field one typo away from one the router reads is noted in the trace and logged once', async () => {
    const warnings: string[] = [];
    const router = createRouter(seed, { logger: { warn: (message: string) => warnings.push(message) } });
    const d = await router.route('cto_agent', { complexty: 9 });
    expect(d.trace).toContainEqual(expect.objectContaining({ step: 'input', message: 'task.complexty is not a field the router reads; did you mean task.complexity?' }));
    await router.route('cto_agent', { complexty: 9 });
    expect(warnings.filter((w) => w.includes('complexty'))).toHaveLength(1);
    // An unrelated field of the host's own is no typo.
    expect((await router.route('cto_agent', { tenant: 'acme' })).trace.some((step) => step.step === 'input')).toBe(false);
  });
});

describe('PII flags that are not booleans', () => {
  it.each([null, 'yes', 1, 'true'])('contains_pii: %s is scanned, and counts as PII when truthy', async (flag) => {
    const cloud = createMockProvider({ responses: 'cloud' });
    const local = createMockProvider({ responses: 'local' });
    const router = createRouter(seed, { providers: { anthropic: cloud, openai: cloud, local }, logger: {} });
    const result = await router.complete('cto_agent', { messages: [{ role: 'user', content: 'My SSN is 123-45-6789' }] }, { task: { complexity: 9, data: { contains_pii: flag } } });
    expect(LOCAL.has(result.modelId)).toBe(true);
    expect(cloud.calls).toHaveLength(0);
  });
});

describe('times out of range', () => {
  it('a huge Retry-After cools a model down for at most a day and never breaks route()', async () => {
    const clock = manualClock();
    const opus = createMockProvider({ responses: { error: { status: 429, retryAfterMs: 1e23 } } });
    const other = createMockProvider({ responses: 'ok' });
    const router = createRouter(seed, { clock, providers: { anthropic: opus, openai: other, local: other }, retry: { retries: 0 }, logger: {} });
    await router.complete('cto_agent', { messages: [{ role: 'user', content: 'design' }] }, { task: { complexity: 9 } });
    const state = router.modelState('claude-3-opus')!;
    expect(state.available).toBe(false);
    expect(state.availableAt).toBeLessThanOrEqual(clock() + 24 * 3_600_000);
    await expect(router.route('cto_agent', { complexity: 9 })).resolves.toMatchObject({ modelId: 'gpt-4-turbo' });
  });

  it('a clock outside the Date range is a typed error', async () => {
    await expect(createRouter(seed, { clock: () => 9e15 }).route('qa_agent', {})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('local-only rules fail closed', () => {
  it('a privacy rule that hits a type error keeps the request local', async () => {
    const config = structuredClone({ models: seed.models, agents: seed.agents, routing: seed.routing! });
    config.routing.global_rules = [{ name: 'secret', condition: "lower(task.classification) == 'secret' or task.tenant in ['gov']", action: 'force_local_model' }];
    const d = await createRouter(config).route('frontend_agent', { involves_ui_design: true, classification: 5, tenant: 'gov' });
    expect(d.modelId).toBe('llama-3-70b');
    expect(d.privacyEnforced).toBe(true);
    expect(d.trace.find((s) => s.rule === 'secret')?.outcome).toBe('error');
  });
});

describe('strategy overrides and privacy', () => {
  it('a request for privacy_first stays local even when an override puts another strategy in force', async () => {
    const router = createRouter(seed);
    router.overrides.setStrategy('performance_optimized');
    const d = await router.route('cto_agent', { complexity: 9 }, { routing_strategy: 'privacy_first' });
    expect(d.strategy).toBe('performance_optimized');
    expect(LOCAL.has(d.modelId)).toBe(true);
    expect(d.fallbacks.every((id) => LOCAL.has(id))).toBe(true);
  });

  it('privacy_level high is never sent to a cloud verifier', async () => {
    const d = await createRouter(seed).route('cto_agent', { privacy_level: 'high', critical: true });
    expect(d.modelId).toBe('llama-3-70b');
    expect(d.verification).toBeUndefined();
  });

  it('setAgentModel replaces the primary: the old primary is not a fallback', async () => {
    const router = createRouter(seed);
    router.overrides.setAgentModel('cto_agent', 'llama-3-70b', { reason: 'privacy' });
    const d = await router.route('cto_agent', { complexity: 5 });
    expect(d.modelId).toBe('llama-3-70b');
    expect(d.fallbacks).not.toContain('claude-3-opus');
  });
});

describe('hostile configuration', () => {
  const base = { models: 'models:\n  m: { provider: local, type: local }\n', agents: 'agents:\n  a: { model_preferences: { primary: m } }\n' };

  it('__proto__, constructor and prototype cannot name models, agents or strategies', () => {
    for (const models of ['models:\n  __proto__: { provider: local, type: local }\n  m: { provider: local, type: local }\n', 'models:\n  constructor: { provider: local, type: local }\n  m: { provider: local, type: local }\n']) {
      try {
        parseConfig({ ...base, models });
        throw new Error('expected a ConfigError');
      } catch (error) {
        expect(ConfigError.isInstance(error)).toBe(true);
        expect((error as ConfigError).issues.some((i) => i.kind === 'reserved_name')).toBe(true);
      }
    }
    expect(({} as Record<string, unknown>).provider).toBeUndefined();
  });

  it('a top-level __proto__ key does not become the config\'s prototype', () => {
    const config = parseConfig({ ...base, routing: '__proto__:\n  routing:\n    global_overrides: { force_local_models: true }\n' });
    expect(config.routing).toBeUndefined();
  });

  it('an alias bomb is a ConfigError, not a crash', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    expect(() => parseConfig({ ...base, routing: `${bomb.join('\n')}\n` })).toThrow(ConfigError);
  });

  it('a wrong type says what it got', () => {
    try {
      parseConfig({ ...base, agents: 'agents:\n  a: { model_preferences: { primary: m }, routing_rules: { x: 1 }, daily_budget: "ten" }\n' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      const messages = (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      expect(messages).toContain('agents.a.routing_rules: expected array, got a map');
      expect(messages).toContain('agents.a.daily_budget: expected number, got the string "ten"');
    }
  });

  it('bad options and unreadable files are typed errors', async () => {
    expect(() => parseConfig(base, null as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => createRouter(seed, null as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    await expect(loadConfig(SEED_DIR, null as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loadConfig(SEED_DIR, { environment: 5 as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loadConfig(`${SEED_DIR}/models.yaml`)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('timeouts longer than a timer can hold', () => {
  // Node clamps a longer setTimeout to 1 ms, so every try would time out at once.
  it('a model timeout_ms over 2^31 − 1 ms is a configuration error naming the model', () => {
    const config = { ...seed, models: { ...seed.models, 'gpt-4-turbo': { ...seed.models['gpt-4-turbo']!, timeout_ms: 3_000_000_000 } } };
    const error = (() => {
      try {
        createRouter(config);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toContainEqual(expect.objectContaining({ path: 'models.gpt-4-turbo.timeout_ms', severity: 'error' }));
  });

  it('options.timeouts over 2^31 − 1 ms are refused; Infinity means none', () => {
    expect(() => createRouter(seed, { timeouts: { attemptMs: 3_000_000_000 } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'options.timeouts.attemptMs' }));
    expect(() => createRouter(seed, { timeouts: { streamIdleMs: 2 ** 31 } })).toThrow(expect.objectContaining({ argument: 'options.timeouts.streamIdleMs' }));
    expect(() => createRouter(seed, { timeouts: { attemptMs: Number.POSITIVE_INFINITY, streamIdleMs: 2 ** 31 - 1 } })).not.toThrow();
  });
});
