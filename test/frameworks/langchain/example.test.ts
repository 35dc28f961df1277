// examples/langchain-agent.ts runs as its header says (`npx tsx examples/langchain-agent.ts`), exits
// 0 and prints each step's model: the cloud model for the clean question, the local model for the
// step after a tool result with an e-mail address.
import { describe, expect, it } from 'vitest';
import { runExample } from '../../helpers/run-example.js';

describe('examples/langchain-agent.ts', () => {
  it('runs with npx tsx, exits 0 and prints the model of each step', async () => {
    const { code, stdout, stderr } = await runExample('langchain-agent.ts');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [clean, pii] = stdout.split('question: ').slice(1);
    expect(clean).toContain('step 1: served by gpt-4o');
    expect(clean).toContain('step 2: served by gpt-4o');
    expect(clean).toContain('answer: Here is what I found: order 17 shipped yesterday.');
    expect(pii).toContain('step 1: served by gpt-4o');
    expect(pii).toContain('routed: llama-3-8b (local) — kept local: the conversation holds PII');
    expect(pii).toContain('step 2: served by llama-3-8b, cost $0.000000');
    expect(stdout).toMatch(/ledger today: 4 calls, \$0\.000\d+/);
  }, 60_000);
});
