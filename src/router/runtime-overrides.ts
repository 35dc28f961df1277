// Runtime overrides, in process: an agent's model, the strategy in force, a task's model. Each may
// expire after a duration measured on the router's clock; expired overrides simply stop applying.
import { InvalidArgumentError, UnknownAgentError, UnknownModelError, UnknownStrategyError } from '../errors.js';
import { ownOption } from '../own-data.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses `'2h'`, `'30m'`, `'1h30m'`, `'45s'`, `'500ms'`, `'1d'` or a number of milliseconds.
 * Throws `InvalidArgumentError` for anything else, including zero and negative durations.
 */
export function parseDuration(duration: string | number): number {
  if (typeof duration === 'number') {
    // At least a millisecond: an override is stamped in epoch milliseconds, and a shorter one would be over when set.
    if (!Number.isFinite(duration) || duration < 1) throw new InvalidArgumentError('duration', `${duration} is not a number of milliseconds of at least 1`);
    return duration;
  }
  if (typeof duration !== 'string') throw new InvalidArgumentError('duration', 'expected a string like "2h" or a number of milliseconds');
  const text = duration.trim();
  if (!/^(\d+(\.\d+)?\s*(ms|s|m|h|d)\s*)+$/i.test(text)) {
    throw new InvalidArgumentError('duration', `"${duration}" is not a duration like "2h", "30m", "1h30m", "45s" or "500ms"`);
  }
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gi)) {
    total += Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]!;
  }
  if (!(total >= 1)) throw new InvalidArgumentError('duration', `"${duration}" is shorter than a millisecond`);
  return total;
}

export interface OverrideOptions {
  reason?: string;
  /** `'2h'`, `'30m'`, or milliseconds; without it the override lasts until cleared. */
  duration?: string | number;
}

export interface TaskRoutingOptions extends OverrideOptions {
  forceModel?: string;
  /** The seed API's spelling of `forceModel`. */
  force_model?: string;
}

export interface ActiveOverride {
  kind: 'agent_model' | 'strategy' | 'task_routing';
  /** The agent id or task id it applies to (absent for the strategy). */
  target?: string;
  /** The model or strategy it sets. */
  value: string;
  reason?: string;
  setAt: number;
  expiresAt?: number;
}

/** What `onChange` listeners receive: an override set, cleared, or expired on the router's clock. */
export interface OverrideChange {
  /** `drop`: a reload removed what the override names. */
  action: 'set' | 'clear' | 'expire' | 'drop';
  override: ActiveOverride;
}

export interface OverridesListing {
  agentModels: ActiveOverride[];
  strategy: ActiveOverride | undefined;
  taskRouting: ActiveOverride[];
}

interface Known {
  agents: () => readonly string[];
  models: () => readonly string[];
  strategies: () => readonly string[];
}

/** `router.overrides`: change routing at run time without reloading the configuration. */
export interface RuntimeOverrides {
  /** An operator's choice of model for an agent: beats its routing rules and the strategy, within the hard constraints. */
  setAgentModel(agentId: string, modelId: string, options?: OverrideOptions): ActiveOverride;
  /** Puts a strategy in force for every request, above the context's `routing_strategy`. */
  setStrategy(strategy: string, options?: OverrideOptions): ActiveOverride;
  /** Forces a model for one task id (honoured only within the hard constraints, like privacy). */
  setTaskRouting(taskId: string, options: TaskRoutingOptions): ActiveOverride;
  clearAgentModel(agentId: string): boolean;
  clearStrategy(): boolean;
  clearTaskRouting(taskId: string): boolean;
  clearAll(): void;
  /** The overrides in force now (expired ones are dropped); copies. */
  list(): OverridesListing;
  /** Called whenever an override is set, cleared or expires. Returns an unsubscribe function. */
  onChange(listener: (change: OverrideChange) => void): () => void;
}

/** The router's own store of overrides, read on every decision. */
export class OverrideStore implements RuntimeOverrides {
  private readonly agentModels = new Map<string, ActiveOverride>();
  private readonly taskRoutes = new Map<string, ActiveOverride>();
  private strategyOverride: ActiveOverride | undefined;
  private readonly listeners = new Set<(change: OverrideChange) => void>();

