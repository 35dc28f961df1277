// In-process counters for the seed's metrics: model usage by agent, decisions per strategy, privacy
// rule activations, fallback triggers and per-model performance. Plain maps of numbers, updated in
// O(1) per decision or call; `snapshot()` copies them out.
import type { RoutingDecision } from '../routing/types.js';
import { ExperimentMetrics, type VariantMetrics } from './experiment-metrics.js';

export type { VariantMetrics } from './experiment-metrics.js';

export interface ModelPerformance {
  calls: number;
  failures: number;
  /** Mean and worst latency of successful calls, in ms. */
  meanLatencyMs: number;
  maxLatencyMs: number;
  inputTokens: number;
  outputTokens: number;
}

export interface RouterMetricsSnapshot {
  /**
   * Requests per agent and the model that served them: `{ cto_agent: { 'claude-3-opus': 12 } }`. A
   * decision whose call a fallback served counts for the fallback; one never called (`route()`
   * alone) counts for the model decided.
   */
  model_usage_by_agent: Record<string, Record<string, number>>;
  routing_decisions_per_strategy: Record<string, number>;
  /** Settled cost today in USD per agent (from the ledger). */
  cost_per_agent_per_day: Record<string, number>;
  performance_by_model: Record<string, ModelPerformance>;
  /** Share of decisions (0..1) that a rate-limit rule moved, or whose call a fallback served. */
  fallback_trigger_rate: number;
  /** Calls a provider billed for more than their reservation covered (its answer ran past the limit sent). */
  budget_overruns: number;
  /** Decisions in which a privacy constraint (PII or a privacy strategy) was active. */
  privacy_rule_activations: number;
  decisions: number;
  /** Decisions by source (`agent_rule`, `strategy`, ...). */
  decisions_by_source: Record<string, number>;
  verifications_required: number;
  /**
   * A/B experiments, per experiment and variant (model id): tasks assigned, calls, failures,
   * fallbacks, cost, latency p50 / p95, feedback per metric and the variant's share now.
   */
  experiments: Record<string, Record<string, VariantMetrics>>;
}

interface PerfAccumulator {
  calls: number;
  failures: number;
  latencySum: number;
  maxLatency: number;
  inputTokens: number;
  outputTokens: number;
}

export class RouterMetrics {
  private usage = new Map<string, Counts>();
  private perStrategy = new Counts();
  private bySource = new Counts();
  /** The agent counted last and its counts: decisions come in runs for one agent. */
  private lastAgent: string | undefined;
  private lastAgentCounts: Counts | undefined;
  private perf = new Map<string, PerfAccumulator>();
  /** Per-variant figures of the A/B experiments. */
  readonly experiments = new ExperimentMetrics();
  private decisions = 0;
  private privacy = 0;
  private verifications = 0;
  private fallbackTriggers = 0;
  private overruns = 0;

  recordDecision(decision: RoutingDecision): void {
    this.decisions++;
    this.countsOf(decision.agentId).add(decision.modelId, 1);
    this.perStrategy.add(decision.strategy, 1);
    this.bySource.add(decision.source, 1);
    if (decision.privacyEnforced) this.privacy++;
    if (decision.verification) this.verifications++;
    if (decision.source === 'global_rule') this.fallbackTriggers++;
    if (decision.experiment) this.experiments.assigned(decision.experiment.name, decision.experiment.variant);
  }

  /** One finished call (after retries) of a model; `servedByFallback` when it was not the decision's model. */
  recordCall(modelId: string, outcome: { ok: boolean; latencyMs: number; inputTokens?: number; outputTokens?: number }): void {
    let perf = this.perf.get(modelId);
    if (!perf) this.perf.set(modelId, (perf = { calls: 0, failures: 0, latencySum: 0, maxLatency: 0, inputTokens: 0, outputTokens: 0 }));
    perf.calls++;
    if (!outcome.ok) {
      perf.failures++;
      return;
    }
    perf.latencySum += outcome.latencyMs;
    if (outcome.latencyMs > perf.maxLatency) perf.maxLatency = outcome.latencyMs;
    perf.inputTokens += outcome.inputTokens ?? 0;
    perf.outputTokens += outcome.outputTokens ?? 0;
  }

