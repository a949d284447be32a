--[[
  Hold a resident (or go on holding them) and read what the holder needs next, in one call:
  the oldest inbox event, the resident's state for its turn, and the state of the outbox and the
  contact. One process handles a
  resident at a time; the lease lapses by itself if that process dies.

  KEYS[1] lease string (the holder's token, with an expiry)
  KEYS[2] inbox sorted set (event ids by platform time)
  KEYS[3] inbox data hash (event id -> event JSON)
  KEYS[4] outbox list
  KEYS[5] contact hash (status, sendAfter)
  KEYS[6] state hash (rev, doc)

  ARGV[1] the caller's token
  ARGV[2] lease length, ms

  Returns {0} someone else holds the resident
          {1, eventId or '', eventJSON or '', outbox length, status or '', sendAfter or '', inbox size,
             rev or '', doc or ''}   (rev and doc only with an event)
]]
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return {0} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local first = redis.call('ZRANGE', KEYS[2], 0, 0)
local id, data, rev, doc = '', '', '', ''
if first[1] then
  id = first[1]
  data = redis.call('HGET', KEYS[3], id) or ''
  local state = redis.call('HMGET', KEYS[6], 'rev', 'doc')
  rev, doc = state[1] or '', state[2] or ''
end
local contact = redis.call('HMGET', KEYS[5], 'status', 'sendAfter')
return {1, id, data, redis.call('LLEN', KEYS[4]), contact[1] or '', contact[2] or '', redis.call('ZCARD', KEYS[2]), rev, doc}
