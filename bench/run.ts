// Runs every benchmark and prints each figure with its ratio to the baseline measured in the same
// run, and whether each target of the performance issue is met. `npm run bench`; the figures go in
// docs/performance.md. SIMULATE_BENCH_RUNS (default 3) sets how many times the 100 000-task
// simulation runs.
//
// Each group runs in a fresh process of its own, one after another (this script again, with the
// group's name): what one group leaves in the engine — optimised code shaped by its inputs, a
// warmed heap — would otherwise bias the next. A subject and its baseline always share a process.
import { printColdImportRows, runColdImportBench } from './cold-import.bench.js';
import { printCompleteThroughputRows, runCompleteBench, runCompleteThroughputBench, runRouterOverheadBench } from './complete.bench.js';
import { runConditionBench, runConditionCompileBench } from './conditions.bench.js';
import { printConfigRows, runConfigBench } from './config.bench.js';
import { runPiiBench } from './pii.bench.js';
import { printRedisRows, runRedisBench } from './redis.bench.js';
import { runRoutingBench } from './routing.bench.js';
import { printSimulateRows, runSimulateBench } from './simulate.bench.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

type Row = { name: string; medianNs: number; target?: { text: string; met: boolean } };

function print(title: string, rows: Row[], baselines: Record<string, number>): void {
  console.log(`\n${title}`);
  for (const row of rows) {
    const ratios = Object.entries(baselines)
      .filter(([, ns]) => ns > 0 && ns !== row.medianNs)
      .map(([label, ns]) => `${(row.medianNs / ns).toFixed(2)}× ${label}`)
      .join(', ');
    const value = row.medianNs >= 10_000 ? `${(row.medianNs / 1000).toFixed(1)} µs` : `${row.medianNs.toFixed(1)} ns`;
    const target = row.target ? `   [target ${row.target.text}: ${row.target.met ? 'met' : 'NOT met'}]` : '';
    console.log(`  ${row.name.padEnd(72)} ${value.padStart(12)}   ${ratios}${target}`);
  }
}

const GROUPS: Record<string, () => Promise<void>> = {
  routing: async () => {
    const routing = await runRoutingBench();
    print('Routing decisions (median)', routing, { 'hand-written': routing[0]!.medianNs });
  },
  conditions: async () => {
    const conditions = await runConditionBench();
    const handWritten = conditions.find((r) => /hand/i.test(r.name))?.medianNs ?? 0;
    const cel = conditions.find((r) => /cel/i.test(r.name))?.medianNs ?? 0;
    print('One 3-clause condition (median per evaluation)', conditions, { 'hand-written': handWritten, 'cel-js': cel });
    console.log('\nCompiling one condition (fastest batch / median batch)');
    for (const row of runConditionCompileBench()) console.log(`  ${row.name.padEnd(72)} ${row.fastestUs.toFixed(2).padStart(8)} µs / ${row.medianUs.toFixed(2)} µs`);
  },
  pii: async () => {
    const pii = await runPiiBench();
    print('PII scan of a 4 KB prompt (median)', pii, { 'single regex': pii.find((r) => /baseline|regex/i.test(r.name))?.medianNs ?? 0 });
  },
  complete: async () => {
    const complete = await runCompleteBench();
    const direct = complete.find((r) => /direct|bare|sdk/i.test(r.name))?.medianNs ?? 0;
    print('complete() over the bare SDK call, local HTTP server (median)', complete, { 'bare SDK': direct });
    printCompleteThroughputRows(await runCompleteThroughputBench());
    const overhead = await runRouterOverheadBench();
    print("The router's own time per call, no HTTP (median)", overhead, { 'mock direct': overhead[0]!.medianNs });
  },
  redis: async () => {
    printRedisRows(await runRedisBench());
  },
  config: async () => {
    console.log('');
    printConfigRows(await runConfigBench());
  },
  'cold-import': async () => {
    console.log('');
    const cold = await runColdImportBench();
    printColdImportRows(cold);
    const coldRatio = cold[1]!.medianNs / cold[0]!.medianNs;
    console.log(`  target ≤ 1.8× node -e 0: ${coldRatio.toFixed(2)}× — ${coldRatio <= 1.8 ? 'met' : 'NOT met'}`);
  },
  simulate: async () => {
    console.log('\nSimulating 100 000 tasks × the seed\'s 4 strategies (the CLI, in a child process)');
    printSimulateRows(await runSimulateBench());
  },
};

const group = process.argv[2];
if (group !== undefined) {
  const run = GROUPS[group];
  if (!run) throw new Error(`no benchmark group "${group}"; the groups: ${Object.keys(GROUPS).join(', ')}`);
  await run();
} else {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  const self = fileURLToPath(import.meta.url);
  for (const name of Object.keys(GROUPS)) {
    // The same runtime and loader this process runs under (tsx), the group's name after the script.
    const child = spawnSync(process.execPath, [...process.execArgv, self, name], { stdio: 'inherit' });
    if (child.status !== 0) throw new Error(`benchmark group ${name} failed (exit ${String(child.status ?? child.signal)})`);
  }
}
