--[[
  Remove the first outbox message once it was sent, only if it is still the one we sent.

  KEYS[1] outbox list
  ARGV[1] the exact entry that was sent

  Returns 1 removed, 0 the head was something else (already acknowledged)
]]
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then
  redis.call('LPOP', KEYS[1])
  return 1
end
return 0
