// The cost ledger's Lua scripts. Each multi-step operation is one script, so Redis runs it
// atomically: no other instance's command lands between a limit check and its reservation.
//
// Keys of one day (all under the prefix's hash tag, so one cluster slot holds them):
//   <p>:<day>:t   hash: total, reserved, calls, a:<agent> (settled), ra:<agent> (reserved), m:<model>
//   <p>:<day>:rz  sorted set: reservation id → expiry (epoch ms)
//   <p>:<day>:rh  hash: reservation id → "<amount>|<agent>"
//   <p>:<day>:b   hash: booking ids already applied (a booking replayed after its command timed out, but
//                 ran, is not booked twice); kept two days after the day ends
// Money is integer micro-dollars (HINCRBY). Every script answers with the Redis time it ran at
// (epoch ms) first, so the caller can keep one clock with every other instance.

/** Reads the time: ARGV `now` given as epoch ms, or Redis TIME when empty. Then drops expired reservations. */
const PRELUDE = `
local function clock(given)
  if given ~= '' then return tonumber(given) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Amounts stay strings: a Lua number past 1e14 would reach Redis in exponent notation.
local function unhold(totals, held)
  local sep = string.find(held, '|', 1, true)
  local amount = string.sub(held, 1, sep - 1)
  if amount == '0' then return end
  redis.call('HINCRBY', totals, 'reserved', '-' .. amount)
  redis.call('HINCRBY', totals, 'ra:' .. string.sub(held, sep + 1), '-' .. amount)
end
local function expire(totals, zset, hash, now)
  local stale = redis.call('ZRANGEBYSCORE', zset, '-inf', now, 'LIMIT', 0, 500)
  for _, id in ipairs(stale) do
    local held = redis.call('HGET', hash, id)
    if held then
      unhold(totals, held)
      redis.call('HDEL', hash, id)
    end
    redis.call('ZREM', zset, id)
  end
end
local function num(value) return tonumber(value or '0') or 0 end
local function keep(keys, at)
  for _, key in ipairs(keys) do redis.call('PEXPIREAT', key, at) end
end
`;

/** KEYS: t, rz, rh. ARGV: now, agent. → [time, total, reserved, agent settled, agent reserved] */
export const SNAPSHOT = `${PRELUDE}
local now = clock(ARGV[1])
expire(KEYS[1], KEYS[2], KEYS[3], now)
local v = redis.call('HMGET', KEYS[1], 'total', 'reserved', 'a:' .. ARGV[2], 'ra:' .. ARGV[2])
return { now, num(v[1]), num(v[2]), num(v[3]), num(v[4]) }
`;

/**
 * KEYS: t, rz, rh. ARGV: now, agent, amount, global limit ('' none), agent limit ('' none),
 * ttl ms, key expiry (epoch ms), the reservation's id (chosen by the caller, so that a reservation
 * whose answer timed out can still be released).
 * → [time, 1, id] or [time, 0, 'global' | 'agent', used, limit]
 */
export const RESERVE = `${PRELUDE}
local now = clock(ARGV[1])
expire(KEYS[1], KEYS[2], KEYS[3], now)
local agent = ARGV[2]
local amount = tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 'total', 'reserved', 'a:' .. agent, 'ra:' .. agent)
if amount > 0 and ARGV[4] ~= '' then
  local used = num(v[1]) + num(v[2])
  if used + amount > tonumber(ARGV[4]) then return { now, 0, 'global', used, tonumber(ARGV[4]) } end
end
if amount > 0 and ARGV[5] ~= '' then
  local used = num(v[3]) + num(v[4])
  if used + amount > tonumber(ARGV[5]) then return { now, 0, 'agent', used, tonumber(ARGV[5]) } end
end
local id = ARGV[8]
redis.call('HSET', KEYS[3], id, ARGV[3] .. '|' .. agent)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[6]), id)
redis.call('HINCRBY', KEYS[1], 'reserved', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'ra:' .. agent, ARGV[3])
keep(KEYS, ARGV[7])
return { now, 1, id }
`;

/** Drops one reservation. KEYS: t, rz, rh of the reservation's day. ARGV: id. → [time, released 0/1] */
const DROP = `
local function drop(totals, zset, hash, id)
  local held = redis.call('HGET', hash, id)
  redis.call('ZREM', zset, id)
  if not held then return 0 end
  unhold(totals, held)
  redis.call('HDEL', hash, id)
  return 1
end
`;

export const RELEASE = `${PRELUDE}${DROP}
local now = clock('')
return { now, drop(KEYS[1], KEYS[2], KEYS[3], ARGV[1]) }
`;

/**
 * Books an entry once per booking id (cost and expiry as integer strings); a zero cost counts the
 * call only, as the in-memory ledger does. Returns 0 when the id was booked before.
 */
const BOOK = `
local function book(totals, applied, id, agent, model, cost, keepUntil, keepIds)
  if redis.call('HSETNX', applied, id, 1) == 0 then return 0 end
  redis.call('PEXPIREAT', applied, keepIds)
  redis.call('HINCRBY', totals, 'calls', 1)
  if cost ~= '0' then
    redis.call('HINCRBY', totals, 'total', cost)
    redis.call('HINCRBY', totals, 'a:' .. agent, cost)
    redis.call('HINCRBY', totals, 'm:' .. model, cost)
  end
  redis.call('PEXPIREAT', totals, keepUntil)
  return 1
end
`;

/** KEYS: t, b. ARGV: booking id, agent, model, cost, key expiry, booking ids' expiry. → [time, booked 0/1] */
export const RECORD = `${PRELUDE}${BOOK}
local now = clock('')
return { now, book(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]) }
`;

/**
 * Replaces a reservation by the actual cost. An expired or unknown reservation still books.
 * KEYS: t, rz, rh of the reservation's day, then t and b of the booking day.
 * ARGV: reservation id, booking id, agent, model, cost, key expiry, booking ids' expiry.
 * → [time, released 0/1, booked 0/1]
 */
export const COMMIT = `${PRELUDE}${DROP}${BOOK}
local now = clock('')
local released = drop(KEYS[1], KEYS[2], KEYS[3], ARGV[1])
return { now, released, book(KEYS[4], KEYS[5], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]) }
`;

/** KEYS: t. → [time, field, value, field, value, ...] */
export const REPORT = `${PRELUDE}
local now = clock('')
local fields = redis.call('HGETALL', KEYS[1])
table.insert(fields, 1, now)
return fields
`;
