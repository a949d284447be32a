--[[
  Let go of a resident once their inbox is empty, in one call. The caller has already taken them
  out of the `due` set (another slot), so an event taken in meanwhile is either seen here or marks
  them due again. First, the message the caller sent last is acknowledged (as outbox-sent-2.lua
  does), whether or not the lease is still the caller's: the platform took it either way.

  KEYS[1] lease string
  KEYS[2] inbox sorted set
  KEYS[3] outbox list
  KEYS[4] contact hash (sendAfter)

  ARGV[1] the caller's token
  ARGV[2] the exact outbox entry the caller sent last, to remove from the head; '' for none

  Returns {-1, ''} the lease is no longer the caller's (it lapsed and another process took over)
          {1, ''}  more events arrived: go on (still held)
          {2, sendAfter or ''} the outbox waits (a backoff): mark them due for then, then release
          {0, ''}  nothing left: released
]]
if ARGV[2] ~= '' and redis.call('LINDEX', KEYS[3], 0) == ARGV[2] then
  redis.call('LPOP', KEYS[3])
  redis.call('HDEL', KEYS[4], 'sendAfter')
end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {-1, ''} end
if redis.call('ZCARD', KEYS[2]) > 0 then return {1, ''} end
if redis.call('LLEN', KEYS[3]) > 0 then return {2, redis.call('HGET', KEYS[4], 'sendAfter') or ''} end
redis.call('DEL', KEYS[1])
return {0, ''}
