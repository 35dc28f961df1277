import { describe, expect, it } from 'vitest';
import { closestName, didYouMean } from '../src/edit-distance.js';

describe('closestName', () => {
  const names = ['cost_optimized', 'performance_first', 'privacy_first', 'balanced'];

  it('finds a name one or two edits away, and nothing further', () => {
    expect(closestName('balnced', names)).toBe('balanced');
    expect(closestName('privcy_frst', names)).toBe('privacy_first');
    expect(closestName('fastest', names)).toBeUndefined();
  });

  it('counts a swap of two neighbours as one edit', () => {
    expect(closestName('blaanced', names, 1)).toBe('balanced');
  });

  it('ignores case but never suggests the name itself', () => {
    expect(closestName('Balanced', names, 0)).toBe('balanced');
    expect(closestName('balanced', names)).toBeUndefined();
  });

  it('takes the nearest, the first on ties', () => {
    expect(closestName('cat', ['bat', 'cap', 'car'])).toBe('bat');
    expect(closestName('cart', ['cat', 'cart2', 'carts'])).toBe('cat');
  });
});

describe('didYouMean', () => {
  it('allows about one edit in three characters', () => {
    expect(didYouMean('simulte', ['route', 'simulate', 'validate'])).toBe(' (did you mean simulate?)');
    expect(didYouMean('--sed', ['--seed', '--out'], '')).toBe(' (did you mean --seed?)');
    expect(didYouMean('rot', ['route'])).toBe('');
  });

  it('says nothing for names shorter than three characters', () => {
    expect(didYouMean('ab', ['abc'])).toBe('');
  });

  it('puts the prefix before the suggestion', () => {
    expect(didYouMean('sed', ['seed'], '--')).toBe(' (did you mean --seed?)');
  });
});
