// examples/openai-agents-agent.ts runs as its header says (`npx tsx examples/openai-agents-agent.ts`),
// exits 0, and prints each turn's model: the cloud model first, the local one once the tool result
// holds an e-mail address.
import { describe, expect, it } from 'vitest';
import { runExample } from '../../helpers/run-example.js';

describe('examples/openai-agents-agent.ts', () => {
  it('runs with npx tsx, exits 0 and prints the model of each turn', async () => {
    const { code, stdout, stderr } = await runExample('openai-agents-agent.ts');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('turn 1: support_agent → gpt-4o (cloud)');
    expect(stdout).toContain('turn 2: support_agent → llama-3-8b (local) — kept local: the conversation holds PII');
    expect(stdout).toContain('answer: Order 17 shipped yesterday');
    expect(stdout).toMatch(/ledger today: 2 calls, \$0\.0000\d\d/);
  }, 60_000);
});
