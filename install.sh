#!/usr/bin/env bash
# Installs isv-checker on Debian/Ubuntu: Tesseract OCR with Dutch and English, and antiword and
# catdoc (legacy Word .doc and RTF files), from the system's packages (and Debian's Chromium, which the web-page tests drive headless, where the distribution
# has it as a package), then the Python package with its test tools into a virtualenv at ./.venv.
# Python 3.11 or newer must be on the PATH as python3.
set -euo pipefail
cd "$(dirname "$0")"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
packages="tesseract-ocr tesseract-ocr-nld tesseract-ocr-eng antiword catdoc"
if ! python3 -c "import ensurepip" 2>/dev/null; then packages="$packages python3-venv"; fi
$SUDO apt-get update -qq
# Ubuntu ships Chromium as a snap only; there the browser test is skipped with its reason.
if apt-cache show chromium 2>/dev/null | grep -q "^Filename:"; then packages="$packages chromium fonts-liberation"; fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $packages >/dev/null
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "isv-checker needs Python 3.11 or newer")'
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
echo "installed: $(.venv/bin/isv-check --version); $(tesseract --version 2>&1 | head -n 1)"
