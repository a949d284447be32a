/**
 * The broadcast's Lua scripts. They live here as strings rather than in src/store/lua/ so that the
 * broadcast folder stays self-contained (the build copies no extra files); each opens with its
 * KEYS / ARGV / returns block like the others. Every key of one call shares the `{alert:<id>}` tag.
 */
import type { ScriptedRedis } from '../store/redis.js';

/** Write an alert if its revision is still `expected`, with its picture and one audit entry, atomically. */
const WRITE_ALERT = `
--[[
  KEYS[1] alert JSON   KEYS[2] audit stream   KEYS[3] picture hash
  ARGV[1] expected rev ("0": the alert must not exist yet)
  ARGV[2] new alert JSON (with rev = expected + 1)
  ARGV[3] picture: "keep", "set" or "del";  ARGV[4] its type;  ARGV[5] its bytes
  ARGV[6..] audit entry field/value pairs (none: no entry)
  Returns 1 written, 0 the revision changed meanwhile (reload and try again)
]]
local current = redis.call('GET', KEYS[1])
local rev = 0
if current then rev = cjson.decode(current).rev end
if tostring(rev) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[3] == 'set' then
  redis.call('DEL', KEYS[3])
  redis.call('HSET', KEYS[3], 'type', ARGV[4], 'data', ARGV[5])
elseif ARGV[3] == 'del' then
  redis.call('DEL', KEYS[3])
end
if #ARGV > 6 then
  local fields = {}
  for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
  redis.call('XADD', KEYS[2], '*', unpack(fields))
end
return 1
`;

/** Record one planning step: the audience cursor, the batches it made, and what they hold. */
const PLAN_STEP = `
--[[
  KEYS[1] plan hash   KEYS[2] alert counters (stats) hash
  ARGV[1] the step this planner read (its claim: another planner moved on → refuse)
  ARGV[2] next audience cursor   ARGV[3] batches in flight (JSON, re-added after a crash)
  ARGV[4] residents carried to the next step (JSON)   ARGV[5] batch numbers so far (JSON)
  ARGV[6] new batches   ARGV[7] residents matched   ARGV[8] residents put into batches
  ARGV[9] not reachable now   ARGV[10] "1" when the audience is exhausted
  Returns 1 recorded, 0 another planner owns this plan now, 2 the plan is closed (the alert is done or
  cancelled: a planner that looked at its status just before must not write residents back into it)
]]
if redis.call('HEXISTS', KEYS[1], 'closed') == 1 then return 2 end
local step = tonumber(redis.call('HGET', KEYS[1], 'step') or '0')
if step ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'step', step + 1, 'cursor', ARGV[2], 'outgoing', ARGV[3], 'buffers', ARGV[4], 'batches', ARGV[5])
redis.call('HINCRBY', KEYS[1], 'pending', tonumber(ARGV[6]))
redis.call('HINCRBY', KEYS[1], 'batchesPlanned', tonumber(ARGV[6]))
redis.call('HINCRBY', KEYS[1], 'matched', tonumber(ARGV[7]))
redis.call('HINCRBY', KEYS[1], 'planned', tonumber(ARGV[8]))
if tonumber(ARGV[9]) > 0 then redis.call('HINCRBY', KEYS[2], 'notReachableNow', tonumber(ARGV[9])) end
if ARGV[10] == '1' then redis.call('HSET', KEYS[1], 'complete', '1') end
return 1
`;

/** A send batch finished (or gave up): count it once, however often its job ran. */
const BATCH_DONE = `
--[[
  KEYS[1] plan hash   KEYS[2] alert counters (stats) hash
  ARGV[1] batch job id   ARGV[2] residents handed the alert   ARGV[3] not reachable now
  ARGV[4] "1" when the batch gave up after its retries
  Returns { first time (1/0), batches still pending, planning complete (1/0) }
]]
if redis.call('HSETNX', KEYS[1], 'done:' .. ARGV[1], '1') == 1 then
  redis.call('HINCRBY', KEYS[1], 'pending', -1)
  redis.call('HINCRBY', KEYS[1], 'queued', tonumber(ARGV[2]))
  if tonumber(ARGV[3]) > 0 then redis.call('HINCRBY', KEYS[2], 'notReachableNow', tonumber(ARGV[3])) end
  if ARGV[4] == '1' then redis.call('HINCRBY', KEYS[1], 'batchesFailed', 1) end
  local pending = tonumber(redis.call('HGET', KEYS[1], 'pending') or '0')
  return { 1, pending, redis.call('HGET', KEYS[1], 'complete') == '1' and 1 or 0 }
end
local pending = tonumber(redis.call('HGET', KEYS[1], 'pending') or '0')
return { 0, pending, redis.call('HGET', KEYS[1], 'complete') == '1' and 1 or 0 }
`;

/**
 * The alert is done or cancelled: its plan keeps its counters and which batches finished, but no
 * resident ids any more (the batches last recorded, the residents carried over), and takes no step.
 */
const CLOSE_PLAN = `
--[[
  KEYS[1] plan hash
  Returns 1
]]
redis.call('HDEL', KEYS[1], 'outgoing', 'buffers')
redis.call('HSET', KEYS[1], 'closed', '1')
return 1
`;

export interface BroadcastScripts {
  broadcastWriteAlert(
    alertKey: string, auditKey: string, imageKey: string,
    expectedRev: string, json: string, imageOp: 'keep' | 'set' | 'del', imageType: string, imageData: Buffer | string,
    ...audit: string[]
  ): Promise<number>;
  broadcastPlanStep(
    planKey: string, statsKey: string,
    step: number, cursor: string, outgoing: string, buffers: string, batches: string,
    newBatches: number, matched: number, planned: number, notReachableNow: number, complete: '0' | '1',
  ): Promise<number>;
  broadcastBatchDone(planKey: string, statsKey: string, jobId: string, queued: number, notReachableNow: number, gaveUp: '0' | '1'): Promise<[number, number, number]>;
  broadcastClosePlan(planKey: string): Promise<number>;
}

/** The bot's connection (a single Redis or a Cluster) with the broadcast's scripts too. */
export type BroadcastRedis = ScriptedRedis & BroadcastScripts;

const SCRIPTS = {
  broadcastWriteAlert: { lua: WRITE_ALERT, numberOfKeys: 3 },
  broadcastPlanStep: { lua: PLAN_STEP, numberOfKeys: 2 },
  broadcastBatchDone: { lua: BATCH_DONE, numberOfKeys: 2 },
  broadcastClosePlan: { lua: CLOSE_PLAN, numberOfKeys: 1 },
} as const;

/** Add the broadcast's scripts to a connection (once; harmless to repeat). */
export function withBroadcastScripts(redis: ScriptedRedis): BroadcastRedis {
  const r = redis as BroadcastRedis;
  for (const [name, def] of Object.entries(SCRIPTS)) {
    if (typeof (r as unknown as Record<string, unknown>)[name] !== 'function') redis.defineCommand(name, def);
  }
  return r;
}
