-- The `done` reporter every bench wrk script shares: one machine-readable line the harnesses parse.
-- Loaded with `dofile` from the script's own folder (wrk has no module path of its own):
--   dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk-report.lua")
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout
  io.write(string.format(
    "BENCH_RESULT rps=%.1f p50_us=%d p99_us=%d requests=%d non2xx=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    summary.requests, summary.errors.status, errors))
end
