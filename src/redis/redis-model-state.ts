// The models' live state shared through Redis: rate windows counted over every instance and blocks
// (a provider's Retry-After, an opened circuit) that one instance saw and all honour. Pass it as
// `createRouter(config, { modelState })`. When Redis cannot be reached, each instance goes on with
// what it sees itself (the windows and breakers in memory) until Redis answers again: rate limits
// protect the provider's quota, and refusing every call for them would be worse than a few 429s.
import type { ModelLimits } from '../state/model-live-state.js';
import type { SharedBlockReason, SharedModelFacts, SharedModelState, SharedPermit } from '../state/shared-model-state.js';
import { InvalidArgumentError } from '../errors.js';
import { ACQUIRE, BLOCK, COUNT, READ } from './model-state-scripts.js';
import { RedisLink, script, type RedisLinkEvent, type RedisLinkOptions, type RedisScriptClient } from './redis-link.js';
import { checkPrefix } from './redis-keys.js';

export interface RedisModelStateOptions extends RedisLinkOptions {
  /** The host's Redis client (`ioredis`). */
  client: RedisScriptClient;
  /** Namespace of every key. Default `llm-router`. */
  prefix?: string;
  /** Told when Redis becomes unavailable or recovers. Default: a warning on the console. */
  onEvent?: (event: RedisLinkEvent) => void;
}

const STORE = 'Redis model state';

const SCRIPTS = {
  read: script('read the models’ state', READ),
  acquire: script('check and count a request', ACQUIRE),
  count: script('count requests and tokens', COUNT),
  block: script('block a model', BLOCK),
};

export function createRedisModelState(options: RedisModelStateOptions): SharedModelState {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'expected { client, ... }');
  const prefix = checkPrefix(options.prefix);
  const onEvent = options.onEvent ?? ((event: RedisLinkEvent) => {
    if (event.type === 'redis_unavailable') console.warn(`[llm-agent-router] ${event.error.message}; each instance keeps its own rate windows and cooldowns until Redis is back`);
    else console.warn(`[llm-agent-router] the ${event.store} reaches Redis again after ${event.downMs} ms`);
  });
  const link = new RedisLink(options.client, STORE, options, onEvent);
  const key = (modelId: string) => `{${prefix}}:model:${modelId}`;
  // Failures are the link's to report (once per outage): each operation falls back quietly.
  const quietly = async <T>(work: () => Promise<T>, otherwise: T): Promise<T> => {
    try {
      return await work();
    } catch {
      return otherwise;
    }
  };

  return {
    read: (models: readonly ModelLimits[]) =>
      quietly(async () => {
        const answer = await link.run(SCRIPTS.read, models.map((model) => key(model.id)), []);
        const facts = new Map<string, SharedModelFacts>();
        if (!Array.isArray(answer)) return facts;
        models.forEach((model, index) => {
          const row = answer[index] as unknown[] | undefined;
          if (!Array.isArray(row)) return;
          const [requests, tokens, blockedForMs, reason] = row.map((value) => (typeof value === 'string' ? value : Number(value)));
          const fact: SharedModelFacts = { requests: Number(requests), tokens: Number(tokens) };
          if (Number(blockedForMs) > 0) {
            fact.blockedForMs = Number(blockedForMs);
            fact.blockedReason = reason === 'circuit_open' ? 'circuit_open' : 'cooling_down';
          }
          if (fact.requests > 0 || fact.tokens > 0 || fact.blockedForMs) facts.set(model.id, fact);
        });
        return facts;
      }, new Map<string, SharedModelFacts>()),

    acquire: (model: ModelLimits, tokens: number) =>
      quietly<SharedPermit>(async () => {
        const answer = await link.run(SCRIPTS.acquire, [key(model.id)], [limitArg(model.requestsPerMinute), limitArg(model.tokensPerMinute), whole(tokens)]);
        if (!Array.isArray(answer) || Number(answer[0]) === 1) return { allowed: true };
        const reason = answer[1] === 'rate_limited' || answer[1] === 'circuit_open' ? answer[1] : 'cooling_down';
        return { allowed: false, reason, retryInMs: Math.max(1, Number(answer[2]) || 1000) };
      }, { allowed: true }),

    count: (modelId: string, requests: number, tokens: number) =>
      quietly(async () => {
        await link.run(SCRIPTS.count, [key(modelId)], [whole(requests), whole(tokens)]);
      }, undefined),

    block: (modelId: string, forMs: number, reason: SharedBlockReason) =>
      quietly(async () => {
        if (!(forMs > 0)) return;
        await link.run(SCRIPTS.block, [key(modelId)], [whole(forMs), reason]);
      }, undefined),
  };
}

function limitArg(limit: number | undefined): string {
  return limit === undefined ? '' : String(Math.floor(limit));
}

function whole(value: number): number {
  return Number.isFinite(value) ? Math.round(value) : 0;
}
