-- Tollgate's shared token buckets: one call of this script decides a request against all of its
-- buckets at once (key, organization class, end user), atomically, so nothing is retried under
-- contention and a refusal by one bucket takes nothing from the others.
--
-- KEYS[i]: bucket i (a hash: t = tokens, ts = time of t in ms, c = capacity t was counted against)
-- ARGV[1]: operation: "take" | "peek" | "refill"
-- ARGV[2]: now, in ms (the caller's clock: every node must agree on time, as NTP gives)
-- ARGV[3 + 4(i-1) ...]: capacity, refill tokens, refill period in ms, mode (0 greedy, 1 intervally)
-- Answer: {consumed (1|0), then per bucket: remaining, ms until full, ms until one token}
local op = ARGV[1]
local now = tonumber(ARGV[2])
local n = #KEYS
local tokens, stamps, caps, refills, periods, modes = {}, {}, {}, {}, {}, {}

for i = 1, n do
  local base = 3 + 4 * (i - 1)
  local capacity, refill, period, mode = tonumber(ARGV[base]), tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  local state = redis.call('HMGET', KEYS[i], 't', 'ts', 'c')
  local t, ts = capacity, now
  if state[1] then
    t, ts = tonumber(state[1]), tonumber(state[2])
    local old = tonumber(state[3])
    -- A changed limit keeps what was spent: raising 3 to 5 after 3 calls leaves 2; lowering never
    -- leaves more than the new size (Bucket4j's ADDITIVE inheritance, as the per-node buckets do).
    if capacity > old then t = t + capacity - old elseif capacity < old then t = math.min(t, capacity) end
    if now > ts then
      if mode == 0 then
        t = math.min(capacity, t + (now - ts) * refill / period)
        ts = now
      else
        local whole = math.floor((now - ts) / period)
        t = math.min(capacity, t + whole * refill)
        ts = ts + whole * period
      end
    end
  end
  tokens[i], stamps[i], caps[i], refills[i], periods[i], modes[i] = t, ts, capacity, refill, period, mode
end

local consumed = 0
if op == 'take' then
  consumed = 1
  for i = 1, n do if tokens[i] < 1 then consumed = 0 end end
  if consumed == 1 then for i = 1, n do tokens[i] = tokens[i] - 1 end end
elseif op == 'refill' then
  for i = 1, n do tokens[i] = caps[i] end
end

-- ms until the bucket holds `want` tokens (0 if it does)
local function wait(i, want)
  local missing = want - tokens[i]
  if missing <= 0 then return 0 end
  if modes[i] == 0 then return math.ceil(missing * periods[i] / refills[i]) end
  return math.ceil(missing / refills[i]) * periods[i] - (now - stamps[i])
end

local answer = {consumed}
for i = 1, n do
  if op ~= 'peek' then
    redis.call('HSET', KEYS[i], 't', tostring(tokens[i]), 'ts', tostring(stamps[i]), 'c', tostring(caps[i]))
    -- Gone once it would be full again anyway (plus a minute): forgetting a full bucket changes nothing.
    redis.call('PEXPIRE', KEYS[i], wait(i, caps[i]) + 60000)
  end
  table.insert(answer, math.floor(tokens[i]))
  table.insert(answer, wait(i, caps[i]))
  table.insert(answer, wait(i, 1))
end
return answer
