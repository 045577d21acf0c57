#!/usr/bin/env bash
# Install the browser libraries pinned in package-lock.json and copy the files the templates use
# into portal/static/vendor/ (git-ignored). Safe to run repeatedly: `npm ci` runs only when
# node_modules is missing or older than the lock file, and the vendor folders are rebuilt from
# node_modules every time so a version change never leaves stale files behind.
#
# Templates reference:
#   vendor/openseadragon/openseadragon.min.js   vendor/openseadragon/images/
#   vendor/htmx/htmx.min.js
# The browser tests inject node_modules/axe-core/axe.min.js (a test-only devDependency, never
# served to users), so `npm ci` installs devDependencies too and the file is checked below.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v npm >/dev/null 2>&1; then
    echo "install-frontend: npm is not installed (Node.js 20 or newer is needed)" >&2
    exit 1
fi

# npm ci records what it installed in node_modules/.package-lock.json; if the project's lock file
# is newer than that record, the installed tree may not match it.
marker="node_modules/.package-lock.json"
if [[ ! -f "$marker" || package-lock.json -nt "$marker" ]]; then
    echo "install-frontend: npm ci"
    npm ci --include=dev --no-audit --no-fund
    touch "$marker"
else
    echo "install-frontend: node_modules is up to date with package-lock.json"
fi

vendor="portal/static/vendor"
osd="node_modules/openseadragon/build/openseadragon"
htmx="node_modules/htmx.org/dist"

# Fail loudly if a package changed its layout, rather than leaving the site without a library.
for required in \
    "$osd/openseadragon.min.js" "$osd/images/home_rest.png" \
    "$htmx/htmx.min.js" "node_modules/axe-core/axe.min.js"; do
    if [[ ! -f "$required" ]]; then
        echo "install-frontend: expected $required after npm ci; has the package layout changed?" >&2
        exit 1
    fi
done

copy_optional() {  # source maps help debugging but are not needed to run
    if [[ -f "$1" ]]; then cp "$1" "$2"; fi
}

rm -rf "$vendor/openseadragon" "$vendor/htmx" "$vendor/annotorious"  # annotorious: no longer used
mkdir -p "$vendor/openseadragon/images" "$vendor/htmx"

cp "$osd/openseadragon.min.js" "$vendor/openseadragon/"
copy_optional "$osd/openseadragon.min.js.map" "$vendor/openseadragon/"
cp "$osd"/images/*.png "$vendor/openseadragon/images/"

cp "$htmx/htmx.min.js" "$vendor/htmx/"

# Licences travel with the code they cover.
for pkg in openseadragon:openseadragon htmx.org:htmx; do
    src="node_modules/${pkg%%:*}"
    dest="$vendor/${pkg##*:}"
    for licence in "$src"/LICENSE*; do
        if [[ -f "$licence" ]]; then cp "$licence" "$dest/"; fi
    done
done

echo "install-frontend: copied libraries into $vendor/"
