// examples/ai-sdk-agent.ts runs as its header says (`npx tsx examples/ai-sdk-agent.ts`), exits 0 and
// prints each step's model: the cloud model for the tool call, the local one once the tool's result
// holds an e-mail address.
import { expect, it } from 'vitest';
import { runExample } from '../../helpers/run-example.js';

it('examples/ai-sdk-agent.ts runs with tsx and prints the model of each step', async () => {
  const { code, stdout, stderr } = await runExample('ai-sdk-agent.ts');
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const steps = stdout.split('\n').filter((line) => line.startsWith('step '));
  expect(steps).toEqual([expect.stringMatching(/^step 1: gpt-4o called lookupOrder/), expect.stringMatching(/^step 2: llama-3-8b answered/)]);
  expect(stdout).toContain('the PII scan found email');
  expect(stdout).toMatch(/ledger: 2 calls/);
}, 60_000);
