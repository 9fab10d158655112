#!/usr/bin/env bash
# Vendor the front-end assets of Tutela into static/vendor/.
#
# Downloads pinned releases from the npm registry with `npm pack` (never
# `npm install`), copies only the files the app serves, strips the
# sourceMappingURL comments (no .map files are vendored, and Django's
# ManifestStaticFilesStorage would fail on a reference to a missing map),
# checks that every url() in the vendored CSS and in static/css/fonts.css
# resolves, and writes static/vendor/VERSIONS.txt.
#
# Idempotent: running it again with the same pins produces identical files.
# See docs/how-to/frontend-assets.md.
set -euo pipefail

BOOTSTRAP_ITALIA=2.18.3
HTMX=2.0.11        # stay on 2.0.x: htmx 4.x on npm is a rewrite with another API
CHARTJS=4.6.1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"

for tool in npm node sha256sum tar sed; do
    command -v "$tool" >/dev/null 2>&1 || { echo "error: '$tool' is required" >&2; exit 1; }
done

case "$HTMX" in
    2.0.*) ;;
    *) echo "error: HTMX must stay on 2.0.x (got $HTMX)" >&2; exit 1 ;;
esac

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
STAGE="$TMP/vendor"
mkdir -p "$STAGE"
: >"$TMP/packages.txt"

# fetch NAME VERSION -> extracts into $TMP/NAME/package, records tarball integrity
fetch() {
    local name="$1" version="$2" dest="$TMP/$1"
    mkdir -p "$dest"
    echo "==> npm pack $name@$version" >&2
    (cd "$dest" && npm pack --json --silent "$name@$version" 2>/dev/null) >"$dest/pack.json"
    node -e '
        const info = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[0];
        if (info.version !== process.argv[3]) {
            console.error(`error: asked for ${process.argv[2]}@${process.argv[3]}, got ${info.version}`);
            process.exit(1);
        }
        console.log(`${info.id} ${info.filename} ${info.integrity}`);
    ' "$dest/pack.json" "$name" "$version" >>"$TMP/packages.txt"
    tar -xzf "$dest"/*.tgz -C "$dest"
}

# copy SRC DEST, dropping source-map references
copy_stripped() {
    mkdir -p "$(dirname "$2")"
    sed -e '/^[[:space:]]*\/[/*]#[[:space:]]*sourceMappingURL=/d' "$1" >"$2"
    if grep -q 'sourceMappingURL=' "$2"; then
        echo "error: $2 still references a source map" >&2
        exit 1
    fi
}

# ---------------------------------------------------------------- bootstrap-italia
fetch bootstrap-italia "$BOOTSTRAP_ITALIA"
BI="$TMP/bootstrap-italia/package"
copy_stripped "$BI/dist/css/bootstrap-italia.min.css" "$STAGE/bootstrap-italia/css/bootstrap-italia.min.css"
copy_stripped "$BI/dist/js/bootstrap-italia.bundle.min.js" "$STAGE/bootstrap-italia/js/bootstrap-italia.bundle.min.js"
mkdir -p "$STAGE/bootstrap-italia/svg"
cp "$BI/dist/svg/sprites.svg" "$STAGE/bootstrap-italia/svg/sprites.svg"
cp "$BI/LICENSE" "$STAGE/bootstrap-italia/LICENSE"
# Fonts: only the woff2 files of the three families, plus their licences
# (the OFL and Apache licences ask that the licence travels with the fonts).
for family in Titillium_Web Roboto_Mono Lora; do
    src="$BI/dist/fonts/$family"
    dst="$STAGE/bootstrap-italia/fonts/$family"
    mkdir -p "$dst"
    found=0
    for f in "$src"/*.woff2; do
        [ -e "$f" ] || continue
        cp "$f" "$dst/"
        found=$((found + 1))
    done
    [ "$found" -gt 0 ] || { echo "error: no woff2 files in $src" >&2; exit 1; }
    for lic in OFL.txt LICENSE.txt; do
        [ -e "$src/$lic" ] && cp "$src/$lic" "$dst/$lic"
    done
done

# ---------------------------------------------------------------- htmx
fetch htmx.org "$HTMX"
HX="$TMP/htmx.org/package"
copy_stripped "$HX/dist/htmx.min.js" "$STAGE/htmx/htmx.min.js"
cp "$HX/LICENSE" "$STAGE/htmx/LICENSE"

# ---------------------------------------------------------------- Chart.js
fetch chart.js "$CHARTJS"
CJ="$TMP/chart.js/package"
if [ -e "$CJ/dist/chart.umd.min.js" ]; then
    copy_stripped "$CJ/dist/chart.umd.min.js" "$STAGE/chartjs/chart.umd.min.js"
else
    # older 4.x releases ship the minified UMD build as chart.umd.js
    copy_stripped "$CJ/dist/chart.umd.js" "$STAGE/chartjs/chart.umd.min.js"
fi
cp "$CJ/LICENSE.md" "$STAGE/chartjs/LICENSE.md"

# ---------------------------------------------------------------- checks
# Every url() in a CSS file (comments ignored) must be a data: URI, a fragment
# or an existing file relative to the CSS file.
check_css_urls() {
    node -e '
        const fs = require("fs"), path = require("path");
        const css = process.argv[1];
        const text = fs.readFileSync(css, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
        const re = /url\(\s*(?:"([^"]*)"|\x27([^\x27]*)\x27|([^)\s]*))\s*\)/g;
        let m, bad = 0, count = 0;
        while ((m = re.exec(text)) !== null) {
            const url = m[1] ?? m[2] ?? m[3] ?? "";
            count++;
            if (url.startsWith("data:") || url.startsWith("#")) continue;
            const file = path.resolve(path.dirname(css), url.split(/[?#]/)[0]);
            if (url === "" || /^[a-z][a-z0-9+.-]*:|^\/\//i.test(url) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
                console.error(`error: ${css}: url(${url}) does not resolve to a vendored file`);
                bad++;
            }
        }
        console.error(`    ${path.basename(css)}: ${count} url() checked`);
        process.exit(bad ? 1 : 0);
    ' "$1"
}
check_css_urls "$STAGE/bootstrap-italia/css/bootstrap-italia.min.css"

# ---------------------------------------------------------------- install
mkdir -p "$VENDOR"
for dir in bootstrap-italia htmx chartjs; do
    rm -rf "$VENDOR/$dir"
    cp -R "$STAGE/$dir" "$VENDOR/$dir"
done

# static/css/fonts.css points at the vendored woff2 files: check it too.
if [ -f "$ROOT/static/css/fonts.css" ]; then
    check_css_urls "$ROOT/static/css/fonts.css"
fi

{
    echo "# Front-end assets vendored by scripts/vendor_frontend.sh -- do not edit by hand."
    echo "# Packages (npm registry tarball and its integrity):"
    sed 's/^/#   /' "$TMP/packages.txt"
    echo "# sourceMappingURL comments are stripped; checksums are of the files as vendored."
    echo
    echo "bootstrap-italia@$BOOTSTRAP_ITALIA"
    echo "htmx.org@$HTMX"
    echo "chart.js@$CHARTJS"
    echo
    echo "# sha256  path (relative to static/vendor)"
    (cd "$VENDOR" && find bootstrap-italia htmx chartjs -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
} >"$VENDOR/VERSIONS.txt"

echo "==> vendored into ${VENDOR#"$ROOT"/}:" >&2
(cd "$VENDOR" && du -sh bootstrap-italia htmx chartjs) >&2
