"""The hardening tests' app factories (tighter limits on the same database and clock)."""
from tests.hardening.conftest import make_app, make_browser  # noqa: F401
