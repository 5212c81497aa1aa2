#!/usr/bin/env bash
# Refresh the vendored libsodium.js (sumo build: the standard build has no crypto_pwhash)
# from the npm registry at a pinned version. The browser loads these files from our own
# origin with Subresource Integrity; nothing is ever fetched from a CDN.
#
#   tools/refresh_libsodium.sh            # the pinned version below
#   tools/refresh_libsodium.sh 0.8.5      # try a newer one, then run the browser tests
#
# Needs npm, tar, openssl. Writes static/vendor/libsodium/{libsodium-sumo.js,
# libsodium-wrappers-sumo.js,LICENSE,MANIFEST}. MANIFEST pins the SHA-384 of each file;
# tests/browser/test_vendored_libsodium.py checks the files against it.
set -euo pipefail

VERSION="${1:-0.8.4}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/static/vendor/libsodium"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

for pkg in libsodium-sumo libsodium-wrappers-sumo; do
  npm pack --silent "$pkg@$VERSION" >/dev/null
  tarball="$pkg-$VERSION.tgz"
  # The tarball must be the one the registry published (its own sha512 integrity).
  expected="$(npm view "$pkg@$VERSION" dist.integrity 2>/dev/null)"
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$expected" != "$actual" ]; then
    echo "integrity mismatch for $tarball: registry says $expected, got $actual" >&2
    exit 1
  fi
  mkdir -p "$pkg"
  tar xzf "$tarball" -C "$pkg"
done

mkdir -p "$DEST"
cp libsodium-sumo/package/dist/modules-sumo/libsodium-sumo.js "$DEST/libsodium-sumo.js"
cp libsodium-wrappers-sumo/package/dist/modules-sumo/libsodium-wrappers.js "$DEST/libsodium-wrappers-sumo.js"
# Both packages carry the same ISC licence; keep one copy, and fail loudly if that changes.
cmp -s libsodium-sumo/package/LICENSE libsodium-wrappers-sumo/package/LICENSE \
  || { echo "the two packages' licences differ: review and vendor both" >&2; exit 1; }
cp libsodium-sumo/package/LICENSE "$DEST/LICENSE"

{
  echo "# libsodium.js $VERSION (npm: libsodium-sumo, libsodium-wrappers-sumo), ISC licence."
  echo "# Written by tools/refresh_libsodium.sh; do not edit. <sha384-base64> <file>"
  for f in libsodium-sumo.js libsodium-wrappers-sumo.js; do
    echo "sha384-$(openssl dgst -sha384 -binary "$DEST/$f" | base64 -w0) $f"
  done
  echo "version $VERSION"
} > "$DEST/MANIFEST"

echo "vendored libsodium.js $VERSION into ${DEST#"$ROOT"/}"
