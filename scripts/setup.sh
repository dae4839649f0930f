#!/usr/bin/env bash
# Sets up a fresh machine for the project: system packages, a virtual environment in .venv,
# and the package itself. Safe to run again. `--test` also installs what the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

# Tesseract with French reads scanned reports; without it, scans are rejected with a message
# saying what to install and born-digital documents still work.
# The French Hunspell dictionary (classical spelling) and Enchant, through which the cleaning
# step tells a word hyphenated at a line end ("coordi-nation") from a compound ("Bien-être");
# without them, only the document's own words decide and the hyphens are kept.
missing=""
if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx fra; then
    missing="tesseract-ocr tesseract-ocr-fra"
fi
if ! dpkg -s hunspell-fr-classical libenchant-2-2 >/dev/null 2>&1; then
    missing="$missing hunspell-fr-classical libenchant-2-2"
fi
# The overview site's tests open it in Chromium: Playwright drives the system browser, since it
# cannot download its own here.
if [ "${1:-}" = "--test" ] && ! command -v chromium >/dev/null 2>&1; then
    missing="$missing chromium"
fi
if [ -n "$missing" ]; then
    sudo=""
    [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
    if command -v apt-get >/dev/null 2>&1; then
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
    else
        echo "Installez : $missing (Tesseract et le français pour les scans ; le dictionnaire français pour les césures ; Chromium pour les tests de l'aperçu)."
    fi
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${extras}"
# The program's bytecode compiled now, as pip does for an installed package: an editable install
# leaves it to each run, every run when PYTHONDONTWRITEBYTECODE is set (0.15 s of a small run).
.venv/bin/python -m compileall -q pipeline schemas > /dev/null
echo "Installation terminée / setup done: .venv/bin/synergies"
