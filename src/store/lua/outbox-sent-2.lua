--[[
  Messages were accepted by their platform: remove them from the head of the outbox, in order, each
  only if it is still the one at the head (so one acknowledged already is not removed twice), and
  end any backoff, in one call.

  KEYS[1] outbox list
  KEYS[2] contact hash (sendAfter)

  ARGV[1…] the exact entries sent, oldest first

  Returns how many were removed (fewer than given: the head was something else, someone else is at
  this outbox)
]]
local removed = 0
for i = 1, #ARGV do
  if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[i] then break end
  redis.call('LPOP', KEYS[1])
  removed = removed + 1
end
if removed > 0 then redis.call('HDEL', KEYS[2], 'sendAfter') end
return removed
