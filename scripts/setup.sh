#!/usr/bin/env bash
# Sets up a fresh machine for the project: system packages, a virtual environment in .venv,
# and the package itself. Safe to run again. `--test` also installs what the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

# Tesseract with French reads scanned reports; without it, scans are rejected with a message
# saying what to install and born-digital documents still work.
if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx fra; then
    sudo=""
    [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
    if command -v apt-get >/dev/null 2>&1; then
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-fra
    else
        echo "Pour lire les rapports scannés, installez Tesseract avec le français (tesseract-ocr, tesseract-ocr-fra)."
    fi
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${extras}"
echo "Installation terminée / setup done: .venv/bin/synergies"
