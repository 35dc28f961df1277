// `router.experiments` and `router.feedback`: which experiments run (started, paused or ended at
// runtime, whatever the configuration said), how each splits its tasks (by weight, or adaptively
// toward the variant with the better feedback), and which variant served a task, so that feedback
// reaches it. Decisions read the live split through `RoutingState.experiments`.
import { InvalidArgumentError, UnknownExperimentError } from '../errors.js';
import type { ExperimentMetrics } from '../metrics/experiment-metrics.js';
import type { CompiledExperiment } from '../routing/compile-config.js';
import type { LiveExperiment, RoutingDecision } from '../routing/types.js';
import { cumulative, seededRandom, thompsonShares } from './adaptive-allocation.js';

export type ExperimentState = 'running' | 'paused' | 'ended';

export interface ExperimentStatus {
  name: string;
  status: ExperimentState;
  mode: 'fixed' | 'adaptive';
  /** The feedback metric an adaptive experiment learns from, and the least share it leaves a variant. */
  metric?: string;
  minShare?: number;
  /** The agents taking part; absent for all. */
  agents?: string[];
  /** Each variant's model, configured weight and share of the tasks now (0..1). */
  variants: { modelId: string; weight: number; share: number }[];
  /** When the status last changed at runtime (epoch ms), and why. */
  changedAt?: number;
  reason?: string;
}

export interface ExperimentChangeOptions {
  reason?: string;
}

/** `router.experiments`. Unknown names throw `UnknownExperimentError`. */
export interface ExperimentControl {
  list(): ExperimentStatus[];
  get(name: string): ExperimentStatus;
  /** Runs the experiment (also one configured with `enabled: false`, or paused, or ended). */
  start(name: string, options?: ExperimentChangeOptions): ExperimentStatus;
  /** Stops assigning tasks for now; its figures stay. */
  pause(name: string, options?: ExperimentChangeOptions): ExperimentStatus;
  /** Stops assigning tasks for good (until started again); its figures stay. */
  end(name: string, options?: ExperimentChangeOptions): ExperimentStatus;
}

interface RuntimeStatus {
  status: ExperimentState;
  changedAt: number;
  reason?: string | undefined;
}

/** Most distinct feedback metrics one experiment keeps figures for. */
const MAX_METRICS = 64;

/** Tasks whose variant is remembered for feedback; the oldest are forgotten first. */
const MAX_REMEMBERED_TASKS = 100_000;

export class Experiments implements ExperimentControl {
  private compiled = new Map<string, CompiledExperiment>();
  private readonly runtime = new Map<string, RuntimeStatus>();
  private readonly shares = new Map<string, number[]>();
  private readonly randoms = new Map<string, () => number>();
  /** The feedback metrics each experiment was told of. */
  private readonly metricNames = new Map<string, Set<string>>();
  /** Outcomes of its metric each adaptive experiment was told. */
  private readonly learned = new Map<string, number>();
  /** task id → the experiment and the variant that served it. */
  private readonly served = new Map<string, { experiment: string; variant: string | undefined }>();
  /** What decisions read; replaced (never mutated) on every change. */
  private live: ReadonlyMap<string, LiveExperiment> = new Map();

  constructor(
    experiments: readonly CompiledExperiment[],
    private readonly metrics: ExperimentMetrics,
    private readonly clock: () => number,
    private readonly onChange: (status: ExperimentStatus, reason: string | undefined) => void,
    private readonly random?: () => number,
  ) {
    this.configure(experiments);
  }

  /** The live split decisions read: absent when nothing differs from the configuration. */
  get forDecisions(): ReadonlyMap<string, LiveExperiment> | undefined {
    return this.live.size > 0 ? this.live : undefined;
  }

  /** Takes a new configuration's experiments (on reload): runtime statuses and feedback carry over by name. */
  configure(experiments: readonly CompiledExperiment[]): void {
    this.compiled = new Map(experiments.map((experiment) => [experiment.name, experiment]));
    for (const name of [...this.runtime.keys()]) if (!this.compiled.has(name)) this.runtime.delete(name);
    // Sampling starts again from each experiment's (possibly new) seed.
    this.randoms.clear();
    this.learned.clear();
    this.shares.clear();
    for (const experiment of experiments) if (experiment.allocation.mode === 'adaptive') this.relearn(experiment);
    this.publish();
  }

  list(): ExperimentStatus[] {
    return [...this.compiled.values()].map((experiment) => this.statusOf(experiment));
  }

