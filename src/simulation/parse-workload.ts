// Reads a workload: one JSON object per line, each a request an agent makes. Every line is checked
// here, so a simulation never starts on a file it would trip over halfway through.
import { RouterError } from '../errors.js';
import type { RoutingContext, Task } from '../routing/types.js';
import { isRecord } from '../own-data.js';

/** One request of a workload (one JSONL line). */
export interface WorkloadTask {
  /** When the request is made: an ISO 8601 time or epoch milliseconds. Without it, tasks are spread evenly over a day. */
  at?: string | number;
  /** The agent making the request (a key of agents.yaml). */
  agent: string;
  /** The task as the router sees it (`type`, `complexity`, `privacy_level`, `critical`, `prompt`, ...). */
  task: Task;
  /** The routing context (`budget_mode`, ...). A `routing_strategy` here is overridden by the simulated strategy. */
  context?: RoutingContext;
  /** Tokens the call actually consumes; default: the task's `estimated_tokens`, else the prompt's characters / 4. */
  input_tokens?: number;
  /** Tokens the model actually writes; default: the task's `max_output_tokens`, else the configured default. */
  output_tokens?: number;
  /**
   * Outcomes reported with `router.feedback` once an experiment's variant served the task (it needs
   * `task.id`): per metric, one value for any model, or a value per model id.
   */
  feedback?: Record<string, number | boolean | Record<string, number | boolean>>;
}

/** A line of a workload file that is not a valid task. */
export class WorkloadError extends RouterError {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly fileName: string;
  constructor(fileName: string, line: number, message: string) {
    super('WORKLOAD_INVALID', `${fileName}:${line}: ${message}`);
    this.brand('WorkloadError');
    this.fileName = fileName;
    this.line = line;
  }
  static override isInstance(value: unknown): value is WorkloadError {
    return RouterError.isInstance(value) && value.code === 'WORKLOAD_INVALID';
  }
}

const FIELDS = new Set(['at', 'agent', 'task', 'context', 'input_tokens', 'output_tokens', 'feedback']);

/** Epoch ms of a task's `at`, or undefined when it has none. Throws a plain Error for a bad value. */
export function workloadTime(at: unknown): number | undefined {
  if (at === undefined) return undefined;
  if (typeof at === 'number') {
    if (!Number.isFinite(at)) throw new Error(`"at" must be an ISO 8601 time or epoch milliseconds, got ${String(at)}`);
    return at;
  }
  if (typeof at === 'string') {
    const ms = Date.parse(at);
    if (Number.isNaN(ms)) throw new Error(`"at" is not an ISO 8601 time: ${JSON.stringify(at)}`);
    return ms;
  }
  throw new Error(`"at" must be an ISO 8601 time or epoch milliseconds, got ${typeof at}`);
}

/**
 * What is wrong with one workload entry, or undefined when it is a valid task. `knownAgents`, when
 * given, also rejects agents the configuration does not define.
 */
export function checkWorkloadTask(value: unknown, knownAgents?: ReadonlySet<string>, unitMetrics?: ReadonlySet<string>): string | undefined {
  if (!isRecord(value)) return `expected an object { agent, task, ... }, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`;
  for (const key of Object.keys(value)) {
    if (!FIELDS.has(key)) return `unknown field ${JSON.stringify(key)}; expected ${[...FIELDS].join(', ')}`;
  }
  const { agent, task, context } = value;
  if (typeof agent !== 'string' || agent.length === 0) return '"agent" must be a non-empty string';
  if (knownAgents && !knownAgents.has(agent)) {
    return `unknown agent ${JSON.stringify(agent)}; the configuration defines ${[...knownAgents].join(', ')}`;
  }
  if (!isRecord(task)) return '"task" must be an object';
  if (context !== undefined && !isRecord(context)) return '"context" must be an object';
  for (const key of ['input_tokens', 'output_tokens'] as const) {
    const tokens = value[key];
    if (tokens !== undefined && (typeof tokens !== 'number' || !Number.isFinite(tokens) || tokens < 0)) {
      return `"${key}" must be a non-negative number`;
    }
  }
  if (value.feedback !== undefined) {
    const problem = feedbackProblem(value.feedback, unitMetrics);
    if (problem) return problem;
  }
  try {
    workloadTime(value.at);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

/**
 * What is wrong with a line's `feedback`. `unitMetrics` are the metrics adaptive experiments learn
 * from: their values are booleans or numbers from 0 to 1.
 */
function feedbackProblem(feedback: unknown, unitMetrics: ReadonlySet<string> | undefined): string | undefined {
  if (!isRecord(feedback)) return '"feedback" must be an object { metric: value } or { metric: { model: value } }';
  for (const [metric, value] of Object.entries(feedback)) {
    const unit = unitMetrics?.has(metric) === true;
    const isValue = (item: unknown) => typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item) && (!unit || (item >= 0 && item <= 1)));
    if (isValue(value)) continue;
    if (isRecord(value) && Object.values(value).every(isValue)) continue;
    return unit
      ? `"feedback.${metric}" feeds an adaptive experiment: a boolean or a number from 0 to 1, or such a value per model id`
      : `"feedback.${metric}" must be a finite number, a boolean, or such a value per model id`;
  }
  return undefined;
}

export interface ParsedWorkload {
  tasks: WorkloadTask[];
  /** The 1-based line each task came from (blank lines are skipped). */
  lines: number[];
}

/**
 * Parses JSONL text into tasks. Blank lines are skipped; the first bad line throws a
 * `WorkloadError` reading `FILE:LINE: message`.
 */
export function parseWorkload(text: string, options: { fileName?: string; knownAgents?: ReadonlySet<string>; unitMetrics?: ReadonlySet<string> } = {}): ParsedWorkload {
  const fileName = options.fileName ?? 'workload.jsonl';
  const tasks: WorkloadTask[] = [];
  const lines: number[] = [];
  let start = 0;
  let lineNumber = 0;
  // Walks the text line by line without splitting it: a workload may have a few hundred thousand lines.
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNumber++;
    let line = text.slice(start, end);
    start = end + 1;
    if (lineNumber === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new WorkloadError(fileName, lineNumber, `invalid JSON: ${(error as Error).message}`);
    }
    const problem = checkWorkloadTask(value, options.knownAgents, options.unitMetrics);
    if (problem) throw new WorkloadError(fileName, lineNumber, problem);
    tasks.push(value as WorkloadTask);
    lines.push(lineNumber);
  }
  return { tasks, lines };
}
