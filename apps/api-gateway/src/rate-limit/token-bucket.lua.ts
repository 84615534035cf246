/**
 * One atomic token-bucket step in Redis: refill by elapsed time, take one token if there is one.
 * The clock is Redis's own (TIME), so every gateway replica shares one notion of "now".
 * KEYS[1] bucket; ARGV[1] capacity; ARGV[2] window in ms (capacity tokens refill per window).
 * Returns {allowed 0|1, tokens left (floor), ms until one token, ms until full}.
 */
export const TOKEN_BUCKET_LUA = `
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
local rate = capacity / window
if now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * rate)
end
if tokens > capacity then tokens = capacity end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], window + 1000)
local wait = 0
if allowed == 0 then wait = math.ceil((1 - tokens) / rate) end
local full = math.ceil((capacity - tokens) / rate)
return {allowed, math.floor(tokens), wait, full}
`;
