--[[
  Take one inbound event into a resident's inbox, unless it was seen before.

  KEYS[1] inbox sorted set (event id -> platform timestamp)
  KEYS[2] inbox data hash (event id -> activity JSON)
  KEYS[3] seen sorted set (event ids already handled)
  KEYS[4] contact hash (lastInbound, status)

  ARGV[1] event id
  ARGV[2] platform timestamp, ms (orders one resident's messages)
  ARGV[3] activity JSON
  ARGV[4] "1" when the event counts as the resident writing to us (opens messaging windows)

  Returns 1 taken in, 0 already known (a redelivery)
]]
if redis.call('ZSCORE', KEYS[3], ARGV[1]) or redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  return 0
end
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
if ARGV[4] == '1' then
  local last = tonumber(redis.call('HGET', KEYS[4], 'lastInbound') or '0')
  if tonumber(ARGV[2]) > last then redis.call('HSET', KEYS[4], 'lastInbound', ARGV[2]) end
  -- Writing to us again means they can be reached again.
  redis.call('HDEL', KEYS[4], 'status', 'statusReason')
end
return 1
