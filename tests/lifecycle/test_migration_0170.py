"""Revision 0170 (the deadline pass's partial indexes) keeps existing cases and adds only the
two indexes; going down drops them and keeps the cases."""
from sqlalchemy import inspect, text

from whistle.infra import migrate
from tests.migration_rows import add_case, add_organisation, engine_at

NAMES = {"ix_cases_ack_pending", "ix_cases_feedback_pending"}


def indexes(engine) -> set[str]:
    with engine.connect() as conn:
        return {i["name"] for i in inspect(conn).get_indexes("cases")}


def test_existing_cases_stay_and_the_pending_indexes_come_and_go(database_url, tmp_path):
    engine = engine_at(database_url, tmp_path, "0101")
    with engine.begin() as conn:
        add_organisation(conn)
        add_case(conn, "M-1", "in_behandeling")
    assert not NAMES & indexes(engine)
    migrate.upgrade(engine, "0170")
    assert NAMES <= indexes(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT ref, state FROM cases")).one() == ("M-1", "in_behandeling")
    migrate.downgrade(engine, "0101")
    assert not NAMES & indexes(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar_one() == 1
    migrate.upgrade(engine)
    assert NAMES <= indexes(engine)
    engine.dispose()
