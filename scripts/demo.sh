#!/usr/bin/env bash
# The demo: the built-in emulator (fake Spotify) on 127.0.0.1:8090 and Sidetrack in front of it on
# 127.0.0.1:8080 (admin 127.0.0.1:9901). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/debug/sidetrack}
EMULATOR_LISTEN=${EMULATOR_LISTEN:-127.0.0.1:8090}

"$BIN" emulator --listen "$EMULATOR_LISTEN" &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true' EXIT
"$BIN" serve --upstream "http://$EMULATOR_LISTEN" --accounts-upstream "http://$EMULATOR_LISTEN" --cache-path none "$@"
