"""Revision 0005 (retention) keeps existing data: a closed case with its key and record made
under 0004 survives with no postponement; going down to 0004 keeps the case and every record
(the column is dropped in place, not by copying `cases`, which would cascade on SQLite)."""
from sqlalchemy import text

from whistle.infra import migrate
from tests.migration_rows import add_case, add_case_key, add_organisation, add_report, engine_at


def test_existing_cases_survive_0005_and_its_downgrade(database_url, tmp_path):
    engine = engine_at(database_url, tmp_path, "0004")
    with engine.begin() as conn:
        add_organisation(conn)
        add_case(conn, state="afgesloten", closed_on="2026-02-01")
        add_case_key(conn)
        add_report(conn)
    migrate.upgrade(engine, "0005")
    with engine.connect() as conn:
        case = conn.execute(text("SELECT ref, state, closed_on, retain_until FROM cases")).one()
        assert (case[0], case[1], str(case[2]), case[3]) == ("M-1", "afgesloten", "2026-02-01", None)
        assert conn.execute(text("SELECT count(*) FROM case_keys")).scalar_one() == 1
        assert bytes(conn.execute(text("SELECT ciphertext FROM records")).scalar_one()) == b"\x06" * 1064
        assert conn.execute(text("SELECT count(*) FROM retention_extensions")).scalar_one() == 0
    with engine.begin() as conn:  # the new column and table take data
        conn.execute(text("UPDATE cases SET retain_until = '2028-06-01'"))
        conn.execute(text("INSERT INTO retention_extensions (case_id, extended_on, until, ciphertext) "
                          "SELECT id, '2027-12-01', '2028-06-01', :c FROM cases"), {"c": b"\x07" * 1064})
    migrate.downgrade(engine, "0004")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT ref FROM cases")).scalar_one() == "M-1"
        assert conn.execute(text("SELECT count(*) FROM records")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM case_keys")).scalar_one() == 1
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT retain_until FROM cases")).scalar_one() is None
    engine.dispose()