  constructor(
    private readonly known: Known,
    private readonly clock: () => number,
  ) {}

  setAgentModel(agentId: string, modelId: string, options: OverrideOptions = {}): ActiveOverride {
    this.requireAgent(agentId);
    this.requireModel(modelId, `override for agent "${agentId}"`);
    const override = this.make('agent_model', agentId, modelId, options);
    this.agentModels.set(agentId, override);
    this.emit('set', override);
    return override;
  }

  /** Puts a strategy in force for every request, above the context's `routing_strategy`. */
  setStrategy(strategy: string, options: OverrideOptions = {}): ActiveOverride {
    if (typeof strategy !== 'string' || !this.known.strategies().includes(strategy)) {
      throw new UnknownStrategyError(String(strategy), this.known.strategies());
    }
    const override = this.make('strategy', undefined, strategy, options);
    this.strategyOverride = override;
    this.emit('set', override);
    return override;
  }

  /** Forces a model for one task id (honoured only within the hard constraints, like privacy). */
  setTaskRouting(taskId: string, options: TaskRoutingOptions): ActiveOverride {
    if (typeof taskId !== 'string' || taskId.length === 0) throw new InvalidArgumentError('taskId', 'expected a non-empty string');
    const given = typeof options === 'object' && options !== null ? options : undefined;
    const modelId = given && (ownOption(given, 'forceModel') ?? ownOption(given, 'force_model'));
    if (typeof modelId !== 'string') throw new InvalidArgumentError('forceModel', 'setTaskRouting needs { forceModel: "<model id>" }');
    this.requireModel(modelId, `routing for task "${taskId}"`);
    const override = this.make('task_routing', taskId, modelId, options);
    this.taskRoutes.set(taskId, override);
    this.emit('set', override);
    return override;
  }

  clearAgentModel(agentId: string): boolean {
    return this.clearFrom(this.agentModels, agentId);
  }

  clearStrategy(): boolean {
    const existing = this.strategyOverride;
    this.strategyOverride = undefined;
    if (existing) this.emit('clear', existing);
    return existing !== undefined;
  }

  clearTaskRouting(taskId: string): boolean {
    return this.clearFrom(this.taskRoutes, taskId);
  }

  clearAll(): void {
    for (const id of [...this.agentModels.keys()]) this.clearAgentModel(id);
    for (const id of [...this.taskRoutes.keys()]) this.clearTaskRouting(id);
    this.clearStrategy();
  }

  /** The overrides in force now (expired ones are dropped). */
  list(): OverridesListing {
    const now = this.clock();
    this.sweep(now);
    // Copies: changing what list() returned must not change the overrides in force.
    return {
      agentModels: [...this.agentModels.values()].map((override) => ({ ...override })),
      strategy: this.strategyOverride ? { ...this.strategyOverride } : undefined,
      taskRouting: [...this.taskRoutes.values()].map((override) => ({ ...override })),
    };
  }

