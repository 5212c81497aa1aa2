"""The schema comes only from the migrations: head on an empty database matches the models,
and every revision goes down and up again without losing data."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from whistle import migrate
from whistle.db import make_engine
from whistle.models import Base


def test_head_on_an_empty_database_matches_the_models(database_url, tmp_path):
    (tmp_path / "data").mkdir(exist_ok=True)
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    assert migrate.is_current(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], diff
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
