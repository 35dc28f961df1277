// A `CostLedger` in Redis, so several router instances share one budget: every operation is one
// atomic Lua script, money is integer micro-dollars, the day comes from Redis TIME, a day's keys
// expire once it is well past, and reservations never settled expire on their own.
//
// When Redis cannot be reached (an error, or no answer within the command timeout), the ledger
// fails closed (default: no priced call until Redis is back; local models still serve) or open
// (onto an in-memory ledger that starts from the last spend Redis reported). Either way a booking
// is never lost: what could not be written is kept and written, in order, once Redis answers.
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, StateUnavailableError } from '../errors.js';
import {
  ledgerDay,
  requireMicros,
  type CostLedger,
  type DayReport,
  type LedgerEntry,
  type ReserveRequest,
  type ReserveResult,
  type SpendQuery,
  type SpendSnapshot,
} from '../state/cost-ledger.js';
import { MemoryLedger } from '../state/memory-ledger.js';
import { COMMIT, RECORD, RELEASE, REPORT, RESERVE, SNAPSHOT } from './ledger-scripts.js';
import { RedisLink, script, type RedisLinkEvent, type RedisLinkOptions, type RedisScriptClient } from './redis-link.js';
import { checkPrefix } from './redis-keys.js';
import { BookingQueue, type Booking } from './booking-queue.js';

export interface RedisLedgerOptions extends RedisLinkOptions {
  /** The host's Redis client (`ioredis`), connected and configured by the host. */
  client: RedisScriptClient;
  /** Namespace of every key (a Redis Cluster hash tag is built from it). Default `llm-router`. */
  prefix?: string;
  /**
   * When Redis cannot be reached: `fail_closed` (default) refuses every priced call (local models
   * still serve); `fail_open` goes on with an in-memory ledger that starts from the spend Redis last
   * reported, and reports the switch with a `redis_unavailable` event.
   */
  whenUnavailable?: 'fail_closed' | 'fail_open';
  /** How many days a day's totals are kept after it ends. Default 31. */
  retainDays?: number;
  /**
   * Whose clock sets the day and expires reservations: `redis` (default: Redis TIME, the same for
   * every instance) or `router` (the router's clock, e.g. a simulated one).
   */
  clock?: 'redis' | 'router';
  /** Bookings kept while Redis is down, at most (the oldest is dropped, and reported, past it). Default 100 000. */
  maxQueued?: number;
  /** Told when Redis becomes unavailable or recovers, and when a queued booking had to be dropped. Default: a warning on the console. */
  onEvent?: (event: RedisLedgerEvent) => void;
}

export type RedisLedgerEvent =
  | (RedisLinkEvent & { mode: 'fail_closed' | 'fail_open' })
  | { type: 'redis_booking_dropped'; store: string; booking: Booking };

const STORE = 'Redis cost ledger';
const DAY_MS = 86_400_000;
const LOCAL = 'local:';

const SCRIPTS = {
  snapshot: script('read today’s spend', SNAPSHOT),
  reserve: script('reserve budget', RESERVE),
  release: script('release a reservation', RELEASE),
  record: script('book a call', RECORD),
  commit: script('book a call against its reservation', COMMIT),
  report: script('report a day', REPORT),
};

export function createRedisLedger(options: RedisLedgerOptions): RedisLedger {
  return new RedisLedger(options);
}

export class RedisLedger implements CostLedger {
  private readonly link: RedisLink;
  private readonly prefix: string;
  private readonly mode: 'fail_closed' | 'fail_open';
  private readonly retainDays: number;
  private readonly redisClock: boolean;
  /** Redis time minus this process's time, learned from every answer. */
  private offsetMs = 0;
  private readonly queue: BookingQueue;
  /** Where reservations go while Redis is down and the ledger fails open. */
  private readonly fallback = new MemoryLedger();
  /** The last spend Redis reported, per agent (and its day): where a fail-open ledger starts. */
  private readonly lastKnown = new Map<string, { day: string; spend: SpendSnapshot }>();
  private replaying: Promise<void> | undefined;
  /** Tells this ledger's bookings apart from every other instance's. */
  private readonly tag = randomBytes(6).toString('base64url');
  private bookings = 0;
  /** The last global spend Redis reported for a day (any agent's read): where fail-open and fail-closed start. */
  private lastGlobal: { day: string; totalMicros: number; reservedMicros: number } | undefined;

