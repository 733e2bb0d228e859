#!/usr/bin/env bash
# System packages the test suite needs: Debian's Chromium for the browser tests, and Virtuoso
# open source, a real SPARQL engine for the remote-backend tests (started by the fixtures).
# Playwright (from PyPI) drives Chromium through executable_path; no browser is downloaded.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource-7-bin)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing: ${missing[*]}: run 'sudo apt-get install ${missing[*]}' (or this script as root)" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
chromium --version
command -v virtuoso-t
