// The complexity a decision works with: the task's own `complexity`, else — when the router knows
// how large the task is — one inferred from its size and what it needs ("based on token count and
// requirements", as the seed puts it). With neither, complexity is unknown.
import type { RoutingState, Task } from './types.js';

export interface Complexity {
  /** 0..10, or undefined when unknown (scored as 5; no complex / routine pool applies). */
  value: number | undefined;
  /** How an inferred value was reached, for the trace; undefined when the task said. */
  inferredFrom?: string;
}

/** Input tokens at which size starts to count, and the doubling steps above it that add a point each (at most 5). */
const BASE_TOKENS = 500;
const MAX_SIZE_POINTS = 5;

/** `task` is the router's copy of the task (see `decide`): its `complexity` is read by name. */
export function complexityOf(task: Task, state: RoutingState): Complexity {
  const given = task.complexity;
  if (typeof given === 'number' && Number.isFinite(given)) return { value: Math.min(10, Math.max(0, given)) };
  if (state.inputTokensSource === undefined || state.inputTokensSource === 'default') return { value: undefined };
  const size = Math.min(MAX_SIZE_POINTS, Math.max(0, Math.log2(Math.max(1, state.inputTokens) / BASE_TOKENS)));
  const needs = state.requires;
  const reasons = [`${state.inputTokens} input tokens`];
  let points = 2 + size;
  if (needs?.tools) {
    points += 1;
    reasons.push('tools');
  }
  if (needs?.images || needs?.files) {
    points += 1;
    reasons.push('images or files');
  }
  if (needs?.jsonSchema) {
    points += 0.5;
    reasons.push('a JSON schema');
  }
  return { value: Math.round(Math.min(10, points) * 10) / 10, inferredFrom: reasons.join(', ') };
}
