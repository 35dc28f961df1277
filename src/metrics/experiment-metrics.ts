// Per-variant figures of the A/B experiments, so that variants can be compared: tasks assigned,
// calls and how they ended (failures, fallbacks), cost, latency percentiles over the most recent
// calls, and the feedback hosts reported per metric. Updated in O(1) per event.

/** One variant of one experiment, as `router.metrics().experiments[name][modelId]` reports it. */
export interface VariantMetrics {
  /** Tasks the experiment assigned to this variant. */
  requests: number;
  /** Calls made for those tasks (by `complete`, `stream`, `execute`), and how many failed. */
  calls: number;
  failures: number;
  /** Calls a model other than the variant served (a fallback). */
  fallbacks: number;
  /** What those calls cost, in USD. */
  cost_usd: number;
  /** Latency of the variant's successful calls (the last 512), in ms; 0 before any. */
  latency_p50_ms: number;
  latency_p95_ms: number;
  /** Feedback per metric: how many outcomes and their mean. */
  feedback: Record<string, { count: number; mean: number }>;
  /** The share of the experiment's tasks this variant gets now (0..1). */
  share: number;
}

const LATENCY_SAMPLES = 512;

/** What a variant was told of one metric: the mean of every value, and the values within 0..1 apart (what learning reads). */
interface FeedbackStats {
  count: number;
  /** A running mean: a sum of large finite values could overflow. */
  mean: number;
  unitCount: number;
  unitSum: number;
}

class VariantStats {
  requests = 0;
  calls = 0;
  failures = 0;
  fallbacks = 0;
  costUsd = 0;
  readonly latencies: number[] = [];
  private nextLatency = 0;
  readonly feedback = new Map<string, FeedbackStats>();

  addLatency(ms: number): void {
    if (this.latencies.length < LATENCY_SAMPLES) this.latencies.push(ms);
    else this.latencies[this.nextLatency] = ms;
    this.nextLatency = (this.nextLatency + 1) % LATENCY_SAMPLES;
  }
}

export class ExperimentMetrics {
  private readonly stats = new Map<string, Map<string, VariantStats>>();

  /** A decision assigned `variant` of `experiment`. */
  assigned(experiment: string, variant: string): void {
    this.variant(experiment, variant).requests++;
  }

  /** A call for a task the experiment assigned ended. */
  outcome(experiment: string, variant: string, outcome: { ok: boolean; servedModelId?: string | undefined; costUsd: number; latencyMs: number }): void {
    const stats = this.variant(experiment, variant);
    stats.calls++;
    stats.costUsd += outcome.costUsd;
    if (!outcome.ok) {
      stats.failures++;
      return;
    }
    if (outcome.servedModelId !== variant) stats.fallbacks++;
    else stats.addLatency(outcome.latencyMs);
  }

  /** An outcome a host reported for a task served by `variant`. */
  feedback(experiment: string, variant: string, metric: string, value: number): void {
    const { feedback } = this.variant(experiment, variant);
    let entry = feedback.get(metric);
    if (!entry) feedback.set(metric, (entry = { count: 0, mean: 0, unitCount: 0, unitSum: 0 }));
    entry.count++;
    entry.mean += value / entry.count - entry.mean / entry.count;
    if (value >= 0 && value <= 1) {
      entry.unitCount++;
      entry.unitSum += value;
    }
  }

  /**
   * What `variant` was told of `metric` that an adaptive experiment learns from: how many values
   * were within 0..1 and their sum (values outside, recorded while the experiment was fixed, are not evidence).
   */
  evidence(experiment: string, variant: string, metric: string): { count: number; sum: number } {
    const entry = this.stats.get(experiment)?.get(variant)?.feedback.get(metric);
    return entry ? { count: entry.unitCount, sum: entry.unitSum } : { count: 0, sum: 0 };
  }

  /** Every experiment that has figures, each variant with its share now (from `shareOf`). */
  snapshot(shareOf: (experiment: string, variant: string) => number): Record<string, Record<string, VariantMetrics>> {
    const out: Record<string, Record<string, VariantMetrics>> = {};
    for (const [experiment, variants] of this.stats) {
      const report: Record<string, VariantMetrics> = {};
      for (const [variant, stats] of variants) {
        const sorted = [...stats.latencies].sort((a, b) => a - b);
        const feedback: Record<string, { count: number; mean: number }> = {};
        for (const [metric, { count, mean }] of stats.feedback) own(feedback, metric, { count, mean: round(mean, 4) });
        own(report, variant, {
          requests: stats.requests,
          calls: stats.calls,
          failures: stats.failures,
          fallbacks: stats.fallbacks,
          cost_usd: round(stats.costUsd, 6),
          latency_p50_ms: percentile(sorted, 0.5),
          latency_p95_ms: percentile(sorted, 0.95),
          feedback,
          share: round(shareOf(experiment, variant), 4),
        });
      }
      own(out, experiment, report);
    }
    return out;
  }

  reset(): void {
    this.stats.clear();
  }

  private variant(experiment: string, variant: string): VariantStats {
    let variants = this.stats.get(experiment);
    if (!variants) this.stats.set(experiment, (variants = new Map()));
    let stats = variants.get(variant);
    if (!stats) variants.set(variant, (stats = new VariantStats()));
    return stats;
  }
}

/** Sets `key` as an own property, whatever its name (`__proto__` included: hosts name metrics). */
function own<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The nearest-rank percentile of sorted values; 0 when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  const scaled = value * scale;
  // Rounding cannot matter for a value this large, and scaling it would overflow.
  return Number.isFinite(scaled) ? Math.round(scaled) / scale : value;
}
