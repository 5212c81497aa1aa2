"""Hypothesis profiles for the fuzz tests: "ci" by default (a few dozen examples per test, in
the normal suite), "scale" with WHISTLE_FUZZ_PROFILE=scale (tools/fuzz.sh: over 10,000
requests). WHISTLE_FUZZ_EXAMPLES overrides the examples per test of either."""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings as hypothesis_settings

_common = dict(deadline=None, database=None, print_blob=True,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                      HealthCheck.data_too_large, HealthCheck.filter_too_much])
hypothesis_settings.register_profile("ci", max_examples=int(os.environ.get("WHISTLE_FUZZ_EXAMPLES", 25)), **_common)
hypothesis_settings.register_profile("scale", max_examples=int(os.environ.get("WHISTLE_FUZZ_EXAMPLES", 600)),
                                     **_common)
PROFILE = os.environ.get("WHISTLE_FUZZ_PROFILE", "ci")
# Applied per test (not loaded globally), so other property tests keep their own settings.
fuzz = hypothesis_settings.get_profile(PROFILE)


def scaled(fraction: float) -> hypothesis_settings:
    """Fewer examples for a test whose every example pays for Argon2 (staff logins)."""
    return hypothesis_settings(fuzz, max_examples=max(5, int(fuzz.max_examples * fraction)))

