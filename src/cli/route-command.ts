// `llm-agent-router route <config-dir> --agent ID --task JSON|@file [--context JSON|@file]`:
// one decision and its full trace, readable in a terminal, or as JSON.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { createRouter } from '../create-router.js';
import { UnknownAgentError } from '../errors.js';
import type { RoutingDecision, TraceStep } from '../routing/types.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIO } from './cli-io.js';
import { painter, type Painter } from './format.js';

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
  const task = await jsonArgument('--task', parsed.values.task, io);
  const context = parsed.values.context === undefined ? {} : await jsonArgument('--context', parsed.values.context, io);

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
    throw error;
  }
  if (parsed.values.json) {
    io.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
    return EXIT_OK;
  }
  io.stdout.write(formatDecision(decision, painter(io)));
  return EXIT_OK;
}

/** A JSON object given inline or as @file. Malformed JSON is a usage error naming the position. */
async function jsonArgument(flag: string, value: string, io: CliIO): Promise<Record<string, unknown>> {
  let text = value;
  let source = flag;
  if (value.startsWith('@')) {
    source = value.slice(1);
    try {
      text = await readFile(resolve(io.cwd, source), 'utf8');
    } catch (error) {
      throw new UsageError(`${flag}: cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${source === flag ? '' : `${source}: `}invalid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${flag}: expected a JSON object`);
  return parsed as Record<string, unknown>;
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
  lines.push(`${paint.bold(d.modelId)} ${paint.dim(`(${d.modelType}, ${d.provider})`)} for ${d.agentId}`);
  lines.push(`  source      ${d.source}`);
  lines.push(`  strategy    ${d.strategy}`);
  lines.push(`  confidence  ${d.confidence}`);
  lines.push(`  est. cost   $${d.estimatedCost.toFixed(6)} (${d.estimatedTokens.input} in / ${d.estimatedTokens.output} out tokens)`);
  lines.push(`  reason      ${d.reason}`);
  if (d.constraints.length) lines.push(`  constraints ${d.constraints.join('; ')}`);
  lines.push(`  fallbacks   ${d.fallbacks.join(', ') || 'none'}`);
  if (d.verification) lines.push(`  verify with ${d.verification.modelId} (${d.verification.reason})`);
  lines.push('', paint.bold('Trace'));
  for (const step of d.trace) {
    const mark = MARKS[step.outcome];
    const colour = step.outcome === 'chosen' || step.outcome === 'applied' ? paint.green : step.outcome === 'skipped' || step.outcome === 'error' ? paint.yellow : paint.dim;
    const factors = step.factors ? `  ${paint.dim(Object.entries(step.factors).map(([k, v]) => `${k}=${v}`).join(' '))}` : '';
    lines.push(`  ${colour(`${mark} ${step.step.padEnd(14)}`)} ${step.message}${factors}`);
  }
  return `${lines.join('\n')}\n`;
}