  /** A request was served: by the decision's model, or (a fallback) by another, which then counts instead. */
  recordServed(decision: RoutingDecision, servedBy: string): void {
    if (servedBy === decision.modelId) return;
    const byModel = this.usage.get(decision.agentId);
    if (byModel && byModel.count(decision.modelId) > 0) {
      byModel.add(decision.modelId, -1);
      byModel.add(servedBy, 1);
    }
    // A decision a rate-limit rule already moved counts once.
    if (decision.source !== 'global_rule') this.fallbackTriggers++;
  }

  /** The counts of one agent's models. */
  private countsOf(agentId: string): Counts {
    if (agentId === this.lastAgent) return this.lastAgentCounts!;
    let counts = this.usage.get(agentId);
    if (!counts) this.usage.set(agentId, (counts = new Counts()));
    this.lastAgent = agentId;
    this.lastAgentCounts = counts;
    return counts;
  }

  recordOverrun(): void {
    this.overruns++;
  }

  snapshot(costPerAgent: Record<string, number> = {}, shareOf: (experiment: string, variant: string) => number = () => 0): RouterMetricsSnapshot {
    const performance: Record<string, ModelPerformance> = {};
    for (const [modelId, perf] of this.perf) {
      const ok = perf.calls - perf.failures;
      performance[modelId] = {
        calls: perf.calls,
        failures: perf.failures,
        meanLatencyMs: ok > 0 ? Math.round((perf.latencySum / ok) * 100) / 100 : 0,
        maxLatencyMs: perf.maxLatency,
        inputTokens: perf.inputTokens,
        outputTokens: perf.outputTokens,
      };
    }
    return {
      model_usage_by_agent: Object.fromEntries([...this.usage].map(([agent, models]) => [agent, Object.fromEntries(models.entries().filter(([, n]) => n > 0))])),
      routing_decisions_per_strategy: Object.fromEntries(this.perStrategy.entries()),
      cost_per_agent_per_day: costPerAgent,
      performance_by_model: performance,
      fallback_trigger_rate: this.decisions > 0 ? Math.round((Math.min(this.fallbackTriggers, this.decisions) / this.decisions) * 10000) / 10000 : 0,
      budget_overruns: this.overruns,
      privacy_rule_activations: this.privacy,
      decisions: this.decisions,
      decisions_by_source: Object.fromEntries(this.bySource.entries()),
      verifications_required: this.verifications,
      experiments: this.experiments.snapshot(shareOf),
    };
  }

  reset(): void {
    this.usage.clear();
    this.perStrategy = new Counts();
    this.bySource = new Counts();
    this.lastAgent = undefined;
    this.lastAgentCounts = undefined;
    this.perf.clear();
    this.experiments.reset();
    this.decisions = this.privacy = this.verifications = this.fallbackTriggers = this.overruns = 0;
  }
}

/**
 * Counts by name, in the order names were first counted. Each count is a small box kept in the map,
 * so counting again changes the box (one look-up, no `set`), and the box counted last is kept at
 * hand: decisions come in runs of the same strategy, source or model.
 */
class Counts {
  private readonly boxes = new Map<string, { n: number }>();
  private lastKey: string | undefined;
  private lastBox: { n: number } | undefined;

  add(key: string, by: number): void {
    let box = key === this.lastKey ? this.lastBox : this.boxes.get(key);
    if (box === undefined) this.boxes.set(key, (box = { n: 0 }));
    box.n += by;
    this.lastKey = key;
    this.lastBox = box;
  }

  count(key: string): number {
    return this.boxes.get(key)?.n ?? 0;
  }

  entries(): [string, number][] {
    return [...this.boxes].map(([key, box]) => [key, box.n]);
  }
}
