--[[
  Take one resident's report (already masked) into its province's groups, atomically: refuse a
  resident's repeat of the same text and anything over their daily limit, find the most alike group
  among the LSH candidates (or start one), and count the report per day, hour and area; drop the
  province's log entries past the retention as this one is added (the hourly prune does the rest).
  Every key shares the `{reports:<province>}` hash tag (src/store/keys.ts).

  KEYS[1]  groups hash (group id -> group JSON)
  KEYS[2]  signatures hash (group id -> 512 hex characters)
  KEYS[3]  group number counter
  KEYS[4]  totals hash (<group>|<path> -> reports, <group>|<path>|first -> ms)
  KEYS[5]  log stream
  KEYS[6]  today's counts hash (<group>|<path> and <group>|<path>|<HH> -> reports)
  KEYS[7]  the resident's reports hash (text fingerprint -> group)
  KEYS[8]  the resident's count today
  KEYS[9..11]   area index sorted sets, one per area path (ARGV[6] of them are real; the rest repeat KEYS[9])
  KEYS[12..27]  LSH band buckets (sets of group ids), one per band

  ARGV[1]  now, ms
  ARGV[2]  the text's fingerprint
  ARGV[3]  reports per resident per day
  ARGV[4]  least estimated similarity to join a group (0..1)
  ARGV[5]  the text's MinHash signature (64 values, 8 hex digits each)
  ARGV[6]  how many area paths (1..3)
  ARGV[7..9]  the area paths, most general first
  ARGV[10] the local hour (HH)
  ARGV[11] the province, as group ids begin (<province>-<n>)
  ARGV[12] the report JSON: { text, risk, scamType?, signals: [{id, vi, en}], domains: [], phrases: [] }
  ARGV[13] seconds to keep a day's counts   ARGV[14] seconds to remember a resident's texts
  ARGV[15] seconds to keep a resident's daily count   ARGV[16] seconds to keep a band bucket after its last report
  ARGV[17] the log's approximate length cap   ARGV[18] most candidate groups compared
  ARGV[19] the retention cutoff, ms (now - REPORT_RETENTION_DAYS): log entries before it are dropped

  Returns { status, group id, 1 when the group is new, similarity × 1000 }
  status: "added"; "duplicate" (this resident reported this text before: counted once); "limited" (over the daily limit)
]]
local now = tonumber(ARGV[1])

local known = redis.call('HGET', KEYS[7], ARGV[2])
if known then return { 'duplicate', known, 0, 1000 } end
local today = tonumber(redis.call('GET', KEYS[8]) or '0')
if today >= tonumber(ARGV[3]) then return { 'limited', '', 0, 0 } end

local sig = ARGV[5]
local function alike(other)
  local same = 0
  for i = 0, 63 do
    if string.sub(sig, i * 8 + 1, i * 8 + 8) == string.sub(other, i * 8 + 1, i * 8 + 8) then same = same + 1 end
  end
  return same / 64
end

