// The `llm-agent-router/redis` entry: state shared by several router instances through Redis — one
// budget (the cost ledger) and one view of every model's rate windows and cooldowns. The host
// passes its own `ioredis` client (an optional peer dependency).

export { createRedisLedger, RedisLedger, type RedisLedgerEvent, type RedisLedgerOptions } from './redis/redis-ledger.js';
export { createRedisModelState, type RedisModelStateOptions } from './redis/redis-model-state.js';
export { REDIS_LINK_DEFAULTS, type RedisLinkEvent, type RedisLinkOptions, type RedisScriptClient } from './redis/redis-link.js';
export type { Booking } from './redis/booking-queue.js';
export { StateUnavailableError } from './errors.js';
