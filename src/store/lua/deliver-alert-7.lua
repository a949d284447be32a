--[[
  The alert lane (src/conversation/alert-lane.ts): give an official's alert to a resident who is in
  the middle of nothing, as one turn would, without running one. In one step: the state with its
  `lastAlert` (computed by the caller from the revision it read), the alert's event id as handled,
  its platform messages into the outbox, and the resident held with the caller's token while it
  sends them. A resident who is busy (held by someone, events or messages waiting, a backoff, or a
  state that changed since it was read) is left untouched: the caller puts the alert in their inbox.

  KEYS[1] state hash (rev, doc)
  KEYS[2] seen sorted set (event ids handled -> when; the inbox refuses these, so no replies are kept)
  KEYS[3] inbox sorted set
  KEYS[4] inbox data hash
  KEYS[5] outbox list
  KEYS[6] lease string
  KEYS[7] contact hash (sendAfter)

  ARGV[1] the alert's event id (`alert:<id>`)
  ARGV[2] the state revision the caller read
  ARGV[3] the new state JSON
  ARGV[4] now, ms
  ARGV[5] how long event ids are remembered, ms
  ARGV[6] how long an untouched state is kept, s
  ARGV[7] the caller's token
  ARGV[8] lease length, ms
  ARGV[9…] the outbox entries, in order

  Returns 1 taken: the entries are in the outbox and the resident is held with the token
          0 they had this alert already, and nothing of it is waiting
          2 busy: nothing was written
          3 they had it, and it (or something before it) is still waiting in their inbox or outbox
]]
local id = ARGV[1]
local inInbox = redis.call('HEXISTS', KEYS[4], id) == 1
if inInbox or redis.call('ZSCORE', KEYS[2], id) then
  if inInbox or redis.call('LLEN', KEYS[5]) > 0 then return 3 end
  return 0
end
if redis.call('EXISTS', KEYS[6]) == 1 or redis.call('ZCARD', KEYS[3]) > 0 or redis.call('LLEN', KEYS[5]) > 0 then return 2 end
local rev = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
if rev ~= tonumber(ARGV[2]) then return 2 end
local now = tonumber(ARGV[4])
if tonumber(redis.call('HGET', KEYS[7], 'sendAfter') or '0') > now then return 2 end

redis.call('HSET', KEYS[1], 'rev', rev + 1, 'doc', ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[6]))
redis.call('ZADD', KEYS[2], now, id)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[5]))
redis.call('RPUSH', KEYS[5], unpack(ARGV, 9))
redis.call('SET', KEYS[6], ARGV[7], 'PX', ARGV[8])
return 1