-- The most alike group among those sharing a band bucket with this text.
local best, bestScore = nil, -1
local bands = {}
for i = 12, 27 do bands[#bands + 1] = KEYS[i] end
local candidates = redis.call('SUNION', unpack(bands))
local limit = tonumber(ARGV[18])
local compared = 0
for _, id in ipairs(candidates) do
  if compared >= limit then break end
  local other = redis.call('HGET', KEYS[2], id)
  if other then
    compared = compared + 1
    local score = alike(other)
    if score > bestScore or (score == bestScore and id < best) then best, bestScore = id, score end
  else
    -- A group the prune dropped for age (drop-report-group.lua) is still named by the buckets its
    -- reports shared with live groups: forget it here, where it is met, so it takes no candidate's place.
    for _, key in ipairs(bands) do redis.call('SREM', key, id) end
  end
end

local report = cjson.decode(ARGV[12])
local RANK = { low = 1, medium = 2, high = 3 }

-- A list kept as a set, capped; `key` gives an item's identity.
local function merge(list, items, cap, key)
  local out, seen = {}, {}
  for _, item in ipairs(list or {}) do
    local k = key(item)
    if not seen[k] and #out < cap then seen[k] = true; out[#out + 1] = item end
  end
  for _, item in ipairs(items or {}) do
    local k = key(item)
    if not seen[k] and #out < cap then seen[k] = true; out[#out + 1] = item end
  end
  return out
end
local same = function(x) return x end
local byId = function(x) return x.id end

local group, isNew, id
if best and bestScore >= tonumber(ARGV[4]) then
  id = best
  group = cjson.decode(redis.call('HGET', KEYS[1], id))
  group.last = now
  group.count = (group.count or 0) + 1
  if (RANK[report.risk] or 0) > (RANK[group.risk] or 0) then group.risk = report.risk end
  if not group.scamType and report.scamType then group.scamType = report.scamType end
  group.signals = merge(group.signals, report.signals, 12, byId)
  group.domains = merge(group.domains, report.domains, 20, same)
  group.phrases = merge(group.phrases, report.phrases, 10, same)
  isNew = 0
else
  id = ARGV[11] .. '-' .. redis.call('INCR', KEYS[3])
  group = {
    id = id, first = now, last = now, count = 1, sample = report.text, risk = report.risk, scamType = report.scamType,
    signals = merge({}, report.signals, 12, byId), domains = merge({}, report.domains, 20, same), phrases = merge({}, report.phrases, 10, same),
  }
  redis.call('HSET', KEYS[2], id, sig)
  isNew = 1
  bestScore = 1
end
redis.call('HSET', KEYS[1], id, cjson.encode(group))

-- This text's buckets lead to the group too, so later variants of the wave find it.
local bandTtl = tonumber(ARGV[16])
for _, key in ipairs(bands) do
  redis.call('SADD', key, id)
  redis.call('EXPIRE', key, bandTtl)
end

-- Counted per area path (a commune's report counts for its district and province too), per day and hour.
local paths = tonumber(ARGV[6])
for i = 1, paths do
  local path = ARGV[6 + i]
  local field = id .. '|' .. path
  redis.call('HINCRBY', KEYS[6], field, 1)
  redis.call('HINCRBY', KEYS[6], field .. '|' .. ARGV[10], 1)
  redis.call('HINCRBY', KEYS[4], field, 1)
  redis.call('HSETNX', KEYS[4], field .. '|first', now)
  redis.call('ZADD', KEYS[8 + i], now, id)
end
redis.call('EXPIRE', KEYS[6], tonumber(ARGV[13]))

redis.call('HSET', KEYS[7], ARGV[2], id)
redis.call('EXPIRE', KEYS[7], tonumber(ARGV[14]))
redis.call('INCR', KEYS[8])
redis.call('EXPIRE', KEYS[8], tonumber(ARGV[15]))
-- The log's ids are the report's time (the caller's clock, as `at` and the prune's cutoff are), kept
-- increasing if another process's clock is behind; so `MINID` drops exactly the reports older than the
-- retention, however few reports the province gets (exact, not `~`: an approximate trim only drops
-- whole nodes of ~100 entries, which a quiet province might take years to fill). The count cap stays
-- approximate: it only bounds memory.
local top = redis.call('XREVRANGE', KEYS[5], '+', '-', 'COUNT', 1)[1]
local ms = now
if top then ms = math.max(ms, tonumber(string.match(top[1], '^(%d+)'))) end
redis.call('XADD', KEYS[5], 'MINID', '=', string.format('%.0f', tonumber(ARGV[19])), string.format('%.0f-*', ms),
  'g', id, 'p', ARGV[6 + paths], 'at', now, 't', report.text)
redis.call('XTRIM', KEYS[5], 'MAXLEN', '~', tonumber(ARGV[17]))

return { 'added', id, isNew, math.floor(bestScore * 1000 + 0.5) }
