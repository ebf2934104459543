#!/usr/bin/env bash
# Builds the release binary exactly as it ships — the Dockerfile, `make build-release` and every
# benchmark harness call this, so what is measured is what is deployed — and prints its path on
# the last line of standard output (swift build's own output goes to standard error).
#
# The flags beyond `-c release`, each measured with bench/pair.sh (CPU per request, new ÷ old,
# 8 pairs; docs/benchmarks.md, "Eleventh pass"):
# - `--static-swift-stdlib`: the Swift runtime linked in, so every swift_retain/swift_release
#   (a third of a request's user time) is a direct call, not one through the PLT into
#   libswiftCore.so, and the runtime's thread-locals need no __tls_get_addr.
#   Hits 0.911, pass-through 0.862.
# - `-Xswiftc -enforce-exclusivity=unchecked`, for every module (NIO's included, where most of
#   the checks were): drops the run-time exclusivity checks (swift_beginAccess, an access set in
#   thread-local storage) from release code. Compile-time checks stay, and the debug build that
#   every test runs keeps the run-time ones. Hits 0.952, pass-through 0.909.
#
# Usage: scripts/build-release.sh [extra swift build options]
# Env (defaults): RELEASE_PRODUCT=sidetrack RELEASE_PACKAGE=. (bench/ builds Benchmarks' nio-floor
#   the same way, so SwiftNIO's floor is measured as Sidetrack is)
#   RELEASE_SCRATCH=RELEASE_PACKAGE/.build-release (its own build directory: debug and test builds
#   in .build never invalidate it)
set -euo pipefail

cd "$(dirname "$0")/.."
package=${RELEASE_PACKAGE:-.}
# Without it, packages with traits rebuild needlessly (DESIGN §6).
export SWIFT_DETERMINISTIC_HASHING=1
options=(
  -c release --product "${RELEASE_PRODUCT:-sidetrack}" --package-path "$package"
  --scratch-path "${RELEASE_SCRATCH:-$package/.build-release}"
  --static-swift-stdlib
  -Xswiftc -enforce-exclusivity=unchecked
  "$@"
)
swift build "${options[@]}" >&2
echo "$(swift build "${options[@]}" --show-bin-path)/${RELEASE_PRODUCT:-sidetrack}"
