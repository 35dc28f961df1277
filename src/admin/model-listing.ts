// GET /api/models: each model's configuration, in models.yaml's own field names, with its live state.
// Fields are copied by an allow-list, so a key or secret someone put in models.yaml is never served.
import type { ModelConfig } from '../config/config-types.js';
import type { ModelLiveState } from '../state/model-live-state.js';
import type { AdminRouter } from './admin-types.js';

export interface AdminModelView {
  id: string;
  provider: string;
  type: 'cloud' | 'local';
  /** The provider's name for the model. */
  model_id: string | undefined;
  description: string | undefined;
  capabilities: string[];
  cost_per_1k_tokens: { input: number; output: number } | undefined;
  rate_limits: { requests_per_minute: number | undefined; tokens_per_minute: number | undefined } | undefined;
  context_window: number | undefined;
  max_output_tokens: number | undefined;
  timeout_ms: number | undefined;
  quality: number | undefined;
  performance: { tokens_per_second: number | undefined; latency_ms: number | undefined } | undefined;
  supports: { tools: boolean | undefined; images: boolean | undefined; files: boolean | undefined; json_schema: boolean | undefined } | undefined;
  /** The `endpoint`'s origin only (scheme, host, port): never its path, query or credentials. */
  endpoint_origin: string | undefined;
  /** `router.modelState(id)`: availability, rate window and load. */
  state: ModelLiveState | undefined;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const bool = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

function originOf(endpoint: unknown): string | undefined {
  if (typeof endpoint !== 'string') return undefined;
  try {
    const origin = new URL(endpoint).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

function viewOf(id: string, model: ModelConfig, state: ModelLiveState | undefined): AdminModelView {
  const { cost_per_1k_tokens: cost, rate_limits: limits, performance, supports } = model;
  return {
    id,
    provider: model.provider,
    type: model.type,
    model_id: str(model.model_id),
    description: str(model.description),
    capabilities: Array.isArray(model.capabilities) ? model.capabilities.filter((c) => typeof c === 'string') : [],
    cost_per_1k_tokens: cost ? { input: num(cost.input) ?? 0, output: num(cost.output) ?? 0 } : undefined,
    rate_limits: limits ? { requests_per_minute: num(limits.requests_per_minute), tokens_per_minute: num(limits.tokens_per_minute) } : undefined,
    context_window: num(model.context_window),
    max_output_tokens: num(model.max_output_tokens),
    timeout_ms: num(model.timeout_ms),
    quality: num(model.quality),
    performance: performance ? { tokens_per_second: num(performance.tokens_per_second), latency_ms: num(performance.latency_ms) } : undefined,
    supports: supports
      ? { tools: bool(supports.tools), images: bool(supports.images), files: bool(supports.files), json_schema: bool(supports.json_schema) }
      : undefined,
    endpoint_origin: originOf(model.endpoint),
    state: state === undefined ? undefined : { ...state },
  };
}

/** Every configured model, in configuration order. */
export function listModels(router: AdminRouter): AdminModelView[] {
  const models = router.config.models as Record<string, ModelConfig>;
  return router.modelIds().map((id) => viewOf(id, models[id]!, router.modelState(id)));
}
