#!/usr/bin/env bash
# Sets up a fresh machine for the project: system packages, a virtual environment in .venv,
# and the package itself. Safe to run again. `--test` also installs what the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${extras}"
echo "Installation terminée / setup done: .venv/bin/synergies"
