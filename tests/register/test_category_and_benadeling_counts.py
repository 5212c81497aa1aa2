"""Issue 14 (category at triage) and issue 15 (benadeling) in the annual figures: counted by the
regeling's category and by benadeling reported, suppressed like every cell, and kept right after
retention deleted the cases."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

from sqlalchemy import select, update

from whistle.infra.db import make_session_factory
from whistle.models import Case, Organisation, RegisterCount
from whistle.services.operations import retention
from whistle.services.register.annual import annual_report
from whistle.services.register.exports import annual_csv, register_csv
from tests.register.test_annual_figures import add_case, cells

D = date


def build(world) -> None:
    world.org("senzer", name="Senzer")
    with world.db() as s:
        org = s.scalar(select(Organisation.id).where(Organisation.slug == "senzer"))
        for i in range(5):
            add_case(s, org, D(2024, 1, 2 + i), kind="ongewenst_gedrag", closed=D(2024, 3, 1), state="afgesloten",
                     outcome="onderzoek")
        for i in range(5):
            add_case(s, org, D(2024, 2, 2 + i), kind="integriteitsschending", closed=D(2024, 3, 1),
                     state="afgesloten", outcome="onderzoek")
        s.flush()
        s.execute(update(Case).where(Case.category == "ongewenst_gedrag")
                  .values(regeling_category="discriminatie_racisme", benadeling_on=D(2024, 2, 20)))
        s.execute(update(Case).where(Case.category == "integriteitsschending")
                  .values(regeling_category="fraude_corruptie"))


def test_counted_by_category_and_benadeling_and_kept_after_retention(world, db, use_case, engine, settings, clock):
    build(world)
    with db() as s:
        rep = annual_report(use_case(s), "cli", "senzer", 2024)
        before = annual_csv(rep)
        rows = list(csv.DictReader(io.StringIO(register_csv(use_case(s), "cli", "senzer"))))
    assert sum(r["category"] == "discriminatie_racisme" and r["benadeling"] == "ja" for r in rows) == 5
    assert sum(r["category"] == "fraude_corruptie" and r["benadeling"] == "nee" for r in rows) == 5
    by_category = cells(rep, "Onderwerp (regeling)")
    assert by_category["Discriminatie en racisme"] == "5"
    assert by_category["Fraude of corruptie"] == "5" and by_category["Diefstal"] == "0"
    # The labels come from Senzer's regeling, in its order; unrecorded ones are a row of their own.
    assert list(by_category)[0] == "Fraude of corruptie" and list(by_category)[-1] == "Niet vastgelegd"
    assert cells(rep, "Benadeling") == {"Benadeling gemeld": "5", "Geen benadeling gemeld": "5"}
    assert "Onderwerp (regeling)" in before and "Benadeling gemeld" in before

    clock.set(datetime(2026, 6, 1, 10, tzinfo=timezone.utc))
    assert len(retention.purge_expired(make_session_factory(engine), settings, clock).deleted) == 10
    with db() as s:
        counts = s.scalars(select(RegisterCount)).all()
        assert {(c.category, bool(c.benadeling), c.count) for c in counts} == {
            ("discriminatie_racisme", True, 5), ("fraude_corruptie", False, 5)}
        assert annual_csv(annual_report(use_case(s), "cli", "senzer", 2024)) == before
