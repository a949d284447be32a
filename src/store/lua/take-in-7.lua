--[[
  An event into its resident's inbox, once (a webhook's, or one we start: an alert, a review
  follow-up), and, when the caller asks and nobody holds the resident, the resident held and what
  the processor's claim reads (claim-resident-6.lua), in the same call: the turn starts without
  another round trip.

  KEYS[1] inbox sorted set (event id -> platform timestamp)
  KEYS[2] inbox data hash (event id -> activity JSON)
  KEYS[3] seen sorted set (event ids already handled)
  KEYS[4] contact hash (lastInbound, status, sendAfter)
  KEYS[5] lease string
  KEYS[6] outbox list
  KEYS[7] state hash (rev, doc)

  ARGV[1] event id
  ARGV[2] platform timestamp, ms (orders one resident's messages)
  ARGV[3] activity JSON
  ARGV[4] "1" when the event counts as the resident writing to us (opens messaging windows)
  ARGV[5] the caller's token to hold the resident with, or '' not to try
  ARGV[6] lease length, ms
  ARGV[7] how long the contact is kept after the resident last wrote, s

  Returns {0}                  already known (a redelivery): nothing written
          {1}                  taken in; not held (not asked, or someone holds the resident)
          {2, eventId, eventJSON, outbox length, status, sendAfter, inbox size, rev, doc}
                               taken in and held: the oldest event and the rest as the claim returns them
]]
if redis.call('ZSCORE', KEYS[3], ARGV[1]) or redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  return {0}
end
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
if ARGV[4] == '1' then
  local last = tonumber(redis.call('HGET', KEYS[4], 'lastInbound') or '0')
  if tonumber(ARGV[2]) > last then redis.call('HSET', KEYS[4], 'lastInbound', ARGV[2]) end
  -- Writing to us again means they can be reached again.
  redis.call('HDEL', KEYS[4], 'status', 'statusReason')
  redis.call('EXPIRE', KEYS[4], tonumber(ARGV[7]))
end
if ARGV[5] == '' or redis.call('EXISTS', KEYS[5]) == 1 then return {1} end
redis.call('SET', KEYS[5], ARGV[5], 'PX', ARGV[6])
local id = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
local state = redis.call('HMGET', KEYS[7], 'rev', 'doc')
local contact = redis.call('HMGET', KEYS[4], 'status', 'sendAfter')
return {2, id, redis.call('HGET', KEYS[2], id) or '', redis.call('LLEN', KEYS[6]), contact[1] or '', contact[2] or '',
  redis.call('ZCARD', KEYS[1]), state[1] or '', state[2] or ''}
