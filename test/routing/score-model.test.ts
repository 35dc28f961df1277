// scoreModel writes a traced decision's factor record as one object literal when the factors are the
// five built-in ones in their usual order (the seed's and the default). That path must give exactly
// what the general loop gives — the same score, the same values under the same keys, in the same
// order — for any model and any task; and it must be taken only for that order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_FACTORS } from '../../src/config/config-types.js';
import { compileConfig, type CompiledConfig } from '../../src/routing/compile-config.js';
import { scoreModel, type ScoringInput } from '../../src/routing/score-model.js';

const weight = fc.double({ min: 0, max: 5, noNaN: true });
const price = fc.double({ min: 0, max: 0.2, noNaN: true });

const modelConfig = fc.record({
  provider: fc.constant('mock'),
  type: fc.constantFrom('cloud' as const, 'local' as const),
  quality: fc.double({ min: 0, max: 1, noNaN: true }),
  cost_per_1k_tokens: fc.record({ input: price, output: price }),
  context_window: fc.option(fc.integer({ min: 1, max: 200_000 }), { nil: undefined }),
  performance: fc.record({ tokens_per_second: fc.double({ min: 0.5, max: 500, noNaN: true }), latency_ms: fc.integer({ min: 0, max: 5000 }) }),
});

function configWith(models: Record<string, unknown>, weights: readonly number[] | undefined): CompiledConfig {
  return compileConfig({
    models: models as never,
    agents: { a: { model_preferences: { primary: Object.keys(models)[0]! } } },
    routing: weights ? { routing_factors: BUILTIN_FACTORS.map((name, i) => ({ name, weight: weights[i]! })) } : {},
  });
}

const input = (compiled: CompiledConfig, fields: Omit<ScoringInput, 'capabilityFit' | 'costReferenceUsd' | 'scopes'>): ScoringInput => ({
  ...fields,
  capabilityFit: compiled.agents.get('a')!.capabilityFit,
  costReferenceUsd: compiled.defaults.costReferenceUsd,
  scopes: { scopeWithModel: () => ({}) },
});

const fields = fc.record({
  complexity: fc.double({ min: 0, max: 10, noNaN: true }),
  sensitivity: fc.constantFrom(0, 0.5, 1),
  inputTokens: fc.integer({ min: 0, max: 300_000 }),
  outputTokens: fc.integer({ min: 0, max: 100_000 }),
  maxTokensPerSecond: fc.double({ min: 0, max: 500, noNaN: true }),
  maxLatencyMs: fc.option(fc.integer({ min: 1, max: 60_000 }), { nil: undefined }),
  modelStates: fc.constant(undefined),
});

describe('scoreModel', () => {
  it('takes the literal path only for the five built-in factors in their usual order', () => {
    expect(configWith({ m: { provider: 'mock', type: 'cloud' } }, undefined).builtinFactorOrder).toBe(true);
    expect(configWith({ m: { provider: 'mock', type: 'cloud' } }, [1, 1, 1, 1, 1]).builtinFactorOrder).toBe(true);
    const reordered = compileConfig({
      models: { m: { provider: 'mock', type: 'cloud' } },
      agents: { a: { model_preferences: { primary: 'm' } } },
      routing: { routing_factors: [...BUILTIN_FACTORS].reverse().map((name) => ({ name, weight: 1 })) },
    });
    expect(reordered.builtinFactorOrder).toBe(false);
    const fewer = compileConfig({
      models: { m: { provider: 'mock', type: 'cloud' } },
      agents: { a: { model_preferences: { primary: 'm' } } },
      routing: { routing_factors: BUILTIN_FACTORS.slice(0, 4).map((name) => ({ name, weight: 1 })) },
    });
    expect(fewer.builtinFactorOrder).toBe(false);
  });

  it('scores and records the factors exactly as the general loop does', () => {
    fc.assert(
      fc.property(modelConfig, fc.option(fc.array(weight, { minLength: 5, maxLength: 5 }), { nil: undefined }), fields, (model, weights, given) => {
        const compiled = configWith({ m: model }, weights);
        expect(compiled.builtinFactorOrder).toBe(true);
        const compiledModel = compiled.models.get('m')!;
        const scoring = input(compiled, given);
        const literal = scoreModel(compiledModel, compiled.factors, scoring, true, true);
        const loop = scoreModel(compiledModel, compiled.factors, scoring, true, false);
        expect(literal).toEqual(loop);
        expect(Object.keys(literal.factors)).toEqual(Object.keys(loop.factors));
        expect(Object.keys(literal.factors)).toEqual([...BUILTIN_FACTORS]);
        // Without the record, the score is the same too.
        expect(scoreModel(compiledModel, compiled.factors, scoring, false, true).score).toBe(loop.score);
      }),
      { numRuns: 500 },
    );
  });
});
