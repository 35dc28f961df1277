// docs/performance.md states the figures of one recorded `npm run bench` (bench/results/): its
// targets table and every section's table are exactly what that run gives, so a figure edited by
// hand, or a run recorded without the page rewritten, fails here; and each verdict is drawn from
// its figures by the target it names, checked on made-up runs either side of every target. No
// timing happens in this test.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { endMarker, formatNs, renderCompleteTables, renderTargetsTable, SECTIONS, startMarker, withRecordedFigures, withTable } from '../../bench/doc-tables.js';
import { GROUPS, publishResults, readResults, type NamedFigure, type RunResults } from '../../bench/results.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const page = readFileSync(`${ROOT}docs/performance.md`, 'utf8');

function section(text: string, name: string): string {
  const start = text.indexOf(startMarker(name));
  const end = text.indexOf(endMarker(name));
  expect(start, `the markers ${startMarker(name)}`).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  return text.slice(start + startMarker(name).length, end).trim();
}

describe('docs/performance.md, the recorded figures', () => {
  const results = readResults();

  it.each(Object.keys(SECTIONS))('the %s section is what the recorded run gives', (name) => {
    expect(section(page, name)).toBe(SECTIONS[name]!(results));
  });

  it('holds no figure table outside the generated sections', () => {
    expect(withRecordedFigures(page, results)).toBe(page);
    let rest = page;
    for (const name of Object.keys(SECTIONS)) rest = withTable(rest, name, '');
    // A table of timings left by hand would hold figures no recorded run backs.
    expect(rest.split('\n').filter((line) => /^\|.*\d\s*(ns|µs|ms|s)\b/.test(line))).toEqual([]);
  });

  it('comes from one run of every group, on the Node the library supports', () => {
    for (const group of GROUPS) {
      expect(results[group].runId).toBe(results.routing.runId);
      expect(Number(results[group].node.replace(/^v(\d+)\..*$/, '$1'))).toBeGreaterThanOrEqual(20);
    }
  });
});

