// The performance issue's targets, in one place: the benchmarks print their verdicts with them and
// doc-tables.ts judges the recorded run by them.

/** `complete()`: at most this many times the bare SDK's median call. */
export const LATENCY_TARGET = 1.05;
/** `complete()`: at least this share of the bare SDK's calls per second, at every concurrency measured. */
export const THROUGHPUT_TARGET = 0.95;
/** One rule inside `route()`: at most this many times the same check as a closure. */
export const RULE_TARGET = 3;
/** `compileCondition().evaluate`: at least this many times faster than cel-js. */
export const CEL_TARGET = 5;
/** `route()` on the seed config: at most this many ns at the median, and this many times the hand-written function. */
export const ROUTE_TARGET_NS = 1000;
export const ROUTE_RATIO_TARGET = 50;
/** `route()` with a 4 KB prompt, and with 100 rules that do not match: at most this many ns. */
export const PROMPT_TARGET_NS = 6000;
export const MANY_RULES_TARGET_NS = 10_000;
/** The 100 000-task simulation: at most this wall time and peak RSS. */
export const SIMULATE_TARGET_S = 6;
export const SIMULATE_TARGET_MB = 250;
/** Load + compile of the 1 000-agent file: under this, and per rule within this factor up to the largest file. */
export const CONFIG_TARGET_MS = 400;
export const LINEAR_SLACK = 1.25;
/** A cold `import('llm-agent-router')`: at most this many times `node -e 0`. */
export const COLD_IMPORT_TARGET = 1.8;
