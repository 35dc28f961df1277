// The shared model state's Lua scripts: one hash per model holding a sliding one-minute window
// of requests and tokens in one-second buckets with running totals (as the in-memory window keeps
// them), and a block (until when, and why). Times are Redis TIME, so every instance counts the
// same seconds. Fields: L (newest second seen), R / T (totals), r<sec> / t<sec> (buckets),
// B (blocked until, epoch ms), BR (why). A hash idle for over a minute and unblocked expires.

const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local second = math.floor(now / 1000)
local function num(value) return tonumber(value or '0') or 0 end
-- Moves the window to the current second: buckets older than a minute leave the totals.
local function advance(key)
  local last = tonumber(redis.call('HGET', key, 'L') or '-1')
  if second <= last then return end
  if last < 0 or second - last >= 60 then
    local kept = redis.call('HMGET', key, 'B', 'BR')
    redis.call('DEL', key)
    if kept[1] and num(kept[1]) > now then redis.call('HSET', key, 'B', kept[1], 'BR', kept[2] or 'cooling_down') end
    redis.call('HSET', key, 'L', second, 'R', 0, 'T', 0)
    return
  end
  for s = last - 59, second - 60 do
    local gone = redis.call('HMGET', key, 'r' .. s, 't' .. s)
    if gone[1] then redis.call('HINCRBY', key, 'R', -num(gone[1])) end
    if gone[2] then redis.call('HINCRBY', key, 'T', -num(gone[2])) end
    if gone[1] or gone[2] then redis.call('HDEL', key, 'r' .. s, 't' .. s) end
  end
  redis.call('HSET', key, 'L', second)
end
local function add(key, requests, tokens)
  if requests ~= 0 then
    redis.call('HINCRBY', key, 'r' .. second, requests)
    redis.call('HINCRBY', key, 'R', requests)
  end
  if tokens ~= 0 then
    redis.call('HINCRBY', key, 't' .. second, tokens)
    redis.call('HINCRBY', key, 'T', tokens)
  end
end
local function hold(key)
  local blocked = num(redis.call('HGET', key, 'B'))
  redis.call('PEXPIRE', key, math.max(61000, blocked - now + 1000))
end
`;

/** KEYS: the models' hashes. → per model [requests, tokens, blocked for ms, reason] */
export const READ = `${PRELUDE}
local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('HMGET', key, 'L', 'R', 'T', 'B', 'BR')
  local requests, tokens = 0, 0
  if v[1] and second - num(v[1]) < 60 then
    advance(key)
    local totals = redis.call('HMGET', key, 'R', 'T')
    requests, tokens = num(totals[1]), num(totals[2])
  end
  local blocked = math.max(0, num(v[4]) - now)
  out[i] = { requests, math.max(0, tokens), blocked, blocked > 0 and (v[5] or 'cooling_down') or '' }
end
return out
`;

/**
 * KEYS: the model's hash. ARGV: rpm ('' none), tpm ('' none), tokens.
 * → [1] counted, or [0, reason, retry in ms]
 */
export const ACQUIRE = `${PRELUDE}
local key = KEYS[1]
local blocked = num(redis.call('HGET', key, 'B'))
if blocked > now then return { 0, redis.call('HGET', key, 'BR') or 'cooling_down', blocked - now } end
advance(key)
local totals = redis.call('HMGET', key, 'R', 'T')
local requests, tokens = num(totals[1]), num(totals[2])
local rpm, tpm = tonumber(ARGV[1]), tonumber(ARGV[2])
local function over() return (rpm and requests >= rpm) or (tpm and tokens >= tpm) end
if over() then
  hold(key)
  -- When the window frees up: walk the buckets from the oldest one still counted.
  for s = second - 59, second do
    local b = redis.call('HMGET', key, 'r' .. s, 't' .. s)
    requests = requests - num(b[1])
    tokens = tokens - num(b[2])
    if not over() then return { 0, 'rate_limited', (s + 60) * 1000 - now } end
  end
  return { 0, 'rate_limited', 60000 }
end
add(key, 1, tonumber(ARGV[3]))
hold(key)
return { 1 }
`;

/** KEYS: the model's hash. ARGV: requests, tokens (may be negative). */
export const COUNT = `${PRELUDE}
advance(KEYS[1])
add(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
hold(KEYS[1])
return 1
`;

/** KEYS: the model's hash. ARGV: for ms, reason. A block never shortens a longer one. */
export const BLOCK = `${PRELUDE}
local key = KEYS[1]
local untilMs = now + tonumber(ARGV[1])
if untilMs > num(redis.call('HGET', key, 'B')) then
  redis.call('HSET', key, 'B', untilMs, 'BR', ARGV[2])
end
advance(key)
hold(key)
return 1
`;
