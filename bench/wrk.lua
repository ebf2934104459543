-- wrk script: every request carries a bearer token (the emulator answers 401 without one), and
-- the run ends with one machine-readable line that bench/run.sh parses.
wrk.headers["Authorization"] = "Bearer bench"
-- This harness measures the pass-through path: `no-store` makes Sidetrack bypass its cache
-- (X-Cache: BYPASS), so every request goes upstream as it does through nginx's proxy_pass.
wrk.headers["Cache-Control"] = "no-store"

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout
  io.write(string.format(
    "BENCH_RESULT rps=%.1f p50_us=%d p99_us=%d requests=%d non2xx=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    summary.requests, summary.errors.status, errors))
end
