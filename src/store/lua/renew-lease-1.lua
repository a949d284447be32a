--[[
  Extend a lease we hold.

  KEYS[1] lease key
  ARGV[1] our token
  ARGV[2] new time to live, ms

  Returns 1 extended, 0 lost (someone else holds it now, or it expired)
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
end
return 0
