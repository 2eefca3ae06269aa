import { PACE_ARGS, PACE_FUNCTIONS } from '../pace/script.ts'

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
 * Modes (ARGV[1]); the arguments after the mode are named in SCRIPT_ARGS, the script reads them
 * by those names (`args.req_limit`) and `scriptArgv` writes them in that order:
 * - admit  KEYS req cur, req prev, tok cur, tok prev, day hash, global hash[, pace group hash, pace caller key]
 *          (a limit of 0 is off, a budget of -1 is off; day_requests is 0 for a read such as /v1/usage)
 *          → {refused (0 none, 1 budget, 2 global, 3 requests, 4 tokens, 5 pace), req cur, req prev,
 *             tok cur, tok prev, day requests, day tokens, day spent, day held, global spent, global held,
 *             pace kind, pace at, pace check}
 *          With the pace keys (and the `pace_` arguments), the first model call's upstream slot is
 *          reserved too, after every limit passed and before anything is taken (`pace_reserve`).
 * - settle KEYS tok key, day hash, global hash[, assistant stats hash][, pace group hash]
 *          With the stats key (and its five arguments), the request is added to its assistant version's
 *          daily figures; with the pace key (last, and the `pace_` arguments), the output tokens its
 *          calls reserved but did not generate are given back to the pace (`pace_give`).
 * - stats  KEYS assistant stats hash → {requests, errors, cost nano-USD, latency ms, input, output}
 * - hold   KEYS day hash, global hash
 *          → {refused (0, 1 budget, 2 global), day spent, day held, global spent, global held}
 *          A positive delta is checked against both budgets first; a negative one always applies.
 *
 * Holds never go below zero (`move`): a hold is given back once, whatever happened to the key.
 * Negations are written `0 - x`: Lua's `-0` becomes the string "-0", which HINCRBY rejects.
 *
 * LIMITS_SCRIPT_SHA1 is the SHA-1 of the source, precomputed so the hot path sends EVALSHA;
 * test/limits/script.test.ts fails if the two drift apart.
 */
/** Each mode's arguments after the mode, in ARGV order (nano-USD amounts, ms durations, 1/0 flags). */
const SCRIPT_ARGS = {
  admit: [
    'req_limit',
    'req_weight',
    'req_take',
    'req_ttl_ms',
    'tok_limit',
    'tok_weight',
    'tok_take',
    'tok_ttl_ms',
    'budget_nanos',
    'global_budget_nanos',
    'reserve_nanos',
    'day_ttl_ms',
    'day_requests',
    // With the pace keys only (the first call's upstream slot, src/pace/script.ts):
    ...PACE_ARGS.reserve.map((name) => `pace_${name}` as const),
  ],
  settle: [
    'tok_delta',
    'day_tokens',
    'reserved_nanos',
    'actual_nanos',
    'day_ttl_ms',
    'global_held',
    // With the assistant stats key only:
    'errors',
    'latency_ms',
    'input_tokens',
    'output_tokens',
    'stats_ttl_ms',
    // With the pace key only (output tokens reserved but not generated, given back: `pace_give`):
    ...PACE_ARGS.give.map((name) => `pace_${name}` as const),
  ],
  stats: [],
  hold: ['delta_nanos', 'budget_nanos', 'global_budget_nanos', 'day_ttl_ms', 'global_held'],
} as const

export type ScriptMode = keyof typeof SCRIPT_ARGS
/** Arguments sent only with an optional key: settle's assistant figures and pace give-back, admit's pace reservation. */
type StatsArg =
  | 'errors'
  | 'latency_ms'
  | 'input_tokens'
  | 'output_tokens'
  | 'stats_ttl_ms'
  | `pace_${(typeof PACE_ARGS.reserve)[number]}`
  | `pace_${(typeof PACE_ARGS.give)[number]}`
type ArgName<M extends ScriptMode> = (typeof SCRIPT_ARGS)[M][number]
/** The named arguments of one mode. */
export type ScriptArgs<M extends ScriptMode> = { [N in Exclude<ArgName<M>, StatsArg>]: number } & {
  [N in Extract<ArgName<M>, StatsArg>]?: number
}

/**
 * ARGV of one script call: the mode, then its arguments in SCRIPT_ARGS order. One left out is sent
 * as an empty string when a later one is given (the script reads it as absent), else the list ends.
 */
export function scriptArgv<M extends ScriptMode>(mode: M, args: ScriptArgs<M>): string[] {
  const values = SCRIPT_ARGS[mode].map((name) => (args as Partial<Record<string, number>>)[name])
  while (values.length && values[values.length - 1] === undefined) values.pop()
  return [mode, ...values.map((value) => (value === undefined ? '' : String(value)))]
}

const luaNames = Object.entries(SCRIPT_ARGS)
  .map(([mode, names]) => `  ${mode} = {${names.map((name) => `'${name}'`).join(', ')}},`)
  .join('\n')

