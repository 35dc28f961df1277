// The marks of a trace, as docs/cli.md explains them.
import { describe, expect, it } from 'vitest';
import { formatTrace } from '../../src/cli/format-decision.js';
import type { TraceStep } from '../../src/routing/types.js';

const plain = { red: String, yellow: String, green: String, dim: String, bold: String };

describe('formatTrace', () => {
  it('marks each outcome as docs/cli.md says: → chosen, ● applied, ✓ matched, · not matched, ✗ skipped, ! error', () => {
    const outcomes: [TraceStep['outcome'], string][] = [
      ['chosen', '→'],
      ['applied', '●'],
      ['matched', '✓'],
      ['not_matched', '·'],
      ['skipped', '✗'],
      ['error', '!'],
      ['info', ' '],
    ];
    const trace = outcomes.map(([outcome]) => ({ step: 'agent_rule', outcome, message: outcome }) as TraceStep);
    const lines = formatTrace(trace, plain).trimEnd().split('\n');
    expect(lines).toEqual(outcomes.map(([outcome, mark]) => `  ${mark} ${'agent_rule'.padEnd(14)} ${outcome}`));
  });

  it('lists the factors of a score and keeps control characters off the terminal', () => {
    const step = { step: 'score', outcome: 'info', message: 'x\u001b[31m', factors: { cost_efficiency: 0.12345 } } as unknown as TraceStep;
    expect(formatTrace([step], plain)).toBe(`    ${'score'.padEnd(14)} x?[31m  cost_efficiency=0.123\n`);
  });
});
