"""Revision 0006 (staff.must_change_passphrase) keeps existing accounts: a member made under
0005 keeps their key and login and does not have to change anything; going down drops the
column in place and keeps the member and their case key."""
from sqlalchemy import text

from whistle import migrate
from whistle.db import make_engine


def test_existing_staff_survive_0006_and_its_downgrade(database_url, tmp_path):
    (tmp_path / "data").mkdir(exist_ok=True)
    engine = make_engine(database_url)
    migrate.upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organisations (slug, name, regeling_json, created_on) "
                          "VALUES ('deventer', 'Gemeente Deventer', '{}', '2026-01-01')"))
        conn.execute(text(
            "INSERT INTO staff (organisation_id, email, role, password_hash, public_key, locked_secret, "
            "display_name, active, created_on) SELECT id, 'vp@deventer.example', 'counsellor', 'h', :k, :l, "
            "'Vera', :t, '2026-01-01' FROM organisations"), {"k": b"\x01" * 32, "l": b"\x02" * 120, "t": True})
        conn.execute(text(
            "INSERT INTO cases (organisation_id, ref, locator, state, received_on, ack_due, feedback_due, "
            "feedback_maximum, reporter_box_public, reporter_sign_public, key_commitment, "
            "reporter_sealed_key) SELECT id, 'M-1', :loc, 'ontvangen', '2026-01-01', '2026-01-08', "
            "'2026-02-19', '2026-04-08', :k, :k, :k, :k FROM organisations"),
            {"loc": b"\0" * 16, "k": b"\0" * 32})
        conn.execute(text("INSERT INTO case_keys (case_id, staff_id, sealed_key) "
                          "SELECT cases.id, staff.id, :s FROM cases, staff"), {"s": b"\x05" * 80})
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
