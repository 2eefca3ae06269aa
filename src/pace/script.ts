/**
 * The pacing script for Upstash: the arithmetic of schedule.ts, line by line, so that every
 * isolate of every instance paces one model group through the same Redis keys, atomically.
 *
 * Keys: a group hash (`r`, `i`, `o`: the theoretical arrival time per limit; `b`: blocked until;
 * `lr`, `li`, `lo`: learned per-minute limits) and, for a reservation, the caller's latest slot.
 * `PACE_FUNCTIONS` is also part of the limits script (src/limits/script.ts), which reserves the first
 * call's slot in the same round trip as the admission.
 *
 * Modes (ARGV[1]), arguments named in PACE_ARGS:
 * - reserve KEYS group hash, caller key → {kind (0 free, 1 slot, 2 later, 3 refused), at, check}
 * - learn   KEYS group hash → 1
 * - give    KEYS group hash → 1 (also part of the limits script's settle: `pace_give`)
 * - peek    KEYS group hashes… → 7 numbers per group: r, i, o, b, lr, li, lo
 *
 * PACE_SCRIPT_SHA1 is the SHA-1 of PACE_SCRIPT (test/pace/script.test.ts checks it).
 */
export const PACE_ARGS = {
  reserve: ['now', 'rpm', 'itpm', 'otpm', 'cost_r', 'cost_i', 'cost_o', 'burst_r', 'burst_t', 'max_at', 'ahead'],
  learn: ['now', 'rpm', 'itpm', 'otpm', 'burst_r', 'burst_t', 'lim_r', 'lim_i', 'lim_o', 'rem_r', 'rem_i', 'rem_o', 'retry_ms'],
  give: ['now', 'otpm', 'unused'],
  peek: [],
} as const

export type PaceMode = keyof typeof PACE_ARGS
export type PaceArgs<M extends PaceMode> = { [N in (typeof PACE_ARGS)[M][number]]: number }

/** ARGV of one pacing call: the mode, then its arguments in PACE_ARGS order. */
export function paceArgv<M extends PaceMode>(mode: M, args: PaceArgs<M>): string[] {
  return [mode, ...PACE_ARGS[mode].map((name) => String((args as Record<string, number>)[name]))]
}

/** How long a group's state and learned limits are kept after its last change (ms). */
export const GROUP_TTL_MS = 3_600_000

/** Lua functions shared with the limits script; `p` holds a mode's arguments by name, as numbers. */
export const PACE_FUNCTIONS = `local function pace_state(kg)
  local s = redis.call('HMGET', kg, 'r', 'i', 'o', 'b', 'lr', 'li', 'lo')
  for n = 1, 7 do s[n] = tonumber(s[n]) or 0 end
  return s
end
local function pace_limits(s, p)
  return {p.rpm > 0 and p.rpm or s[5], p.itpm > 0 and p.itpm or s[6], p.otpm > 0 and p.otpm or s[7]}
end
local function pace_bucket(limit, burst, headroom)
  return 60000 / limit, math.max(1, limit * burst / 60000 - (headroom or 0))
end
local function pace_reserve(kg, kw, p)
  local s = pace_state(kg)
  local now, lim = p.now, pace_limits(s, p)
  local cost, burst = {p.cost_r, p.cost_i, p.cost_o}, {p.burst_r, p.burst_t, p.burst_t}
  local at, paced, step = math.max(now, s[4]), false, 0
  for d = 1, 3 do
    if lim[d] > 0 then
      paced = true
      local per, cap = pace_bucket(lim[d], burst[d], d == 1 and 1 or 0)
      if d == 1 then step = per end
      at = math.max(at, math.ceil(s[d] - math.max(0, cap - cost[d]) * per))
    end
  end
  if not paced and at <= now then return {0, 0, 0} end
  local mine = tonumber(redis.call('GET', kw)) or 0
  if mine > now then
    local estimate = math.ceil(math.max(at, mine + step) + p.ahead * step)
    if estimate > p.max_at then return {3, estimate, 0} end
    return {2, estimate, mine}
  end
  if at > p.max_at then return {3, at, 0} end
  for d = 1, 3 do
    if lim[d] > 0 then
      local per = pace_bucket(lim[d], burst[d])
      s[d] = math.ceil(math.max(s[d], at) + cost[d] * per)
    end
  end
  redis.call('HSET', kg, 'r', s[1], 'i', s[2], 'o', s[3])
  redis.call('PEXPIRE', kg, ${GROUP_TTL_MS})
  redis.call('SET', kw, at, 'PX', math.max(1, at - now + 1000))
  return {1, at, 0}
end
local function pace_give(kg, p)
  local s = pace_state(kg)
  local limit = p.otpm > 0 and p.otpm or s[7]
  if limit <= 0 or p.unused <= 0 or s[3] <= p.now then return end
  redis.call('HSET', kg, 'o', math.max(p.now, math.ceil(s[3] - p.unused * (60000 / limit))))
end
`

export const PACE_SCRIPT = `${PACE_FUNCTIONS}local mode = ARGV[1]
local p = {}
for i, name in ipairs(({
${Object.entries(PACE_ARGS)
  .map(([mode, names]) => `  ${mode} = {${names.map((name) => `'${name}'`).join(', ')}},`)
  .join('\n')}
})[mode] or {}) do p[name] = tonumber(ARGV[i + 1]) or 0 end
if mode == 'reserve' then return pace_reserve(KEYS[1], KEYS[2], p) end
if mode == 'peek' then
  local out = {}
  for _, kg in ipairs(KEYS) do
    local s = pace_state(kg)
    for n = 1, 7 do out[#out + 1] = s[n] end
  end
  return out
end
local s = pace_state(KEYS[1])
if mode == 'learn' then
  local seen, left = {p.lim_r, p.lim_i, p.lim_o}, {p.rem_r, p.rem_i, p.rem_o}
  for d = 1, 3 do if seen[d] > 0 then s[d + 4] = seen[d] end end
  local lim, burst = pace_limits(s, p), {p.burst_r, p.burst_t, p.burst_t}
  for d = 1, 3 do
    if lim[d] > 0 and left[d] >= 0 then
      local per, cap = pace_bucket(lim[d], burst[d])
      s[d] = math.max(s[d], math.ceil(p.now + math.max(0, cap - left[d]) * per))
    end
  end
  if p.retry_ms > 0 then s[4] = math.max(s[4], p.now + p.retry_ms) end
elseif mode == 'give' then
  pace_give(KEYS[1], p)
  return 1
end
redis.call('HSET', KEYS[1], 'r', s[1], 'i', s[2], 'o', s[3], 'b', s[4], 'lr', s[5], 'li', s[6], 'lo', s[7])
redis.call('PEXPIRE', KEYS[1], ${GROUP_TTL_MS})
return 1
`

export const PACE_SCRIPT_SHA1 = 'e705e3a3b13000b832c6535e491f359910d7c373'
