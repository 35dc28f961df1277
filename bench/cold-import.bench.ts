// What importing the package costs a process that starts cold: `node -e 0` against a node that
// imports `llm-agent-router` (ESM, the built dist/ through the package's `exports`), each run in a
// fresh process, the two alternating round by round so that a busy machine weighs on both alike.
// The figure that matters is the ratio of the medians, measured in one run.
//
//   npm run build && npx tsx --tsconfig bench/tsconfig.json bench/cold-import.bench.ts [rounds]
//
// Node resolves the package's name from the repository itself (a package may import itself by name
// through its `exports`), so the children run with the repository as their working directory.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isMain } from './bench-main.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));

export interface ColdImportOptions {
  /** Rounds of both commands (default 21), after one unmeasured warm-up round. */
  rounds?: number;
  /** Where the children run, so where `llm-agent-router` resolves from (default: this repository). */
  cwd?: string;
}

interface Command {
  name: string;
  args: string[];
}

const COMMANDS: Command[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: "node -e \"await import('llm-agent-router')\" (ESM)", args: ['--input-type=module', '-e', "await import('llm-agent-router')"] },
];

/** The median wall time of each command, in ns: `node -e 0` first, then the import. */
export async function runColdImportBench(options: ColdImportOptions = {}): Promise<{ name: string; medianNs: number }[]> {
  const rounds = options.rounds ?? 21;
  const cwd = options.cwd ?? REPO;
  const times: number[][] = COMMANDS.map(() => []);
  for (let round = -1; round < rounds; round++) {
    // Alternate which goes first, so neither always runs just after the other.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const index of order) {
      const ns = timeOnce(COMMANDS[index]!, cwd);
      if (round >= 0) times[index]!.push(ns);
    }
  }
  return COMMANDS.map((command, index) => ({ name: command.name, medianNs: median(times[index]!) }));
}

function timeOnce(command: Command, cwd: string): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, command.args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  const ns = Number(process.hrtime.bigint() - start);
  if (result.status !== 0) {
    throw new Error(`${command.name} failed (exit ${String(result.status)}): ${result.stderr.toString().trim() || result.error?.message || ''}`);
  }
  return ns;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function printColdImportRows(rows: { name: string; medianNs: number }[]): void {
  const base = rows[0]!.medianNs;
  console.log('Cold start: a fresh node process, median wall time');
  for (const row of rows) {
    console.log(`  ${row.name.padEnd(56)} ${(row.medianNs / 1e6).toFixed(1).padStart(7)} ms   ${(row.medianNs / base).toFixed(2)}× node -e 0`);
  }
}

if (isMain(import.meta.url)) {
  const rounds = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  printColdImportRows(await runColdImportBench(rounds === undefined ? {} : { rounds }));
}
