"""The annual figures checked against a hand-built set of cases, including a year whose cases
retention has deleted since: the anonymous counts left behind keep the report on that year
right, and they hold no reference."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from whistle.infra.db import make_session_factory
from whistle.models import Case, RegisterCount
from whistle.services.operations import retention
from whistle.services.register.annual import annual_report, shared_overview
from whistle.services.register.exports import annual_csv

D = date


def add_case(s, org_id: int, received: date, *, kind="vermoeden_misstand", channel="web_js", named=False,
             acknowledged: date | None = None, feedback: date | None = None, extended: date | None = None,
             closed: date | None = None, state="ontvangen", outcome=None, route="intern") -> None:
    k = secrets.token_bytes(32)
    s.add(Case(organisation_id=org_id, ref=f"M-{secrets.token_hex(4)}", locator=secrets.token_bytes(16),
               state=state, received_on=received, acknowledged_on=acknowledged, ack_due=received + timedelta(7),
               feedback_due=received + timedelta(49), feedback_maximum=received + timedelta(98),
               feedback_extended_to=extended, feedback_given_on=feedback, closed_on=closed, category=kind,
               channel=channel, named=named, outcome=outcome, route=route, reporter_box_public=k,
               reporter_sign_public=k, key_commitment=k, reporter_sealed_key=secrets.token_bytes(80)))


def build(world) -> int:
    """2024: 7 meldingen, closed early in 2024 (deleted two years later). 2025: 12 meldingen."""
    world.org("deventer")
    world.org("samenwerking", name="Samenwerking")
    with world.db() as s:
        from whistle.models import Organisation
        org = s.scalar(select(Organisation.id).where(Organisation.slug == "deventer"))
        other = s.scalar(select(Organisation.id).where(Organisation.slug == "samenwerking"))
        for i in range(5):  # acknowledged on day 2, feedback on day 28, investigated
            add_case(s, org, D(2024, 1, 2 + i), named=True, acknowledged=D(2024, 1, 4 + i),
                     feedback=D(2024, 1, 2 + i) + timedelta(28), closed=D(2024, 3, 1), state="afgesloten", outcome="onderzoek",
                     route="bevoegd_gezag")
        for i in range(2):  # withdrawn, never acknowledged
            add_case(s, org, D(2024, 2, 1 + i), channel="web_zonder_js", closed=D(2024, 2, 10),
                     state="ingetrokken", outcome="ingetrokken")
        for i in range(6):  # acknowledged on day 3; feedback late after an extension
            add_case(s, org, D(2025, 3, 1 + i), kind="ongewenst_gedrag", acknowledged=D(2025, 3, 4 + i),
                     extended=D(2025, 5, 1), feedback=D(2025, 6, 1), state="terugkoppeling_gegeven")
        for i in range(6):  # acknowledged late (day 10), still open
            add_case(s, org, D(2025, 4, 1 + i), channel="namens", named=True, acknowledged=D(2025, 4, 11 + i),
                     state="in_behandeling")
        for i in range(3):  # another organisation's: never in Deventer's figures
            add_case(s, other, D(2025, 4, 1 + i))
    return org


def cells(rep, title):
    return {label: str(cell) for label, cell in rep.figures.breakdown(title).rows}


def test_figures_against_hand_built_cases(world, db, use_case):
    build(world)
    with db() as s:
        rep = annual_report(use_case(s), "cli", "deventer", 2025)
    f = rep.figures
    assert str(f.total) == "12" and str(f.previous_total) == "7"
    assert cells(rep, "Soort melding")["Ongewenst gedrag"] == "6"
    assert cells(rep, "Soort melding")["Vermoeden van een misstand"] == "6"
    assert cells(rep, "Kanaal") == {"Web (met JavaScript)": "6", "Web (zonder JavaScript)": "0",
                                    "Namens de melder": "6", "Mondeling": "0", "Onbekend": "0"}
    assert cells(rep, "Met naam of anoniem") == {"Met naam": "6", "Anoniem": "6"}
    assert (str(f.acknowledged.in_time), str(f.acknowledged.late), f.acknowledged.share) == ("6", "6", "50%")
    assert f.acknowledged.median_days == "6.5"  # six of 3 days, six of 10
    assert (str(f.feedback.in_time), str(f.feedback.late), str(f.feedback.counted)) == ("0", "6", "6")
    assert str(f.extensions) == "6"
    assert cells(rep, "Uitkomst")["Nog lopend"] == "12"


def test_a_year_stays_right_after_retention_deleted_its_cases(world, db, use_case, engine, settings, clock):
    build(world)
    with db() as s:
        before = annual_csv(annual_report(use_case(s), "cli", "deventer", 2024))
        rep = annual_report(use_case(s), "cli", "deventer", 2024)
    assert str(rep.figures.total) == "7"
    # 5 investigated and 2 withdrawn of 7: the 5 is hidden with the 2, or 7 - 5 would show it
    assert cells(rep, "Uitkomst")["Onderzocht"] == "< 5" and cells(rep, "Uitkomst")["Ingetrokken"] == "< 5"
    assert cells(rep, "Soort melding")["Vermoeden van een misstand"] == "7"
    assert rep.figures.acknowledged.median_days == "2" and rep.figures.feedback.share == "100%"

    clock.set(datetime(2026, 6, 1, 10, tzinfo=timezone.utc))
    report = retention.purge_expired(make_session_factory(engine), settings, clock)
    assert len(report.deleted) == 7
    with db() as s:
        assert s.scalars(select(Case).where(Case.received_on < D(2025, 1, 1))).all() == []
        counts = s.scalars(select(RegisterCount)).all()
        assert sum(c.count for c in counts) == 7 and len(counts) == 2  # five alike, two alike
        after = annual_csv(annual_report(use_case(s), "cli", "deventer", 2024))
        later = annual_report(use_case(s), "cli", "deventer", 2025)
    assert after == before
    assert str(later.figures.previous_total) == "7"


def test_the_shared_service_overview_adds_up_with_the_same_suppression(world, db, use_case):
    build(world)
    with db() as s:
        both = shared_overview(use_case(s), "cli", ["deventer", "samenwerking"], 2025)
        alone = annual_report(use_case(s), "cli", "samenwerking", 2025)
    assert str(both.figures.total) == "15" and str(alone.figures.total) == "< 5"
    assert cells(both, "Kanaal")["Web (met JavaScript)"] == "9"
    assert both.slugs == ("deventer", "samenwerking")
