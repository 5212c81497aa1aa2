"""Revisions 0193 and 0194 (issue 13): existing cases get the next_due the domain computes from
their state and deadlines (the backfill), the inbox's index, no lead and no "seen" marks; going
down drops what they added and keeps the cases."""
from datetime import date

from sqlalchemy import inspect, text

from whistle.domain.states import State, next_due
from whistle.infra import migrate
from tests.migration_rows import add_case, add_organisation, engine_at


def test_next_due_is_filled_for_every_state_and_the_index_comes_and_goes(database_url, tmp_path):
    engine = engine_at(database_url, tmp_path, "0188")
    with engine.begin() as conn:
        add_organisation(conn)
        for n, state in enumerate(State):
            add_case(conn, f"M-{n}", state.value)
            conn.execute(text("UPDATE cases SET locator = :loc WHERE ref = :ref"),
                         {"loc": bytes([n + 1]) * 16, "ref": f"M-{n}"})
    migrate.upgrade(engine, "0194")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT state, next_due, lead_staff_id FROM cases")).all()
        assert "ix_cases_org_next_due" in {i["name"] for i in inspect(conn).get_indexes("cases")}
        assert "case_seen" in inspect(conn).get_table_names()
    assert len(rows) == len(State)
    for state, stored, lead in rows:
        stored = date.fromisoformat(stored) if isinstance(stored, str) else stored
        assert stored == next_due(state, date(2026, 1, 8), date(2026, 2, 19)), state
        assert lead is None
    assert {s for s, d, _ in rows if d is not None} == {
        "ontvangen", "ontvangst_bevestigd", "in_behandeling", "doorgezet", "besluit_genomen"}
    migrate.downgrade(engine, "0188")
    with engine.connect() as conn:
        assert "next_due" not in {c["name"] for c in inspect(conn).get_columns("cases")}
        assert "case_seen" not in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar_one() == len(State)
    migrate.upgrade(engine)
    engine.dispose()
