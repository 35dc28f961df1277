// How loading and compiling a configuration grows with its size: agents.yaml with 100, 1 000, 4 000
// and 10 000 agents of 10 routing rules each (about 1.1 KB of YAML an agent, 11 MB at the largest),
// through `parseConfig` (YAML, validation, every condition checked) and `createRouter` (validation
// again, compiling every condition). The per-rule cost should stay flat as the file grows: loading
// is linear.
//
//   npm run build && npx tsx --tsconfig bench/tsconfig.json bench/config.bench.ts
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRouter, parseConfig } from 'llm-agent-router';
import { isMain } from './bench-main.js';

const RULES_PER_AGENT = 10;
const SIZES = [100, 1_000, 4_000, 10_000];

function agentsYaml(agents: number): string {
  let yaml = 'agents:\n';
  for (let i = 0; i < agents; i++) {
    yaml += `  agent_${i}:\n    model_preferences:\n      primary: claude-3-opus\n      fallback: gpt-4-turbo\n      local_alternative: llama-3-70b\n    routing_rules:\n`;
    for (let r = 0; r < RULES_PER_AGENT; r++) yaml += `      - condition: "task.complexity > ${r} and task.type == 'type_${r}_${i}'"\n        model: llama-3-70b\n`;
  }
  return yaml;
}

export interface ConfigRow {
  agents: number;
  yamlBytes: number;
  parseMs: number;
  compileMs: number;
  /** (parse + compile) per routing rule, µs. */
  perRuleUs: number;
}

/** The runs of each size, the best kept: the first also pays for warming up. */
const RUNS = 3;

export async function runConfigBench(): Promise<ConfigRow[]> {
  const read = (name: string) => readFileSync(fileURLToPath(new URL(`../examples/config/${name}`, import.meta.url)), 'utf8');
  const models = read('models.yaml');
  const routing = read('routing.yaml');
  const rows: ConfigRow[] = [];
  for (const agents of SIZES) {
    const yaml = agentsYaml(agents);
    let best: ConfigRow | undefined;
    for (let run = 0; run < RUNS; run++) {
      const t0 = performance.now();
      const config = parseConfig({ models, agents: yaml, routing });
      const t1 = performance.now();
      createRouter(config, { logger: {} });
      const t2 = performance.now();
      const row = { agents, yamlBytes: yaml.length, parseMs: t1 - t0, compileMs: t2 - t1, perRuleUs: ((t2 - t0) * 1000) / (agents * RULES_PER_AGENT) };
      if (!best || row.parseMs + row.compileMs < best.parseMs + best.compileMs) best = row;
    }
    rows.push(best!);
  }
  return rows;
}

export function printConfigRows(rows: ConfigRow[]): void {
  console.log(`Loading a configuration: parseConfig + createRouter, best of ${RUNS}`);
  for (const row of rows) {
    const rules = row.agents * RULES_PER_AGENT;
    console.log(
      `  ${String(row.agents).padStart(6)} agents × ${RULES_PER_AGENT} rules (${(row.yamlBytes / 1024).toFixed(0).padStart(6)} KB)  parse ${row.parseMs.toFixed(0).padStart(6)} ms  compile ${row.compileMs.toFixed(0).padStart(6)} ms  ` +
        `${row.perRuleUs.toFixed(1).padStart(6)} µs per rule (parse ${((row.parseMs * 1000) / rules).toFixed(1)}, compile ${((row.compileMs * 1000) / rules).toFixed(1)})`,
    );
  }
}

if (isMain(import.meta.url)) printConfigRows(await runConfigBench());
