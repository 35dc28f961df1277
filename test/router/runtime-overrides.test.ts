import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/index.js';

describe('parseDuration', () => {
  it.each([
    ['2h', 7_200_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['45s', 45_000],
    ['500ms', 500],
    ['1d', 86_400_000],
    ['1.5h', 5_400_000],
    [250, 250],
  ])('%s → %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each(['', 'soon', '2 hours', '-1h', '0m', 'h', '1x', 0, -5, Number.NaN, Number.POSITIVE_INFINITY])('rejects %s', (input) => {
    expect(() => parseDuration(input as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('RuntimeOverrides.list', () => {
  it('returns copies: changing them does not change the overrides in force', async () => {
    const { createRouter } = await import('../../src/index.js');
    const { loadSeed } = await import('../helpers/seed.js');
    const router = createRouter(await loadSeed());
    router.overrides.setAgentModel('cto_agent', 'qwen-2-72b');
    const listed = router.overrides.list();
    listed.agentModels[0]!.value = 'claude-3-opus';
    expect(router.overrides.list().agentModels[0]!.value).toBe('qwen-2-72b');
    expect((await router.route('cto_agent', { complexity: 5 })).modelId).toBe('qwen-2-72b');
  });
});

describe('RuntimeOverrides.onChange', () => {
  it('reports set, clear and expiry (on the router clock); a throwing listener changes nothing', async () => {
    const { createRouter } = await import('../../src/index.js');
    const { loadSeed, manualClock } = await import('../helpers/seed.js');
    const clock = manualClock();
    const router = createRouter(await loadSeed(), { clock });
    const seen: string[] = [];
    router.overrides.onChange((change) => seen.push(`${change.action} ${change.override.kind} ${change.override.value}`));
    router.overrides.onChange(() => {
      throw new Error('listener bug');
    });
    router.overrides.setStrategy('privacy_first', { duration: '1h' });
    router.overrides.setAgentModel('cto_agent', 'qwen-2-72b');
    router.overrides.clearAgentModel('cto_agent');
    clock.advance(3_600_000);
    expect((await router.route('cto_agent', {})).strategy).toBe('balanced');
    expect(seen).toEqual(['set strategy privacy_first', 'set agent_model qwen-2-72b', 'clear agent_model qwen-2-72b', 'expire strategy privacy_first']);
  });
});
