"""Fixtures for the lifecycle tests: an organisation with two counsellors, a melding sent
through the no-JavaScript form (so the test knows the receipt code), staff principals for
calling the services, and a real SMTP server (aiosmtpd) on loopback."""
from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from tests.conftest import PASSPHRASE, code_from_receipt
from tests.next_due_watch import next_due_watch  # noqa: F401 (fixture)
from whistle.models import AuditEvent, Case
from whistle.services.staff import accounts as staff
from whistle.services.staff.accounts import StaffPrincipal
from whistle.settings import MailSettings

REPORT_TEXT = "Het hoofd inkoop gunt opdrachten aan het bedrijf van zijn zwager"
MELDER_NAME = "Jannie Melder"


@dataclass
class Melding:
    ref: str
    code: str


@pytest.fixture
def deventer(world):
    world.org("deventer")
    world.staff(email="vp@deventer.example")
    world.staff(email="vp2@deventer.example")
    return world


@pytest.fixture
def melding(deventer, browser, db) -> Melding:
    page = browser.submit("/o/deventer/melden", {
        "what": REPORT_TEXT, "where": "Stadhuis", "category": "schending_regels_beleid",
        "share_identity": "ja", "name": MELDER_NAME, "contact": "jannie@example.org"})
    assert page.status_code == 200, page.get_data(as_text=True)
    code = code_from_receipt(page.get_data(as_text=True))
    with db() as s:
        ref = s.scalars(select(Case.ref)).one()
    return Melding(ref, code)


@pytest.fixture
def as_staff():
    """as_staff(session, email) -> a StaffPrincipal with the private key unlocked."""
    def principal(session, email: str = "vp@deventer.example") -> StaffPrincipal:
        member, secret = staff.check_passphrase(session, email, PASSPHRASE)
        return StaffPrincipal(member, secret, b"")
    return principal


def case_row(db, ref: str) -> Case:
    with db() as s:
        case = s.scalars(select(Case).where(Case.ref == ref)).one()
        s.expunge(case)
        return case


def audit_events(db, ref: str | None = None) -> list[tuple[str, str]]:
    """(event, details) of the audit trail, oldest first."""
    with db() as s:
        q = select(AuditEvent.event, AuditEvent.details).order_by(AuditEvent.chain, AuditEvent.seq)
        if ref:
            q = q.where(AuditEvent.case_ref == ref)
        return [tuple(r) for r in s.execute(q)]


def audit_count(db) -> int:
    with db() as s:
        return s.scalar(select(func.count(AuditEvent.id)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """What the SMTP server received: (recipients, raw message text)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = "".join(f"{k}: {v}\n" for k, v in msg.items()) + "\n" + msg.get_content()
        self.messages.append((list(envelope.rcpt_tos), text))
        return "250 OK"

    def to(self, address: str) -> list[str]:
        return [text for rcpts, text in self.messages if address in rcpts]


@pytest.fixture
def smtp():
    """A real SMTP server on 127.0.0.1 at a free port; yields (Inbox, MailSettings)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, MailSettings(host="127.0.0.1", port=port, sender="whistle@deventer.example")
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(settings, smtp):
    """The test settings with mail going to the loopback SMTP server."""
    return settings.with_(mail=smtp[1], base_url="https://meldpunt.deventer.example")


@pytest.fixture(autouse=True)
def _next_due_kept(request):
    """Every lifecycle test checks cases.next_due after each flush and at its end (tests/next_due_watch.py);
    tests without a database are left alone."""
    if "engine" in request.fixturenames:
        request.getfixturevalue("next_due_watch")
