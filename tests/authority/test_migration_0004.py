"""Revision 0004 (hand-over to the bevoegd gezag) keeps existing data: an organisation, a
staff member, a case with its key and record made under 0003 survive, with no office, no
consent and no dossier; down and up again keeps them too."""
from sqlalchemy import text

from whistle.infra import migrate
from tests.migration_rows import add_case, add_case_key, add_organisation, add_report, add_staff, engine_at


def test_existing_rows_survive_0004(database_url, tmp_path):
    engine = engine_at(database_url, tmp_path, "0003")
    with engine.begin() as conn:
        add_organisation(conn)
        add_staff(conn, "bm@deventer.example", "authority", "Burgemeester")
        add_case(conn, state="in_behandeling")
        add_case_key(conn)
        add_report(conn)
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
