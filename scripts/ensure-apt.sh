#!/usr/bin/env bash
# Installs the Debian packages named as arguments when they are missing.
# apt-get as root, sudo otherwise, and a clear message if neither is possible.
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "loom: installing missing system packages: ${missing[*]}" >&2
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: missing ${missing[*]} and apt-get is not available; install them with your package manager" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
  echo "error: missing ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/loom-apt.log 2>&1; then
  "${SUDO[@]}" apt-get update >/tmp/loom-apt-update.log 2>&1 || true
  "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/loom-apt.log 2>&1 || {
    echo "error: apt-get install ${missing[*]} failed; see /tmp/loom-apt.log" >&2; tail -5 /tmp/loom-apt.log >&2; exit 1; }
fi
