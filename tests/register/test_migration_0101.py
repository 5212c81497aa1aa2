"""Revision 0101 (the register) keeps existing cases and gives them what can be derived: named
from an identity record, the route from a dossier or the state, the outcome of a final state;
the channel of an old case is unknown. Going down drops the columns and the counts and keeps
the cases."""
from sqlalchemy import text

from whistle.infra import migrate
from tests.migration_rows import add_case, add_organisation, add_report, engine_at


def test_existing_cases_get_what_can_be_derived(database_url, tmp_path):
    engine = engine_at(database_url, tmp_path, "0006")
    with engine.begin() as conn:
        add_organisation(conn)
        add_case(conn, "M-1", "in_behandeling")
        add_report(conn)  # M-1 has its report
        conn.execute(text("INSERT INTO records (case_id, kind, author, created_on, ciphertext) "
                          "SELECT id, 'identity', 'reporter', '2026-01-01', :c FROM cases"), {"c": b"\x07" * 90})
        for i, (ref, state, closed) in enumerate((("M-2", "ingetrokken", "2026-01-05"),
                                                  ("M-3", "extern_gemeld", "2026-01-06"),
                                                  ("M-4", "afgesloten", "2026-02-01"))):
            # add_case's locator is fixed: move the previous one's aside first
            conn.execute(text("UPDATE cases SET locator = :l WHERE locator = :z"), {"l": bytes([i + 1]) * 16,
                                                                                     "z": b"\0" * 16})
            add_case(conn, ref, state, closed_on=closed)
    migrate.upgrade(engine, "0101")
    with engine.connect() as conn:
        rows = {r[0]: tuple(r[1:]) for r in conn.execute(text(
            "SELECT ref, channel, named, route, outcome FROM cases"))}
        assert conn.execute(text("SELECT count(*) FROM register_counts")).scalar_one() == 0
    assert {k: (c, bool(n), ro, o) for k, (c, n, ro, o) in rows.items()} == {
        "M-1": ("onbekend", True, "intern", None),
        "M-2": ("onbekend", False, "intern", "ingetrokken"),
        "M-3": ("onbekend", False, "extern", "extern_gemeld"),
        "M-4": ("onbekend", False, "intern", "geen_onderzoek"),
    }
    migrate.downgrade(engine, "0006")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar_one() == 4
        assert conn.execute(text("SELECT count(*) FROM records")).scalar_one() == 2
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT named FROM cases WHERE ref = 'M-1'")).scalar_one()
    engine.dispose()
