"""Revision 0188 (the complaint, issue 15): existing cases keep their state and rows, the new
states are allowed, the deadline pass's partial indexes stay partial on a rebuilt SQLite table,
and the database refuses a complaint whose days are out of order or an outcome without a
decision. Going down, a case in a complaint state returns to terugkoppeling_gegeven."""
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from whistle.infra import migrate
from tests.migration_rows import add_case, add_organisation, engine_at


def _complaint(conn, **values):
    row = {"lodged_on": "2026-03-01", "due": "2026-04-12", "forwarded_on": None, "decided_on": None,
           "outcome": None, "lkc_limit_on": "2027-05-01"} | values
    conn.execute(text(
        "INSERT INTO case_complaints (case_id, lodged_on, due, forwarded_on, decided_on, outcome, lkc_limit_on) "
        "SELECT id, :lodged_on, :due, :forwarded_on, :decided_on, :outcome, :lkc_limit_on FROM cases "
        "WHERE ref = 'M-1'"), row)


def test_upgrade_keeps_cases_allows_the_new_states_and_checks_the_days(database_url, tmp_path):
    engine = engine_at(database_url, tmp_path, "0155")
    with engine.begin() as conn:
        add_organisation(conn)
        add_case(conn, "M-1", "terugkoppeling_gegeven")
        conn.execute(text("UPDATE cases SET locator = :l WHERE ref = 'M-1'"), {"l": b"\x01" * 16})
        add_case(conn, "M-2", "afgesloten", closed_on="2026-02-01")  # add_case's locator is fixed
    migrate.upgrade(engine, "0188")
    with engine.connect() as conn:
        assert dict(conn.execute(text("SELECT ref, state FROM cases")).all()) == {
            "M-1": "terugkoppeling_gegeven", "M-2": "afgesloten"}
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            sql = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                         "AND name IN ('ix_cases_ack_pending', 'ix_cases_feedback_pending')")).all())
        assert len(sql) == 2 and all(" WHERE " in s.upper() for s in sql.values()), sql
    else:
        names = {i["name"] for i in inspect(engine).get_indexes("cases")}
        assert {"ix_cases_ack_pending", "ix_cases_feedback_pending"} <= names
    for bad in ({"due": "2026-02-01"},                                            # before lodging
                {"decided_on": "2026-03-10", "forwarded_on": "2026-03-02"},       # no outcome
                {"outcome": "onderzoek"},                                         # outcome, no decision
                {"decided_on": "2026-03-10", "outcome": "onderzoek"},             # decided, never forwarded
                {"forwarded_on": "2026-03-02", "decided_on": "2026-03-10", "outcome": "misschien"}):
        with pytest.raises(IntegrityError):
            with engine.begin() as conn:
                _complaint(conn, **bad)
    for bad in ("'brief', 1, NULL, NULL", "'telefoon', 0, NULL, NULL", "'telefoon', 1, 2, '2026-03-02'",
                "'telefoon', 1, 1, NULL"):  # form, versions, approved_version, approved_on
        with pytest.raises(IntegrityError):
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO case_minutes (case_id, form, held_on, recording_consent, versions, "
                                  f"approved_version, approved_on) SELECT id, {bad.split(', ')[0]}, '2026-03-01', "
                                  f":f, {', '.join(bad.split(', ')[1:])} FROM cases WHERE ref = 'M-1'"), {"f": False})
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO case_minutes (case_id, form, held_on, recording_consent, versions, "
                          "approved_version, approved_on) SELECT id, 'gesprek', '2026-03-01', :t, 2, 2, '2026-03-02' "
                          "FROM cases WHERE ref = 'M-1'"), {"t": True})
    with engine.begin() as conn:
        conn.execute(text("UPDATE cases SET state = 'klacht_voorgelegd' WHERE ref = 'M-1'"))
        _complaint(conn, forwarded_on="2026-03-02")
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            conn.execute(text("UPDATE cases SET state = 'klacht_kwijt' WHERE ref = 'M-1'"))
    migrate.downgrade(engine, "0155")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT state FROM cases WHERE ref = 'M-1'")).scalar_one() == "terugkoppeling_gegeven"
    assert {"case_complaints", "case_minutes"}.isdisjoint(inspect(engine).get_table_names())
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            conn.execute(text("UPDATE cases SET state = 'klacht_ingediend' WHERE ref = 'M-1'"))
    migrate.upgrade(engine)
    engine.dispose()
