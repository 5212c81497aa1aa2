"""Hostile input at scale (issue 6.9): Hypothesis drives every form and every v1 API endpoint
through the real app and a real database, and after every request checks that nothing answered
5xx and nothing was half stored.

Profiles: "ci" (default, a few dozen examples per test, part of the normal suite) and "scale"
(WHISTLE_FUZZ_PROFILE=scale, over 10,000 requests in all; see tools/fuzz.sh)."""
from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from whistle.models import Attachment, AuditEvent, Case
from whistle.reporter_client import FlaskTransport, ReporterClient
from tests.conftest import Browser, code_from_receipt
from tests.metadata import samples

from tests.fuzz.profiles import PROFILE

REQUESTS = {"count": 0, "by_status": {}}


@pytest.fixture
def settings(settings):
    """The abuse limits would answer 429 to nearly everything after a few dozen requests and
    hide the code behind them: fuzzing goes past them (the limits have their own tests)."""
    many = 10**9
    return settings.with_(melder_failures_per_client=many, melder_failures_global=many,
                          challenges_per_client=many, staff_failures_per_account=many,
                          intake_cases_per_hour=many, intake_bytes_per_hour=2**62)


class CountingClient:
    """A test client whose every answer is counted and checked: never 5xx."""

    def __init__(self, client) -> None:
        self.client = client
        self.application = client.application

    def open(self, *args, **kwargs):
        response = self.client.open(*args, **kwargs)
        REQUESTS["count"] += 1
        REQUESTS["by_status"][response.status_code] = REQUESTS["by_status"].get(response.status_code, 0) + 1
        assert response.status_code < 500, (
            f"{response.status_code} for {args} {sorted(kwargs)}: {response.get_data(as_text=True)[:500]}")
        return response

    def get(self, *args, **kwargs):
        return self.open(*args, method="GET", **kwargs)

    def post(self, *args, **kwargs):
        return self.open(*args, method="POST", **kwargs)

    def get_cookie(self, *args, **kwargs):
        return self.client.get_cookie(*args, **kwargs)


@dataclass
class Arena:
    """One organisation with a counsellor, a case made on the form (with a code and an
    attachment), a melder logged in on the pages and one on the API, a counsellor logged in."""
    anon: CountingClient
    melder: CountingClient
    staff: CountingClient
    db: object
    settings: object
    code: str = ""
    ref: str = ""
    attachment_id: str = ""
    token: str = ""
    csrf: dict = field(default_factory=dict)

    def check(self) -> None:
        assert_consistent(self.db, self.settings)

    def staff_login(self) -> None:
        """Only the tests that need it pay for a staff login (Argon2 and the second factor)."""
        if "staff" not in self.csrf:
            assert Browser(self.staff).login_counsellor("vp@deventer.example").status_code == 302
            self.csrf["staff"] = _csrf(self.staff, f"/vp/zaak/{self.ref}")


def _csrf(client: CountingClient, path: str) -> str:
    return Browser.CSRF.search(client.get(path).get_data(as_text=True)).group(1)


@pytest.fixture
def arena(app, world, db, settings) -> Arena:
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    a = Arena(CountingClient(app.test_client()), CountingClient(app.test_client()),
              CountingClient(app.test_client()), db, settings)
    anon = Browser(a.anon)
    page = anon.submit("/o/deventer/melden", {
        "what": "Fraude met declaraties.", "attachments": [(io.BytesIO(samples.jpeg_with_gps()), "foto.jpg")]},
        content_type="multipart/form-data")
    a.code = code_from_receipt(page.get_data(as_text=True))
    assert Browser(a.melder).melder_login("deventer", a.code).status_code == 302
    with db() as s:
        a.ref = s.scalar(select(Case.ref))
        a.attachment_id = s.scalar(select(Attachment.id))
    api = ReporterClient(FlaskTransport(app.test_client()), "deventer")
    api.log_in(a.code)
    a.token = api.token
    a.csrf = {"anon": _csrf(a.anon, "/o/deventer/melden"), "melder": _csrf(a.melder, "/melder/zaak")}
    a.check()
    return a


def assert_consistent(db, settings) -> None:
    """No half-stored case: every case has its report, its keys and its audit event; no row
    points at a missing case; every attachment row has its body and every body its row; no
    upload is left half-written."""
    with db() as s:
        half = s.execute(text(
            "SELECT count(*) FROM cases c WHERE "
            "NOT EXISTS (SELECT 1 FROM records r WHERE r.case_id = c.id AND r.kind = 'report') "
            "OR NOT EXISTS (SELECT 1 FROM case_keys k WHERE k.case_id = c.id)")).scalar()
        assert half == 0, f"{half} half-stored case(s)"
        for table in ("records", "case_keys", "attachments"):
            orphans = s.execute(text(
                f"SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = t.case_id)"  # nosec B608  # fixed table names
            )).scalar()
            assert orphans == 0, f"{orphans} {table} without a case"
        cases = s.scalar(select(func.count()).select_from(Case))
        received = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.event == "case_received"))
        assert cases == received, f"{cases} cases but {received} case_received audit events"
        rows = set(s.scalars(select(Attachment.id)))
    root = settings.attachments_dir
    bodies = {p.name for p in root.iterdir() if p.is_file()}
    assert bodies == rows, f"bodies without rows: {bodies - rows}; rows without bodies: {rows - bodies}"
    incoming = root / ".incoming"
    leftovers = list(incoming.iterdir()) if incoming.exists() else []
    assert not leftovers, f"half uploads left: {leftovers}"


def pytest_terminal_summary(terminalreporter):
    if REQUESTS["count"]:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(REQUESTS["by_status"].items()))
        terminalreporter.write_line(
            f"fuzz ({PROFILE}): {REQUESTS['count']} requests, answers by status {{{statuses}}}")
        out = os.environ.get("WHISTLE_FUZZ_REPORT")
        if out:
            Path(out).write_text(f"{REQUESTS['count']}\n{statuses}\n")
