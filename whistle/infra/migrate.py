"""Schema changes through Alembic only. `upgrade` takes a database lock on PostgreSQL so
several workers or hosts starting at once do not race."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
LOCK_ID = 0x77686973  # "whis"


def alembic_config(url: str = "") -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade to `revision`. A database already there returns at once: no lock, no
    transaction, no foreign-key check over every row (issue 17: 2-14 s at a million cases)."""
    if revision == "head" and is_current(engine):
        return
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    _run(engine, command.downgrade, revision)


def _run(engine: Engine, step, revision: str) -> None:
    cfg = alembic_config()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # SQLite's batch mode rebuilds a table by copy, drop and rename; with foreign keys
            # on, the drop would cascade into every child row. The pragma only takes effect
            # outside a transaction, so it is set before the migration's transaction begins.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()  # ends SQLAlchemy's autobegun (empty) transaction; pysqlite sent no BEGIN
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID})
                cfg.attributes["connection"] = conn
                before = MigrationContext.configure(conn).get_current_revision()
                step(cfg, revision)
                # Only a migration that ran can have left orphans; another worker may have
                # done the work while we waited for the lock.
                moved = MigrationContext.configure(conn).get_current_revision() != before
                if sqlite and moved:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left rows without their parent: {broken[:5]}")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
