// Runs every benchmark and prints each figure with its ratio to the baseline measured in the same
// run, and whether each target of the performance issue is met. `npm run bench`: every group's
// figures are recorded in bench/results/ and the tables of docs/performance.md rewritten from them
// (`npm run bench:doc` rewrites them from the recorded run without measuring). SIMULATE_BENCH_RUNS
// (default 3) sets how many times the 100 000-task simulation runs.
//
// Each group runs in a fresh process of its own, one after another (this script again, with the
// group's name): what one group leaves in the engine — optimised code shaped by its inputs, a
// warmed heap — would otherwise bias the next. A subject and its baseline always share a process.
// The benchmarks are imported when their group runs (they import the built package): `--write-doc`
// needs neither them nor dist/.
import { publishResults, readResults, recordGroup, RESULTS_DIR, RUN_ID_ENV, STAGING_ENV, type Group } from './results.js';
import { renderTargetsTable, withRecordedFigures } from './doc-tables.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COLD_IMPORT_TARGET } from './targets.js';

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

const GROUPS: Record<Group, () => Promise<void>> = {
  routing: async () => {
    const { runRoutingBench } = await import('./routing.bench.js');
    const routing = await runRoutingBench();
    recordGroup('routing', { rows: routing });
    print('Routing decisions (median)', routing, { 'hand-written': routing[0]!.medianNs });
  },
  conditions: async () => {
    const { runConditionBench, runConditionCompileBench } = await import('./conditions.bench.js');
    const conditions = await runConditionBench();
    const compile = runConditionCompileBench();
    recordGroup('conditions', { rows: conditions, compile });
    const handWritten = conditions.find((r) => /hand/i.test(r.name))?.medianNs ?? 0;
    const cel = conditions.find((r) => /cel/i.test(r.name))?.medianNs ?? 0;
    print('One 3-clause condition (median per evaluation)', conditions, { 'hand-written': handWritten, 'cel-js': cel });
    console.log('\nCompiling one condition (fastest batch / median batch)');
    for (const row of compile) console.log(`  ${row.name.padEnd(72)} ${row.fastestUs.toFixed(2).padStart(8)} µs / ${row.medianUs.toFixed(2)} µs`);
  },
  pii: async () => {
    const { runPiiBench } = await import('./pii.bench.js');
    const pii = await runPiiBench();
    recordGroup('pii', { rows: pii });
    print('PII scan of a 4 KB prompt (median)', pii, { 'single regex': pii.find((r) => /baseline|regex/i.test(r.name))?.medianNs ?? 0 });
  },
  complete: async () => {
    const { latencyRatios, MOCK_DIRECT, printAmplification, printCompleteThroughputRows, runCompleteBench, runCompleteThroughputBench, runRouterOverheadBench, STAND_IN_DIRECT } = await import(
      './complete.bench.js'
    );
    const complete = await runCompleteBench();
    const direct = complete.find((r) => /direct|bare|sdk/i.test(r.name))?.medianNs ?? 0;
    print('complete() over the bare SDK call, local HTTP server (median)', complete, { 'bare SDK': direct });
    const ratios = latencyRatios();
    const throughput = await runCompleteThroughputBench();
    printCompleteThroughputRows(throughput);
    const overhead = await runRouterOverheadBench();
    recordGroup('complete', { latency: complete, latencyRatios: ratios, throughput, overhead });
    const at = (name: string) => overhead.find((row) => row.name === name)!.medianNs;
    print("The router's own time per call, no HTTP (median)", overhead, { 'mock direct': at(MOCK_DIRECT), 'stand-in direct': at(STAND_IN_DIRECT) });
    printAmplification(complete, overhead);
  },
  redis: async () => {
    const { printRedisRows, runRedisBench } = await import('./redis.bench.js');
    const redis = await runRedisBench();
    recordGroup('redis', { rows: redis ?? null });
    printRedisRows(redis);
  },
  config: async () => {
    const { printConfigRows, runConfigBench } = await import('./config.bench.js');
    console.log('');
    const config = await runConfigBench();
    recordGroup('config', { rows: config });
    printConfigRows(config);
  },
  'cold-import': async () => {
    const { printColdImportRows, runColdImportBench } = await import('./cold-import.bench.js');
    console.log('');
    const cold = await runColdImportBench();
    recordGroup('cold-import', { rows: cold });
    printColdImportRows(cold);
    const coldRatio = cold[1]!.medianNs / cold[0]!.medianNs;
    console.log(`  target ≤ ${COLD_IMPORT_TARGET}× node -e 0: ${coldRatio.toFixed(2)}× — ${coldRatio <= COLD_IMPORT_TARGET ? 'met' : 'NOT met'}`);
  },
  simulate: async () => {
    const { printSimulateRows, runSimulateBench, simulateRuns } = await import('./simulate.bench.js');
    console.log('\nSimulating 100 000 tasks × the seed\'s 4 strategies (the CLI, in a child process)');
    const simulate = await runSimulateBench();
    recordGroup('simulate', { rows: simulate, runs: simulateRuns() });
    printSimulateRows(simulate);
  },
};

const group = process.argv[2];
const page = fileURLToPath(new URL('../docs/performance.md', import.meta.url));
if (group === '--write-doc') {
  // The recorded run's figures into docs/performance.md again, without measuring anything.
  writeFileSync(page, withRecordedFigures(readFileSync(page, 'utf8'), readResults()));
} else if (group !== undefined) {
  if (!Object.hasOwn(GROUPS, group)) throw new Error(`no benchmark group "${group}"; the groups: ${Object.keys(GROUPS).join(', ')}`);
  await GROUPS[group as Group]();
} else {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  const self = fileURLToPath(import.meta.url);
  // Every group of this run records its figures in a staging folder of its own; they replace
  // bench/results/ only once every group has run, so a run that fails midway leaves the last one whole.
  const staging = mkdtempSync(join(tmpdir(), 'llm-agent-router-bench-'));
  const env = { ...process.env, [STAGING_ENV]: staging, [RUN_ID_ENV]: new Date().toISOString() };
  try {
    for (const name of Object.keys(GROUPS)) {
      // The same runtime and loader this process runs under (tsx), the group's name after the script.
      const child = spawnSync(process.execPath, [...process.execArgv, self, name], { stdio: 'inherit', env });
      if (child.status !== 0) throw new Error(`benchmark group ${name} failed (exit ${String(child.status ?? child.signal)})`);
    }
    publishResults(staging, RESULTS_DIR);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  // The tables of docs/performance.md, rewritten from what this run recorded.
  const results = readResults();
  writeFileSync(page, withRecordedFigures(readFileSync(page, 'utf8'), results));
  console.log(`\nThe targets, in this run (docs/performance.md's tables are rewritten from it)\n${renderTargetsTable(results)}`);
}
