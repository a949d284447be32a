--[[
  A message was accepted by its platform: remove it from the head of the outbox (only if it is
  still the one sent) and end any backoff, in one call.

  KEYS[1] outbox list
  KEYS[2] contact hash (sendAfter)

  ARGV[1] the exact entry that was sent

  Returns 1 removed, 0 the head was something else (already acknowledged)
]]
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then
  redis.call('LPOP', KEYS[1])
  redis.call('HDEL', KEYS[2], 'sendAfter')
  return 1
end
return 0
