#!/usr/bin/env bash
# How often a request's reference-count writes land on an object another event loop wrote last:
# each such write moves the object's cache line between cores (~70 ns on the benchmark VM against
# ~6 ns for an uncontended atomic: `bench/cacheline-pingpong.sh`; what removing them saves end to
# end, `PAIR_SEQUENTIAL=1 bench/pair.sh`). Uprobes at the static runtime's swift_retain and
# swift_release record the object and its class (its first word); a two-thread wrk keeps both loops
# busy with hits (or pass-through).
#
# Usage: bench/shared-refcounts.sh [BIN]   (default .build-release/release/sidetrack; root, perf)
# Env: SHARED_MODE=hit|passthrough|refusal  SHARED_TYPES=15 (rows of the by-class table)
# Prints per request: reference-count operations, and "moves" (an operation on a heap object whose
# previous operation was on another thread), then the classes with the most moves. Statically
# allocated objects (empty collections, NIO's head and tail handlers) are counted apart: they are
# immortal, and the runtime only reads their counts.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export SIDETRACK_BIN=$(realpath "${1:-$repo/.build-release/release/sidetrack}")
# shellcheck source-path=SCRIPTDIR/..
source scripts/lib/procs.sh
# shellcheck source-path=SCRIPTDIR/..
source bench/lib/bench.sh
bench_require_tools wrk curl perf nm
bench_load "${SHARED_MODE:-hit}" SHARED_MODE
group=sidetrack_shared
bench_refcount_probes "$group" 'object=%di:x64' 'class=+0(%di):x64'

procs_init
trap 'procs_stop_all; perf probe -q -d "$group:*" 2>/dev/null || true' EXIT
start_emulator
bench_limits_off
start_gateway
pid=$(procs_pid gateway)
bench_warm_hot "$PROXY_URL"
bench_load_ready
wrk -t2 -c8 -d1s -s "$BENCH_WRK_SCRIPT" "$PROXY_URL$BENCH_PATH" >/dev/null
out=$PROCS_DIR/shared
perf record -e "$group:swift_retain" -e "$group:swift_release" -p "$pid" -o "$out.data" -- sleep 1.6 >/dev/null 2>&1 &
perf_pid=$!
sleep 0.2
requests=$(wrk -t2 -c8 -d1s -s "$BENCH_WRK_SCRIPT" "$PROXY_URL$BENCH_PATH" | awk '/requests in/ {print $1}')
wait "$perf_pid" || true
nm -n "$SIDETRACK_BIN" >"$out.symbols"
perf script -i "$out.data" -F tid,event,trace 2>/dev/null | python3 -c '
import bisect, collections, os, re, sys
requests, release_address, symbols_file = int(sys.argv[1]), int(sys.argv[2], 16), sys.argv[3]
symbols = [(int(p[0], 16), p[2]) for p in (l.split() for l in open(symbols_file)) if len(p) == 3]
starts = [a for a, _ in symbols]
def symbol(address):
    i = bisect.bisect_right(starts, address) - 1
    return symbols[i][1] if i >= 0 else hex(address)
event = re.compile(r"^\s*(\d+)\s+\S+:(swift_\w+): \((\w+)\) object=(0x[0-9a-f]+) class=(0x[0-9a-f]+)")
base, ops, moves, static_moves = None, 0, 0, 0
last, by_class_moves, by_class_ops = {}, collections.Counter(), collections.Counter()
for line in sys.stdin:
    m = event.match(line)
    if not m: continue
    thread, name, at, obj, cls = m.group(1), m.group(2), int(m.group(3), 16), int(m.group(4), 16), int(m.group(5), 16)
    if base is None and name == "swift_release": base = at - release_address
    ops += 1
    if obj == 0 or obj >= 1 << 63: continue  # nil and tagged values: no count to write
    moved = obj in last and last[obj] != thread
    last[obj] = thread
    # The binary is mapped below the heap: objects inside it are statically allocated.
    static = base is not None and obj < base + (1 << 32)
    if moved and static: static_moves += 1
    if static: continue
    by_class_ops[cls] += 1
    if moved: moves += 1; by_class_moves[cls] += 1
print(f"{requests} requests: {ops / requests:.1f} reference-count operations per request; {moves / requests:.1f} on a heap object another thread touched last ({static_moves / requests:.1f} more on static, immortal objects)")
for cls, n in by_class_moves.most_common(int(os.environ.get("SHARED_TYPES", "15"))):
    if n / requests < 0.01: break
    name = symbol(cls - base) if base is not None and cls > base else hex(cls)
    print(f"{n / requests:6.2f} moves {by_class_ops[cls] / requests:7.2f} ops  {name}")
' "$requests" "$BENCH_RELEASE_ADDRESS" "$out.symbols" | { command -v swift >/dev/null && swift demangle --simplified || cat; }
