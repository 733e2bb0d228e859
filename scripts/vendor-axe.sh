#!/usr/bin/env bash
# Vendor axe-core (the accessibility checker the browser tests inject into pages) from the npm
# registry, pinned by tests/browser/package-lock.json, into tests/browser/vendor/ (committed),
# so the tests need neither npm nor a network at run time.
#
#   scripts/vendor-axe.sh          # needs node + npm; re-run after changing tests/browser/package.json
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/tests/browser"

for tool in node npm; do
    command -v "$tool" >/dev/null || { echo "vendor-axe: $tool is needed" >&2; exit 1; }
done

(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
mkdir -p "$dir/vendor"
cp "$dir/node_modules/axe-core/axe.min.js" "$dir/node_modules/axe-core/LICENSE" "$dir/vendor/"
rm -rf "$dir/node_modules"
echo "vendored axe-core $(node -p "require('$dir/package-lock.json').packages['node_modules/axe-core'].version") into $dir/vendor"