  constructor(options: RedisLedgerOptions) {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'expected { client, ... }');
    this.prefix = checkPrefix(options.prefix);
    const mode = options.whenUnavailable ?? 'fail_closed';
    if (mode !== 'fail_closed' && mode !== 'fail_open') throw new InvalidArgumentError('options.whenUnavailable', `expected 'fail_closed' or 'fail_open', got ${String(mode)}`);
    this.mode = mode;
    const clock = options.clock ?? 'redis';
    if (clock !== 'redis' && clock !== 'router') throw new InvalidArgumentError('options.clock', `expected 'redis' or 'router', got ${String(clock)}`);
    this.redisClock = clock === 'redis';
    this.retainDays = wholeNumber('retainDays', options.retainDays ?? 31, 1);
    const onEvent = options.onEvent ?? warnOnConsole;
    this.link = new RedisLink(options.client, STORE, options, (event) => onEvent({ ...event, mode: this.mode }));
    this.queue = new BookingQueue(wholeNumber('maxQueued', options.maxQueued ?? 100_000, 1), (booking) => onEvent({ type: 'redis_booking_dropped', store: STORE, booking }));
  }

  /** Bookings waiting for Redis to come back (for diagnostics and tests). */
  get queuedBookings(): number {
    return this.queue.size;
  }

  async snapshot(query: SpendQuery): Promise<SpendSnapshot> {
    const day = this.day(query.day);
    await this.replayQueued();
    try {
      const t0 = Date.now();
      const answer = numbers(await this.link.run(SCRIPTS.snapshot, this.keys(day), [this.nowArg(query.now), query.agentId]), 5);
      this.learnTime(answer[0]!, t0);
      const spend = { totalMicros: answer[1]!, reservedMicros: answer[2]!, agentMicros: answer[3]!, agentReservedMicros: answer[4]! };
      this.remember(query.agentId, day, spend);
      return this.withLocalReservations(this.queue.addTo(day, query.agentId, spend), query.agentId, day, query.now);
    } catch (error) {
      return this.spendWithout(requireUnavailable(error), query, day);
    }
  }

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    requireMicros('amountMicros', request.amountMicros);
    const day = this.day(request.day);
    const amount = Math.max(0, Math.round(request.amountMicros));
    await this.replayQueued();
    const reservationId = `${day}:${this.bookingId()}`;
    try {
      const ttl = Math.max(1, Math.round(request.expiresAt - request.now));
      // Reservations made in memory while Redis was down still hold money until they settle.
      const held = this.withLocalReservations({ totalMicros: 0, reservedMicros: 0, agentMicros: 0, agentReservedMicros: 0 }, request.agentId, day, request.now);
      const t0 = Date.now();
      const answer = await this.link.run(SCRIPTS.reserve, this.keys(day), [
        this.nowArg(request.now),
        request.agentId,
        amount,
        limitArg(request.limitMicros, held.reservedMicros),
        limitArg(request.agentLimitMicros, held.agentReservedMicros),
        ttl,
        this.keepUntil(day),
        reservationId,
      ]);
      if (!Array.isArray(answer)) throw new StateUnavailableError(STORE, SCRIPTS.reserve.name, 'Redis gave an unexpected answer');
      this.learnTime(Number(answer[0]), t0);
      if (Number(answer[1]) === 1) return { ok: true, reservationId: String(answer[2]) };
      return { ok: false, limit: answer[2] === 'agent' ? 'agent' : 'global', usedMicros: Number(answer[3]), limitMicros: Number(answer[4]) };
    } catch (error) {
      const unavailable = requireUnavailable(error);
      // A command that timed out may still run: release what it may have reserved once Redis answers.
      if (unavailable.timedOut) this.queue.push({ kind: 'release', id: this.bookingId(), reservationId, day });
      return this.reserveWithout(unavailable, request, day, amount);
    }
  }

  async commit(reservationId: string, day: string, entry: LedgerEntry): Promise<void> {
    requireMicros('entry.costMicros', entry.costMicros);
    if (reservationId.startsWith(LOCAL)) {
      this.fallback.release(reservationId.slice(LOCAL.length));
      return this.record(day, entry);
    }
    await this.write({ kind: 'commit', id: this.bookingId(), reservationId, day: this.day(day), entry: cleanEntry(entry) });
  }

  async release(reservationId: string): Promise<void> {
    if (reservationId.startsWith(LOCAL)) {
      this.fallback.release(reservationId.slice(LOCAL.length));
      return;
    }
    await this.write({ kind: 'release', id: this.bookingId(), reservationId, day: this.day(ledgerDay(Date.now())) });
  }

  async record(day: string, entry: LedgerEntry): Promise<void> {
    requireMicros('entry.costMicros', entry.costMicros);
    await this.write({ kind: 'record', id: this.bookingId(), day: this.day(day), entry: cleanEntry(entry) });
  }

  /** A day's spend by agent and model. Rejects with `StateUnavailableError` while Redis cannot be reached. */
  async report(day: string): Promise<DayReport> {
    requireDay(day);
    await this.replayQueued();
    const answer = await this.link.run(SCRIPTS.report, [this.keys(day)[0]!], []);
    const fields = Array.isArray(answer) ? answer.slice(1).map(String) : [];
    const report: DayReport = { day, totalMicros: 0, reservedMicros: 0, byAgent: {}, byModel: {}, calls: 0 };
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const name = fields[i]!;
      const value = Number(fields[i + 1]);
      if (name === 'total') report.totalMicros = value;
      else if (name === 'reserved') report.reservedMicros = value;
      else if (name === 'calls') report.calls = value;
      else if (name.startsWith('a:')) report.byAgent[name.slice(2)] = value;
      else if (name.startsWith('m:')) report.byModel[name.slice(2)] = value;
    }
    return this.queue.addToReport(report);
  }

  /** Writes a booking, or queues it (in order) while Redis cannot take it. */
  private async write(booking: Booking): Promise<void> {
    await this.replayQueued();
    if (this.queue.size > 0 || !(await this.tryWrite(booking))) this.queue.push(booking);
  }

  /** Whether the booking was written. */
  private async tryWrite(booking: Booking): Promise<boolean> {
    try {
      if (booking.kind === 'release') {
        const day = reservationDay(booking.reservationId);
        if (day !== undefined) await this.link.run(SCRIPTS.release, this.keys(day), [booking.reservationId]);
      } else if (booking.kind === 'record') {
        await this.link.run(SCRIPTS.record, [this.keys(booking.day)[0]!, this.appliedKey(booking.day)], this.bookingArgs(booking));
      } else {
        // An id this ledger did not hand out books without releasing anything.
        const heldOn = reservationDay(booking.reservationId) ?? booking.day;
        await this.link.run(SCRIPTS.commit, [...this.keys(heldOn), this.keys(booking.day)[0]!, this.appliedKey(booking.day)], [booking.reservationId, ...this.bookingArgs(booking)]);
      }
      return true;
    } catch (error) {
      requireUnavailable(error);
      return false;
    }
  }

  /** Writes what was queued while Redis was down, oldest first; stops at the first failure. */
  private replayQueued(): Promise<void> | undefined {
    if (this.queue.size === 0 || this.link.unavailable) return undefined;
    this.replaying ??= (async () => {
      try {
        for (let next = this.queue.peek(); next; next = this.queue.peek()) {
          if (!(await this.tryWrite(next))) return;
          this.queue.shift();
        }
      } finally {
        this.replaying = undefined;
      }
    })();
    return this.replaying;
  }

  /** What Redis last reported for the agent today, with what waits in the queue. */
  private knownSpend(agentId: string, day: string): SpendSnapshot {
    const known = this.lastKnown.get(agentId);
    const agent = known?.day === day ? known.spend : undefined;
    const global = this.lastGlobal?.day === day ? this.lastGlobal : undefined;
    const base = {
      totalMicros: global?.totalMicros ?? 0,
      reservedMicros: global?.reservedMicros ?? 0,
      agentMicros: agent?.agentMicros ?? 0,
      agentReservedMicros: agent?.agentReservedMicros ?? 0,
    };
    return this.queue.addTo(day, agentId, base);
  }

  private spendWithout(error: StateUnavailableError, query: SpendQuery, day: string): SpendSnapshot {
    const spend = this.knownSpend(query.agentId, day);
    if (this.mode === 'fail_closed') return { ...spend, unavailable: error.message };
    return this.withLocalReservations(spend, query.agentId, day, query.now);
  }

  /** `spend` with the reservations held in memory (made while Redis was down and failing open). */
  private withLocalReservations(spend: SpendSnapshot, agentId: string, day: string, now: number): SpendSnapshot {
    if (this.fallback.openReservations === 0) return spend;
    const local = this.fallback.snapshot({ day, agentId, now });
    return { ...spend, reservedMicros: spend.reservedMicros + local.reservedMicros, agentReservedMicros: spend.agentReservedMicros + local.agentReservedMicros };
  }

  private reserveWithout(error: StateUnavailableError, request: ReserveRequest, day: string, amount: number): ReserveResult {
    if (this.mode === 'fail_closed' && amount > 0) return { ok: false, limit: 'unavailable', reason: error.message };
    // Fail open (or nothing to reserve): the in-memory ledger, counting what Redis last reported as used.
    const known = this.knownSpend(request.agentId, day);
    const usedByAll = known.totalMicros + known.reservedMicros;
    const usedByAgent = known.agentMicros + known.agentReservedMicros;
    const result = this.fallback.reserve({
      ...request,
      day,
      amountMicros: amount,
      ...(request.limitMicros !== undefined ? { limitMicros: request.limitMicros - usedByAll } : {}),
      ...(request.agentLimitMicros !== undefined ? { agentLimitMicros: request.agentLimitMicros - usedByAgent } : {}),
    });
    if (result.ok) return { ok: true, reservationId: LOCAL + result.reservationId };
    if (result.limit === 'unavailable') return result;
    const used = result.limit === 'global' ? usedByAll : usedByAgent;
    return { ...result, usedMicros: result.usedMicros + used, limitMicros: result.limitMicros + used };
  }

  private remember(agentId: string, day: string, spend: SpendSnapshot): void {
    this.lastGlobal = { day, totalMicros: spend.totalMicros, reservedMicros: spend.reservedMicros };
    this.lastKnown.delete(agentId);
    this.lastKnown.set(agentId, { day, spend });
    if (this.lastKnown.size > 10_000) this.lastKnown.delete(this.lastKnown.keys().next().value!);
  }

  /** The day an operation counts on: Redis's (one clock for every instance) or the router's. */
  private day(given: string): string {
    if (this.redisClock) return ledgerDay(Date.now() + this.offsetMs);
    requireDay(given);
    return given;
  }

  private nowArg(given: number): string {
    return this.redisClock ? '' : String(Math.round(given));
  }

  private learnTime(redisNow: number, sentAt: number): void {
    if (Number.isFinite(redisNow) && redisNow > 0) this.offsetMs = redisNow - (sentAt + Date.now()) / 2;
  }

  private keys(day: string): [string, string, string] {
    const base = `{${this.prefix}}:${day}`;
    return [`${base}:t`, `${base}:rz`, `${base}:rh`];
  }

  /** What the booking scripts take of an entry: its booking id, agent, model, cost and the keys' expiries. */
  private bookingArgs(booking: Extract<Booking, { entry: LedgerEntry }>): (string | number)[] {
    const { entry, day } = booking;
    return [booking.id, entry.agentId, entry.modelId, entry.costMicros, this.keepUntil(day), this.keepAppliedUntil(day)];
  }

  private appliedKey(day: string): string {
    return `{${this.prefix}}:${day}:b`;
  }

  /** A booking's id: this ledger's own random tag and a counter, unique across instances. */
  private bookingId(): string {
    return `${this.tag}.${(++this.bookings).toString(36)}`;
  }

  /**
   * When a day's keys may go: `retainDays` after the day ends (epoch ms). On the router's clock a day
   * may be long past in real time (a simulation): its keys are then kept as long from now.
   */
  private keepUntil(day: string): number {
    const fromDay = Date.parse(`${day}T00:00:00Z`) + (1 + this.retainDays) * DAY_MS;
    return this.redisClock ? fromDay : Math.max(fromDay, Date.now() + (1 + this.retainDays) * DAY_MS);
  }

  /** Booking ids are kept two days past their day: long enough for any replay after an outage. */
  private keepAppliedUntil(day: string): number {
    const fromDay = Date.parse(`${day}T00:00:00Z`) + 3 * DAY_MS;
    return this.redisClock ? fromDay : Math.max(fromDay, Date.now() + 3 * DAY_MS);
  }
}

