// docs/performance.md states the figures of one recorded `npm run bench` (bench/results/): its
// targets table and every section's table are exactly what that run gives, so a figure edited by
// hand, or a run recorded without the page rewritten, fails here. No timing happens in this test.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GROUPS, readResults, type RunResults } from '../../bench/results.js';
import { endMarker, renderTargetsTable, SECTIONS, startMarker, withRecordedFigures, withTable } from '../../bench/doc-tables.js';

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

  it('holds no figure table outside the generated sections but the history of earlier rounds', () => {
    expect(withRecordedFigures(page, results)).toBe(page);
    let rest = page;
    for (const name of Object.keys(SECTIONS)) rest = withTable(rest, name, '');
    // Tables of medians left by hand would be figures no run backs.
    expect(rest.split('\n').filter((line) => /^\| .*\b(median|µs|ns)\b/.test(line))).toEqual([]);
  });

  it('comes from one run of every group, on the Node the library supports', () => {
    const runIds = new Set(GROUPS.map((group) => results[group].runId));
    expect(runIds.size).toBe(1);
    for (const group of GROUPS) expect(Number(results[group].node.replace(/^v(\d+)\..*$/, '$1'))).toBeGreaterThanOrEqual(20);
  });


  it('says what each verdict says: a target the run missed reads "not met"', () => {
    const table = renderTargetsTable(results);
    const lines = table.split('\n').filter((line) => line.startsWith('| ')).slice(1);
    expect(lines.length).toBe(11);
    for (const line of lines) expect(line.replace(/ \|$/, '').split(' | ').at(-1)).toMatch(/^(≤ 1 µs: )?(not )?met\b/);
  });
});

describe('the table follows the recorded figures', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function copyWith(change: (results: RunResults) => void): RunResults {
    dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
    const results = structuredClone(readResults());
    change(results);
    for (const group of GROUPS) writeFileSync(join(dir, `${group}.json`), JSON.stringify(results[group]));
    return readResults(`${dir}/`);
  }

  it('changes when a figure changes, and its verdict with it', () => {
    const faster = copyWith((results) => {
      const rows = results['cold-import'].figures.rows;
      rows[1]!.medianNs = rows[0]!.medianNs * 1.5;
    });
    const slower = copyWith((results) => {
      const rows = results['cold-import'].figures.rows;
      rows[1]!.medianNs = rows[0]!.medianNs * 2.5;
    });
    const line = (results: RunResults) => renderTargetsTable(results).split('\n').find((row) => row.includes('cold `import'))!;
    expect(line(faster)).toMatch(/\| 1\.50× \| ≤ 1\.8× \| met \|$/);
    expect(line(slower)).toMatch(/\| 2\.50× \| ≤ 1\.8× \| not met \|$/);
  });

  it('judges each part of a two-part target on its own figure', () => {
    const rows = (results: RunResults) => results.routing.figures.rows;
    const line = (results: RunResults) => renderTargetsTable(results).split('\n').find((row) => row.includes('`route()` on the seed config'))!;
    const set = (results: RunResults, name: RegExp, ns: number) => {
      rows(results).find((row) => name.test(row.name))!.medianNs = ns;
    };
    const fast = copyWith((results) => {
      set(results, /^hand-written routing function/, 20);
      set(results, /^router\.route\(\) — state gathering/, 900);
      set(results, /^router\.route\(\) — the same, trace: false/, 800);
    });
    expect(line(fast)).toMatch(/\| 45× \(40×\); .* \| ≤ 1 µs: met \(met with `trace: false`\); ≤ 50×: met \|$/);
    const slowTraced = copyWith((results) => {
      set(results, /^hand-written routing function/, 10);
      set(results, /^router\.route\(\) — state gathering/, 1100);
      set(results, /^router\.route\(\) — the same, trace: false/, 950);
    });
    expect(line(slowTraced)).toMatch(/≤ 1 µs: not met \(met with `trace: false`\); ≤ 50×: not met \|$/);
  });

  it('refuses results that mix two runs', () => {
    expect(() =>
      copyWith((results) => {
        results.simulate.runId = 'another run';
      }),
    ).toThrow(/mixes runs/);
  });

  it('is written between the markers, the rest of the page kept', () => {
    const before = `# Title\n\nintro\n\n${startMarker('targets')}\nold table\n${endMarker('targets')}\n\nafter\n`;
    expect(withTable(before, 'targets', '| a |')).toBe(`# Title\n\nintro\n\n${startMarker('targets')}\n| a |\n${endMarker('targets')}\n\nafter\n`);
    expect(() => withTable('no markers', 'targets', '| a |')).toThrow(/no <!-- bench:targets -->/);
  });
});