  get(name: string): ExperimentStatus {
    return this.statusOf(this.require(name));
  }

  start(name: string, options?: ExperimentChangeOptions): ExperimentStatus {
    return this.change(name, 'running', options);
  }

  pause(name: string, options?: ExperimentChangeOptions): ExperimentStatus {
    return this.change(name, 'paused', options);
  }

  end(name: string, options?: ExperimentChangeOptions): ExperimentStatus {
    return this.change(name, 'ended', options);
  }

  /** The share of `variant` in `experiment` now (0 when it is not one of its variants). */
  shareOf(name: string, variant: string): number {
    const experiment = this.compiled.get(name);
    if (!experiment) return 0;
    const index = experiment.variants.findIndex((v) => v.modelId === variant);
    if (index < 0) return 0;
    const shares = this.shares.get(name) ?? weightShares(experiment);
    return shares[index]!;
  }

  /** A decision an experiment assigned: remembered by task id, for feedback. */
  assigned(decision: RoutingDecision): void {
    if (!decision.experiment || decision.taskId === undefined) return;
    this.served.delete(decision.taskId);
    this.served.set(decision.taskId, { experiment: decision.experiment.name, variant: decision.experiment.variant });
    if (this.served.size > MAX_REMEMBERED_TASKS) this.served.delete(this.served.keys().next().value!);
  }

  /**
   * The call for such a decision ended: feedback goes to the variant that served — the assigned one,
   * or another variant of the experiment that served as a fallback — and to none when no variant did.
   */
  servedBy(decision: RoutingDecision, servedModelId: string | undefined): void {
    const assigned = decision.experiment;
    if (!assigned || decision.taskId === undefined) return;
    const entry = this.served.get(decision.taskId);
    if (!entry || entry.experiment !== assigned.name) return;
    if (servedModelId === undefined || servedModelId === assigned.variant) {
      entry.variant = servedModelId;
      return;
    }
    const experiment = this.compiled.get(entry.experiment);
    entry.variant = experiment?.variants.some((v) => v.modelId === servedModelId) ? servedModelId : undefined;
  }

  /** `router.feedback`. */
  feedback(target: string | RoutingDecision, feedback: { metric: string; value: number | boolean }): boolean {
    const taskId = typeof target === 'string' ? target : typeof target === 'object' && target !== null ? target.taskId : undefined;
    if (typeof taskId !== 'string') throw new InvalidArgumentError('target', 'expected a task id or a decision with its taskId');
    if (typeof feedback !== 'object' || feedback === null) throw new InvalidArgumentError('feedback', 'expected { metric, value }');
    const { metric } = feedback;
    if (typeof metric !== 'string' || metric.length === 0 || metric.length > 200) throw new InvalidArgumentError('feedback.metric', 'expected a non-empty name');
    const raw = feedback.value;
    const value = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
    // The value's type only: what a host passes by mistake may be text it should not log.
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidArgumentError('feedback.value', `expected a finite number or a boolean, got ${typeof raw === 'number' ? String(raw) : typeof raw}`);
    const entry = this.served.get(taskId);
    if (!entry || entry.variant === undefined) return false;
    // Metric names are the host's: their number is bounded, so figures cannot grow without end.
    let metrics = this.metricNames.get(entry.experiment);
    if (!metrics) this.metricNames.set(entry.experiment, (metrics = new Set()));
    if (!metrics.has(metric)) {
      if (metrics.size >= MAX_METRICS) throw new InvalidArgumentError('feedback.metric', `experiment ${entry.experiment} already has ${MAX_METRICS} feedback metrics; "${metric.slice(0, 40)}" would be one more`);
      metrics.add(metric);
    }
    const experiment = this.compiled.get(entry.experiment);
    const learns = experiment?.allocation.mode === 'adaptive' && experiment.allocation.metric === metric;
    if (learns && (value < 0 || value > 1)) {
      throw new InvalidArgumentError('feedback.value', `experiment ${entry.experiment} learns from "${metric}", which takes values from 0 to 1; got ${value}`);
    }
    this.metrics.feedback(entry.experiment, entry.variant, metric, value);
    if (learns) {
      // The split is drawn again after every outcome while they are few, then every 1% more of them:
      // each draw costs about half a millisecond, and one more outcome among thousands moves nothing.
      const seen = (this.learned.get(entry.experiment) ?? 0) + 1;
      this.learned.set(entry.experiment, seen);
      if (seen <= 100 || seen % Math.ceil(seen / 100) === 0) {
        this.relearn(experiment);
        this.publish();
      }
    }
    return true;
  }