export const LIMITS_SCRIPT = `${PACE_FUNCTIONS}local mode = ARGV[1]
local args = {}
for i, name in ipairs(({
${luaNames}
})[mode] or {}) do args[name] = ARGV[i + 1] end
local function num(v) return tonumber(v) or 0 end
local function move(key, by)
  local h = redis.call('HINCRBY', key, 'h', by)
  if h < 0 then redis.call('HSET', key, 'h', 0) return 0 end
  return h
end
if mode == 'settle' then
  local delta = tonumber(args.tok_delta)
  if delta ~= 0 and redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCRBY', KEYS[1], delta) end
  redis.call('HINCRBY', KEYS[2], 't', args.day_tokens)
  move(KEYS[2], 0 - tonumber(args.reserved_nanos))
  redis.call('HINCRBY', KEYS[2], 's', args.actual_nanos)
  redis.call('PEXPIRE', KEYS[2], args.day_ttl_ms)
  if args.global_held == '1' then
    move(KEYS[3], 0 - tonumber(args.reserved_nanos))
    redis.call('HINCRBY', KEYS[3], 's', args.actual_nanos)
    redis.call('PEXPIRE', KEYS[3], args.day_ttl_ms)
  end
  if (args.stats_ttl_ms or '') ~= '' then
    redis.call('HINCRBY', KEYS[4], 'r', 1)
    redis.call('HINCRBY', KEYS[4], 'e', args.errors)
    redis.call('HINCRBY', KEYS[4], 'c', args.actual_nanos)
    redis.call('HINCRBY', KEYS[4], 'l', args.latency_ms)
    redis.call('HINCRBY', KEYS[4], 'i', args.input_tokens)
    redis.call('HINCRBY', KEYS[4], 'o', args.output_tokens)
    redis.call('PEXPIRE', KEYS[4], args.stats_ttl_ms)
  end
  if (args.pace_unused or '') ~= '' then
    local p = {}
    for _, name in ipairs({${PACE_ARGS.give.map((name) => `'${name}'`).join(', ')}}) do p[name] = tonumber(args['pace_' .. name]) or 0 end
    pace_give(KEYS[#KEYS], p)
  end
  return 1
end
if mode == 'stats' then
  local s = redis.call('HMGET', KEYS[1], 'r', 'e', 'c', 'l', 'i', 'o')
  return {num(s[1]), num(s[2]), num(s[3]), num(s[4]), num(s[5]), num(s[6])}
end
if mode == 'hold' then
  local delta, budget, global = tonumber(args.delta_nanos), tonumber(args.budget_nanos), tonumber(args.global_budget_nanos)
  local d = redis.call('HMGET', KEYS[1], 's', 'h')
  local g = redis.call('HMGET', KEYS[2], 's', 'h')
  local ds, dh, gs, gh = num(d[1]), num(d[2]), num(g[1]), num(g[2])
  if delta > 0 and budget >= 0 and ds + dh + delta > budget then return {1, ds, dh, gs, gh} end
  if delta > 0 and global >= 0 and gs + gh + delta > global then return {2, ds, dh, gs, gh} end
  dh = move(KEYS[1], delta)
  redis.call('PEXPIRE', KEYS[1], args.day_ttl_ms)
  if args.global_held == '1' then
    gh = move(KEYS[2], delta)
    redis.call('PEXPIRE', KEYS[2], args.day_ttl_ms)
  end
  return {0, ds, dh, gs, gh}
end
local rc, rp = num(redis.call('GET', KEYS[1])), num(redis.call('GET', KEYS[2]))
local tc, tp = num(redis.call('GET', KEYS[3])), num(redis.call('GET', KEYS[4]))
local d = redis.call('HMGET', KEYS[5], 'r', 't', 's', 'h')
local g = redis.call('HMGET', KEYS[6], 's', 'h')
local dr, dt, ds, dh, gs, gh = num(d[1]), num(d[2]), num(d[3]), num(d[4]), num(g[1]), num(g[2])
local rlimit, rtake = tonumber(args.req_limit), tonumber(args.req_take)
local tlimit, ttake = tonumber(args.tok_limit), tonumber(args.tok_take)
local budget, global, reserve = tonumber(args.budget_nanos), tonumber(args.global_budget_nanos), tonumber(args.reserve_nanos)
local refused = 0
if budget >= 0 and ds + dh + reserve > budget then refused = 1
elseif global >= 0 and gs + gh + reserve > global then refused = 2
elseif rlimit > 0 and math.floor(rp * tonumber(args.req_weight)) + rc + rtake > rlimit then refused = 3
elseif tlimit > 0 and math.floor(tp * tonumber(args.tok_weight)) + tc + ttake > tlimit then refused = 4
end
local pace = {0, 0, 0}
if refused == 0 and KEYS[7] then
  local p = {}
  for _, name in ipairs({${PACE_ARGS.reserve.map((name) => `'${name}'`).join(', ')}}) do p[name] = tonumber(args['pace_' .. name]) or 0 end
  pace = pace_reserve(KEYS[7], KEYS[8], p)
  if pace[1] == 3 then refused = 5 end
end
if refused == 0 then
  if rlimit > 0 then
    rc = redis.call('INCRBY', KEYS[1], rtake)
    redis.call('PEXPIRE', KEYS[1], args.req_ttl_ms)
  end
  if tlimit > 0 then
    tc = redis.call('INCRBY', KEYS[3], ttake)
    redis.call('PEXPIRE', KEYS[3], args.tok_ttl_ms)
  end
  dr = redis.call('HINCRBY', KEYS[5], 'r', args.day_requests)
  dt = redis.call('HINCRBY', KEYS[5], 't', ttake)
  dh = redis.call('HINCRBY', KEYS[5], 'h', reserve)
  redis.call('PEXPIRE', KEYS[5], args.day_ttl_ms)
  if global >= 0 then
    gh = redis.call('HINCRBY', KEYS[6], 'h', reserve)
    redis.call('PEXPIRE', KEYS[6], args.day_ttl_ms)
  end
end
return {refused, rc, rp, tc, tp, dr, dt, ds, dh, gs, gh, pace[1], pace[2], pace[3]}
`

export const LIMITS_SCRIPT_SHA1 = '1b692c63f570f2bb3b89445a9acee5ef3b436ba2'
