// How fast one compiled condition evaluates —
//   task.complexity > 8 and task.privacy_level != 'high' and not data.contains_pii
// — against a hand-written TypeScript function doing the same thing (the floor), and the same
// expression compiled once in @marcbachmann/cel-js and in filtrex. Every entry is checked to give
// the same answers first. Each sample times a batch of calls (a single call is shorter than the
// timer's resolution) and reports the mean per call; the figure printed is the median sample.
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

export async function runConditionBench(): Promise<{ name: string; medianNs: number }[]> {
  const compiled = compileCondition(CONDITION);
  const cel = parseCel(CEL);
  const filtrex = compileExpression(FILTREX, { customProp: useDotAccessOperatorAndOptionalChaining });

  const entries: Array<{ name: string; evaluate: (scope: Scope) => boolean }> = [
    { name: 'hand-written TypeScript (baseline)', evaluate: handWritten },
    { name: 'compileCondition (this library)', evaluate: (scope) => compiled.evaluate(scope as unknown as ConditionScope) },
    { name: '@marcbachmann/cel-js (parsed once)', evaluate: (scope) => cel(scope) === true },
    { name: 'filtrex (compiled once)', evaluate: (scope) => filtrex(scope) === true },
  ];

  // Same answers everywhere, or the comparison means nothing.
  const reference = makeScopes();
  for (const scope of reference) {
    const expected = handWritten(scope);
    for (const entry of entries) {
      if (entry.evaluate(scope) !== expected) throw new Error(`${entry.name} disagrees on ${JSON.stringify(scope)}`);
    }
  }

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

  const batch = 1000;
  let sink = 0;
  const bench = new Bench({ time: 1000, warmup: true });
  for (const entry of entries) {
    const scopes = makeScopes();
    let next = 0;
    const { evaluate } = entry;
    bench.add(
      entry.name,
      (): FnReturnedObject => {
        const start = bench.now();
        for (let i = 0; i < batch; i++) {
          if (evaluate(scopes[next++ & 63] as Scope)) sink++;
        }
        const elapsed = bench.now() - start;
        return { overriddenDuration: elapsed / batch, overriddenIterationCost: elapsed };
      },
      { async: false },
    );
  }
  await bench.run();
  if (sink === 0) throw new Error('unreachable: no condition ever matched');
  return bench.tasks.map((task) => {
    return { name: task.name, medianNs: medianNs(task) };
  });
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
      `  ${row.name.padEnd(40)} ${row.medianNs.toFixed(1).padStart(8)} ns   ` +
        `${(row.medianNs / baseline).toFixed(1).padStart(6)}× hand-written   ` +
        `${(cel / row.medianNs).toFixed(1).padStart(5)}× faster than cel-js`,
    );
  }
}