function warnOnConsole(event: RedisLedgerEvent): void {
  if (event.type === 'redis_unavailable') console.warn(`[llm-agent-router] ${event.error.message}; the ledger fails ${event.mode === 'fail_open' ? 'open (in-memory until Redis is back)' : 'closed (no priced call until Redis is back)'}`);
  else if (event.type === 'redis_recovered') console.warn(`[llm-agent-router] the ${event.store} reaches Redis again after ${event.downMs} ms`);
  else console.warn(`[llm-agent-router] a booking queued while Redis was down was dropped (the queue is full)`, event.booking);
}

/** Only an unreachable Redis takes the unavailable path; anything else is a bug to surface. */
function requireUnavailable(error: unknown): StateUnavailableError {
  if (StateUnavailableError.isInstance(error)) return error;
  throw error;
}

/** The day a reservation id was handed out on (`<day>:<n>`), if it is one of this ledger's. */
function reservationDay(id: string): string | undefined {
  const day = id.slice(0, id.lastIndexOf(':'));
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : undefined;
}

function cleanEntry(entry: LedgerEntry): LedgerEntry {
  return { ...entry, costMicros: Math.max(0, Math.round(entry.costMicros)) };
}

function limitArg(limit: number | undefined, held: number): string {
  return limit === undefined ? '' : String(Math.floor(limit - held));
}

function numbers(answer: unknown, length: number): number[] {
  if (!Array.isArray(answer) || answer.length < length) throw new StateUnavailableError(STORE, 'read', 'Redis gave an unexpected answer');
  return answer.map(Number);
}

function requireDay(day: string): void {
  if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new InvalidArgumentError('day', `expected YYYY-MM-DD, got ${String(day)}`);
}

function wholeNumber(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(`options.${name}`, `expected a whole number of at least ${min}, got ${String(value)}`);
  return value;
}
