// Runs every benchmark in one process and prints each figure with its ratio to the baseline
// measured in the same run. `npm run bench`; the figures go in docs/performance.md.
import { runCompleteBench, runRouterOverheadBench } from './complete.bench.js';
import { runConditionBench } from './conditions.bench.js';
import { printConfigRows, runConfigBench } from './config.bench.js';
import { runPiiBench } from './pii.bench.js';
import { printRedisRows, runRedisBench } from './redis.bench.js';
import { runRoutingBench } from './routing.bench.js';

type Row = { name: string; medianNs: number };

function print(title: string, rows: Row[], baselines: Record<string, number>): void {
  console.log(`\n${title}`);
  for (const row of rows) {
    const ratios = Object.entries(baselines)
      .filter(([, ns]) => ns > 0 && ns !== row.medianNs)
      .map(([label, ns]) => `${(row.medianNs / ns).toFixed(2)}× ${label}`)
      .join(', ');
    const value = row.medianNs >= 10_000 ? `${(row.medianNs / 1000).toFixed(1)} µs` : `${row.medianNs.toFixed(1)} ns`;
    console.log(`  ${row.name.padEnd(60)} ${value.padStart(12)}   ${ratios}`);
  }
}

console.log(`node ${process.version}, ${process.platform}/${process.arch}`);

const routing = await runRoutingBench();
print('Routing decision, seed agents, no prompt text (median)', routing, { 'hand-written': routing[0]!.medianNs });

const conditions = await runConditionBench();
const handWritten = conditions.find((r) => /hand/i.test(r.name))?.medianNs ?? 0;
const cel = conditions.find((r) => /cel/i.test(r.name))?.medianNs ?? 0;
print('One 3-clause condition (median per evaluation)', conditions, { 'hand-written': handWritten, 'cel-js': cel });

const pii = await runPiiBench();
print('PII scan of a 4 KB prompt (median)', pii, { 'single regex': pii.find((r) => /baseline|regex/i.test(r.name))?.medianNs ?? 0 });

const complete = await runCompleteBench();
const direct = complete.find((r) => /direct|bare|sdk/i.test(r.name))?.medianNs ?? 0;
print('complete() over the bare SDK call, local HTTP server (median)', complete, { 'bare SDK': direct });

const overhead = await runRouterOverheadBench();
print("The router's own time per call, no HTTP (median)", overhead, { 'mock direct': overhead[0]!.medianNs });

printRedisRows(await runRedisBench());

console.log('');
printConfigRows(await runConfigBench());
