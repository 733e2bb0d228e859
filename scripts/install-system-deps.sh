#!/usr/bin/env bash
# System packages the test suite needs: Debian's Chromium for the browser tests.
# Playwright (from PyPI) drives it through executable_path; no browser is downloaded.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing: run 'sudo apt-get install chromium' (or this script as root)" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
chromium --version
