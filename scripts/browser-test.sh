#!/usr/bin/env bash
# `make browser-test`: load every woven page in headless Chromium (installed from Debian when
# missing), fail on JavaScript errors, broken internal links or anchors, or MathML that does not
# parse; save a screenshot of each page under .screenshots/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  bash scripts/ensure-apt.sh chromium fonts-lmodern
fi
exec python3 scripts/browser-test.py site .screenshots
