#!/usr/bin/env bash
# Records the Environments test fixtures from the real Gymnasium.
#
#   scripts/record-gym-fixtures.sh            # (re)creates .fixtures-venv if needed, writes the JSON files
#
# Creates a git-ignored virtualenv at .fixtures-venv (repo root), pip-installs gymnasium + numpy into it,
# then runs scripts/record-gym-fixtures.py, which writes small JSON files into
# Tests/EnvironmentsTests/Fixtures/. Commit those JSON files, never the venv.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.fixtures-venv"
python="${PYTHON:-python3}"
if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import gymnasium, numpy" 2>/dev/null; then
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet "gymnasium>=1.0" numpy
fi
"$venv/bin/python" "$root/scripts/record-gym-fixtures.py" "$root/Tests/EnvironmentsTests/Fixtures"
