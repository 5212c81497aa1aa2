"""Apps with tighter limits for the hardening tests, on the same database and clock."""
import pytest

from tests.conftest import Browser
from whistle.web.app import create_app


@pytest.fixture
def make_app(settings, engine, clock):
    """make_app(**setting_changes) -> a fresh app (a fresh process, as far as memory goes)."""
    apps = []

    def make(**changes):
        app = create_app(settings.with_(**changes), clock=clock)
        apps.append(app)
        return app
    yield make
    for app in apps:
        app.extensions["whistle_engine"].dispose()


@pytest.fixture
def make_browser():
    return lambda app: Browser(app.test_client())
