# shellcheck shell=bash
# Sourced (never run) by the ops scripts: makes (or reuses) the Python venv for the operations-pack checks
# and sets OPS_PY to its python. Reinstalls only when Tests/ops/requirements.txt changed.
# Env: OPS_VENV_DIR (default .venv-ops in the repository).

ops_venv_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ops_venv=${OPS_VENV_DIR:-$ops_venv_repo/.venv-ops}
ops_requirements=$ops_venv_repo/Tests/ops/requirements.txt
ops_stamp=$ops_venv/.requirements.sha256

if [[ ! -x $ops_venv/bin/python ]]; then
  python3 -m venv "$ops_venv" || { echo "cannot create venv at $ops_venv (install python3-venv: scripts/install-deps.sh)" >&2; return 1; }
fi
ops_want=$(sha256sum "$ops_requirements" | cut -d' ' -f1)
if [[ ! -f $ops_stamp || $(cat "$ops_stamp") != "$ops_want" ]]; then
  if ! "$ops_venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ops_requirements"; then
    echo "pip install -r $ops_requirements failed" >&2
    return 1
  fi
  echo "$ops_want" >"$ops_stamp"
fi
OPS_PY=$ops_venv/bin/python
export OPS_PY
