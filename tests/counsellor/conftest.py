"""The vertrouwenspersoon's workbench (issue 13): Deventer's town and a melding, as the hand-over
tests arrange them (tests/authority/conftest.py)."""
from tests.authority.conftest import as_staff, cheaper_login_hash, melding, town  # noqa: F401 (fixtures)
