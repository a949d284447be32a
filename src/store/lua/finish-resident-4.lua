--[[
  Let go of a resident once their inbox is empty, in one call. The caller has already taken them
  out of the `due` set (another slot), so an event taken in meanwhile is either seen here or marks
  them due again. First, the messages the caller sent and has not acknowledged yet are removed from
  the head of the outbox (as outbox-sent-2.lua does), whether or not the lease is still the caller's:
  the platform took them either way.

  KEYS[1] lease string
  KEYS[2] inbox sorted set
  KEYS[3] outbox list
  KEYS[4] contact hash (sendAfter)

  ARGV[1]    the caller's token
  ARGV[2…]   the exact outbox entries the caller sent, oldest first (none: nothing to acknowledge)

  Returns {-1, ''} the lease is no longer the caller's (it lapsed and another process took over)
          {1, ''}  more events arrived: go on (still held)
          {2, sendAfter or ''} the outbox waits (a backoff): mark them due for then, then release
          {0, ''}  nothing left: released
]]
local removed = 0
for i = 2, #ARGV do
  if redis.call('LINDEX', KEYS[3], 0) ~= ARGV[i] then break end
  redis.call('LPOP', KEYS[3])
  removed = removed + 1
end
if removed > 0 then redis.call('HDEL', KEYS[4], 'sendAfter') end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {-1, ''} end
if redis.call('ZCARD', KEYS[2]) > 0 then return {1, ''} end
if redis.call('LLEN', KEYS[3]) > 0 then return {2, redis.call('HGET', KEYS[4], 'sendAfter') or ''} end
redis.call('DEL', KEYS[1])
return {0, ''}
