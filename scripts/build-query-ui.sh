#!/usr/bin/env bash
# Build the vendored Yasgui assets for the SPARQL query page.
#
# Installs the pinned @zazuko/yasgui from the npm registry (web/ui/package-lock.json)
# and copies its browser bundle into web/static/vendor/yasgui/, which is committed,
# so the Flask app needs neither npm nor a CDN at run time.
#
#   scripts/build-query-ui.sh          # needs node + npm; re-run after changing web/ui/package.json
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ui="$root/web/ui"
dest="$root/web/static/vendor/yasgui"
pkg="$ui/node_modules/@zazuko/yasgui"

for tool in node npm; do
    command -v "$tool" >/dev/null || { echo "build-query-ui: $tool is needed" >&2; exit 1; }
done

# No install scripts: the package ships a prebuilt bundle; nothing needs to run.
(cd "$ui" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

rm -rf "$dest"
mkdir -p "$dest"
cp "$pkg/build/yasgui.min.js" "$pkg/build/yasgui.min.css" "$dest/"

# Copy whatever the stylesheet references by url(...) (fonts, images), keeping the
# relative paths; data: URIs are inline. An absolute or remote URL is an error,
# since the page's CSP allows only 'self' and data:.
node - "$pkg/build" "$dest" <<'JS'
const fs = require("fs"), path = require("path");
const [src, dest] = process.argv.slice(2);
const css = fs.readFileSync(path.join(src, "yasgui.min.css"), "utf8");
let n = 0;
for (const m of css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) {
  const ref = m[2].trim();
  if (ref.startsWith("data:") || ref.startsWith("#")) continue;
  if (/^([a-z]+:)?\/\//i.test(ref) || ref.startsWith("/")) {
    console.error(`build-query-ui: yasgui.min.css references ${ref}, which the CSP would block`);
    process.exit(1);
  }
  const rel = ref.split(/[?#]/)[0];
  fs.mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
  fs.copyFileSync(path.join(src, rel), path.join(dest, rel));
  n++;
}
console.log(`build-query-ui: ${n} file(s) referenced from yasgui.min.css copied`);
JS

# Licence notices: Yasgui itself (MIT; the npm package ships no LICENSE file, so the
# standard MIT text is written from its package.json), and every package bundled
# into yasgui.min.js, as listed by the bundle's source map.
node - "$ui/node_modules" "$dest" <<'JS'
const fs = require("fs"), path = require("path");
const [nm, dest] = process.argv.slice(2);
const readJson = (f) => JSON.parse(fs.readFileSync(f, "utf8"));
const meta = readJson(path.join(nm, "@zazuko/yasgui/package.json"));
if (meta.license !== "MIT") {
  console.error(`build-query-ui: @zazuko/yasgui is now licensed ${meta.license}; update this script`);
  process.exit(1);
}
fs.writeFileSync(path.join(dest, "LICENSE"), `\
Yasgui: ${meta.name} ${meta.version} (${meta.homepage})
Files here: yasgui.min.js and yasgui.min.css, copied unchanged from the npm package
by scripts/build-query-ui.sh. Packages bundled inside yasgui.min.js and their
licences are listed in THIRD-PARTY-NOTICES.txt.

Licence: MIT, as declared in the package's package.json. The npm package carries
no LICENSE file; the holders named there are: ${meta.author}
(author) and ${(meta.contributors || []).map((c) => c.name || c).join(", ")} (contributors).

MIT License

Copyright (c) Triply and Zazuko GmbH, and the Yasgui contributors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`);

const map = readJson(path.join(nm, "@zazuko/yasgui/build/yasgui.min.js.map"));
const bundled = new Set();
for (const s of map.sources) {
  const i = s.lastIndexOf("node_modules/");
  if (i < 0) continue;
  const parts = s.slice(i + "node_modules/".length).split("/");
  bundled.add(parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]);
}
const out = [
  `Third-party packages bundled into yasgui.min.js (${meta.name} ${meta.version}),`,
  "as listed by its source map. Versions and licence texts are those npm installed",
  "next to it from web/ui/package-lock.json; the bundle was built upstream and may",
  "hold slightly different versions of the same packages.",
  "",
];
const texts = [];
for (const name of [...bundled].sort()) {
  const dir = path.join(nm, name);
  if (!fs.existsSync(path.join(dir, "package.json"))) {
    out.push(`${name}: not installed here; see the npm registry for its licence`);
    continue;
  }
  const p = readJson(path.join(dir, "package.json"));
  const lic = typeof p.license === "string" ? p.license : p.license?.type || "see licence text below";
  out.push(`${name} ${p.version}: ${lic}`);
  for (const f of fs.readdirSync(dir).filter((f) => /^(licen[cs]e|copying|notice)/i.test(f)).sort()) {
    texts.push(`\n===== ${name} ${p.version}: ${f} =====\n\n` + fs.readFileSync(path.join(dir, f), "utf8").trim() + "\n");
  }
}
fs.writeFileSync(path.join(dest, "THIRD-PARTY-NOTICES.txt"), out.join("\n") + "\n" + texts.join(""));
console.log(`build-query-ui: notices for ${bundled.size} bundled packages written`);
JS

echo "build-query-ui: $(cd "$dest" && ls | tr '\n' ' ')-> ${dest#"$root"/}"
