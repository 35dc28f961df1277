// The tables of docs/performance.md, written from a recorded run (results.ts): the targets of the
// performance issue (what the run measured, the baseline measured beside it, whether each is met)
// and each section's figures. Each sits between its markers (`<!-- bench:NAME -->` …
// `<!-- /bench:NAME -->`); `npm run bench` rewrites them all, and a test checks that the page holds
// exactly what the recorded run gives.
import type { NamedFigure, RunResults } from './results.js';
import {
  CEL_TARGET,
  COLD_IMPORT_TARGET,
  CONFIG_TARGET_MS,
  LATENCY_TARGET,
  LINEAR_SLACK,
  MANY_RULES_TARGET_NS,
  PROMPT_TARGET_NS,
  ROUTE_RATIO_TARGET,
  ROUTE_TARGET_NS,
  RULE_TARGET,
  SIMULATE_TARGET_MB,
  SIMULATE_TARGET_S,
  THROUGHPUT_TARGET,
} from './targets.js';

export const startMarker = (name: string) => `<!-- bench:${name} -->`;
export const endMarker = (name: string) => `<!-- /bench:${name} -->`;

function find(rows: readonly NamedFigure[], name: string | RegExp, after?: string | RegExp): NamedFigure {
  const matches = (row: NamedFigure, pattern: string | RegExp) => (typeof pattern === 'string' ? row.name === pattern : pattern.test(row.name));
  const from = after === undefined ? 0 : rows.findIndex((row) => matches(row, after)) + 1;
  const found = rows.slice(from).find((row) => matches(row, name));
  if (!found) throw new Error(`no benchmark row ${String(name)}${after === undefined ? '' : ` after ${String(after)}`} in the recorded run`);
  return found;
}

const UNITS: [number, string][] = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
];

/**
 * `ns` in the largest unit it fills, to `significant` figures (6.80 ns, 1.07 µs, 280 µs, 92.1 ms,
 * 5.91 s): rounded first, so 999.96 ns reads 1.00 µs and 99.99 ms reads 100 ms.
 */
export function formatNs(ns: number, significant = 3): string {
  if (!Number.isFinite(ns)) return `${ns} ns`;
  const rounded = Number(ns.toPrecision(significant));
  const [scale, unit] = UNITS.find(([size]) => Math.abs(rounded) >= size) ?? UNITS[UNITS.length - 1]!;
  const value = rounded / scale;
  const digits = Math.max(0, significant - 1 - Math.floor(Math.log10(Math.abs(value) || 1)));
  return `${value.toFixed(digits)} ${unit}`;
}

/** A figure a verdict is drawn from: one more significant figure, so that it never reads as its threshold. */
const judgedNs = (ns: number) => formatNs(ns, 4);

/** 1 000, 10 000: thousands set apart by a space, as the page writes them. */
const count = (n: number) => n.toLocaleString('en-US').replace(/,/g, ' ');
const times = (ratio: number) => `${ratio.toFixed(ratio >= 10 ? 0 : 2)}×`;
/** A ratio a verdict is drawn from: enough digits that 2.996× never reads 3.00×. */
const judged = (ratio: number) => `${ratio.toFixed(ratio >= 100 ? 0 : ratio >= 10 ? 1 : 3)}×`;
const verdict = (met: boolean) => (met ? 'met' : 'not met');

