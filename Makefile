# Sidetrack — the two commands a newcomer needs: `make run` and `make test`.
# Both install missing system packages first (scripts/install-deps.sh).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
# Without this, packages with traits rebuild needlessly (DESIGN §6).
export SWIFT_DETERMINISTIC_HASHING := 1

SIDETRACK_ARGS ?=
BIN_DEBUG := .build/debug/sidetrack

.PHONY: run demo test deps build build-release test-swift test-clients test-metrics check-routes bench bench-all bench-engines check-benchmarks clean

## run: start Sidetrack with working defaults (proxy 127.0.0.1:8080 -> https://api.spotify.com, admin 127.0.0.1:9901)
## (without the build's SWIFT_DETERMINISTIC_HASHING: a running gateway keeps a per-process hash seed)
run: build
	env -u SWIFT_DETERMINISTIC_HASHING $(BIN_DEBUG) serve $(SIDETRACK_ARGS)

## demo: the built-in emulator on 127.0.0.1:8090 with Sidetrack in front of it on 127.0.0.1:8080
demo: build
	env -u SWIFT_DETERMINISTIC_HASHING bash scripts/demo.sh

## test: every test — Swift unit and end-to-end tests, route-table check, the Benchmarks package builds, spotipy, promtool lint
test: deps check-routes test-swift check-benchmarks test-clients test-metrics test-ops test-ops-live
	@echo "make test: all checks passed"

deps:
	bash scripts/install-deps.sh

build: deps
	swift build --product sidetrack

## build-release: the release binary as it ships and as bench/ measures it (scripts/build-release.sh)
build-release: deps
	bash scripts/build-release.sh

check-routes:
	python3 scripts/generate-routes.py --check

test-swift: deps
	swift build --build-tests
	swift test --skip-build

test-clients: build
	bash scripts/client-tests.sh

test-metrics: build
	bash scripts/check-metrics.sh

.PHONY: test-ops test-ops-live

## test-ops: static checks of the operations pack — rules lint + promtool rule tests, runbooks,
## dashboards, Prometheus/Alertmanager config, Kubernetes manifests, Dockerfile (scripts/ops-test.sh)
test-ops: build
	bash scripts/ops-test.sh

## test-ops-live: a real Prometheus scraping Sidetrack under traffic; every dashboard and rule query
## must return data (scripts/ops-live-check.sh).
test-ops-live: build
	bash scripts/ops-live-check.sh

## bench: wrk against the bare emulator, Sidetrack and nginx in one run (see docs/benchmarks.md)
bench: deps
	bash bench/run.sh

## bench-all: every issue-7 target (cache hits, pass-through vs nginx and Envoy, Zipf, memory and soak,
## overload) in one run and one table, ~20 min; BENCH_QUICK=1 for a smoke run (docs/benchmarks.md)
bench-all: deps
	bash bench/all.sh

## bench-engines: micro-benchmarks of the hot engines — time and mallocs per operation, release
## build (Benchmarks/README.md). Extra plugin options: BENCH_ENGINES_ARGS='--filter "RouteTable.*"'
BENCH_ENGINES_ARGS ?=
bench-engines:
	cd Benchmarks && swift package benchmark --target Engines $(BENCH_ENGINES_ARGS)

## check-benchmarks: the Benchmarks package still compiles against the engines' API (debug build,
## runs nothing); cheap enough for CI so the package cannot rot.
check-benchmarks: deps
	cd Benchmarks && swift build

clean:
	rm -rf .build .venv Benchmarks/.build