  /** Called whenever an override is set or cleared. Returns an unsubscribe function. */
  onChange(listener: (change: OverrideChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * @internal After a reload: drops every override naming an agent, model or strategy the new
   * configuration lacks, and returns them (each also reported to `onChange` as `drop`).
   */
  dropUnknown(): { override: ActiveOverride; reason: string }[] {
    // Overrides that ran out before the reload expired: they are not the reload's to drop.
    this.sweep(this.clock());
    const dropped: { override: ActiveOverride; reason: string }[] = [];
    const models = new Set(this.known.models());
    const agents = new Set(this.known.agents());
    for (const [agentId, override] of [...this.agentModels]) {
      const reason = !agents.has(agentId) ? `agent "${agentId}" is no longer configured` : !models.has(override.value) ? `model "${override.value}" is no longer configured` : undefined;
      if (reason) {
        this.agentModels.delete(agentId);
        dropped.push({ override, reason });
      }
    }
    for (const [taskId, override] of [...this.taskRoutes]) {
      if (models.has(override.value)) continue;
      this.taskRoutes.delete(taskId);
      dropped.push({ override, reason: `model "${override.value}" is no longer configured` });
    }
    const strategy = this.strategyOverride;
    if (strategy && !this.known.strategies().includes(strategy.value)) {
      this.strategyOverride = undefined;
      dropped.push({ override: strategy, reason: `strategy "${strategy.value}" is no longer configured` });
    }
    for (const { override } of dropped) this.emit('drop', override);
    return dropped.map(({ override, reason }) => ({ override: { ...override }, reason }));
  }

  /** @internal The active override of an agent's model at `now`. */
  agentModelAt(agentId: string, now: number): ActiveOverride | undefined {
    return this.active(this.agentModels, agentId, now);
  }

  /** @internal */
  taskRoutingAt(taskId: string, now: number): ActiveOverride | undefined {
    return this.active(this.taskRoutes, taskId, now);
  }

  /** @internal */
  strategyAt(now: number): ActiveOverride | undefined {
    const override = this.strategyOverride;
    const expiresAt = override === undefined ? undefined : ownOption(override, 'expiresAt');
    if (override !== undefined && expiresAt !== undefined && expiresAt <= now) {
      this.strategyOverride = undefined;
      this.emit('expire', override);
      return undefined;
    }
    return override;
  }

  /** @internal Whether any override is set, so the hot path can skip the look-ups. */
  get isEmpty(): boolean {
    return this.agentModels.size === 0 && this.taskRoutes.size === 0 && this.strategyOverride === undefined;
  }

  private active(map: Map<string, ActiveOverride>, key: string, now: number): ActiveOverride | undefined {
    const override = map.get(key);
    // Its own field only: an override without an expiry never takes one from Object.prototype.
    const expiresAt = override === undefined ? undefined : ownOption(override, 'expiresAt');
    if (override !== undefined && expiresAt !== undefined && expiresAt <= now) {
      map.delete(key);
      this.emit('expire', override);
      return undefined;
    }
    return override;
  }

  private sweep(now: number): void {
    for (const key of [...this.agentModels.keys()]) this.active(this.agentModels, key, now);
    for (const key of [...this.taskRoutes.keys()]) this.active(this.taskRoutes, key, now);
    this.strategyAt(now);
  }

  private make(kind: ActiveOverride['kind'], target: string | undefined, value: string, options: OverrideOptions): ActiveOverride {
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new InvalidArgumentError('options', 'expected an object like { reason, duration }');
    }
    // The options' own fields only (nothing planted on Object.prototype is a reason or a duration).
    const reason = ownOption(options, 'reason');
    const duration = ownOption(options, 'duration');
    if (reason !== undefined && typeof reason !== 'string') throw new InvalidArgumentError('reason', 'expected a string');
    const durationMs = duration === undefined ? undefined : parseDuration(duration);
    const setAt = this.clock();
    const override: ActiveOverride = { kind, value, setAt };
    if (target !== undefined) override.target = target;
    if (reason !== undefined) override.reason = reason;
    if (durationMs !== undefined) override.expiresAt = setAt + durationMs;
    return override;
  }

  private clearFrom(map: Map<string, ActiveOverride>, key: string): boolean {
    const existing = map.get(key);
    map.delete(key);
    if (existing) this.emit('clear', existing);
    return existing !== undefined;
  }

  private emit(action: OverrideChange['action'], override: ActiveOverride): void {
    for (const listener of this.listeners) {
      try {
        listener({ action, override: { ...override } });
      } catch {
        // A listener's failure must not undo or half-apply the change it was told about.
      }
    }
  }

  private requireAgent(agentId: string): void {
    if (typeof agentId !== 'string' || !this.known.agents().includes(agentId)) throw new UnknownAgentError(String(agentId), this.known.agents());
  }

  private requireModel(modelId: string, where: string): void {
    if (typeof modelId !== 'string' || !this.known.models().includes(modelId)) throw new UnknownModelError(String(modelId), this.known.models(), where);
  }
}
