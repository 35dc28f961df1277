// `llm-agent-router route <config-dir> --agent ID --task JSON|@file [--context JSON|@file]`:
// one decision and its full trace, readable in a terminal, or as JSON.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { createRouter } from '../router/create-router.js';
import { NoEligibleModelError, UnknownAgentError } from '../errors.js';
import type { RoutingDecision, TraceStep } from '../routing/types.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIO } from './cli-io.js';
import { painter, type Painter } from './format.js';
import { readJsonObjectArgument } from './json-argument.js';

export const ROUTE_USAGE = `Usage: llm-agent-router route <config-dir> --agent ID --task JSON|@file [options]

Explains the decision the router makes for one task.

Options:
  --agent ID            the agent making the request (required)
  --task JSON|@file     the task, as JSON or @path to a JSON file (required)
  --context JSON|@file  the context (routing_strategy, budget_mode, ...)
  --env NAME            merge environments/NAME.yaml
  --json                print the decision as JSON`;

export async function routeCommand(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { agent: { type: 'string' }, task: { type: 'string' }, context: { type: 'string' }, env: { type: 'string' }, json: { type: 'boolean' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [dir, ...rest] = parsed.positionals;
  if (dir === undefined) throw new UsageError('missing <config-dir>');
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const { agent, env } = parsed.values;
  if (!agent) throw new UsageError('missing --agent ID');
  if (parsed.values.task === undefined) throw new UsageError('missing --task JSON|@file');
  const task = await readJsonObjectArgument('--task', parsed.values.task, io);
  const context = parsed.values.context === undefined ? {} : await readJsonObjectArgument('--context', parsed.values.context, io);

  const config = await loadConfig(resolve(io.cwd, dir), env === undefined ? {} : { environment: env });
  const router = createRouter(config, { logger: {} });
  let decision: RoutingDecision;
  try {
    decision = await router.route(agent, task, context);
  } catch (error) {
    if (UnknownAgentError.isInstance(error)) {
      io.stderr.write(`llm-agent-router: unknown agent "${agent}"; the configuration defines: ${router.agentIds().join(', ')}\n`);
      return EXIT_INVALID;
    }
    if (NoEligibleModelError.isInstance(error)) {
      // The trace is the answer to "why no model?": show it as a decision's would be.
      const steps = error.trace.filter(isTraceStep);
      const paint = painter(io, 'stderr');
      io.stderr.write(`llm-agent-router: ${printable(error.message)}\n${steps.length ? `\n${paint.bold('Trace')}\n${formatTrace(steps, paint)}` : ''}`);
      return EXIT_INVALID;
    }
    throw error;
  }
  if (parsed.values.json) {
    io.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
    return EXIT_OK;
  }
  io.stdout.write(formatDecision(decision, painter(io)));
  return EXIT_OK;
}

const MARKS: Record<TraceStep['outcome'], string> = {
  chosen: '→',
  applied: '●',
  matched: '✓',
  not_matched: '·',
  skipped: '✗',
  error: '!',
  info: ' ',
};

export function formatDecision(d: RoutingDecision, paint: Painter): string {
  const lines: string[] = [];
  lines.push(`${paint.bold(printable(d.modelId))} ${paint.dim(`(${d.modelType}, ${printable(d.provider)})`)} for ${printable(d.agentId)}`);
  lines.push(`  source      ${d.source}`);
  lines.push(`  strategy    ${printable(d.strategy)}`);
  lines.push(`  confidence  ${round(d.confidence)}`);
  lines.push(`  est. cost   $${d.estimatedCost.toFixed(6)} (${d.estimatedTokens.input} in / ${d.estimatedTokens.output} out tokens)`);
  lines.push(`  reason      ${printable(d.reason)}`);
  lines.push(`  constraints ${printable(d.constraints.join('; ')) || 'none'}`);
  lines.push(`  fallbacks   ${printable(d.fallbacks.join(', ')) || 'none'}`);
  lines.push(`  verify with ${d.verification ? printable(`${d.verification.modelId} (${d.verification.reason})`) : 'not required'}`);
  lines.push('', paint.bold('Trace'));
  return `${lines.join('\n')}\n${formatTrace(d.trace, paint)}`;
}

/** One line per step: its mark, kind and message, and for a score the value of each factor. */
function formatTrace(trace: readonly TraceStep[], paint: Painter): string {
  const lines: string[] = [];
  for (const step of trace) {
    const mark = MARKS[step.outcome] ?? '?';
    const colour = step.outcome === 'chosen' || step.outcome === 'applied' ? paint.green : step.outcome === 'skipped' || step.outcome === 'error' ? paint.yellow : paint.dim;
    const factors = step.factors ? `  ${paint.dim(Object.entries(step.factors).map(([k, v]) => `${printable(k)}=${round(v)}`).join(' '))}` : '';
    lines.push(`  ${colour(`${mark} ${step.step.padEnd(14)}`)} ${printable(step.message)}${factors}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function isTraceStep(value: unknown): value is TraceStep {
  const step = value as Partial<TraceStep> | null;
  return typeof step === 'object' && step !== null && typeof step.step === 'string' && typeof step.outcome === 'string' && typeof step.message === 'string';
}

/** Three decimals at most: 0.936, 0.7, 1. */
function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Model ids, rule conditions and task values come from files and arguments: no control characters reach the terminal. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
