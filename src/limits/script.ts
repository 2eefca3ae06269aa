/**
 * The one Lua script behind the Upstash store.
 *
 * Why not `@upstash/ratelimit`'s limiters directly: each of its limiters is its own script call
 * (one round trip each), and none of them can make a take conditional on the others. Here the
 * request limit, the token limit and both budget reservations are checked first and taken only
 * if all pass, atomically, in ONE round trip; a request refused for its budget does not eat its
 * request or token allowance. The window arithmetic is `@upstash/ratelimit`'s sliding window
 * (see sliding-window.ts), so the numbers match what users of that package expect.
 *
 * Modes (ARGV[1]):
 * - admit  KEYS req cur, req prev, tok cur, tok prev, day hash, global hash
 *          ARGV req limit (0 = off), req weight, req take, req ttl ms,
 *               tok limit (0 = off), tok weight, tok take, tok ttl ms,
 *               budget nano-USD (-1 = off), global budget nano-USD (-1 = off), reserve nano-USD, day ttl ms,
 *               day request take (1 for a model request, 0 for a read such as /v1/usage)
 *          → {refused (0 none, 1 budget, 2 global, 3 requests, 4 tokens), req cur, req prev,
 *             tok cur, tok prev, day requests, day tokens, day spent, day held, global spent, global held}
 * - settle KEYS tok key, day hash, global hash[, assistant stats hash]
 *          ARGV tok delta, day tokens delta, reserved nano-USD, actual nano-USD, day ttl ms, global on (1/0)
 *               [, errors (0/1), latency ms, input tokens, output tokens, stats ttl ms]
 *          With a 4th key, the request is added to its assistant version's daily figures.
 * - stats  KEYS assistant stats hash → {requests, errors, cost nano-USD, latency ms, input, output}
 * - hold   KEYS day hash, global hash
 *          ARGV delta nano-USD, budget (-1 = off), global budget (-1 = off), day ttl ms, global on (1/0)
 *          → {refused (0, 1 budget, 2 global), day spent, day held, global spent, global held}
 *          A positive delta is checked against both budgets first; a negative one always applies.
 *
 * Holds never go below zero (`move`): a hold is given back once, whatever happened to the key.
 * Negations are written `0 - x`: Lua's `-0` becomes the string "-0", which HINCRBY rejects.
 *
 * LIMITS_SCRIPT_SHA1 is the SHA-1 of the source, precomputed so the hot path sends EVALSHA;
 * test/limits/script.test.ts fails if the two drift apart.
 */
export const LIMITS_SCRIPT = `local mode = ARGV[1]
local function num(v) return tonumber(v) or 0 end
local function move(key, by)
  local h = redis.call('HINCRBY', key, 'h', by)
  if h < 0 then redis.call('HSET', key, 'h', 0) return 0 end
  return h
end
if mode == 'settle' then
  local delta = tonumber(ARGV[2])
  if delta ~= 0 and redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCRBY', KEYS[1], delta) end
  redis.call('HINCRBY', KEYS[2], 't', ARGV[3])
  move(KEYS[2], 0 - tonumber(ARGV[4]))
  redis.call('HINCRBY', KEYS[2], 's', ARGV[5])
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
  if ARGV[7] == '1' then
    move(KEYS[3], 0 - tonumber(ARGV[4]))
    redis.call('HINCRBY', KEYS[3], 's', ARGV[5])
    redis.call('PEXPIRE', KEYS[3], ARGV[6])
  end
  if KEYS[4] then
    redis.call('HINCRBY', KEYS[4], 'r', 1)
    redis.call('HINCRBY', KEYS[4], 'e', ARGV[8])
    redis.call('HINCRBY', KEYS[4], 'c', ARGV[5])
    redis.call('HINCRBY', KEYS[4], 'l', ARGV[9])
    redis.call('HINCRBY', KEYS[4], 'i', ARGV[10])
    redis.call('HINCRBY', KEYS[4], 'o', ARGV[11])
    redis.call('PEXPIRE', KEYS[4], ARGV[12])
  end
  return 1
end
if mode == 'stats' then
  local s = redis.call('HMGET', KEYS[1], 'r', 'e', 'c', 'l', 'i', 'o')
  return {num(s[1]), num(s[2]), num(s[3]), num(s[4]), num(s[5]), num(s[6])}
end
if mode == 'hold' then
  local delta, budget, global = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
  local d = redis.call('HMGET', KEYS[1], 's', 'h')
  local g = redis.call('HMGET', KEYS[2], 's', 'h')
  local ds, dh, gs, gh = num(d[1]), num(d[2]), num(g[1]), num(g[2])
  if delta > 0 and budget >= 0 and ds + dh + delta > budget then return {1, ds, dh, gs, gh} end
  if delta > 0 and global >= 0 and gs + gh + delta > global then return {2, ds, dh, gs, gh} end
  dh = move(KEYS[1], delta)
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  if ARGV[6] == '1' then
    gh = move(KEYS[2], delta)
    redis.call('PEXPIRE', KEYS[2], ARGV[5])
  end
  return {0, ds, dh, gs, gh}
end
local rc, rp = num(redis.call('GET', KEYS[1])), num(redis.call('GET', KEYS[2]))
local tc, tp = num(redis.call('GET', KEYS[3])), num(redis.call('GET', KEYS[4]))
local d = redis.call('HMGET', KEYS[5], 'r', 't', 's', 'h')
local g = redis.call('HMGET', KEYS[6], 's', 'h')
local dr, dt, ds, dh, gs, gh = num(d[1]), num(d[2]), num(d[3]), num(d[4]), num(g[1]), num(g[2])
local rlimit, rtake = tonumber(ARGV[2]), tonumber(ARGV[4])
local tlimit, ttake = tonumber(ARGV[6]), tonumber(ARGV[8])
local budget, global, reserve = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local refused = 0
if budget >= 0 and ds + dh + reserve > budget then refused = 1
elseif global >= 0 and gs + gh + reserve > global then refused = 2
elseif rlimit > 0 and math.floor(rp * tonumber(ARGV[3])) + rc + rtake > rlimit then refused = 3
elseif tlimit > 0 and math.floor(tp * tonumber(ARGV[7])) + tc + ttake > tlimit then refused = 4
end
if refused == 0 then
  if rlimit > 0 then
    rc = redis.call('INCRBY', KEYS[1], rtake)
    redis.call('PEXPIRE', KEYS[1], ARGV[5])
  end
  if tlimit > 0 then
    tc = redis.call('INCRBY', KEYS[3], ttake)
    redis.call('PEXPIRE', KEYS[3], ARGV[9])
  end
  dr = redis.call('HINCRBY', KEYS[5], 'r', ARGV[14])
  dt = redis.call('HINCRBY', KEYS[5], 't', ttake)
  dh = redis.call('HINCRBY', KEYS[5], 'h', reserve)
  redis.call('PEXPIRE', KEYS[5], ARGV[13])
  if global >= 0 then
    gh = redis.call('HINCRBY', KEYS[6], 'h', reserve)
    redis.call('PEXPIRE', KEYS[6], ARGV[13])
  end
end
return {refused, rc, rp, tc, tp, dr, dt, ds, dh, gs, gh}
`

export const LIMITS_SCRIPT_SHA1 = '8b044bf89c8a19aab3ff0845458e83a3fdb577b4'
