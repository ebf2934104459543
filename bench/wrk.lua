-- wrk script: every request carries a bearer token (the emulator answers 401 without one), and
-- the run ends with one machine-readable line that bench/run.sh parses.
wrk.headers["Authorization"] = "Bearer bench"
-- This harness measures the pass-through path: `no-store` makes Sidetrack bypass its cache
-- (X-Cache: BYPASS), so every request goes upstream as it does through nginx's proxy_pass.
wrk.headers["Cache-Control"] = "no-store"

-- The BENCH_RESULT line the harnesses parse (shared with the other bench scripts).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk-report.lua")
