#!/usr/bin/env bash
# Refreshes the front-end assets embedded in the binary from the npm registry.
# Versions are pinned here and recorded in crates/web/static/vendor/VERSIONS.
set -euo pipefail
HTMX=2.0.11
SWAGGER=5.35.0
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/crates/web/static/vendor"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "htmx.org@$HTMX" "swagger-ui-dist@$SWAGGER" >/dev/null
mkdir htmx swagger
tar xzf "htmx.org-$HTMX.tgz" -C htmx
tar xzf "swagger-ui-dist-$SWAGGER.tgz" -C swagger
mkdir -p "$dest/swagger-ui"
cp htmx/package/dist/htmx.min.js "$dest/"
cp htmx/package/LICENSE "$dest/htmx.LICENSE"
cp swagger/package/{swagger-ui-bundle.js,swagger-ui.css,LICENSE,NOTICE} "$dest/swagger-ui/"
echo "vendored htmx.org $HTMX and swagger-ui-dist $SWAGGER into $dest"
