#!/usr/bin/env bash
# Counts heap allocations per request on the whole gateway: a uprobe on glibc's malloc (and
# posix_memalign, which withUnsafeTemporaryAllocation falls back to) counted over a load of cache
# hits (the 100 hot URLs) or of pass-through requests (`bench/run.sh`'s no-store request).
# Exact and repeatable where CPU figures are not. Needs perf and root (uprobes).
#
# Usage: bench/mallocs-per-request.sh [BIN]   (default: the release build)
# Env: MALLOC_MODE=hit (default), passthrough or refusal (a `503 bulkhead_full` each: bench_load).
#   MALLOC_COUNT=refcounts counts swift_retain and swift_release calls instead (uprobes at the Swift
#   runtime's entry points inside the binary: needs the static runtime of scripts/build-release.sh).
#   MALLOC_STACKS=1 also records call stacks of every 20th allocation (dwarf unwinding) and
#   prints the commonest allocation sites.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export SIDETRACK_BIN=$(realpath "${1:-$repo/.build-release/release/sidetrack}")
# shellcheck source-path=SCRIPTDIR/..
source scripts/lib/procs.sh
# shellcheck source-path=SCRIPTDIR/..
source bench/lib/bench.sh
bench_require_tools wrk curl perf
mode=${MALLOC_MODE:-hit}
bench_load "$mode" MALLOC_MODE
case ${MALLOC_COUNT:-mallocs} in
  mallocs)
    # (By its first field: `libswiftGlibc.so` also contains "libc.so".)
    libc=$(ldd "$SIDETRACK_BIN" | awk '$1 ~ /^libc\.so/ {print $3}')
    [[ -n $libc ]] || procs_die "cannot find the libc $SIDETRACK_BIN uses"
    for symbol in malloc posix_memalign; do
      perf probe -l 2>/dev/null | grep -q "probe_libc:$symbol " || perf probe -q -x "$libc" "$symbol" \
        || procs_die "cannot place a uprobe on $symbol (root and perf needed)"
    done
    events=(probe_libc:malloc probe_libc:posix_memalign)
    ;;
  refcounts)
    group=sidetrack_refcounts
    bench_refcount_probes "$group"
    events=("$group:swift_retain" "$group:swift_release")
    ;;
  *) procs_die "MALLOC_COUNT must be mallocs or refcounts, got '${MALLOC_COUNT}'" ;;
esac

procs_init
if [[ -n ${group:-} ]]; then
  trap 'procs_stop_all; perf probe -q -d "$group:*" 2>/dev/null || true' EXIT
fi
start_emulator
bench_limits_off
start_gateway
pid=$(procs_pid gateway)
bench_warm_hot "$PROXY_URL"
bench_load_ready
wrk -t1 -c4 -d1s -s "$BENCH_WRK_SCRIPT" "$PROXY_URL$BENCH_PATH" >/dev/null
out=$PROCS_DIR/mallocs
if [[ ${MALLOC_STACKS:-0} == 1 ]]; then
  perf record "${events[@]/#/-e}" -c 20 --call-graph dwarf,32768 -p "$pid" -o "$out.data" -- sleep 3 >/dev/null 2>&1 &
else
  perf stat -e "$(IFS=,; echo "${events[*]}")" -p "$pid" -o "$out.txt" -- sleep 3 >/dev/null 2>&1 &
fi
perf_pid=$!
sleep 0.2
requests=$(wrk -t1 -c4 -d2s -s "$BENCH_WRK_SCRIPT" "$PROXY_URL$BENCH_PATH" | awk '/requests in/ {print $1}')
wait "$perf_pid" || true
if [[ ${MALLOC_STACKS:-0} == 1 ]]; then
  perf script -i "$out.data" 2>/dev/null | python3 -c '
import collections, os, re, sys
stacks, current = [], []
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line.strip():
        if current: stacks.append(current)
        current = []
    elif line[0] in " \t":
        parts = line.strip().split(None, 1)
        if len(parts) == 2: current.append(re.sub(r"\+0x[0-9a-f]+$", "", parts[1].rsplit(" (", 1)[0]))
if current: stacks.append(current)
alloc = re.compile(r"malloc|memalign|swift_slowAlloc|swift_allocObject")
sites = collections.Counter()
for s in stacks:
    i = 0
    while i < len(s) and alloc.search(s[i]): i += 1
    sites[" <- ".join(f[:90] for f in s[i:i + int(os.environ.get("MALLOC_DEPTH", "3"))])] += 1
for site, n in sites.most_common(int(__import__("os").environ.get("MALLOC_SITES", "12"))): print(f"{100 * n / len(stacks):5.1f} %  {site}")
' | { command -v swift >/dev/null && swift demangle --simplified || cat; }
else
  python3 - "$out.txt" "$requests" "$mode" <<'PY'
import re, sys
counts = {m.group(2): int(m.group(1).replace(",", "")) for m in re.finditer(r"^\s*([\d,]+)\s+\S+:(\w+)", open(sys.argv[1]).read(), re.M)}
requests = int(sys.argv[2])
print(f"{requests} requests ({sys.argv[3]}): " + " and ".join(f"{n / requests:.2f} {name}" for name, n in counts.items()) + " per request")
PY
fi
