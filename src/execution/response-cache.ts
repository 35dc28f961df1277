// The `cache_responses` strategy rule: identical requests to the same model within a TTL are
// answered from memory. A small LRU (Map insertion order) with expiry on the router's clock.

import { ownOption } from '../own-data.js';

export interface ResponseCacheOptions {
  /** How long an answer stays fresh, in ms. Default 5 minutes. */
  ttlMs?: number;
  /** Most entries kept; the least recently used goes first. Default 500. */
  maxEntries?: number;
}

/** What an option left out is. */
export const RESPONSE_CACHE_DEFAULTS: Readonly<Required<ResponseCacheOptions>> = Object.freeze({ ttlMs: 5 * 60_000, maxEntries: 500 });

export class ResponseCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(options: ResponseCacheOptions = {}) {
    // The options' own fields only (nothing planted on Object.prototype is one).
    this.ttlMs = ownOption(options, 'ttlMs') ?? RESPONSE_CACHE_DEFAULTS.ttlMs;
    this.maxEntries = Math.max(1, ownOption(options, 'maxEntries') ?? RESPONSE_CACHE_DEFAULTS.maxEntries);
  }

  /** A key for a model and a request: the request's JSON, so identical requests share it. */
  static keyOf(modelId: string, request: unknown): string {
    return `${modelId}\u0000${JSON.stringify(request)}`;
  }

  get(key: string, now: number): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: T, now: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: now + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
