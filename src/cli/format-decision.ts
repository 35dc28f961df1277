// A routing decision and its trace as `llm-agent-router route` prints them.
import type { RoutingDecision, TraceStep } from '../routing/types.js';
import { printable, type Painter } from './format.js';

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
export function formatTrace(trace: readonly TraceStep[], paint: Painter): string {
  const lines: string[] = [];
  for (const step of trace) {
    const mark = MARKS[step.outcome] ?? '?';
    const colour = step.outcome === 'chosen' || step.outcome === 'applied' ? paint.green : step.outcome === 'skipped' || step.outcome === 'error' ? paint.yellow : paint.dim;
    const factors = step.factors ? `  ${paint.dim(Object.entries(step.factors).map(([k, v]) => `${printable(k)}=${round(v)}`).join(' '))}` : '';
    lines.push(`  ${colour(`${mark} ${step.step.padEnd(14)}`)} ${printable(step.message)}${factors}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export function isTraceStep(value: unknown): value is TraceStep {
  const step = value as Partial<TraceStep> | null;
  return typeof step === 'object' && step !== null && typeof step.step === 'string' && typeof step.outcome === 'string' && typeof step.message === 'string';
}

/** Three decimals at most: 0.936, 0.7, 1. */
function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
