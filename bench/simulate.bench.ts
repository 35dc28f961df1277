// `llm-agent-router simulate` on a 100 000-task day under the seed's four strategies, run as a user
// runs it: the built CLI (dist/cli.js) in a child process, the workload from the repository's
// generator, the summary printed and the HTML report written. The child reports its own peak RSS
// (`process.resourceUsage().maxRSS`: /usr/bin/time is not everywhere); the wall time is measured
// here, process start to exit. Targets (the performance issue): ≤ 6 s and ≤ 250 MB peak RSS.
//
//   npm run build && npx tsx --tsconfig bench/tsconfig.json bench/simulate.bench.ts
//
// SIMULATE_BENCH_RUNS (default 3) sets the number of runs; SIMULATE_BENCH_CLI runs another build of
// the CLI (a path to its cli.js), to compare two versions on the same workload.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWorkload } from '../examples/workloads/generate-workload.js';
import { isMain } from './bench-main.js';
import { SIMULATE_TARGET_MB, SIMULATE_TARGET_S } from './targets.js';

const TASKS = 100_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NAME = `simulate: ${TASKS.toLocaleString('en-US')} tasks × 4 strategies (CLI in a child process)`;

/** Runs the CLI it is given with the arguments after it, and writes what it measured of itself to OUT at exit. */
const WRAPPER = `
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [cli, out, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], cli, ...args];
process.on('exit', (code) => {
  const usage = process.resourceUsage();
  writeFileSync(out, JSON.stringify({ code, maxRssKb: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
});
await import(pathToFileURL(cli).href);
`;

export interface SimulateRun {
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function runOnce(dir: string, cli: string, workload: string, run: number): Promise<SimulateRun> {
  const wrapper = join(dir, 'wrapper.mjs');
  const measured = join(dir, `run-${run}.json`);
  const args = [wrapper, cli, measured, 'simulate', join(ROOT, 'examples', 'config'), '--env', 'production', '--tasks', workload, '--report', join(dir, `report-${run}.html`)];
  const started = performance.now();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', fail);
    child.on('close', (exitCode) => done({ code: exitCode, stderr }));
  });
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`simulate exited with ${String(code)}: ${stderr.trim()}`);
  const self = JSON.parse(readFileSync(measured, 'utf8')) as { maxRssKb: number; cpuMs: number };
  return { wallMs, cpuMs: self.cpuMs, maxRssMb: self.maxRssKb / 1024 };
}

let lastRuns: SimulateRun[] = [];

/** Each run of the last `runSimulateBench()`: wall and CPU time, peak RSS. */
export function simulateRuns(): SimulateRun[] {
  return [...lastRuns];
}

/** The median wall time of the runs, and the highest peak RSS among them. */
export async function runSimulateBench(): Promise<{ name: string; medianNs: number; maxRssMb?: number }[]> {
  const runs = Math.max(1, Number(process.env.SIMULATE_BENCH_RUNS ?? 3));
  const cli = resolve(process.env.SIMULATE_BENCH_CLI ?? join(ROOT, 'dist', 'cli.js'));
  const dir = mkdtempSync(join(tmpdir(), 'llm-agent-router-simulate-bench-'));
  try {
    writeFileSync(join(dir, 'wrapper.mjs'), WRAPPER);
    const workload = join(dir, 'workload.jsonl');
    writeFileSync(workload, generateWorkload({ tasks: TASKS }));
    lastRuns = [];
    for (let run = 0; run < runs; run++) lastRuns.push(await runOnce(dir, cli, workload, run));
    return [{ name: NAME, medianNs: median(lastRuns.map((r) => r.wallMs)) * 1e6, maxRssMb: Math.max(...lastRuns.map((r) => r.maxRssMb)) }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printSimulateRows(rows: { name: string; medianNs: number; maxRssMb?: number }[]): void {
  for (const row of rows) {
    const seconds = row.medianNs / 1e9;
    const rss = row.maxRssMb ?? Number.NaN;
    console.log(row.name);
    console.log(`  wall time ${seconds.toFixed(2).padStart(7)} s   (median of ${lastRuns.length}; target ≤ ${SIMULATE_TARGET_S} s)    ${seconds <= SIMULATE_TARGET_S ? 'met' : 'NOT met'}`);
    console.log(`  peak RSS  ${rss.toFixed(0).padStart(7)} MB  (highest of ${lastRuns.length}; target ≤ ${SIMULATE_TARGET_MB} MB)  ${rss <= SIMULATE_TARGET_MB ? 'met' : 'NOT met'}`);
    console.log(`  runs: ${lastRuns.map((r) => `${(r.wallMs / 1000).toFixed(2)} s wall, ${(r.cpuMs / 1000).toFixed(2)} s CPU, ${r.maxRssMb.toFixed(0)} MB`).join(' · ')}`);
  }
}

if (isMain(import.meta.url)) {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  printSimulateRows(await runSimulateBench());
}
