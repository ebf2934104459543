-- wrk script for the memory benchmark (bench/run-memory.sh): a mix that exercises every path that
-- holds memory, optionally paced to a fixed rate.
--   80 %  GET /v1/tracks/memtrackNNNNN?market=US, cycling through 50,000 ids (misses, then hits,
--         and, once the memory tier is full, evictions; ~2.4 KiB answers)
--   10 %  the same track route with `Cache-Control: no-store` (pass-through)
--    5 %  GET /v1/me with one of 100 tokens (user-private cache entries)
--    5 %  POST /v1/playlists/memplaylistNN/items with a JSON body (the request-body path)
-- Arguments (after `--`): RATE THREADS START. RATE > 0 paces the whole run to RATE requests/s (each
-- thread hands out send slots RATE/THREADS apart, so it needs enough connections to keep up);
-- RATE 0 (default) is wrk's usual closed loop. START (default 0) is where the id cycle begins, so
-- that consecutive runs against one gateway go on to new ids instead of repeating (hitting) the
-- ones the last run fetched; threads start half the cycle apart. Ends with the BENCH_RESULT line bench/run.sh reads.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_mix_timespec;
  int clock_gettime(int clock, bench_mix_timespec *ts);
]]
local ts = ffi.new("bench_mix_timespec")
local function now()  -- CLOCK_MONOTONIC, seconds
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local TRACKS = 50000
local thread_count = 0
setup = function(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

local interval, next_slot, counter = 0, 0, 0
init = function(args)
  local rate, threads, start = tonumber(args[1] or "0"), tonumber(args[2] or "1"), tonumber(args[3] or "0")
  if rate and rate > 0 then interval = threads / rate end
  -- Threads start far apart in the id cycle, so they do not fetch the same ids at once.
  counter = start + (thread_index or 0) * (TRACKS / 2)
end

delay = function()
  if interval == 0 then return 0 end
  local t = now()
  if next_slot < t then next_slot = t end  -- fell behind: no catch-up burst
  local wait = next_slot - t
  next_slot = next_slot + interval
  return wait * 1000
end

local function headers(token, extra)
  local h = { ["Authorization"] = "Bearer " .. token }
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

request = function()
  counter = counter + 1
  local slot = counter % 20
  if slot < 16 then
    return wrk.format("GET", string.format("/v1/tracks/memtrack%05d?market=US", counter % TRACKS), headers("bench"))
  elseif slot < 18 then
    return wrk.format("GET", "/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh", headers("bench", { ["Cache-Control"] = "no-store" }))
  elseif slot == 18 then
    return wrk.format("GET", "/v1/me", headers(string.format("memtoken%03d", counter % 100)))
  else
    local body = string.format('{"uris":["spotify:track:memtrack%05d"]}', counter % TRACKS)
    return wrk.format("POST", string.format("/v1/playlists/memplaylist%02d/items", counter % 50),
      headers("bench", { ["Content-Type"] = "application/json" }), body)
  end
end

-- The BENCH_RESULT line the harnesses parse (shared with the other bench scripts).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk-report.lua")
