// The span tree of one operation, written when it ends: an INTERNAL span for the operation and a
// CLIENT span per try, each placed in time by the router's clock (see `describeTries`), parented
// explicitly so no context manager is needed.
import { type Context, diag, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { ObservedEnd, ObservedOperation } from '../execution/call-observer.js';
import { skippedModels, type TryView } from './describe-tries.js';
import { errorType } from './error-type.js';
import { decisionAttributes, operationSpanName, outcomeAttributes, ROUTER, SKIPPED_EVENT, tryAttributes, trySpanName } from './span-attributes.js';

export interface OperationSpanInput {
  tracer: Tracer;
  /** The context that was active when the operation started: its span becomes the parent. */
  parent: Context;
  operation: ObservedOperation;
  agentId: string;
  end: ObservedEnd;
  tries: readonly TryView[];
}

export function recordOperationSpans(input: OperationSpanInput): void {
  const { tracer, parent, operation, agentId, end, tries } = input;
  const span = tracer.startSpan(operationSpanName(operation), { kind: SpanKind.INTERNAL, startTime: new Date(end.startedAt), attributes: { [ROUTER.agent]: String(agentId) } }, parent);
  // Whatever fails below (a throwing processor, a tracer that refuses a child), the operation's span ends.
  try {
    // Without an SDK (or when sampled out) the span records nothing: build nothing for it.
    if (!span.isRecording()) return;
    if (end.decision) span.setAttributes(decisionAttributes(end.decision));
    span.setAttributes(outcomeAttributes(end, tries.length));
    for (const skipped of skippedModels(end)) {
      span.addEvent(SKIPPED_EVENT, { [ROUTER.model]: skipped.modelId, [ROUTER.skipReason]: skipped.skipped! }, new Date(skipped.startedAt ?? end.startedAt));
    }
    const inOperation = trace.setSpan(parent, span);
    for (const view of tries) {
      try {
        recordTrySpan(tracer, inOperation, view, end);
      } catch (error) {
        diag.warn('llm-agent-router telemetry: a try span could not be recorded', error);
      }
    }
    if (end.error !== undefined) fail(span, end.error, end.endedAt);
  } finally {
    span.end(new Date(end.endedAt));
  }
}

function recordTrySpan(tracer: Tracer, parent: Context, view: TryView, end: ObservedEnd): void {
  const span = tracer.startSpan(trySpanName(view), { kind: SpanKind.CLIENT, startTime: new Date(view.startedAt) }, parent);
  try {
    if (span.isRecording()) {
      span.setAttributes(tryAttributes(view, end));
      if (view.failed) fail(span, view.error, view.endedAt);
    }
  } finally {
    span.end(new Date(view.endedAt));
  }
}

/**
 * ERROR status and an `exception` event naming the error's class and type (its code, or the HTTP
 * status) — not its message or stack: a router's message may quote what the task holds (a value
 * of the wrong type, a key of unreadable data), and a span leaves the process.
 */
function fail(span: Span, error: unknown, at: number): void {
  const type = errorType(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  span.recordException({ code: type, name: nameOf(error), message: type }, new Date(at));
}

function nameOf(error: unknown): string {
  try {
    return error instanceof Error && typeof error.name === 'string' ? error.name : typeof error;
  } catch {
    return typeof error;
  }
}
