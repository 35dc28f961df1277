// How fast one compiled condition evaluates —
//   task.complexity > 8 and task.privacy_level != 'high' and not data.contains_pii
// — against a hand-written TypeScript function doing the same thing (the floor), and the same
// expression compiled once in @marcbachmann/cel-js and in filtrex. Every entry is checked to give
// the same answers first. Each sample times a batch of calls (a single call is shorter than the
// timer's resolution) and reports the mean per call; the figure printed is the median sample.
// Two more rows: the same shape of condition over field names the library does not read through
// a property access of their own (safe-read.ts), and the condition as the router evaluates it
// (`evaluateDetailed` on the scope a decision builds) beside the same check written as a closure
// over that scope. Then what compiling a condition costs: a source never seen before, and one
// compiled before (the cache).
//
// The other seed conditions are compiled and evaluated during warm-up, as they would be in a
// router, so the engine's view of the shared evaluation code is the realistic one.
//
//   npm run build && npx tsx --tsconfig bench/tsconfig.json bench/conditions.bench.ts
import { parse as parseCel } from '@marcbachmann/cel-js';
import { compileExpression, useDotAccessOperatorAndOptionalChaining } from 'filtrex';
import { Bench, type FnReturnedObject } from 'tinybench';
import { compileCondition, type ConditionScope } from 'llm-agent-router';
import { isMain, medianNs } from './bench-main.js';

const CONDITION = "task.complexity > 8 and task.privacy_level != 'high' and not data.contains_pii";
/** The same shape over names read by a computed access. */
const OTHER_NAMES = "task.score > 8 and task.tier != 'high' and not data.secret";
const CEL = "task.complexity > 8 && task.privacy_level != 'high' && !data.contains_pii";
const FILTREX = 'task.complexity > 8 and task.privacy_level != "high" and not data.contains_pii';

const SEED_CONDITIONS = [
  "task.privacy_level == 'high'",
  'task.complexity > 8',
  'cost_limit_reached',
  "task.type == 'code_generation'",
  'task.complexity > 6',
  'budget_mode == true',
  'task.involves_ui_design',
  "task.type == 'test_generation'",
  'task.requires_reasoning',
  'model.rate_limit_approaching',
  'daily_cost > budget * 0.8',
  'data.contains_pii',
  "task.critical and model.type == 'local'",
];

type Scope = { task: Record<string, unknown>; data: Record<string, unknown>; context: Record<string, unknown> };
type Row = { name: string; medianNs: number; target?: { text: string; met: boolean } };
/** One measured entry: `scopes` gives the scope it evaluates for each of the 64 test scopes. */
type Entry = { name: string; evaluate: (scope: unknown) => boolean; scopes: (scope: Scope) => unknown };

/**
 * Scopes as the router builds them. Half match; the others fail at the first, second or third
 * clause, so every clause is exercised.
 */
function makeScopes(): Scope[] {
  const scopes: Scope[] = [];
  for (let i = 0; i < 64; i++) {
    const fails = i % 4; // 0: matches, 1: complexity, 2: privacy, 3: pii
    scopes.push({
      task: {
        type: i % 2 === 0 ? 'code_generation' : 'architecture',
        complexity: fails === 1 ? 5 + (i % 4) : 9 + (i % 2),
        privacy_level: fails === 2 ? 'high' : 'low',
        estimated_tokens: 1000 + i,
      },
      data: { contains_pii: fails === 3 },
      context: { routing_strategy: 'balanced' },
    });
  }
  // Each engine gets its own copies, so no engine benefits from caches warmed by another.
  return structuredClone(scopes);
}

/** The floor: what a programmer would write by hand, with the same missing-field semantics. */
function handWritten(scope: Scope): boolean {
  const complexity = scope.task.complexity;
  return typeof complexity === 'number' && complexity > 8 && scope.task.privacy_level !== 'high' && !scope.data.contains_pii;
}

