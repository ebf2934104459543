#!/usr/bin/env bash
# Installs the Debian packages Sidetrack's build, tests and benchmarks need, only when missing.
# Idempotent: a second run installs nothing and says so. Works as root, or via sudo if present.
set -euo pipefail

# libsqlite3-dev/zlib1g-dev: cache tier + compression; ca-certificates: TLS to Spotify;
# prometheus: ships `promtool` (metrics lint, rule tests); wrk + nginx: bench/ harness.
wanted=(libsqlite3-dev zlib1g-dev ca-certificates prometheus prometheus-alertmanager wrk)

die() { echo "install-deps: $*" >&2; exit 1; }

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  die "not root and sudo is not available; run as root"
fi
command -v apt-get >/dev/null 2>&1 || die "apt-get not found (Debian/Ubuntu only)"

is_installed() { dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'; }

updated=0
apt_update_once() {
  if [[ $updated -eq 0 ]]; then
    "${as_root[@]}" apt-get update -qq >/dev/null 2>&1 || die "apt-get update failed (network or sources.list?)"
    updated=1
  fi
}

# Debian ships a minimal nginx as nginx-light (bookworm) — newer releases fold it into nginx.
# Any installed nginx flavour will do.
if ! command -v nginx >/dev/null 2>&1 && ! is_installed nginx-light && ! is_installed nginx; then
  apt_update_once
  if apt-cache policy nginx-light 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    wanted+=(nginx-light)
  else
    wanted+=(nginx)
  fi
fi

if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  wanted+=(python3-venv)
fi

missing=()
for pkg in "${wanted[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: nothing to install (all packages present)"
  exit 0
fi

apt_update_once

# Packages like nginx and prometheus start a system service from their postinst; we only want
# the binaries. A temporary policy-rc.d (exit 101 = "action forbidden") stops that, and is
# removed again only if we created it.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
  "${as_root[@]}" chmod 755 "$policy"
  created_policy=1
fi
cleanup() { if [[ $created_policy -eq 1 ]]; then "${as_root[@]}" rm -f "$policy"; fi; }
trap cleanup EXIT

# apt's chatter goes to a log that is shown only if the install fails.
apt_log=$(mktemp "${TMPDIR:-/tmp}/install-deps.XXXXXX")
if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$apt_log" 2>&1; then
  tail -n 30 "$apt_log" >&2
  rm -f "$apt_log"
  die "apt-get install failed for: ${missing[*]}"
fi
rm -f "$apt_log"

echo "install-deps: installed ${missing[*]}"
