#!/usr/bin/env bash
# Drives real Spotify client libraries (spotipy, tekore) through Sidetrack against the emulator.
# Usage: scripts/client-tests.sh [extra pytest args]
# Env: SIDETRACK_BIN (default .build/debug/sidetrack), VENV_DIR (default .venv).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
# shellcheck source-path=SCRIPTDIR/..
source scripts/lib/procs.sh

venv=${VENV_DIR:-$repo/.venv}
requirements=Tests/clients/requirements.txt
stamp="$venv/.requirements.sha256"

# Reuse the venv; reinstall only when requirements.txt changed since the last install.
if [[ ! -x $venv/bin/python ]]; then
  python3 -m venv "$venv" || procs_die "cannot create venv at $venv (install python3-venv: scripts/install-deps.sh)"
fi
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" \
    || procs_die "pip install -r $requirements failed"
  echo "$want" >"$stamp"
fi

procs_init
start_emulator
start_gateway
echo "client-tests: emulator $EMULATOR_URL, gateway proxy $PROXY_URL, admin $ADMIN_URL"

status=0
SIDETRACK_PROXY_URL=$PROXY_URL SIDETRACK_EMULATOR_URL=$EMULATOR_URL SIDETRACK_GATEWAY_LOG=$GATEWAY_LOG \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider Tests/clients "$@" || status=$?

if [[ $status -ne 0 ]]; then
  procs_show_logs gateway
fi
# The gateway must drain and exit 0 on SIGTERM (DESIGN: graceful shutdown).
if ! procs_stop gateway; then
  echo "client-tests: gateway did not exit 0 on SIGTERM" >&2
  status=1
fi
exit "$status"
