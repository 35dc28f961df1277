// An in-memory stand-in for a store several router instances share (the `SharedModelState`
// contract: durations on the store's own clock, blocks never shortened), for tests.
import type { SharedBlockReason, SharedModelFacts, SharedModelState, SharedPermit } from '../../src/state/shared-model-state.js';

/** One store for several instances, on its own clock (`time.now`). */
export function memoryStore(time: { now: number } = { now: Date.now() }) {
  const counts = new Map<string, { requests: number; tokens: number }>();
  const blocks = new Map<string, { until: number; reason: SharedBlockReason }>();
  const log: string[] = [];
  const state: SharedModelState = {
    async read(list) {
      const facts = new Map<string, SharedModelFacts>();
      for (const model of list) {
        const c = counts.get(model.id);
        const b = blocks.get(model.id);
        const fact: SharedModelFacts = { requests: c?.requests ?? 0, tokens: c?.tokens ?? 0 };
        if (b && b.until > time.now) Object.assign(fact, { blockedForMs: b.until - time.now, blockedReason: b.reason });
        facts.set(model.id, fact);
      }
      return facts;
    },
    async acquire(model, tokens): Promise<SharedPermit> {
      const b = blocks.get(model.id);
      if (b && b.until > time.now) return { allowed: false, reason: b.reason, retryInMs: b.until - time.now };
      const c = counts.get(model.id) ?? { requests: 0, tokens: 0 };
      if (model.requestsPerMinute !== undefined && c.requests >= model.requestsPerMinute) return { allowed: false, reason: 'rate_limited', retryInMs: 60_000 };
      counts.set(model.id, { requests: c.requests + 1, tokens: c.tokens + tokens });
      log.push(`acquire ${model.id} ${tokens}`);
      return { allowed: true };
    },
    async count(modelId, requests, tokens) {
      const c = counts.get(modelId) ?? { requests: 0, tokens: 0 };
      counts.set(modelId, { requests: c.requests + requests, tokens: c.tokens + tokens });
      log.push(`count ${modelId} ${requests} ${tokens}`);
    },
    async block(modelId, forMs, reason) {
      const until = time.now + forMs;
      if (until > (blocks.get(modelId)?.until ?? 0)) blocks.set(modelId, { until, reason });
      log.push(`block ${modelId} ${forMs} ${reason}`);
    },
  };
  return { state, log, time };
}

