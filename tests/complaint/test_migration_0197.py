"""Revision 0197 (meetings on request, issue 15): an existing complaint keeps its row and has not
been reminded; the database refuses a meeting of an unknown kind, with days out of order, a
confirmation without a proposal, or a second open request for one case; going down removes the
meetings and the reminder day and keeps the complaint."""
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from whistle.infra import migrate
from tests.migration_rows import add_case, add_organisation, engine_at


def _meeting(conn, **values):
    row = {"kind": "gesprek", "requested_on": "2026-03-02", "due": "2026-03-09", "proposals": 0,
           "proposed_on": None, "confirmed_on": None} | values
    conn.execute(text(
        "INSERT INTO case_meetings (case_id, kind, requested_on, due, proposals, proposed_on, confirmed_on) "
        "SELECT id, :kind, :requested_on, :due, :proposals, :proposed_on, :confirmed_on FROM cases WHERE ref = 'M-1'"),
        row)


def test_upgrade_keeps_complaints_and_the_database_checks_meetings(database_url, tmp_path):
    engine = engine_at(database_url, tmp_path, "0188")
    with engine.begin() as conn:
        add_organisation(conn)
        add_case(conn, "M-1", "klacht_ingediend")
        conn.execute(text("INSERT INTO case_complaints (case_id, lodged_on, due) SELECT id, '2026-03-01', "
                          "'2026-04-12' FROM cases WHERE ref = 'M-1'"))
    migrate.upgrade(engine, "0197")
    with engine.connect() as conn:
        due, reminded = conn.execute(text("SELECT due, reminded_on FROM case_complaints")).one()
    assert str(due) == "2026-04-12" and reminded is None
    for bad in ({"kind": "video"}, {"due": "2026-03-01"}, {"proposed_on": "2026-03-03"},  # proposed, none counted
                {"proposals": -1}, {"confirmed_on": "2026-03-04"},                         # confirmed, never proposed
                {"proposals": 1, "proposed_on": "2026-03-05", "confirmed_on": "2026-03-04"}):
        with pytest.raises(IntegrityError):
            with engine.begin() as conn:
                _meeting(conn, **bad)
    with engine.begin() as conn:
        _meeting(conn, proposals=1, proposed_on="2026-03-03", confirmed_on="2026-03-04")
        _meeting(conn)  # the first was confirmed: a new request may follow
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            _meeting(conn, kind="telefoon")  # a second open request
    migrate.downgrade(engine, "0188")
    assert "case_meetings" not in inspect(engine).get_table_names()
    assert "reminded_on" not in {c["name"] for c in inspect(engine).get_columns("case_complaints")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM case_complaints")).scalar_one() == 1
    migrate.upgrade(engine)
    engine.dispose()
