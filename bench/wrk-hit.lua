-- wrk script for the cache-hit benchmark: every request carries the same bearer token and asks
-- for one of 100 hot catalog URLs in turn (with an explicit market, so Sidetrack may share the
-- entry across tokens, as a real app's catalog reads would be). bench/run.sh warms all 100 first.
wrk.headers["Authorization"] = "Bearer bench"

local paths = {}
for i = 0, 99 do
  paths[#paths + 1] = string.format("/v1/tracks/benchhot%03d?market=US", i)
end

local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

-- The BENCH_RESULT line the harnesses parse (shared with the other bench scripts).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk-report.lua")
