"""Fixtures of the resilience tests."""
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_URL, _pg_schema_url


@pytest.fixture
def target(tmp_path, settings):
    """Settings for an empty place to restore into: a new data dir (and a fresh PG schema)."""
    schema = None
    if PG_URL:
        url, schema = _pg_schema_url(PG_URL)
    else:
        url = f"sqlite:///{tmp_path / 'restored' / 'whistle.sqlite3'}"
    yield settings.with_(data_dir=tmp_path / "restored", database_url=url)
    if schema:
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