  private change(name: string, status: ExperimentState, options: ExperimentChangeOptions | undefined): ExperimentStatus {
    const experiment = this.require(name);
    if (options !== undefined && (typeof options !== 'object' || options === null)) throw new InvalidArgumentError('options', 'expected { reason? }');
    const reason = options?.reason;
    if (reason !== undefined && typeof reason !== 'string') throw new InvalidArgumentError('reason', 'expected a string');
    this.runtime.set(name, { status, changedAt: this.clock(), ...(reason !== undefined ? { reason } : {}) });
    this.publish();
    const result = this.statusOf(experiment);
    this.onChange(result, reason);
    return result;
  }

  private require(name: string): CompiledExperiment {
    const experiment = typeof name === 'string' ? this.compiled.get(name) : undefined;
    if (!experiment) throw new UnknownExperimentError(String(name), [...this.compiled.keys()]);
    return experiment;
  }

  /** Recomputes an adaptive experiment's shares from the feedback its variants were given. */
  private relearn(experiment: CompiledExperiment): void {
    if (experiment.allocation.mode !== 'adaptive') return;
    const { metric, minShare, seed } = experiment.allocation;
    const evidence = experiment.variants.map((variant) => this.metrics.evidence(experiment.name, variant.modelId, metric));
    if (evidence.every((e) => e.count === 0)) {
      // Before any outcome: the weights, with every variant lifted to its minimum share.
      const initial = atLeast(weightShares(experiment), minShare);
      if (initial.some((share, index) => share !== weightShares(experiment)[index])) this.shares.set(experiment.name, initial);
      else this.shares.delete(experiment.name);
      return;
    }
    let random = this.randoms.get(experiment.name);
    if (!random) this.randoms.set(experiment.name, (random = this.random ?? seededRandom(seed)));
    this.shares.set(experiment.name, thompsonShares(evidence, minShare, random));
  }

  private statusOf(experiment: CompiledExperiment): ExperimentStatus {
    const runtime = this.runtime.get(experiment.name);
    const shares = this.shares.get(experiment.name) ?? weightShares(experiment);
    const status: ExperimentStatus = {
      name: experiment.name,
      status: runtime?.status ?? (experiment.enabled ? 'running' : 'paused'),
      mode: experiment.allocation.mode,
      variants: experiment.variants.map((variant, index) => ({ modelId: variant.modelId, weight: variant.weight, share: shares[index]! })),
    };
    if (experiment.allocation.mode === 'adaptive') {
      status.metric = experiment.allocation.metric;
      status.minShare = experiment.allocation.minShare;
    }
    if (experiment.agents) status.agents = [...experiment.agents];
    if (runtime) {
      status.changedAt = runtime.changedAt;
      if (runtime.reason !== undefined) status.reason = runtime.reason;
    }
    return status;
  }

  private publish(): void {
    const live = new Map<string, LiveExperiment>();
    for (const experiment of this.compiled.values()) {
      const runtime = this.runtime.get(experiment.name);
      const shares = this.shares.get(experiment.name);
      if (!runtime && !shares) continue;
      live.set(experiment.name, {
        running: runtime ? runtime.status === 'running' : experiment.enabled,
        ...(runtime ? { status: runtime.status } : {}),
        ...(shares ? { upTo: cumulative(shares), of: experiment } : {}),
      });
    }
    this.live = live;
  }
}

/** `shares` with every share below `minimum` raised to it, the others scaled down in proportion to make room. */
function atLeast(shares: readonly number[], minimum: number): number[] {
  const raised = new Set<number>();
  for (;;) {
    const room = 1 - raised.size * minimum;
    let rest = 0;
    shares.forEach((share, index) => {
      if (!raised.has(index)) rest += share;
    });
    const next = shares.map((share, index) => (raised.has(index) ? minimum : rest > 0 ? (share * room) / rest : room / (shares.length - raised.size)));
    const low = next.findIndex((share, index) => !raised.has(index) && share < minimum - 1e-12);
    if (low < 0) return next;
    raised.add(low);
  }
}

function weightShares(experiment: CompiledExperiment): number[] {
  let previous = 0;
  return experiment.variants.map((variant) => {
    const share = variant.upTo - previous;
    previous = variant.upTo;
    return share;
  });
}
