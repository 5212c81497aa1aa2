#!/usr/bin/env bash
# sqlmap against a live local whistle server, over every form and every v1 API parameter
# (issue 6.9). Starts its own `whistle serve` on 127.0.0.1 (free port, throw-away data
# directory), so it never touches anything else; each endpoint's sqlmap run is bounded in
# time (--per-target-seconds, default 300). Exit 1 when anything is injectable or the server
# logged an error. Record the closing table in docs/security-testing.md.
#
#   tools/sqlmap_run.sh                       # every target
#   tools/sqlmap_run.sh --only "api:"         # a subset
#   tools/sqlmap_run.sh --level 3 --risk 2    # deeper
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v sqlmap >/dev/null 2>&1; then
  echo "== installing sqlmap (Debian package)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlmap >/dev/null) \
    || python3 -m pip install -q sqlmap
fi
exec python3 tools/sqlmap_run.py "$@"