/** The same scopes with the fields of OTHER_NAMES. */
function renamed(scope: Scope): Scope {
  const { complexity, privacy_level, ...task } = scope.task;
  return { ...scope, task: { ...task, score: complexity, tier: privacy_level }, data: { secret: scope.data.contains_pii } };
}

/** The scope a routing decision builds around the task (src/routing/decision-run.ts). */
function routerScope(scope: Scope): Record<string, unknown> {
  return { task: scope.task, context: scope.context, agent: { model_preferences: {} }, model: undefined, data: scope.data, daily_cost: 1.5, budget: 100, cost_limit_reached: false };
}

/** The check a rule makes, written as a closure over the router's scope. */
function handWrittenOnRouterScope(scope: Record<string, unknown>): boolean {
  const task = scope.task as Record<string, unknown>;
  const complexity = task.complexity;
  return typeof complexity === 'number' && complexity > 8 && task.privacy_level !== 'high' && !(scope.data as Record<string, unknown>).contains_pii;
}

export async function runConditionBench(): Promise<Row[]> {
  const compiled = compileCondition(CONDITION);
  const otherNames = compileCondition(OTHER_NAMES);
  const cel = parseCel(CEL);
  const filtrex = compileExpression(FILTREX, { customProp: useDotAccessOperatorAndOptionalChaining });

  const same = (scope: Scope): unknown => scope;
  const entries: Entry[] = [
    { name: 'hand-written TypeScript (baseline)', evaluate: (scope) => handWritten(scope as Scope), scopes: same },
    { name: 'compileCondition (this library)', evaluate: (scope) => compiled.evaluate(scope as ConditionScope), scopes: same },
    { name: '@marcbachmann/cel-js (parsed once)', evaluate: (scope) => cel(scope as Scope) === true, scopes: same },
    { name: 'filtrex (compiled once)', evaluate: (scope) => filtrex(scope) === true, scopes: same },
  ];
  const extra: Entry[] = [
    { name: 'compileCondition, other field names', evaluate: (scope) => otherNames.evaluate(scope as ConditionScope), scopes: renamed },
    { name: 'router: evaluateDetailed on a decision scope', evaluate: (scope) => compiled.evaluateDetailed(scope as ConditionScope).value, scopes: routerScope },
    { name: 'router: the same check as a closure', evaluate: (scope) => handWrittenOnRouterScope(scope as Record<string, unknown>), scopes: routerScope },
  ];

  // Same answers everywhere, or the comparison means nothing.
  const reference = makeScopes();
  const check = (list: Entry[]): void => {
    for (const scope of reference) {
      const expected = handWritten(scope);
      for (const entry of list) {
        if (entry.evaluate(entry.scopes(scope)) !== expected) throw new Error(`${entry.name} disagrees on ${JSON.stringify(scope)}`);
      }
    }
  };
  check(entries);

  // Realistic warm-up of the shared evaluation code: every seed condition, on varied scopes.
  const seed = SEED_CONDITIONS.map((source) => compileCondition(source));
  const warmScopes: ConditionScope[] = [
    ...reference,
    { task: { critical: true }, model: { type: 'local', rate_limit_approaching: false }, daily_cost: 10, budget: 100 },
    { context: { budget_mode: true }, cost_limit_reached: false, data: {} },
  ] as unknown as ConditionScope[];
  for (let round = 0; round < 20_000; round++) {
    for (const condition of seed) condition.evaluate(warmScopes[round % warmScopes.length] as ConditionScope);
  }

  const rows = await measure(entries);
  // Measured after the comparison: they show the engine more kinds of objects and names, which
  // makes the shared evaluation code more general (and a little slower) from then on.
  check(extra);
  rows.push(...(await measure(extra)));

  const ns = (pattern: RegExp): number => rows.find((row) => pattern.test(row.name))?.medianNs ?? Number.NaN;
  const celNs = ns(/cel-js/);
  for (const row of rows) {
    if (/this library/.test(row.name)) {
      const times = celNs / row.medianNs;
      row.target = { text: `>= 5x faster than cel-js (${times.toFixed(1)}x)`, met: times >= 5 };
    }
    if (/router: evaluateDetailed/.test(row.name)) {
      const times = row.medianNs / ns(/router: the same check/);
      row.target = { text: `<= 3x the closure on the same scope (${times.toFixed(1)}x)`, met: times <= 3 };
    }
  }
  return rows;
}

