// Tables in the docs are checked against the code: the README's createRouter options (every option in
// RouterOptions has a row, every row is an option, the defaults stated are the ones used) and the
// operations guide's metrics (every field of the snapshot, and no other).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RESPONSE_CACHE_DEFAULTS } from '../../src/execution/response-cache.js';
import { DEFAULT_SCAN_LIMITS } from '../../src/request/collect-text.js';
import { RESERVATION_TTL_MS, RETRY_DEFAULTS, TIMEOUT_DEFAULTS } from '../../src/router/router-defaults.js';
import { CIRCUIT_BREAKER_DEFAULTS } from '../../src/state/circuit-breaker.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(`${ROOT}README.md`, 'utf8');
const source = readFileSync(`${ROOT}src/router/router-api.ts`, 'utf8');

interface Row {
  option: string;
  type: string;
  defaults: string;
}

function optionRows(): Row[] {
  const start = readme.indexOf('### `createRouter(config, options?)`');
  const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
  return section
    .split('\n')
    .filter((line) => /^\| `\w+` \|/.test(line))
    .map((line) => {
      const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
      const unquote = (cell: string) => cell.replace(/^`|`$/g, '');
      return { option: unquote(cells[1]!), type: unquote(cells[2]!), defaults: unquote(cells[3]!) };
    });
}

function declaredOptions(): string[] {
  const body = source.slice(source.indexOf('export interface RouterOptions {'), source.indexOf('\n}\n', source.indexOf('export interface RouterOptions {')));
  return [...body.matchAll(/^ {2}(\w+)\?:/gm)].map((match) => match[1]!);
}

/** `{ a, b }` with `1, 2` → { a: 1, b: 2 } (numbers and booleans as written). */
function statedDefaults(row: Row): Record<string, unknown> {
  const names = row.type.replace(/[{}\s]/g, '').split(',');
  const values = row.defaults.split(',').map((value) => value.trim()).map((value) => (value === 'true' ? true : value === 'false' ? false : Number(value)));
  expect(values, `${row.option}: as many defaults as fields`).toHaveLength(names.length);
  return Object.fromEntries(names.map((name, i) => [name, values[i]]));
}

describe('README: createRouter options', () => {
  const rows = optionRows();
  const byName = new Map(rows.map((row) => [row.option, row]));

  it('has one row per option of RouterOptions, and no other', () => {
    expect(rows.map((row) => row.option).sort()).toEqual(declaredOptions().sort());
    expect(rows.length).toBeGreaterThan(10);
  });

  it.each([
    ['retry', RETRY_DEFAULTS],
    ['circuitBreaker', CIRCUIT_BREAKER_DEFAULTS],
    ['timeouts', TIMEOUT_DEFAULTS],
    ['cache', RESPONSE_CACHE_DEFAULTS],
    ['scanLimits', DEFAULT_SCAN_LIMITS],
  ] as const)('states the defaults of %s the code uses', (option, defaults) => {
    expect(statedDefaults(byName.get(option)!)).toEqual({ ...defaults });
  });

  it('states the reservation lifetime the code uses', () => {
    expect(Number(byName.get('reservationTtlMs')!.defaults)).toBe(RESERVATION_TTL_MS);
  });
});

describe('docs/operations.md: the metrics table', () => {
  it('names every field of the metrics snapshot, and no other', async () => {
    const operations = readFileSync(`${ROOT}docs/operations.md`, 'utf8');
    const start = operations.indexOf('## Metrics');
    const section = operations.slice(start, operations.indexOf('\n## ', start + 1));
    const named = [...section.matchAll(/^\| `(\w+)` \|/gm)].map((match) => match[1]!);
    const { createRouter, loadConfig } = await import('../../src/index.js');
    const router = createRouter(await loadConfig(`${ROOT}examples/config`));
    expect(named.sort()).toEqual(Object.keys(await router.metrics()).sort());
  });
});
