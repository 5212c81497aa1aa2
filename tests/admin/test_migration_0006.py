"""Revision 0006 (staff.must_change_passphrase) keeps existing accounts: a member made under
0005 keeps their key and login and does not have to change anything; going down drops the
column in place and keeps the member and their case key."""
from sqlalchemy import text

from whistle.infra import migrate
from tests.migration_rows import add_case, add_case_key, add_organisation, add_staff, engine_at


def test_existing_staff_survive_0006_and_its_downgrade(database_url, tmp_path):
    engine = engine_at(database_url, tmp_path, "0005")
    with engine.begin() as conn:
        add_organisation(conn)
        add_staff(conn, "vp@deventer.example", "counsellor", "Vera", password_hash="h", locked=b"\x02" * 120,
                  created_on="2026-01-01")
        add_case(conn)
        add_case_key(conn, for_staff=True)
    migrate.upgrade(engine, "0006")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT email, must_change_passphrase, locked_secret FROM staff")).one()
        assert (row[0], bool(row[1]), bytes(row[2])) == ("vp@deventer.example", False, b"\x02" * 120)
        assert conn.execute(text("SELECT count(*) FROM case_keys")).scalar_one() == 1
    with engine.begin() as conn:
        conn.execute(text("UPDATE staff SET must_change_passphrase = :t"), {"t": True})
    migrate.downgrade(engine, "0005")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT email FROM staff")).scalar_one() == "vp@deventer.example"
        assert conn.execute(text("SELECT count(*) FROM case_keys")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar_one() == 1
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert not conn.execute(text("SELECT must_change_passphrase FROM staff")).scalar_one()
    engine.dispose()
