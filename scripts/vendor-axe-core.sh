#!/usr/bin/env bash
# Vendor axe-core (accessibility rules) for the browser tests.
#
# Installs the pinned axe-core from the npm registry (tests/browser/package-lock.json) and
# copies its browser bundle and licence into tests/browser/vendor/, which is committed, so
# the tests need neither npm nor the network at run time.
#
#   scripts/vendor-axe-core.sh        # needs node + npm; re-run after changing the pin
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/tests/browser"
dest="$dir/vendor"

for tool in node npm; do
    command -v "$tool" >/dev/null || { echo "vendor-axe-core: $tool is needed" >&2; exit 1; }
done

if [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
else
    (cd "$dir" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

rm -rf "$dest"
mkdir -p "$dest"
cp "$dir/node_modules/axe-core/axe.min.js" "$dir/node_modules/axe-core/LICENSE" "$dest/"
version="$(node -p "require('$dir/node_modules/axe-core/package.json').version")"
echo "axe-core $version (MPL-2.0), copied unchanged from the npm package by scripts/vendor-axe-core.sh" \
    > "$dest/VERSION"
rm -rf "$dir/node_modules"
echo "vendor-axe-core: axe-core $version -> ${dest#"$root"/}"
