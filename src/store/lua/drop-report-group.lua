--[[
  Drop one report group that no report joined since the retention cutoff (src/reports/store.ts,
  `prune`): its record, signature, totals per area, area index entries and draft-alert links. The
  caller read which area paths it was counted in (its `<group>|<path>` totals fields); the script
  checks again that its last report is still before the cutoff, so a report that joined it meanwhile
  (and may have counted it in a new area) keeps it whole. Every key shares the group's
  `{reports:<province>}` hash tag (src/store/keys.ts), and every key it touches is given.

  KEYS[1]  groups hash      KEYS[2]  signatures hash      KEYS[3]  totals hash      KEYS[4]  links hash
  KEYS[5]  the province's area index (every group of the province, by its last report)
  KEYS[6..] the area index of each other path the group was counted in (ARGV[i - 2] is KEYS[i]'s path)

  ARGV[1]  the cutoff, ms: a group whose last report is before it is dropped
  ARGV[2]  the group id
  ARGV[3]  the province's path (KEYS[5]'s), ARGV[4..] the other paths, in KEYS order

  Returns 1 dropped, 0 kept (reported since the cutoff, or already dropped)
  The LSH buckets are left to add-report, which forgets a dropped group where it meets it, and to
  their own expiry; the per-day counts have expired (they are kept 40 days).
]]
local id = ARGV[2]
local last = redis.call('ZSCORE', KEYS[5], id)
if not last or tonumber(last) >= tonumber(ARGV[1]) then return 0 end

for i = 5, #KEYS do
  local field = id .. '|' .. ARGV[i - 2]
  redis.call('HDEL', KEYS[3], field, field .. '|first')
  redis.call('ZREM', KEYS[i], id)
end
redis.call('HDEL', KEYS[1], id)
redis.call('HDEL', KEYS[2], id)

-- Links are `<group>|<alert id>`: the few drafts ever made from this province's reports.
local prefix = id .. '|'
local links = {}
for _, field in ipairs(redis.call('HKEYS', KEYS[4])) do
  if string.sub(field, 1, #prefix) == prefix then links[#links + 1] = field end
end
if #links > 0 then redis.call('HDEL', KEYS[4], unpack(links)) end
return 1
