"""Revision 0002 (second factor) keeps existing data: a staff member and their session made
under 0001 survive the upgrade; the member has no second factor yet and the old session no
longer counts as having passed one. Down and up again keeps the member too."""
from sqlalchemy import text

from whistle.infra import migrate
from tests.migration_rows import add_organisation, add_staff, engine_at


def test_an_existing_staff_row_survives_the_upgrade(database_url, tmp_path):
    engine = engine_at(database_url, tmp_path, "0001")
    with engine.begin() as conn:
        add_organisation(conn)
        add_staff(conn, "vp@deventer.example", "counsellor", "VP")
        conn.execute(text("INSERT INTO staff_sessions (digest, staff_id, expires_at, sealed_secret) "
                          "SELECT :d, id, '2026-01-02 10:00:00', :s FROM staff"),
                     {"d": b"\x03" * 32, "s": b"\x04" * 72})

    migrate.upgrade(engine)
    assert migrate.is_current(engine)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT email, role, public_key, locked_secret, totp_secret, "
                                "totp_confirmed_on, totp_last_step FROM staff")).one()
        done = conn.execute(text("SELECT second_factor_done FROM staff_sessions")).scalar_one()
        codes = conn.execute(text("SELECT count(*) FROM staff_recovery_codes")).scalar_one()
    assert row.email == "vp@deventer.example" and row.role == "counsellor"
    assert bytes(row.public_key) == b"\x01" * 32 and bytes(row.locked_secret) == b"\x02" * 100
    assert row.totp_secret is None and row.totp_confirmed_on is None and row.totp_last_step is None
    assert not done and codes == 0

    migrate.downgrade(engine, "0001")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT email FROM staff")).scalar_one() == "vp@deventer.example"
    engine.dispose()
