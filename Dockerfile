# syntax=docker/dockerfile:1
# Sidetrack container image: multi-stage, built by scripts/build-release.sh (the build the
# benchmarks measure: Swift standard library and Foundation linked statically with
# `--static-swift-stdlib`, so the runtime image needs only glibc, SQLite, zlib and CA
# certificates); runs as a non-root user.
#
#   docker build -t sidetrack:0.1.0 .
#   docker run --rm -p 127.0.0.1:8080:8080 -p 127.0.0.1:9901:9901 sidetrack:0.1.0 \
#     serve --listen 0.0.0.0:8080 --admin-listen 0.0.0.0:9901
#
# NOTE: not built in this repository's CI — the development machines have no container engine.
# `make test-ops` checks what it can without one: scripts/ops-check-dockerfile.py parses this
# file with BuildKit's parser and checks the stages, flags and user.
# The builder and runtime share a Debian release (bookworm) so the binary's glibc matches.

ARG SWIFT_IMAGE=swift:6.2-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
# libsqlite3-dev: GRDB's system SQLite; zlib1g-dev: compression.
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update -q \
    && apt-get install -q -y --no-install-recommends libsqlite3-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Without it, packages with traits rebuild needlessly (DESIGN §6).
ENV SWIFT_DETERMINISTIC_HASHING=1
# Resolve dependencies in their own layer so source edits do not refetch them.
COPY Package.swift ./
RUN swift package resolve --scratch-path .build-release
# SwiftPM loads every target of the manifest, test targets included, so Tests/ comes along.
COPY Sources ./Sources
COPY Tests ./Tests
COPY scripts/build-release.sh ./scripts/
RUN bin=$(bash scripts/build-release.sh) && install -D -m 0755 "$bin" /out/sidetrack

FROM ${RUNTIME_IMAGE}
# ca-certificates: TLS to Spotify; libsqlite3-0: the disk cache tier. coreutils (already in the
# base) provides /bin/sleep for the classic sidecar's exec preStop hook.
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update -q \
    && apt-get install -q -y --no-install-recommends ca-certificates libsqlite3-0 zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 65532 sidetrack \
    && useradd --system --uid 65532 --gid 65532 --home-dir /var/lib/sidetrack --shell /usr/sbin/nologin sidetrack \
    && install -d -o 65532 -g 65532 -m 0750 /var/lib/sidetrack
COPY --from=build /out/sidetrack /usr/local/bin/sidetrack
# The cache lives on a volume; run from there so the default ./.sidetrack/ path is writable too.
WORKDIR /var/lib/sidetrack
VOLUME ["/var/lib/sidetrack"]
USER 65532:65532
# 8080: proxy listener; 9901: admin listener (probes, /metrics). Both default to loopback:
# pass --listen/--admin-listen 0.0.0.0:… (or a config file) to reach them from outside.
EXPOSE 8080 9901
ENTRYPOINT ["/usr/local/bin/sidetrack"]
CMD ["serve"]
