"""Revision 0198 (the language of a staff member's mails): every existing member reads Dutch, the
language they had; a new row without a language gets Dutch from the server default; down and up
again keeps the members."""
from sqlalchemy import text

from whistle.infra import migrate
from tests.migration_rows import add_organisation, add_staff, engine_at


def test_existing_staff_read_dutch_and_the_column_goes_down_and_up(database_url, tmp_path):
    engine = engine_at(database_url, tmp_path, "0197")
    with engine.begin() as conn:
        add_organisation(conn)
        add_staff(conn, "vp@deventer.nl", "counsellor", "Vera")
    migrate.upgrade(engine, "0198")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT language FROM staff")).scalar_one() == "nl"
        add_staff(conn, "bg@deventer.nl", "authority", "Bert")  # an insert that names no language
        conn.execute(text("UPDATE staff SET language = 'en' WHERE email = 'vp@deventer.nl'"))
        assert dict(conn.execute(text("SELECT email, language FROM staff")).all()) == {
            "vp@deventer.nl": "en", "bg@deventer.nl": "nl"}
    migrate.downgrade(engine, "0197")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM staff")).scalar_one() == 2
        columns = [r[1] for r in conn.execute(text("PRAGMA table_info(staff)"))] \
            if engine.dialect.name == "sqlite" else list(conn.execute(text(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'staff'")).scalars())
        assert "language" not in columns
    migrate.upgrade(engine, "0198")
    with engine.connect() as conn:
        assert set(conn.execute(text("SELECT language FROM staff")).scalars()) == {"nl"}
    engine.dispose()
