// examples/ai-sdk-agent.ts runs as its header says (`npx tsx examples/ai-sdk-agent.ts`), exits 0 and
// prints each step's model: the cloud model for the tool call, the local one once the tool's result
// holds an e-mail address.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

it('examples/ai-sdk-agent.ts runs with tsx and prints the model of each step', async () => {
  const { stdout } = await promisify(execFile)('npx', ['tsx', 'examples/ai-sdk-agent.ts'], { cwd: ROOT, timeout: 60_000 });
  const steps = stdout.split('\n').filter((line) => line.startsWith('step '));
  expect(steps).toEqual([expect.stringMatching(/^step 1: gpt-4o called lookupOrder/), expect.stringMatching(/^step 2: llama-3-8b answered/)]);
  expect(stdout).toContain('the PII scan found email');
  expect(stdout).toMatch(/ledger: 2 calls/);
}, 60_000);
