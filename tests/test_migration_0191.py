"""Revision 0191 (replacing the melder's code): existing cases get no record binding (NULL: their
records stay bound to their locator, as they were sealed). Going down is refused while a case has
a replaced code, whose records could not be opened without the column; otherwise it goes."""
import pytest
from sqlalchemy import text

from whistle.infra import migrate
from tests.migration_rows import add_case, add_organisation, engine_at


def test_existing_cases_keep_their_binding_and_a_replaced_code_blocks_the_downgrade(database_url, tmp_path):
    engine = engine_at(database_url, tmp_path, "0188")
    with engine.begin() as conn:
        add_organisation(conn)
        add_case(conn)
    migrate.upgrade(engine, "0191")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT record_binding FROM cases")).scalar_one() is None
    with engine.begin() as conn:  # the melder replaced the code
        conn.execute(text("UPDATE cases SET record_binding = locator, locator = :new"), {"new": b"\x01" * 16})
    with pytest.raises(RuntimeError, match="code replaced"):
        migrate.downgrade(engine, "0188")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cases WHERE record_binding IS NOT NULL")).scalar_one() == 1
    with engine.begin() as conn:
        conn.execute(text("UPDATE cases SET locator = record_binding, record_binding = NULL"))
    migrate.downgrade(engine, "0188")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar_one() == 1
    engine.dispose()
