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

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout
  io.write(string.format(
    "BENCH_RESULT rps=%.1f p50_us=%d p99_us=%d requests=%d non2xx=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    summary.requests, summary.errors.status, errors))
end
