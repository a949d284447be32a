--[[
  Commit one turn for one resident, atomically: the new state, the message id as handled,
  the replies it produced (so a redelivered message gets the same answer), the message taken out
  of the inbox and the platform messages to send put in the outbox. Either all of it or nothing.

  KEYS[1] state hash (rev, doc)
  KEYS[2] seen sorted set (message id -> handled at, ms)
  KEYS[3] replies hash (message id -> replies JSON)
  KEYS[4] inbox sorted set (webhook channels; untouched when the message did not come through it)
  KEYS[5] inbox data hash
  KEYS[6] outbox list (platform messages waiting to be sent, in order)
  KEYS[7] mailbox stream (web chat: messages the bot wrote first; only deleted here)
  KEYS[8] contact hash (lastInbound, status, sendAfter)

  ARGV[1] rev the turn was computed from ("0" for a new resident)
  ARGV[2] new state JSON, or "" to delete everything about the resident
  ARGV[3] message id, or "" when the channel gives none
  ARGV[4] replies JSON
  ARGV[5] now, ms
  ARGV[6] how long message ids are remembered, ms
  ARGV[7] how long an untouched state is kept, s
  ARGV[8] JSON array of outbox entries (strings) to append
  ARGV[9] how long to keep the contact, ms, when this turn is the resident writing on a channel
          whose webhook take-in does not note it (the web chat): lastInbound = now is written with
          the turn; "" leaves the contact alone

  Returns {1, newRev} committed
          {-1, currentRev} someone else committed first: load again and recompute
          {-2, repliesJSON} this message id was already handled
]]
local msgId = ARGV[3]
if msgId ~= '' then
  local previous = redis.call('HGET', KEYS[3], msgId)
  if previous then return {-2, previous} end
end

local rev = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
if rev ~= tonumber(ARGV[1]) then return {-1, rev} end

local now = tonumber(ARGV[5])
local window = tonumber(ARGV[6])
local newRev = rev + 1

if ARGV[2] == '' then
  -- The contact too: when they last wrote and whether they can be reached is theirs as well.
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[6], KEYS[7], KEYS[8])
  -- Keep only a tombstone revision so a racing turn computed on the old state fails its check.
  redis.call('HSET', KEYS[1], 'rev', newRev)
  redis.call('PEXPIRE', KEYS[1], window)
else
  redis.call('HSET', KEYS[1], 'rev', newRev, 'doc', ARGV[2])
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[7]))
  if ARGV[9] ~= '' then
    redis.call('HSET', KEYS[8], 'lastInbound', now)
    redis.call('PEXPIRE', KEYS[8], tonumber(ARGV[9]))
  end
end

if msgId ~= '' then
  redis.call('ZREM', KEYS[4], msgId)
  redis.call('HDEL', KEYS[5], msgId)
  redis.call('ZADD', KEYS[2], now, msgId)
  redis.call('HSET', KEYS[3], msgId, ARGV[4])
  -- Forget ids older than the window, a few at a time so one turn stays cheap.
  local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - window, 'LIMIT', 0, 100)
  if #old > 0 then
    redis.call('HDEL', KEYS[3], unpack(old))
    redis.call('ZREM', KEYS[2], unpack(old))
  end
  redis.call('PEXPIRE', KEYS[2], window)
  redis.call('PEXPIRE', KEYS[3], window)
end
local outbox = cjson.decode(ARGV[8])
for i = 1, #outbox do
  redis.call('RPUSH', KEYS[6], outbox[i])
end
return {1, newRev}