/** Each entry's median time per call, over the 64 scopes (as `entry.scopes` shapes them). */
async function measure(list: Entry[]): Promise<Row[]> {
  const batch = 1000;
  let sink = 0;
  const bench = new Bench({ time: 1000, warmup: true });
  for (const entry of list) {
    const scopes = makeScopes().map(entry.scopes);
    let next = 0;
    const { evaluate } = entry;
    bench.add(
      entry.name,
      (): FnReturnedObject => {
        const start = bench.now();
        for (let i = 0; i < batch; i++) {
          if (evaluate(scopes[next++ & 63] as unknown)) sink++;
        }
        const elapsed = bench.now() - start;
        return { overriddenDuration: elapsed / batch, overriddenIterationCost: elapsed };
      },
      { async: false },
    );
  }
  await bench.run();
  if (sink === 0) throw new Error('unreachable: no condition ever matched');
  return bench.tasks.map((task) => ({ name: task.name, medianNs: medianNs(task) }));
}

/**
 * What compiling one condition costs, in µs: sources never compiled before (the shape of the
 * configuration benchmark's rules), and a source compiled before, which the cache answers. The
 * median batch, and the fastest (compiling allocates: on a busy machine the two differ widely).
 */
export function runConditionCompileBench(): { name: string; medianUs: number; fastestUs: number }[] {
  const rounds = 30;
  const perRound = 500;
  const cold: number[] = [];
  const cached: number[] = [];
  const again = Array.from({ length: 100 }, (_, i) => `task.complexity > ${i % 10} and task.type == 'again_${i}'`);
  for (const source of again) compileCondition(source);
  for (let round = 0; round < rounds; round++) {
    const sources = Array.from({ length: perRound }, (_, i) => `task.complexity > ${i % 10} and task.type == 'type_${round}_${i}'`);
    let start = performance.now();
    for (const source of sources) compileCondition(source);
    cold.push(((performance.now() - start) * 1000) / perRound);
    start = performance.now();
    for (let i = 0; i < perRound; i++) compileCondition(again[i % again.length] as string);
    cached.push(((performance.now() - start) * 1000) / perRound);
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] as number;
  return [
    { name: 'compileCondition, a new source (parse, check, build)', medianUs: median(cold), fastestUs: Math.min(...cold) },
    { name: 'compileCondition, a source compiled before (cached)', medianUs: median(cached), fastestUs: Math.min(...cached) },
  ];
}

if (isMain(import.meta.url)) {
  const rows = await runConditionBench();
  const baseline = rows.find((row) => /hand-written/.test(row.name))?.medianNs ?? Number.NaN;
  const cel = rows.find((row) => /cel-js/.test(row.name))?.medianNs ?? Number.NaN;
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  console.log(`Condition: ${CONDITION}`);
  console.log('Median per evaluation (mean of 1000 calls per sample):');
  for (const row of rows) {
    console.log(
      `  ${row.name.padEnd(44)} ${row.medianNs.toFixed(1).padStart(8)} ns   ` +
        `${(row.medianNs / baseline).toFixed(1).padStart(6)}× hand-written   ` +
        `${(cel / row.medianNs).toFixed(1).padStart(5)}× faster than cel-js` +
        (row.target ? `   [target ${row.target.text}: ${row.target.met ? 'met' : 'NOT met'}]` : ''),
    );
  }
  console.log('Compiling one condition (30 batches of 500: median, fastest):');
  for (const row of runConditionCompileBench()) {
    console.log(`  ${row.name.padEnd(56)} ${row.medianUs.toFixed(2).padStart(8)} µs ${row.fastestUs.toFixed(2).padStart(8)} µs`);
  }
}