/** A made-up whole run: every row the renderers read, each figure settable by row name. */
function madeUpRun(figures: Record<string, number> = {}): RunResults {
  const row = (name: string, medianNs: number): NamedFigure => ({ name, medianNs: figures[name] ?? medianNs });
  const recorded = <T>(group: string, values: T) => ({ runId: '2026-01-02T03:04:05.000Z', node: 'v20.1.0', cpus: 2, group, figures: values });
  return {
    routing: recorded('routing', {
      rows: [
        row('hand-written routing function (baseline)', 20),
        row('decide() — the pure core', 400),
        row('router.route() — state gathering + decide, awaited', 900),
        row('router.route() — the same, trace: false', 800),
        row('router.route() with a 4 KB prompt (PII scan, token estimate)', 3000),
        row('router.route(), an agent with 100 rules that do not match', 1500),
        row('router.route(), 100 rules no value rules out', 2500),
        row('100 three-clause closures (hand-written rules)', 200),
        row('100 three-clause closures, the rules no value rules out', 150),
        row('one three-clause rule inside route() (per rule: 100 rules − none, / 100)', 5),
        row('the same, trace: false', 1),
        row('one rule no value rules out, inside route()', 4),
        row('the same, trace: false ', 3),
      ],
    }),
    conditions: recorded('conditions', {
      rows: [row('hand-written TypeScript (baseline)', 5), row('compileCondition (this library)', 20), row('@marcbachmann/cel-js (parsed once)', 120), row('filtrex (compiled once)', 180)],
      compile: [{ name: 'compileCondition, a new source (parse, check, build)', medianUs: 9, fastestUs: 7 }],
    }),
    pii: recorded('pii', { rows: [row('/@/.test, 4 KB (baseline)', 50), row('containsPii, 4 KB, no PII', 3500)] }),
    complete: recorded('complete', {
      latency: [row('openai SDK direct: client.chat.completions.create', 200_000), row('hand-written wrapper: PII scan, budget, SDK call (the floor)', 208_000), row('router.complete() with the openai adapter', 205_000)],
      latencyRatios: { routed: figures.latency ?? 1.02, floor: figures.floorLatency ?? 1.04 },
      throughput: [1, 16, 64].map((concurrency) => ({
        concurrency,
        directPerSec: 4000,
        routedPerSec: 4000 * (figures.throughput ?? 0.97),
        ratio: figures.throughput ?? 0.97,
        wrappedPerSec: 3960,
        wrappedRatio: 0.99,
        met: (figures.throughput ?? 0.97) >= 0.95,
      })),
      overhead: [
        row('mock adapter called directly (baseline)', 300),
        row('router.complete() over the mock adapter', 1300),
        row('an instant stand-in for the SDK, called directly', 100),
        row('the hand-written wrapper over the stand-in', 900),
      ],
    }),
    redis: recorded('redis', { rows: null }),
    config: recorded('config', {
      // 200 ms for the 1 000-agent file; the cost per rule at 10 000 agents `configGrowth` times that at 1 000.
      rows: [
        { agents: 1000, yamlBytes: 1.1e6, parseMs: 100, compileMs: 100, perRuleUs: 20 },
        { agents: 10_000, yamlBytes: 11e6, parseMs: 1000, compileMs: 1000, perRuleUs: 20 * (figures.configGrowth ?? 1) },
      ],
    }),
    'cold-import': recorded('cold-import', { rows: [row('node -e 0', 50e6), row("node -e \"await import('llm-agent-router')\" (ESM)", 80e6)] }),
    simulate: recorded('simulate', { rows: [{ ...row('simulate: 100,000 tasks × 4 strategies (CLI in a child process)', 5e9), maxRssMb: figures.rss ?? 150 }], runs: [{ wallMs: 5000, cpuMs: 5500, maxRssMb: 150 }] }),
  } as RunResults;
}

/** The verdict cell of each target row, by the row's first words. */
function verdicts(results: RunResults): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of renderTargetsTable(results).split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| measure'))) {
    const cells = line.slice(2, -2).split(' | ');
    out[cells[0]!] = cells.at(-1)!;
  }
  return out;
}

