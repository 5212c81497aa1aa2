"""Revision 0155 (category at triage, benadeling) keeps existing cases and counts: their regeling
category is unknown, no category deadline, no benadeling; going down keeps them too."""
from sqlalchemy import text

from whistle.infra import migrate
from tests.migration_rows import add_case, add_organisation, engine_at


def test_existing_cases_and_counts_survive_upgrade_and_downgrade(database_url, tmp_path):
    engine = engine_at(database_url, tmp_path, "0101")
    with engine.begin() as conn:
        add_organisation(conn)
        add_case(conn, "M-1", "afgesloten", closed_on="2026-02-01")
        conn.execute(text("UPDATE cases SET category = 'ongewenst_gedrag', outcome = 'onderzoek'"))
        conn.execute(text(
            "INSERT INTO register_counts (organisation_id, year, kind, channel, named, outcome, route, "
            "extended, count) SELECT id, 2025, 'ongewenst_gedrag', 'web_js', :f, 'onderzoek', 'intern', :f, 3 "
            "FROM organisations"), {"f": False})
    migrate.upgrade(engine, "0155")
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT ref, category, outcome, regeling_category, category_due, benadeling_on, follow_ups_answered, "
            "follow_ups_reminded, unit FROM cases")).one()
        assert tuple(row) == ("M-1", "ongewenst_gedrag", "onderzoek", None, None, None, 0, 0, None)
        counts = conn.execute(text("SELECT kind, count, category, benadeling FROM register_counts")).one()
        assert (counts[0], counts[1], counts[2], bool(counts[3])) == ("ongewenst_gedrag", 3, None, False)
        assert conn.execute(text("SELECT count(*) FROM case_benadeling")).scalar_one() == 0
    migrate.downgrade(engine, "0101")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT category FROM cases WHERE ref = 'M-1'")).scalar_one() == "ongewenst_gedrag"
        assert conn.execute(text("SELECT count FROM register_counts")).scalar_one() == 3
    migrate.upgrade(engine)
    engine.dispose()
