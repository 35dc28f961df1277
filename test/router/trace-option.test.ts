// `createRouter(config, { trace: false })`: decisions without their trace, and otherwise the same —
// the same model, reason, fallbacks and constraints for any task — while a refusal still explains
// itself and verbose logging still writes it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRouter, NoEligibleModelError, type RoutingDecision } from '../../src/index.js';
import { loadSeed, manualClock } from '../helpers/seed.js';

const AGENTS = ['cto_agent', 'backend_agent', 'frontend_agent', 'qa_agent'] as const;

const taskArbitrary = fc.record(
  {
    type: fc.constantFrom('code_generation', 'bug_fix', 'test_generation', 'review', 'architecture_decision'),
    complexity: fc.integer({ min: 0, max: 10 }),
    privacy_level: fc.constantFrom('low', 'medium', 'high'),
    critical: fc.boolean(),
    involves_ui_design: fc.boolean(),
    requires_reasoning: fc.boolean(),
    estimated_tokens: fc.integer({ min: 1, max: 20_000 }),
  },
  { requiredKeys: [] },
);

function withoutTrace(decision: RoutingDecision): Omit<RoutingDecision, 'trace'> {
  const { trace: _trace, ...rest } = decision;
  return rest;
}

describe('the trace option', () => {
  it('decides exactly as with the trace, for any agent, task and context, leaving the trace empty', async () => {
    const config = await loadSeed('production');
    const clock = manualClock();
    const traced = createRouter(config, { clock, logger: {} });
    const untraced = createRouter(config, { clock, logger: {}, trace: false });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...AGENTS), taskArbitrary, fc.record({ budget_mode: fc.boolean(), cost_limit_reached: fc.boolean() }, { requiredKeys: [] }), async (agent, task, context) => {
        const a = await traced.route(agent, task, context).catch((error: unknown) => error);
        const b = await untraced.route(agent, task, context).catch((error: unknown) => error);
        if (NoEligibleModelError.isInstance(a)) {
          expect(NoEligibleModelError.isInstance(b)).toBe(true);
          expect((b as NoEligibleModelError).trace).toEqual(a.trace);
          return;
        }
        const decision = a as RoutingDecision;
        expect(decision.trace.length).toBeGreaterThan(0);
        expect((b as RoutingDecision).trace).toEqual([]);
        expect(withoutTrace(b as RoutingDecision)).toEqual(withoutTrace(decision));
      }),
      { numRuns: 300 },
    );
  });

  it('a refusal still carries the whole trace', async () => {
    const router = createRouter(
      { models: { cloud: { provider: 'openai', type: 'cloud' } }, agents: { a: { model_preferences: { primary: 'cloud' } } } },
      { logger: {}, trace: false },
    );
    const error = await router.route('a', { privacy_level: 'high' }).catch((e: unknown) => e);
    expect(NoEligibleModelError.isInstance(error)).toBe(true);
    expect((error as NoEligibleModelError).trace.map((step) => (step as { step: string }).step)).toContain('constraint');
  });

  it('verbose logging writes the trace whatever the option says', async () => {
    const logged: unknown[] = [];
    const router = createRouter(await loadSeed(), { trace: false, verbose: true, logger: { info: () => {}, debug: (_line, decision) => logged.push(decision) } });
    const decision = await router.route('cto_agent', { complexity: 9 });
    expect(decision.trace.length).toBeGreaterThan(0);
    expect(logged).toEqual([decision]);
  });
});
