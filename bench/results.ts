// The figures of one `npm run bench`, kept in bench/results/<group>.json so that the targets table
// in docs/performance.md is written from them (doc-tables.ts) and a test holds the page to them.
// A group records only when it runs as part of a whole run: bench/run.ts without a group name gives
// every group a staging folder and one run id, and moves the files here once every group has run,
// so they always come from one whole run, never a mix or a run that failed midway.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
/** Set by bench/run.ts for the groups of a whole run: where they record, and the run's id. */
export const STAGING_ENV = 'LLM_AGENT_ROUTER_BENCH_STAGING';
export const RUN_ID_ENV = 'LLM_AGENT_ROUTER_BENCH_RUN_ID';

/** Every group a whole run records, in the order it runs them. */
export const GROUPS = ['routing', 'conditions', 'pii', 'complete', 'redis', 'config', 'cold-import', 'simulate'] as const;
export type Group = (typeof GROUPS)[number];

export interface NamedFigure {
  name: string;
  medianNs: number;
  target?: { text: string; met: boolean };
  maxRssMb?: number;
}

/** What each group records: its rows as the benchmark returned them. */
export interface GroupFigures {
  routing: { rows: NamedFigure[] };
  conditions: { rows: NamedFigure[]; compile: { name: string; medianUs: number; fastestUs: number }[] };
  pii: { rows: NamedFigure[] };
  complete: {
    latency: NamedFigure[];
    /** Medians of the per-round ratios to the bare SDK: the router's and the hand-written floor's. */
    latencyRatios: { routed: number; floor: number };
    throughput: { concurrency: number; directPerSec: number; routedPerSec: number; ratio: number; wrappedPerSec: number; wrappedRatio: number; met: boolean }[];
    overhead: NamedFigure[];
  };
  /** `null` when redis-server is not installed where the run was made. */
  redis: { rows: { name: string; medianNs: number; roundTrips?: number }[] | null };
  config: { rows: { agents: number; yamlBytes: number; parseMs: number; compileMs: number; perRuleUs: number }[] };
  'cold-import': { rows: NamedFigure[] };
  simulate: { rows: NamedFigure[]; runs: { wallMs: number; cpuMs: number; maxRssMb: number }[] };
}

export interface RecordedGroup<G extends Group = Group> {
  runId: string;
  node: string;
  /** Logical CPUs of the machine the run was made on. */
  cpus: number;
  group: G;
  figures: GroupFigures[G];
}

export type RunResults = { [G in Group]: RecordedGroup<G> };

/** Writes a group's figures to the whole run's staging folder; a group run alone records nothing. */
export function recordGroup<G extends Group>(group: G, figures: GroupFigures[G]): void {
  const staging = process.env[STAGING_ENV];
  const runId = process.env[RUN_ID_ENV];
  if (!staging || !runId) return;
  const recorded: RecordedGroup<G> = { runId, node: process.version, cpus: cpus().length, group, figures };
  writeFileSync(join(staging, `${group}.json`), `${JSON.stringify(recorded, null, 2)}\n`);
}

/** Moves a whole run's files from `staging` into `dir`, once each group's file is there (checked first). */
export function publishResults(staging: string, dir: string): void {
  readResults(`${staging}/`);
  mkdirSync(dir, { recursive: true });
  for (const group of GROUPS) copyFileSync(join(staging, `${group}.json`), join(dir, `${group}.json`));
}

/** The recorded run: every group's file, all from one run (or an error saying which is not). */
export function readResults(dir = RESULTS_DIR): RunResults {
  const present = new Set(readdirSync(dir).filter((file) => file.endsWith('.json')));
  const results: Partial<Record<Group, RecordedGroup>> = {};
  for (const group of GROUPS) {
    if (!present.has(`${group}.json`)) throw new Error(`${dir}${group}.json is missing: run \`npm run bench\``);
    results[group] = JSON.parse(readFileSync(`${dir}${group}.json`, 'utf8')) as RecordedGroup;
  }
  const runIds = new Set(Object.values(results).map((recorded) => recorded.runId));
  if (runIds.size !== 1) throw new Error(`${dir} mixes runs (${[...runIds].join(', ')}): run \`npm run bench\` again`);
  return results as RunResults;
}
