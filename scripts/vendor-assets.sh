#!/usr/bin/env bash
# Refreshes static/vendor/ from the npm registry (run by `make vendor`; the result is committed so
# that `make demo` and `make test` need neither Node.js nor the network for front-end assets).
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --ignore-scripts >/dev/null
dest=static/vendor
rm -rf "$dest" && mkdir -p "$dest/bootstrap/css" "$dest/bootstrap/js" "$dest/htmx" "$dest/chartjs"
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map "$dest/bootstrap/css/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map "$dest/bootstrap/js/"
cp node_modules/bootstrap/LICENSE "$dest/bootstrap/LICENSE"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
cp node_modules/htmx.org/LICENSE "$dest/htmx/LICENSE"
cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map "$dest/chartjs/"
cp node_modules/chart.js/LICENSE.md "$dest/chartjs/LICENSE.md"
echo "vendored: bootstrap $(node -p "require('bootstrap/package.json').version"), htmx $(node -p "require('htmx.org/package.json').version"), chart.js $(node -p "JSON.parse(require('fs').readFileSync('node_modules/chart.js/package.json')).version")"
