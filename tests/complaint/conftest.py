"""Fixtures for the complaint ('s-Hertogenbosch, issue 15): the gemeente with a counsellor, its
gemeentesecretaris (who decides on complaints and receives escalations) and a wethouder."""
from __future__ import annotations

import pytest

from tests.authority.conftest import as_staff, cheaper_login_hash, email, make_staff  # noqa: F401 - fixtures

ORG = "s-hertogenbosch"


@pytest.fixture
def bosch(world):
    world.org(ORG, name="Gemeente 's-Hertogenbosch")
    make_staff(world, ORG, "vp", "counsellor", None)
    make_staff(world, ORG, "secretaris", "authority", "gemeentesecretaris")
    make_staff(world, ORG, "wethouder", "authority", "wethouder")
    return world


def who(name: str) -> str:
    return email(name, ORG)
