#!/usr/bin/env bash
# Refresh the vendored NL Design System CSS (the Utrecht component library, EUPL-1.2) from the
# npm registry at a pinned version. The pages load these files from our own origin; nothing is
# fetched from a CDN, and there is no build step: the published dist CSS is copied as it is.
#
#   tools/refresh_nl_design_system.sh           # the pinned version below
#   tools/refresh_nl_design_system.sh 9.1.0     # try a newer one, then run the browser tests
#
# Only the component CSS is vendored, not @utrecht/design-tokens: those tokens are Gemeente
# Utrecht's own house style (its LICENSE.md: proprietary assets). Our look is in our own tokens
# file, static/whistle-tokens.css, and each organisation's in /o/<org>/thema.css.
#
# Needs npm, tar, openssl. Writes static/vendor/nl-design-system/{index.css,html.css,LICENSE.md,
# MANIFEST}: index.css has the component classes (utrecht-button, utrecht-alert, ...), html.css
# styles plain semantic HTML under the class utrecht-html. MANIFEST pins the SHA-384 of each file;
# tests/test_vendored_css.py checks the files against it and for external addresses.
set -euo pipefail

VERSION="${1:-9.0.4}"
PKG="@utrecht/component-library-css"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/static/vendor/nl-design-system"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

npm pack --silent "$PKG@$VERSION" >/dev/null
tarball="utrecht-component-library-css-$VERSION.tgz"
# The tarball must be the one the registry published (its own sha512 integrity).
expected="$(npm view "$PKG@$VERSION" dist.integrity 2>/dev/null)"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$expected" != "$actual" ]; then
  echo "integrity mismatch for $tarball: registry says $expected, got $actual" >&2
  exit 1
fi
tar xzf "$tarball"
grep -q "EUROPEAN UNION PUBLIC LICENCE v. 1.2" package/LICENSE.md \
  || { echo "$PKG $VERSION is no longer EUPL-1.2: review its licence before vendoring" >&2; exit 1; }
# No stylesheet may pull anything in from elsewhere (the CSP would block it anyway).
if grep -n "@import" package/dist/index.css package/dist/html.css; then
  echo "the CSS imports other files: review before vendoring" >&2; exit 1
fi

mkdir -p "$DEST"
cp package/dist/index.css "$DEST/index.css"
cp package/dist/html.css "$DEST/html.css"
cp package/LICENSE.md "$DEST/LICENSE.md"

{
  echo "# NL Design System CSS: $PKG $VERSION (dist/index.css, dist/html.css), EUPL-1.2."
  echo "# Written by tools/refresh_nl_design_system.sh; do not edit. <sha384-base64> <file>"
  for f in html.css index.css; do
    echo "sha384-$(openssl dgst -sha384 -binary "$DEST/$f" | base64 -w0) $f"
  done
  echo "version $VERSION"
} > "$DEST/MANIFEST"

echo "vendored $PKG $VERSION into ${DEST#"$ROOT"/}"