/** The table's markdown, with the run it comes from above it. */
export function renderTargetsTable(results: RunResults): string {
  const routing = results.routing.figures.rows;
  const conditions = results.conditions.figures.rows;
  const complete = results.complete.figures;
  const rows: string[][] = [];

  for (const [label, rule, closures] of [
    ['one three-clause rule inside `route()`, rules keyed on `task.type` (a hundred, none matching)', /^one three-clause rule inside route\(\)/, '100 three-clause closures (hand-written rules)'],
    ['the same, rules no value rules out (each evaluated)', /^one rule no value rules out, inside route\(\)/, '100 three-clause closures, the rules no value rules out'],
  ] as const) {
    const traced = find(routing, rule).medianNs;
    const untraced = find(routing, /^the same, trace: false\s*$/, rule).medianNs;
    const closure = find(routing, closures).medianNs / 100;
    rows.push([
      label,
      `${formatNs(traced)} (${formatNs(untraced)} with \`trace: false\`)`,
      `a closure ${formatNs(closure)}`,
      `${judged(traced / closure)} (${judged(untraced / closure)})`,
      `≤ ${RULE_TARGET}× the closure`,
      `${verdict(traced <= RULE_TARGET * closure)} (${verdict(untraced <= RULE_TARGET * closure)} with \`trace: false\`)`,
    ]);
  }

  const compiled = find(conditions, 'compileCondition (this library)').medianNs;
  const cel = find(conditions, /cel-js/).medianNs;
  const faster = cel / compiled;
  rows.push(['public `compileCondition().evaluate`', formatNs(compiled), `cel-js ${formatNs(cel)}`, `${judged(faster)} faster`, `≥ ${CEL_TARGET}× faster than cel-js`, verdict(faster >= CEL_TARGET)]);

  const handWritten = find(routing, 'hand-written routing function (baseline)').medianNs;
  const route = find(routing, /^router\.route\(\) — state gathering \+ decide/).medianNs;
  const routeUntraced = find(routing, /^router\.route\(\) — the same, trace: false/).medianNs;
  const decide = find(routing, /^decide\(\)/).medianNs;
  const inTime = (ns: number) => ns <= ROUTE_TARGET_NS;
  const inRatio = (ns: number) => ns / handWritten <= ROUTE_RATIO_TARGET;
  rows.push([
    '`route()` on the seed config, no prompt text',
    `${judgedNs(route)} (${judgedNs(routeUntraced)} with \`trace: false\`); \`decide()\` alone ${formatNs(decide)}`,
    `hand-written ${formatNs(handWritten)}`,
    `${judged(route / handWritten)} (${judged(routeUntraced / handWritten)}); \`decide()\` ${judged(decide / handWritten)}`,
    `≤ ${formatNs(ROUTE_TARGET_NS, 1)} and ≤ ${ROUTE_RATIO_TARGET}×`,
    `≤ ${formatNs(ROUTE_TARGET_NS, 1)}: ${verdict(inTime(route))} (${verdict(inTime(routeUntraced))} with \`trace: false\`); ≤ ${ROUTE_RATIO_TARGET}×: ${verdict(inRatio(route))} (${verdict(inRatio(routeUntraced))})`,
  ]);

  const prompt = find(routing, /^router\.route\(\) with a 4 KB prompt/).medianNs;
  rows.push(['`route()` with a 4 KB prompt', judgedNs(prompt), '', '', `≤ ${formatNs(PROMPT_TARGET_NS, 1)}`, verdict(prompt <= PROMPT_TARGET_NS)]);
  const many = find(routing, /^router\.route\(\), an agent with 100 rules that do not match$/).medianNs;
  const unkeyed = find(routing, /^router\.route\(\), 100 rules no value rules out$/).medianNs;
  rows.push([
    '`route()` with 100 rules that do not match',
    `${judgedNs(many)} (${judgedNs(unkeyed)} when no value rules any out)`,
    '',
    '',
    `≤ ${formatNs(MANY_RULES_TARGET_NS, 2)}`,
    verdict(many <= MANY_RULES_TARGET_NS && unkeyed <= MANY_RULES_TARGET_NS),
  ]);

  const direct = find(complete.latency, /^openai SDK direct/).medianNs;
  const wrapped = find(complete.latency, /^hand-written wrapper/).medianNs;
  const routed = find(complete.latency, /^router\.complete\(\)/).medianNs;
  const { routed: latencyRatio, floor: floorRatio } = complete.latencyRatios;
  rows.push([
    '`complete()` over the bare `openai` SDK, p50',
    formatNs(routed),
    `the SDK ${formatNs(direct)}; the hand-written floor ${formatNs(wrapped)}`,
    `${judged(latencyRatio)} (the floor ${judged(floorRatio)})`,
    `≤ ${LATENCY_TARGET}×`,
    `${verdict(latencyRatio <= LATENCY_TARGET)} (the floor: ${verdict(floorRatio <= LATENCY_TARGET)})`,
  ]);
  const throughput = complete.throughput;
  rows.push([
    `the same, calls per second at ${throughput.map((row) => row.concurrency).join(' / ')} in flight`,
    throughput.map((row) => row.routedPerSec.toFixed(0)).join(' / '),
    `the SDK ${throughput.map((row) => row.directPerSec.toFixed(0)).join(' / ')}`,
    `${throughput.map((row) => judged(row.ratio)).join(' / ')} (the floor ${throughput.map((row) => judged(row.wrappedRatio)).join(' / ')})`,
    `≥ ${THROUGHPUT_TARGET}×`,
    `${verdict(throughput.every((row) => row.ratio >= THROUGHPUT_TARGET))} (the floor: ${verdict(throughput.every((row) => row.wrappedRatio >= THROUGHPUT_TARGET))})`,
  ]);

  const simulate = results.simulate.figures.rows[0]!;
  const peakMb = simulate.maxRssMb ?? Number.NaN;
  rows.push([
    '`simulate`, 100 000 tasks × 4 strategies',
    `${judgedNs(simulate.medianNs)}, ${peakMb.toFixed(0)} MB peak`,
    '',
    '',
    `≤ ${SIMULATE_TARGET_S} s, ≤ ${SIMULATE_TARGET_MB} MB`,
    verdict(simulate.medianNs <= SIMULATE_TARGET_S * 1e9 && peakMb <= SIMULATE_TARGET_MB),
  ]);

  const config = results.config.figures.rows;
  const thousand = config.find((row) => row.agents === 1000);
  const largest = config[config.length - 1];
  if (!thousand || !largest) throw new Error('the recorded configuration benchmark has no 1 000-agent row');
  const loadMs = thousand.parseMs + thousand.compileMs;
  const growth = largest.perRuleUs / thousand.perRuleUs;
  rows.push([
    `load + compile ${count(thousand.agents)} agents × 10 rules (${(thousand.yamlBytes / 1e6).toFixed(1)} MB)`,
    `${loadMs.toFixed(1)} ms; ${thousand.perRuleUs.toFixed(1)} µs a rule, ${largest.perRuleUs.toFixed(1)} µs at ${count(largest.agents)} agents`,
    '',
    `per rule ${judged(growth)} from ${count(thousand.agents)} to ${count(largest.agents)} agents`,
    `≤ ${CONFIG_TARGET_MS} ms, linear (per rule within ${LINEAR_SLACK}×)`,
    verdict(loadMs <= CONFIG_TARGET_MS && growth <= LINEAR_SLACK),
  ]);

  const [bare, imported] = results['cold-import'].figures.rows;
  const cold = imported!.medianNs / bare!.medianNs;
  rows.push(["cold `import('llm-agent-router')`", formatNs(imported!.medianNs), `\`node -e 0\` ${formatNs(bare!.medianNs)}`, judged(cold), `≤ ${COLD_IMPORT_TARGET}×`, verdict(cold <= COLD_IMPORT_TARGET)]);

  const { runId, node, cpus } = results.routing;
  for (const row of rows) for (let i = 2; i <= 3; i++) if (row[i] === '') row[i] = '—';
  const lines = [
    `From the run recorded on ${runId.slice(0, 10)} (Node ${node.slice(1)}, ${cpus} CPUs; its figures are in \`bench/results/\`).`,
    '',
    '| measure | this run | baseline, same run | ratio | target | |',
    '|---|---|---|---|---|---|',
  ];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

/** What work around the call costs it over HTTP, for the router and the floor, from one run's rows. */
export interface Amplification {
  sdk: number;
  floor: number;
  router: number;
  /** Own time without HTTP, ns. */
  ownFloor: number;
  ownRouter: number;
  /** What ≤ LATENCY_TARGET× leaves over the SDK's call, ns, and that turned into own work at each side's rate. */
  leeway: number;
  atFloorRate: number;
  atRouterRate: number;
}

export function amplification(latency: readonly NamedFigure[], overhead: readonly NamedFigure[]): Amplification {
  const at = (rows: readonly NamedFigure[], pattern: RegExp) => find(rows, pattern).medianNs;
  const sdk = at(latency, /^openai SDK direct/);
  const floor = at(latency, /^hand-written wrapper/);
  const router = at(latency, /^router\.complete\(\)/);
  const ownRouter = at(overhead, /^router\.complete\(\) over the mock/) - at(overhead, /^mock adapter called directly/);
  const ownFloor = at(overhead, /^the hand-written wrapper over the stand-in/) - at(overhead, /^an instant stand-in for the SDK/);
  const leeway = (LATENCY_TARGET - 1) * sdk;
  return { sdk, floor, router, ownFloor, ownRouter, leeway, atFloorRate: leeway / ((floor - sdk) / ownFloor), atRouterRate: leeway / ((router - sdk) / ownRouter) };
}

/** The sentence that says what the latency target leaves for a router's own work. */
export function allowanceSentence(a: Amplification): string {
  return `The ≤ ${LATENCY_TARGET}× target leaves ${formatNs(a.leeway)} over the SDK's call: ${formatNs(a.atFloorRate)} of a router's own work per call at the floor's rate, ${formatNs(a.atRouterRate)} at the router's; \`router.complete()\` does ${formatNs(a.ownRouter)}.`;
}

/**
 * The `complete()` section's figures: latency and calls per second of the bare SDK, the
 * hand-written floor and the router; the own time of each without HTTP; and what a microsecond of
 * own work costs the call over HTTP, for each, with what the latency target leaves at that rate.
 */
export function renderCompleteTables(results: RunResults): string {
  const { latency, latencyRatios, throughput, overhead } = results.complete.figures;
  const a = amplification(latency, overhead);
  const { sdk, floor, router, ownFloor, ownRouter } = a;
  const rate = (added: number, own: number) => `×${(added / own).toFixed(1)}`;
  const lines = [
    '| one call at a time | median | vs the SDK (median of rounds) | own time without HTTP | added over HTTP | added ÷ own |',
    '|---|---|---|---|---|---|',
    `| \`openai\` SDK direct (baseline) | ${formatNs(sdk)} | 1× | | | |`,
    `| the hand-written floor | ${formatNs(floor)} | ${judged(latencyRatios.floor)} | ${formatNs(ownFloor)} | ${formatNs(floor - sdk)} | ${rate(floor - sdk, ownFloor)} |`,
    `| \`router.complete()\`, OpenAI adapter | ${formatNs(router)} | ${judged(latencyRatios.routed)} | ${formatNs(ownRouter)} | ${formatNs(router - sdk)} | ${rate(router - sdk, ownRouter)} |`,
    '',
    '| in flight | SDK calls/s | floor calls/s | router calls/s | floor ÷ SDK | router ÷ SDK |',
    '|---|---|---|---|---|---|',
    ...throughput.map((row) => `| ${row.concurrency} | ${row.directPerSec.toFixed(0)} | ${row.wrappedPerSec.toFixed(0)} | ${row.routedPerSec.toFixed(0)} | ${judged(row.wrappedRatio)} | ${judged(row.ratio)} |`),
    '',
    allowanceSentence(a),
  ];
  return lines.join('\n');
}

/** A table of benchmark rows: each row's median and its ratio to each baseline (by row name). */
function rowsTable(rows: readonly NamedFigure[], heading: string, baselines: { label: string; name: string | RegExp; faster?: boolean }[]): string {
  const base = baselines.map((baseline) => ({ ...baseline, ns: find(rows, baseline.name).medianNs }));
  const lines = [`| ${heading} | median | ${base.map((b) => `vs ${b.label}`).join(' | ')} |`, `|---|---|${base.map(() => '---|').join('')}`];
  for (const row of rows) {
    const ratios = base.map((b) => {
      if (row.medianNs === b.ns) return '1×';
      if (!b.faster) return times(row.medianNs / b.ns);
      return b.ns >= row.medianNs ? `${times(b.ns / row.medianNs)} faster` : `${times(row.medianNs / b.ns)} slower`;
    });
    lines.push(`| ${row.name.trim()} | ${formatNs(row.medianNs)} | ${ratios.join(' | ')} |`);
  }
  return lines.join('\n');
}

function renderRouting(results: RunResults): string {
  return rowsTable(results.routing.figures.rows, 'seed decisions and rule sets', [{ label: 'hand-written', name: 'hand-written routing function (baseline)' }]);
}

function renderConditions(results: RunResults): string {
  const { rows, compile } = results.conditions.figures;
  const evaluation = rowsTable(rows, 'one condition, per evaluation', [
    { label: 'hand-written', name: /^hand-written/ },
    { label: 'cel-js', name: /cel-js/, faster: true },
  ]);
  const compiling = ['| compiling one condition | median batch | fastest batch |', '|---|---|---|', ...compile.map((row) => `| ${row.name} | ${formatNs(row.medianUs * 1000)} | ${formatNs(row.fastestUs * 1000)} |`)];
  return `${evaluation}\n\n${compiling.join('\n')}`;
}

function renderPii(results: RunResults): string {
  return rowsTable(results.pii.figures.rows, 'a 4 KB prompt', [{ label: 'one regular expression', name: /regex|baseline/i }]);
}

function renderRedis(results: RunResults): string {
  const { rows } = results.redis.figures;
  if (rows === null) return 'Not measured in the recorded run: redis-server was not installed.';
  const lines = ['| `complete()` over an instant mock | median per call | Redis round trips per call |', '|---|---|---|'];
  for (const row of rows) lines.push(`| ${row.name} | ${formatNs(row.medianNs)} | ${row.roundTrips ?? '—'} |`);
  return lines.join('\n');
}

function renderConfig(results: RunResults): string {
  const lines = ['| agents × rules | YAML | parse | compile | per rule |', '|---|---|---|---|---|'];
  for (const row of results.config.figures.rows) {
    lines.push(`| ${count(row.agents)} × 10 | ${row.yamlBytes >= 1e6 ? `${(row.yamlBytes / 1e6).toFixed(1)} MB` : `${(row.yamlBytes / 1e3).toFixed(0)} KB`} | ${row.parseMs.toFixed(0)} ms | ${row.compileMs.toFixed(0)} ms | ${row.perRuleUs.toFixed(1)} µs |`);
  }
  return lines.join('\n');
}

function renderColdImport(results: RunResults): string {
  const rows = results['cold-import'].figures.rows;
  return rowsTable(rows, 'a fresh `node` process', [{ label: '`node -e 0`', name: rows[0]!.name }]);
}

function renderSimulate(results: RunResults): string {
  const { rows, runs } = results.simulate.figures;
  const row = rows[0]!;
  const lines = ['| 100 000 tasks × 4 strategies | wall time | CPU time | peak RSS |', '|---|---|---|---|'];
  lines.push(`| median of ${runs.length} runs (peak: the highest) | ${formatNs(row.medianNs)} | | ${(row.maxRssMb ?? Number.NaN).toFixed(0)} MB |`);
  runs.forEach((run, i) => lines.push(`| run ${i + 1} | ${formatNs(run.wallMs * 1e6)} | ${formatNs(run.cpuMs * 1e6)} | ${run.maxRssMb.toFixed(0)} MB |`));
  return lines.join('\n');
}

/** Every generated section of the page, by marker name. */
export const SECTIONS: Record<string, (results: RunResults) => string> = {
  targets: renderTargetsTable,
  routing: renderRouting,
  conditions: renderConditions,
  pii: renderPii,
  complete: renderCompleteTables,
  redis: renderRedis,
  config: renderConfig,
  'cold-import': renderColdImport,
  simulate: renderSimulate,
};

/** `page` with what is between `name`'s markers replaced by `table` (an error when the markers are missing). */
export function withTable(page: string, name: string, table: string): string {
  const start = page.indexOf(startMarker(name));
  const end = page.indexOf(endMarker(name));
  if (start < 0 || end < start) throw new Error(`docs/performance.md has no ${startMarker(name)} … ${endMarker(name)} section`);
  return `${page.slice(0, start + startMarker(name).length)}\n${table}\n${page.slice(end)}`;
}

/** `page` with every generated section rewritten from `results`. */
export function withRecordedFigures(page: string, results: RunResults): string {
  let out = page;
  for (const [name, render] of Object.entries(SECTIONS)) out = withTable(out, name, render(results));
  return out;
}
