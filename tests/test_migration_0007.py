"""Revision 0007 (trust in recipients) keeps existing accounts: a member made under 0006 keeps
their key, their login and their case key, but has no endorsement (they receive nothing new
until endorsed, docs/operations.md). Going down removes what 0007 added and keeps the member;
an account made since, still without a key, cannot exist in the old schema and goes."""
from sqlalchemy import text

from whistle.infra import migrate
from tests.migration_rows import add_case, add_case_key, add_organisation, add_staff, engine_at


def test_existing_staff_survive_0007_and_its_downgrade(database_url, tmp_path):
    engine = engine_at(database_url, tmp_path, "0006")
    with engine.begin() as conn:
        add_organisation(conn)
        add_staff(conn, "vp@deventer.example", "counsellor", "Vera", locked=b"\x02" * 120)
        add_case(conn)
        add_case_key(conn, for_staff=True)
    migrate.upgrade(engine, "0007")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT email, public_key, locked_secret, verify_key FROM staff")).one()
        assert (row[0], bytes(row[1]), bytes(row[2]), row[3]) == ("vp@deventer.example", b"\x01" * 32,
                                                                  b"\x02" * 120, None)
        assert conn.execute(text("SELECT count(*) FROM case_keys")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM endorsements")).scalar_one() == 0
        assert conn.execute(text("SELECT trust_public_key FROM organisations")).scalar_one() is None
    with engine.begin() as conn:  # an account made after the upgrade: no key pair yet
        conn.execute(text(
            "INSERT INTO staff (organisation_id, email, role, password_hash, display_name, active, created_on, "
            "must_change_passphrase) SELECT id, 'nieuw@deventer.example', 'counsellor', 'h', 'Nieuw', :t, "
            "'2026-12-01', :t FROM organisations"), {"t": True})
    migrate.downgrade(engine, "0006")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT email FROM staff")).scalar_one() == "vp@deventer.example"
        assert conn.execute(text("SELECT count(*) FROM case_keys")).scalar_one() == 1
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM staff")).scalar_one() == 1
    engine.dispose()
