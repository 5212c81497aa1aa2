#!/usr/bin/env bash
# Hostile input at scale (issue 6.9): the Hypothesis tests in tests/fuzz/ with the "scale"
# profile, over 10,000 requests against the real app and database. Zero 5xx answers and zero
# half-stored cases, or it fails. Takes 10-20 minutes on 2 cores; not part of the normal suite.
#
#   tools/fuzz.sh                      # SQLite
#   WHISTLE_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/whistle_test tools/fuzz.sh
#   WHISTLE_FUZZ_EXAMPLES=2000 tools/fuzz.sh   # more examples per test
#
# Record the closing "fuzz (scale): N requests ..." line in docs/security-testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp)
trap 'rm -f "$report"' EXIT
started=$(date +%s)
WHISTLE_FUZZ_PROFILE=scale WHISTLE_FUZZ_REPORT="$report" \
  python3 -m pytest tests/fuzz -q -p no:cacheprovider "$@"
requests=$(head -1 "$report")
db=SQLite; [ -n "${WHISTLE_TEST_DATABASE_URL:-}" ] && db=PostgreSQL
echo "== $(date -u +%F) fuzz at scale on ${db}: ${requests} requests in $(( $(date +%s) - started )) s," \
     "answers by status: $(tail -1 "$report")"
if [ "${requests}" -lt 10000 ]; then
  echo "fewer than 10,000 requests: raise WHISTLE_FUZZ_EXAMPLES" >&2
  exit 1
fi
