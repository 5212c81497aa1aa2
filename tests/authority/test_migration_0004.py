"""Revision 0004 (hand-over to the bevoegd gezag) keeps existing data: an organisation, a
staff member, a case with its key and record made under 0003 survive, with no office, no
consent and no dossier; down and up again keeps them too."""
from sqlalchemy import text

from whistle import migrate
from whistle.db import make_engine


def test_existing_rows_survive_0004(database_url, tmp_path):
    (tmp_path / "data").mkdir(exist_ok=True)
    engine = make_engine(database_url)
    migrate.upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organisations (slug, name, regeling_json, created_on) "
                          "VALUES ('deventer', 'Gemeente Deventer', '{}', '2026-01-01')"))
        conn.execute(text(
            "INSERT INTO staff (organisation_id, email, role, password_hash, public_key, locked_secret, "
            "display_name, active, created_on) SELECT id, 'bm@deventer.example', 'authority', 'hash', "
            ":pub, :locked, 'Burgemeester', :yes, '2026-01-02' FROM organisations"),
            {"pub": b"\x01" * 32, "locked": b"\x02" * 100, "yes": True})
        conn.execute(text(
            "INSERT INTO cases (organisation_id, ref, locator, state, received_on, ack_due, feedback_due, "
            "feedback_maximum, reporter_box_public, reporter_sign_public, key_commitment, reporter_sealed_key) "
            "SELECT id, 'M-1', :loc, 'in_behandeling', '2026-01-01', '2026-01-08', '2026-02-19', '2026-04-08', "
            ":k, :k, :k, :k FROM organisations"), {"loc": b"\0" * 16, "k": b"\0" * 32})
        conn.execute(text("INSERT INTO case_keys (case_id, staff_id, sealed_key) SELECT id, NULL, :s FROM cases"),
                     {"s": b"\x05" * 80})
        conn.execute(text("INSERT INTO records (case_id, kind, author, created_on, ciphertext) "
                          "SELECT id, 'report', 'reporter', '2026-01-01', :c FROM cases"), {"c": b"\x06" * 1064})
    migrate.upgrade(engine, "0004")
    with engine.connect() as conn:
        staff = conn.execute(text("SELECT email, role, authority_function FROM staff")).one()
        case = conn.execute(text("SELECT ref, state, identity_consent_on FROM cases")).one()
        assert conn.execute(text("SELECT count(*) FROM case_keys")).scalar_one() == 1
        assert bytes(conn.execute(text("SELECT ciphertext FROM records")).scalar_one()) == b"\x06" * 1064
        assert conn.execute(text("SELECT count(*) FROM dossiers")).scalar_one() == 0
    assert tuple(staff) == ("bm@deventer.example", "authority", None)
    assert tuple(case) == ("M-1", "in_behandeling", None)
    with engine.begin() as conn:  # the new columns and tables take data
        conn.execute(text("UPDATE staff SET authority_function = 'burgemeester'"))
        conn.execute(text("INSERT INTO dossiers (case_id, locator, sent_on, key_commitment, counsellor_copy) "
                          "SELECT id, :loc, '2026-01-03', :k, :c FROM cases"),
                     {"loc": b"\x07" * 16, "k": b"\x08" * 32, "c": b"\x09" * 100})
    migrate.downgrade(engine, "0003")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT ref FROM cases")).scalar_one() == "M-1"
        assert conn.execute(text("SELECT email FROM staff")).scalar_one() == "bm@deventer.example"
    engine.dispose()
