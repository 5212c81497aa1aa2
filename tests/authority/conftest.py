"""Fixtures for the hand-over to the bevoegd gezag: Deventer with two counsellors and a college
(burgemeester, locoburgemeester, two wethouders), a gemeentesecretaris who receives nothing, an
admin; Samenwerking with its own counsellor and directeur-bestuurder; a melding with the
melder's identity sent through the no-JavaScript form, so the test holds the receipt code."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from tests.conftest import PASSPHRASE, code_from_receipt
from tests.next_due_watch import next_due_watch  # noqa: F401 (fixture)
from whistle.models import Case, Staff
from whistle.services.staff import accounts as staff
from whistle.services.lifecycle import transition
from whistle.services.staff.accounts import StaffPrincipal

REPORT_TEXT = "De wethouder van financiën gunt opdrachten aan het bedrijf van zijn zwager"
MELDER_NAME = "Jannie Melder"

DEVENTER = {
    "vp": ("counsellor", None),
    "vp2": ("counsellor", None),
    "burgemeester": ("authority", "burgemeester"),
    "loco": ("authority", "locoburgemeester"),
    "wethouder": ("authority", "wethouder"),
    "wethouder2": ("authority", "wethouder"),
    "secretaris": ("authority", "gemeentesecretaris"),
    "beheer": ("admin", None),
}


def email(name: str, org: str = "deventer") -> str:
    return f"{name}@{org}.example"


@dataclass
class Melding:
    ref: str
    code: str


def make_staff(world, org: str, name: str, role: str, function: str | None):
    """A member with an office, through the same service the CLI uses."""
    return world.staff(org=org, role=role, email=email(name, org), name=name.capitalize(), function=function)


@pytest.fixture
def town(world):
    world.org("deventer")
    for name, (role, function) in DEVENTER.items():
        make_staff(world, "deventer", name, role, function)
    world.org("samenwerking", name="Samenwerking")
    make_staff(world, "samenwerking", "vp", "counsellor", None)
    make_staff(world, "samenwerking", "directeur", "authority", "directeur-bestuurder")
    return world


def send_melding(browser, org: str = "deventer", identity: bool = True, what: str = REPORT_TEXT) -> str:
    data = {"what": what, "where": "Stadhuis"}
    if identity:
        data |= {"share_identity": "ja", "name": MELDER_NAME, "contact": "jannie@example.org"}
    page = browser.submit(f"/o/{org}/melden", data)
    assert page.status_code == 200, page.get_data(as_text=True)
    return code_from_receipt(page.get_data(as_text=True))


@pytest.fixture
def melding(town, browser, db) -> Melding:
    code = send_melding(browser)
    with db() as s:
        ref = s.scalars(select(Case.ref)).one()
    return Melding(ref, code)


@pytest.fixture(autouse=True)
def cheaper_login_hash(monkeypatch):
    """The login check's argon2-cffi hash at its lowest cost, as the settings fixture does for
    the key derivation: these tests make a dozen accounts each on a shared two-core machine."""
    monkeypatch.setattr(staff, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def as_staff():
    """as_staff(session, name_or_email) -> a StaffPrincipal with the private key unlocked (the
    passphrase is checked once per member and test; later calls reuse the unlocked key)."""
    unlocked: dict[str, bytes] = {}

    def principal(session, who: str = "vp") -> StaffPrincipal:
        address = who if "@" in who else email(who)
        member = session.scalar(select(Staff).where(Staff.email == address))
        if address not in unlocked or member.public_key != unlocked[address][0]:
            member, secret = staff.check_passphrase(session, address, PASSPHRASE)
            unlocked[address] = (member.public_key, secret)
        return StaffPrincipal(member, unlocked[address][1], b"")
    return principal


def staff_id(db, who: str) -> int:
    with db() as s:
        return s.scalar(select(Staff.id).where(Staff.email == (who if "@" in who else email(who))))


def in_behandeling(db, use_case, as_staff, ref: str, who: str = "vp") -> None:
    """Acknowledge and triage as meldingswaardig: ready to escalate."""
    with db() as s:
        transition(use_case(s), ref, "acknowledge", as_staff(s, who))
        transition(use_case(s), ref, "triage", as_staff(s, who), kind="vermoeden_misstand", meldingswaardig=True)


def escalate(db, use_case, as_staff, ref: str, who: str = "vp", **form):
    """Send a dossier with `form` (defaults: the report as is, with a redaction)."""
    from whistle.services.counsellor import escalation
    form = {"include_report": "ja", "report_what": "De [weggelakt] gunt opdrachten aan een bekende.",
            "note": "Eerste beoordeling: meldingswaardig."} | form
    with db() as s:
        dossier, recipients = escalation.escalate(use_case(s), as_staff(s, who), ref, form)
        return dossier.locator.hex(), sorted(m.email for m in recipients)


def melder(uc, code: str, org: str = "deventer"):
    """The melder's context as the no-JavaScript path opens it from the typed code."""
    from whistle.services.melder import case as reporter
    return reporter.open_code_session(uc, org, code)


@pytest.fixture(autouse=True)
def _next_due_kept(request):
    """Every test here checks cases.next_due after each flush and at its end (tests/next_due_watch.py)."""
    if "engine" in request.fixturenames:
        request.getfixturevalue("next_due_watch")


_HIDDEN = __import__("re").compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def send_dossier(browser, ref: str, data: dict):
    """Compose, look at the preview, and confirm it as a counsellor does: the preview page's
    hidden fields (what was typed, the recipients shown) go to the confirmation as they are.
    Returns the confirmation's answer (the preview's when it was refused)."""
    import html
    compose = f"/vp/zaak/{ref}/doorzetten"
    preview = browser.submit(compose, {"action": "voorbeeld", **data}, form_page=compose)
    if preview.status_code != 200:
        return preview
    text = preview.get_data(as_text=True)
    form = text[text.index('class="confirm-send"'):]
    fields: dict[str, list[str]] = {}
    for name, value in _HIDDEN.findall(form):
        fields.setdefault(name, []).append(html.unescape(value))
    fields["action"] = ["versturen"]
    return browser.client.post(f"{compose}/versturen", data=fields)
