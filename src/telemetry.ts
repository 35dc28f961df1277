// The `llm-agent-router/telemetry` entry: OpenTelemetry spans and metrics for every route, complete,
// stream and execute, following the GenAI semantic conventions. Needs `@opentelemetry/api` (an
// optional peer): `createRouter(config, { observer: createOpenTelemetryObserver() })`.

export { createOpenTelemetryObserver, type OpenTelemetryObserverOptions } from './telemetry/otel-observer.js';
