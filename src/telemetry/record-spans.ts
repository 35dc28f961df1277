// The span tree of one operation, written when it ends: an INTERNAL span for the operation and a
// CLIENT span per try, each placed in time by the router's clock (see `describeTries`), parented
// explicitly so no context manager is needed.
import { type Context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { ObservedEnd, ObservedOperation } from '../execution/call-observer.js';
import { skippedModels, type TryView } from './describe-tries.js';
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
  const span = tracer.startSpan(operationSpanName(operation), { kind: SpanKind.INTERNAL, startTime: new Date(end.startedAt), attributes: { [ROUTER.agent]: agentId } }, parent);
  // Without an SDK (or when sampled out) the span records nothing: build nothing for it.
  if (!span.isRecording()) {
    span.end(new Date(end.endedAt));
    return;
  }
  if (end.decision) span.setAttributes(decisionAttributes(end.decision));
  span.setAttributes(outcomeAttributes(end, tries.length));
  for (const skipped of skippedModels(end)) {
    span.addEvent(SKIPPED_EVENT, { [ROUTER.model]: skipped.modelId, [ROUTER.skipReason]: skipped.skipped! }, new Date(skipped.startedAt ?? end.startedAt));
  }
  const inOperation = trace.setSpan(parent, span);
  for (const view of tries) recordTrySpan(tracer, inOperation, view, end);
  if (end.error !== undefined) fail(span, end.error, end.endedAt);
  span.end(new Date(end.endedAt));
}

function recordTrySpan(tracer: Tracer, parent: Context, view: TryView, end: ObservedEnd): void {
  const span = tracer.startSpan(trySpanName(view), { kind: SpanKind.CLIENT, startTime: new Date(view.startedAt) }, parent);
  if (span.isRecording()) {
    span.setAttributes(tryAttributes(view, end));
    if (view.failed) fail(span, view.error, view.endedAt);
  }
  span.end(new Date(view.endedAt));
}

/** ERROR status and the exception: its class, message and stack as thrown, never the request. */
function fail(span: Span, error: unknown, at: number): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) });
  // A thrown non-Error value is recorded by its type only: its text could be anything.
  span.recordException(error instanceof Error ? error : { name: typeof error }, new Date(at));
}

function messageOf(error: unknown): string | undefined {
  try {
    return error instanceof Error ? error.message : undefined;
  } catch {
    return undefined;
  }
}
