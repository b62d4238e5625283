#!/usr/bin/env bash
# Refresh static/vendor/ from the versions pinned in package.json. Run after changing them;
# the copied files are committed so that `make run` never needs Node or a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --ignore-scripts
rm -rf static/vendor && mkdir -p static/vendor/pico static/vendor/leaflet static/vendor/echarts
cp node_modules/@picocss/pico/css/pico.min.css static/vendor/pico/
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css static/vendor/leaflet/
cp -r node_modules/leaflet/dist/images static/vendor/leaflet/
cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
for pkg in @picocss/pico leaflet echarts; do
  echo "$pkg $(node -p "require('./node_modules/$pkg/package.json').version")"
done > static/vendor/VERSIONS.txt
cat static/vendor/VERSIONS.txt
