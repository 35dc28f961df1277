// `createOpenTelemetryObserver()`: a RouterObserver that turns each route / complete / stream /
// execute into OpenTelemetry spans and metrics, through `@opentelemetry/api` only. With no SDK
// registered the API's providers are no-ops and so is this.
import { type Context, context, diag, type Meter, type MeterProvider, metrics, type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import type { ObservedEnd, ObservedOperation, OperationObservation, RouterObserver } from '../execution/call-observer.js';
import { describeTries, type TryView } from './describe-tries.js';
import { createInstruments, recordMetrics, type RouterInstruments } from './instruments.js';
import { recordOperationSpans } from './record-spans.js';
import { INSTRUMENTATION_SCOPE } from './scope.js';

export interface OpenTelemetryObserverOptions {
  /** The tracer spans are written with. Default: from `tracerProvider`, else the global one. */
  tracer?: Tracer;
  /** Where the tracer comes from when `tracer` is not given. Default: the global provider (`trace`). */
  tracerProvider?: TracerProvider;
  /** The meter the instruments are created on. Default: from `meterProvider`, else the global one. */
  meter?: Meter;
  /**
   * Where the meter comes from when `meter` is not given. Default: the global provider, looked up
   * again when it changes, so an SDK started after the router is created is still used.
   */
  meterProvider?: MeterProvider;
}

const { name, version } = INSTRUMENTATION_SCOPE;

/**
 * Spans: one INTERNAL span per operation (`llm_router.complete`, ...) with the decision and its
 * outcome, a CLIENT span per model call (`chat {model}`) with GenAI attributes, and an event per
 * skipped model. Metrics: `gen_ai.client.token.usage`, `gen_ai.client.operation.duration` and the
 * `llm_router.*` counters. Prompts, answers and task data are never recorded.
 */
export function createOpenTelemetryObserver(options: OpenTelemetryObserverOptions = {}): RouterObserver {
  const tracer = options.tracer ?? (options.tracerProvider ?? trace).getTracer(name, version);
  const instruments = instrumentsFor(options);

  return {
    start(operation: ObservedOperation, agentId: string): OperationObservation | undefined {
      try {
        // The caller's active span (if any context manager tracks one) parents the operation.
        return new OtelObservation(tracer, instruments, context.active(), operation, agentId);
      } catch (error) {
        diag.warn('llm-agent-router telemetry: could not watch an operation', error);
        return undefined;
      }
    },
  };
}

/** One operation being watched: everything is written when it ends. */
class OtelObservation implements OperationObservation {
  constructor(
    private readonly tracer: Tracer,
    private readonly instruments: () => RouterInstruments,
    private readonly parent: Context,
    private readonly operation: ObservedOperation,
    private readonly agentId: string,
  ) {}

  end(end: ObservedEnd): void {
    // Telemetry never fails the call it watches.
    const { tracer, parent, operation } = this;
    const agentId = String(this.agentId);
    // An injected clock may step back: the operation never ends before it began.
    if (end.endedAt < end.startedAt) end = { ...end, endedAt: end.startedAt };
    let tries: TryView[];
    try {
      tries = describeTries(operation, end);
    } catch (error) {
      diag.warn(`llm-agent-router telemetry: could not describe a ${operation}`, error);
      return;
    }
    // Spans and metrics apart: a tracer or processor that fails loses no metric, and the reverse.
    try {
      recordOperationSpans({ tracer, parent, operation, agentId, end, tries });
    } catch (error) {
      diag.warn(`llm-agent-router telemetry: could not record the spans of a ${operation}`, error);
    }
    try {
      recordMetrics(this.instruments(), agentId, end, tries);
    } catch (error) {
      diag.warn(`llm-agent-router telemetry: could not record the metrics of a ${operation}`, error);
    }
  }
}

/** The instruments, created once per meter; on the global provider, again when it is replaced. */
function instrumentsFor(options: OpenTelemetryObserverOptions): () => RouterInstruments {
  const fixed = options.meter ?? options.meterProvider?.getMeter(name, version);
  if (fixed) {
    let created: RouterInstruments | undefined;
    return () => (created ??= createInstruments(fixed));
  }
  // The global metrics API has no proxy meter: a meter taken before the SDK starts stays a no-op.
  let provider: MeterProvider | undefined;
  let created: RouterInstruments | undefined;
  return () => {
    const current = metrics.getMeterProvider();
    if (current !== provider || !created) {
      provider = current;
      created = createInstruments(current.getMeter(name, version));
    }
    return created;
  };
}