describe('the targets table judges each target by its own figures', () => {
  it('reads "met" for every target of a run that meets them all', () => {
    const all = verdicts(madeUpRun());
    expect(Object.keys(all)).toHaveLength(11);
    for (const [row, cell] of Object.entries(all)) expect(cell, row).not.toMatch(/not met/);
  });

  it('reads "not met" for each target its figure misses, and only there', () => {
    const misses: [string, Record<string, number>][] = [
      ['one three-clause rule inside `route()`', { 'one three-clause rule inside route() (per rule: 100 rules − none, / 100)': 6.01 }],
      ['the same, rules no value rules out', { 'one rule no value rules out, inside route()': 4.51 }],
      ['public `compileCondition().evaluate`', { 'compileCondition (this library)': 24.1 }],
      ['`route()` on the seed config', { 'router.route() — state gathering + decide, awaited': 1000.4 }],
      ['`route()` with a 4 KB prompt', { 'router.route() with a 4 KB prompt (PII scan, token estimate)': 6000.5 }],
      ['`route()` with 100 rules that do not match', { 'router.route(), 100 rules no value rules out': 10_001 }],
      ['`complete()` over the bare `openai` SDK, p50', { latency: 1.0501 }],
      ['the same, calls per second', { throughput: 0.9499 }],
      ['`simulate`, 100 000 tasks', { rss: 250.5 }],
      ['load + compile', { configGrowth: 1.6 }],
      ["cold `import('llm-agent-router')`", { "node -e \"await import('llm-agent-router')\" (ESM)": 90.1e6 }],
    ];
    for (const [missed, figures] of misses) {
      for (const [row, cell] of Object.entries(verdicts(madeUpRun(figures)))) {
        if (row.startsWith(missed)) expect(cell, `${missed}: ${row}`).toMatch(/^not met|: not met/);
        else expect(cell, `${missed} changed ${row}`).not.toMatch(/not met/);
      }
    }
  });

  it('judges route() on time and on ratio, with and without the trace, each on its own', () => {
    const line = (figures: Record<string, number>) => verdicts(madeUpRun(figures))['`route()` on the seed config, no prompt text'];
    expect(line({})).toBe('≤ 1 µs: met (met with `trace: false`); ≤ 50×: met (met)');
    expect(line({ 'router.route() — state gathering + decide, awaited': 1100 })).toBe('≤ 1 µs: not met (met with `trace: false`); ≤ 50×: not met (met)');
    expect(line({ 'hand-written routing function (baseline)': 17 })).toBe('≤ 1 µs: met (met with `trace: false`); ≤ 50×: not met (met)');
    expect(line({ 'hand-written routing function (baseline)': 15 })).toBe('≤ 1 µs: met (met with `trace: false`); ≤ 50×: not met (not met)');
  });

  it('shows a judged figure with the digits that tell it from its threshold', () => {
    const table = renderTargetsTable(madeUpRun({ 'router.route() — state gathering + decide, awaited': 1000.4, 'one three-clause rule inside route() (per rule: 100 rules − none, / 100)': 6.01 }));
    expect(table).toContain('1.000 µs');
    expect(table).toContain('3.005× (0.500×)');
    expect(table).toContain('6.000× faster');
  });

  it('turns the complete() figures into what the latency target leaves for a router at each rate', () => {
    // Floor: 8 µs added for 0.8 µs own (×10); router: 5 µs added for 1 µs own (×5); 5 % of 200 µs is 10 µs.
    expect(renderCompleteTables(madeUpRun())).toContain('leaves 10.0 µs over the SDK\'s call: 1.00 µs of a router\'s own work per call at the floor\'s rate, 2.00 µs at the router\'s; `router.complete()` does 1.00 µs.');
  });
});

describe('formatNs', () => {
  it('rounds before it picks the unit', () => {
    expect(formatNs(6.8)).toBe('6.80 ns');
    expect(formatNs(999.96)).toBe('1.00 µs');
    expect(formatNs(99_992_654)).toBe('100 ms');
    expect(formatNs(5.91e9)).toBe('5.91 s');
    expect(formatNs(1000.4, 4)).toBe('1.000 µs');
    expect(formatNs(285_400)).toBe('285 µs');
  });
});

describe('recording a run', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function writeRun(results: RunResults, only: readonly string[] = GROUPS): string {
    dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
    for (const group of only) writeFileSync(join(dir, `${group}.json`), JSON.stringify(results[group as keyof RunResults]));
    return dir;
  }

  it('refuses results that mix two runs', () => {
    const results = madeUpRun();
    results.simulate.runId = 'another run';
    expect(() => readResults(`${writeRun(results)}/`)).toThrow(/mixes runs/);
  });

  it('publishes nothing from a run that did not finish: the last whole run stays', () => {
    const staging = writeRun(madeUpRun(), GROUPS.slice(0, 3));
    const target = mkdtempSync(join(tmpdir(), 'bench-published-'));
    try {
      expect(() => publishResults(staging, target)).toThrow(/missing/);
      expect(() => readResults(`${target}/`)).toThrow(/missing/);
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });

  it('writes between the markers and keeps the rest of the page', () => {
    const before = `# Title\n\nintro\n\n${startMarker('targets')}\nold table\n${endMarker('targets')}\n\nafter\n`;
    expect(withTable(before, 'targets', '| a |')).toBe(`# Title\n\nintro\n\n${startMarker('targets')}\n| a |\n${endMarker('targets')}\n\nafter\n`);
    expect(() => withTable('no markers', 'targets', '| a |')).toThrow(/no <!-- bench:targets -->/);
  });
});
