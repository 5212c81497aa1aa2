#!/usr/bin/env bash
# Refresh the vendored axe-core (tests only; never served by the application) from the npm
# registry: `bash tests/vendor/axe-core/refresh.sh [VERSION]`. Review the diff and the licence.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="${1:-latest}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@$version" >/dev/null && tar xzf axe-core-*.tgz)
cp "$work/package/axe.min.js" "$work/package/LICENSE" "$here/"
node -e "console.log(require('$work/package/package.json').version)" > "$here/VERSION"
echo "axe-core $(cat "$here/VERSION") vendored into $here"
