"""The schema comes only from the migrations: head on an empty database matches the models,
and every revision goes down and up again without losing data."""
import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, inspect, text

from whistle.infra import migrate
from whistle.infra.db import make_engine
from whistle.models import Base
from tests.migration_rows import add_case, add_organisation, engine_at


def test_head_on_an_empty_database_matches_the_models(database_url, tmp_path):
    (tmp_path / "data").mkdir(exist_ok=True)
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    assert migrate.is_current(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], diff
    engine.dispose()


def test_the_migrated_check_constraints_allow_exactly_what_the_models_allow(database_url, tmp_path):
    """compare_metadata does not compare CHECK constraints; the models derive theirs from the
    domain's enums, and the migrated database must allow the same values in the same order."""
    (tmp_path / "data").mkdir(exist_ok=True)
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    inspector = inspect(engine)
    compared = 0
    for table in Base.metadata.sorted_tables:
        migrated = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table.name)}
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint) and " IN (" in str(constraint.sqltext):
                assert constraint.name in migrated, f"{table.name}: {constraint.name} missing after migration"
                quoted = re.compile(r"'([^']*)'")
                assert quoted.findall(migrated[constraint.name]) == quoted.findall(str(constraint.sqltext))
                compared += 1
    assert compared == 16  # six from issue 9, endorsements.role (10); case_benadeling.kind, five on disclosures, case_complaints.outcome, case_minutes.form (15); case_meetings.kind (16)
    engine.dispose()


def test_downgrade_to_base_and_up_again(database_url, tmp_path):
    (tmp_path / "data").mkdir(exist_ok=True)
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert "cases" not in inspect(engine).get_table_names()
    migrate.upgrade(engine)
    assert "cases" in inspect(engine).get_table_names()
    engine.dispose()


def test_the_database_refuses_an_unknown_state(engine):
    import pytest
    from sqlalchemy.exc import IntegrityError
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organisations (slug, name, regeling_json, created_on) "
                          "VALUES ('x', 'X', '{}', '2026-01-01')"))
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO cases (organisation_id, ref, locator, state, received_on, ack_due, feedback_due, "
                "feedback_maximum, reporter_box_public, reporter_sign_public, key_commitment, reporter_sealed_key) "
                "SELECT id, 'M-1', :loc, 'verzonnen', '2026-01-01', '2026-01-08', '2026-02-19', '2026-04-08', "
                ":k, :k, :k, :k FROM organisations"), {"loc": b"\0" * 16, "k": b"\0" * 32})


def test_0003_keeps_attachments_and_takes_sizes_past_2_gib(database_url, tmp_path):
    """Revision 0003 widens attachments.size: existing rows survive, and a size over 2 GiB fits."""
    engine = engine_at(database_url, tmp_path, "0002")
    with engine.begin() as conn:
        add_organisation(conn, "x", "X")
        add_case(conn)
        conn.execute(text("INSERT INTO attachments (id, case_id, author, created_on, size, header) "
                          "SELECT 'a1', id, 'reporter', '2026-01-01', 1234, :h FROM cases"), {"h": b"h"})
    migrate.upgrade(engine, "0003")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT size FROM attachments WHERE id = 'a1'")).scalar() == 1234
        conn.execute(text("UPDATE attachments SET size = :s WHERE id = 'a1'"), {"s": 5 * 2**30})
        assert conn.execute(text("SELECT size FROM attachments WHERE id = 'a1'")).scalar() == 5 * 2**30
    engine.dispose()


def test_every_downgrade_and_upgrade_keeps_the_rows_of_child_tables(database_url, tmp_path, world, reporter_api, engine):
    """SQLite's batch mode rebuilds tables by copy-drop-rename; with foreign keys on, dropping
    `cases` would cascade into records, keys and attachments. Walk down to 0001 and up again
    with a melding in the database: nothing is lost on the way."""
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    melder = reporter_api()
    melder.submit({"what": "blijft bewaard"})
    melder.log_in()
    melder.send_message("ook dit")

    def counts():
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                    for t in ("cases", "records", "case_keys", "staff", "audit_events")}

    before = counts()
    assert before["records"] == 2
    migrate.downgrade(engine, "0001")
    assert counts() == before
    migrate.upgrade(engine)
    assert counts() == before
    assert [r["body"].get("text") for r in melder.read_records() if r["kind"] == "message"] == ["ook dit"]
