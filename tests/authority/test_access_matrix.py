"""Who may see what: every role against every page and API endpoint that touches a case or a
dossier, with the exact outcome. Roles: the melder of this case, the melder of another case,
a counsellor with and one without access, an authority member entitled to the dossier, one
recused from it (betrokkene), one of another organisation, an admin, and nobody.

Outcomes: `read` (200 and the content is there), `listed` / `unlisted` (a list that does or
does not show the case), `own` (200, but the melder's own case, not this one), `input` (past
every access check, refused for its input: 400), `login` (sent to the staff login), and the
status codes 401, 403, 404. Lists, counts and e-mails obey the same matrix (tests below)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from tests.authority.conftest import email, escalate, in_behandeling, send_dossier, staff_id
from tests.conftest import Browser
from tests.lifecycle.conftest import mail_settings, smtp  # noqa: F401  (fixtures)
from whistle.infra.db import make_session_factory
from whistle.models import Case, CaseKey, DossierKey, Staff
from whistle.reporter_client import FlaskTransport, ReporterClient
from whistle.services.counsellor import sharing as case_access
from whistle.services.counsellor import betrokkenen as concerned
from whistle.services.melder import consent
from whistle.services.melder.case import open_code_session

REPORT = "Bij inkoop worden offertes van een bekende vooraf doorgespeeld."
REDACTED = "Bij inkoop worden offertes van [weggelakt] doorgespeeld."
OTHER_REPORT = "Een heel andere melding, van een andere melder."
FILE = b"offerte-2026-03.txt: bedragen en namen"

MELDER, MELDER_OTHER = "melder", "melder_other"
VP, VP_WITHOUT = "vp", "vp_without"
ENTITLED, RECUSED, OTHER_ORG = "entitled", "recused", "other_org"
ADMIN, NOBODY = "admin", "nobody"
ROLES = (MELDER, MELDER_OTHER, VP, VP_WITHOUT, ENTITLED, RECUSED, OTHER_ORG, ADMIN, NOBODY)
STAFF = {VP: email("vp"), VP_WITHOUT: email("vp2"), ENTITLED: email("burgemeester"),
         RECUSED: email("wethouder"), OTHER_ORG: "directeur@samenwerking.example", ADMIN: email("beheer")}


@dataclass
class Scene:
    ref: str
    dossier: str
    attachment: str
    other_attachment: str
    browsers: dict
    apis: dict


@pytest.fixture
def scene(town, app, db, use_case, as_staff, settings) -> Scene:
    api = ReporterClient(FlaskTransport(app.test_client()), "deventer")
    api.submit({"what": REPORT}, {"name": "Melder Een", "contact": "een@example.org"})
    api.log_in()
    attachment = api.upload("offerte.txt", "text/plain", [FILE], len(FILE))["id"]
    other = ReporterClient(FlaskTransport(app.test_client()), "deventer")
    other.submit({"what": OTHER_REPORT})
    other.log_in()
    other_attachment = other.upload("ander.txt", "text/plain", [b"iets anders"], 11)["id"]
    with db() as s:
        ref = s.scalar(select(Case.ref).join(CaseKey).join(Staff).where(Staff.email == email("vp"))
                       .order_by(Case.id).limit(1))
    in_behandeling(db, use_case, as_staff, ref)
    with db() as s:
        case_access.withdraw(use_case(s), as_staff(s), ref, staff_id(db, "vp2"))
        concerned.mark(use_case(s), as_staff(s), ref, [staff_id(db, "wethouder")])
        consent.set_identity_consent(use_case(s), open_code_session(use_case(s), "deventer", api.code), True)
    dossier, _ = escalate(db, use_case, as_staff, ref, report_what=REDACTED, include_identity="ja")
    browsers = {role: Browser(app.test_client()) for role in ROLES}
    for role, address in STAFF.items():
        assert browsers[role].login_counsellor(address).status_code == 302, role
    assert browsers[MELDER].melder_login("deventer", api.code).status_code == 302
    assert browsers[MELDER_OTHER].melder_login("deventer", other.code).status_code == 302
    apis = {MELDER: api.token, MELDER_OTHER: other.token, NOBODY: None}
    return Scene(ref, dossier, attachment, other_attachment, browsers, apis)


def check(scene: Scene, role: str, response, outcome: str, marker: str | bytes) -> None:
    body = response.get_data()
    marker = marker.encode() if isinstance(marker, str) else marker
    where = f"{role}: {response.request.method} {response.request.path} -> {response.status_code}"
    if outcome in ("read", "listed"):
        assert response.status_code == 200 and marker in body, where
        return
    if outcome == "input":  # allowed, refused for what was sent: the page may show the case again
        assert response.status_code == 400, where
        return
    # Every other answer shows nothing of this case: not its content, not its reference (the
    # login redirect only repeats, in `next`, the address the requester typed).
    assert marker not in body, where
    if outcome != "login":
        assert scene.ref.encode() not in body and scene.dossier.encode() not in body, where
    if outcome in ("unlisted", "own"):
        assert response.status_code == 200, where
    elif outcome == "login":
        assert response.status_code == 302 and "/vp/login" in response.headers["Location"], where
    else:
        assert response.status_code == int(outcome), where


STAFF_ONLY = {MELDER: "login", MELDER_OTHER: "login", NOBODY: "login", ADMIN: "403"}
CASE_PAGE = STAFF_ONLY | {VP: "read", VP_WITHOUT: "404", ENTITLED: "403", RECUSED: "403", OTHER_ORG: "403"}
CASE_POST = CASE_PAGE | {VP: "input"}
DOSSIER_PAGE = STAFF_ONLY | {VP: "403", VP_WITHOUT: "403", ENTITLED: "read", RECUSED: "404", OTHER_ORG: "404"}
DOSSIER_POST = DOSSIER_PAGE | {ENTITLED: "input"}

PAGES = [
    # (method, path template, form data, marker, expected per role)
    ("GET", "/vp/", None, "{ref}", STAFF_ONLY | {VP: "listed", VP_WITHOUT: "unlisted", ENTITLED: "403",
                                                 RECUSED: "403", OTHER_ORG: "403"}),
    ("GET", "/vp/zaak/{ref}", None, REPORT, CASE_PAGE),
    ("GET", "/vp/zaak/{ref}/doorzetten", None, REPORT, CASE_PAGE),
    ("GET", "/vp/zaak/{ref}/bijlage/{attachment}", None, FILE, CASE_PAGE),
    ("POST", "/vp/zaak/{ref}/bericht", {"text": ""}, REPORT, CASE_POST),
    ("POST", "/vp/zaak/{ref}/stap/close", {}, REPORT, CASE_POST),
    ("POST", "/vp/zaak/{ref}/doorzetten", {"include_report": "nee"}, REPORT, CASE_POST),
    ("POST", "/vp/zaak/{ref}/betrokkenen", {"concerned": "nonsense"}, REPORT, CASE_POST),
    ("POST", "/vp/zaak/{ref}/toegang", {"action": "grant", "staff": "nonsense"}, REPORT, CASE_POST),
    ("GET", "/bg/", None, "{dossier}", STAFF_ONLY | {VP: "403", VP_WITHOUT: "403", ENTITLED: "listed",
                                                      RECUSED: "unlisted", OTHER_ORG: "unlisted"}),
    ("GET", "/bg/dossier/{dossier}", None, REDACTED, DOSSIER_PAGE),
    ("POST", "/bg/dossier/{dossier}/besluit", {"decision": "onderzoek", "motivation": ""}, REDACTED, DOSSIER_POST),
]

MELDER_ONLY = {VP: "401", VP_WITHOUT: "401", ENTITLED: "401", RECUSED: "401", OTHER_ORG: "401",
               ADMIN: "401", NOBODY: "401"}
MELDER_PAGES = [
    ("GET", "/melder/zaak", None, REPORT, MELDER_ONLY | {MELDER: "read", MELDER_OTHER: "own"}),
    ("GET", "/melder/bijlage/{attachment}", None, FILE, MELDER_ONLY | {MELDER: "read", MELDER_OTHER: "404"}),
    # The other melder's own case has no identity: their consent is refused for their own case.
    ("POST", "/melder/toestemming", {"consent": "maybe"}, REPORT, MELDER_ONLY | {MELDER: "input", MELDER_OTHER: "input"}),
]


def form_page(role: str) -> str:
    return "/o/deventer/terug" if role in (MELDER, MELDER_OTHER) else "/vp/login"


def request(scene: Scene, role: str, method: str, template: str, data):
    path = template.format(ref=scene.ref, dossier=scene.dossier, attachment=scene.attachment)
    b = scene.browsers[role]
    if method == "GET":
        return b.client.get(path)
    return b.submit(path, data, form_page=form_page(role))


@pytest.mark.parametrize("method, template, data, marker, expected", PAGES + MELDER_PAGES,
                         ids=[f"{m} {t}" for m, t, *_ in PAGES + MELDER_PAGES])
def test_every_role_on_every_page(scene, method, template, data, marker, expected):
    assert set(expected) == set(ROLES), "every role has an expected outcome"
    marker = marker.format(ref=scene.ref, dossier=scene.dossier) if isinstance(marker, str) else marker
    for role in ROLES:
        check(scene, role, request(scene, role, method, template, data), expected[role], marker)


API = [
    ("GET", "/api/v1/reporter/case", None, {MELDER: "read", MELDER_OTHER: "own", NOBODY: "401"}),
    ("GET", "/api/v1/reporter/case/attachments/{attachment}", None, {MELDER: "read", MELDER_OTHER: "404", NOBODY: "401"}),
    ("POST", "/api/v1/reporter/case/consent", {"consent": "ja"}, {MELDER: "input", MELDER_OTHER: "input", NOBODY: "401"}),
    ("POST", "/api/v1/reporter/case/events", {"event": "explode"}, {MELDER: "input", MELDER_OTHER: "input", NOBODY: "401"}),
    ("POST", "/api/v1/reporter/case/messages", {"ciphertext": "AA=="}, {MELDER: "input", MELDER_OTHER: "input", NOBODY: "401"}),
]


@pytest.mark.parametrize("method, template, data, expected", API, ids=[f"{m} {t}" for m, t, *_ in API])
def test_every_bearer_on_every_api_endpoint(scene, app, db, method, template, data, expected):
    with db() as s:
        locator = s.scalar(select(Case.locator).where(Case.ref == scene.ref)).hex()
    client = app.test_client()
    for role, outcome in expected.items():
        token = scene.apis[role]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        r = client.open(template.format(attachment=scene.attachment), method=method, json=data, headers=headers)
        where = f"{role}: {method} {template} -> {r.status_code}"
        body = r.get_data()
        if outcome == "read":
            assert r.status_code == 200, where
            if template == "/api/v1/reporter/case":
                assert any(a["id"] == scene.attachment for a in r.get_json()["attachments"]), where
            continue
        assert scene.attachment.encode() not in body and locator.encode() not in body, where
        expected_status = {"own": 200, "input": 400}.get(outcome) or int(outcome)
        assert r.status_code == expected_status, where
    # Staff cookies open nothing in the melder's API.
    staff_client = scene.browsers[VP].client
    assert staff_client.get("/api/v1/reporter/case").status_code == 401


def test_not_allowed_looks_the_same_as_not_there(scene):
    """A case or dossier one may not see answers exactly as one that does not exist."""
    fake_ref, fake_dossier = "M-0000-0000", secrets.token_hex(16)
    without, recused = scene.browsers[VP_WITHOUT].client, scene.browsers[RECUSED].client
    real, fake = without.get(f"/vp/zaak/{scene.ref}"), without.get(f"/vp/zaak/{fake_ref}")
    assert (real.status_code, real.get_data()) == (fake.status_code, fake.get_data())
    real, fake = recused.get(f"/bg/dossier/{scene.dossier}"), recused.get(f"/bg/dossier/{fake_dossier}")
    assert (real.status_code, real.get_data()) == (fake.status_code, fake.get_data())


def test_no_key_is_ever_wrapped_to_an_admin_or_a_betrokkene(scene, db):
    with db() as s:
        admin, wethouder = staff_id(db, "beheer"), staff_id(db, "wethouder")
        case_holders = set(s.scalars(select(CaseKey.staff_id)))
        dossier_holders = set(s.scalars(select(DossierKey.staff_id)))
    assert admin not in case_holders | dossier_holders
    assert wethouder not in case_holders | dossier_holders
    assert dossier_holders == {staff_id(db, n) for n in ("burgemeester", "loco", "wethouder2")}


def test_reminders_go_only_to_counsellors_holding_the_key(scene, engine, clock, smtp, mail_settings):
    from whistle.services.operations import deadlines_watch
    inbox, _ = smtp
    clock.advance(weeks=7)  # the feedback term has passed
    report = deadlines_watch.watch(make_session_factory(engine), mail_settings, clock)
    reminded = {address for ref, address in report.reminded if ref == scene.ref}
    assert reminded == {email("vp")}
    assert any(scene.ref in text for text in inbox.to(email("vp")))
    for role in (VP_WITHOUT, ENTITLED, RECUSED, OTHER_ORG, ADMIN):
        # vp2 still holds the other melder's case and is reminded of that one only.
        assert [t for t in inbox.to(STAFF[role]) if scene.ref in t] == [], role
        if role != VP_WITHOUT:
            assert inbox.to(STAFF[role]) == [], role
    assert all(REPORT not in text for _r, text in inbox.messages)


def test_dossier_notices_go_only_to_the_entitled(town, world, settings, clock, smtp, mail_settings, engine, as_staff, db, use_case):
    """Sending through the page mails each recipient a notice with only a link; the betrokkene,
    the gemeentesecretaris and the counsellors get nothing."""
    from whistle.web.app import create_app
    inbox, _ = smtp
    app = create_app(mail_settings, clock=clock)
    try:
        b = Browser(app.test_client())
        api = ReporterClient(FlaskTransport(app.test_client()), "deventer")
        api.submit({"what": REPORT})
        with db() as s:
            ref = s.scalar(select(Case.ref))
        in_behandeling(db, use_case, as_staff, ref)
        with db() as s:
            concerned.mark(use_case(s), as_staff(s), ref, [staff_id(db, "burgemeester")])
        assert b.login_counsellor(email("vp")).status_code == 302
        assert send_dossier(b, ref, {"include_report": "ja", "report_what": REDACTED}).status_code == 302
    finally:
        app.extensions["whistle_engine"].dispose()
    mailed = sorted({r for rcpts, _t in inbox.messages for r in rcpts})
    assert mailed == [email("loco")]  # about the burgemeester: the locoburgemeester alone
    text = inbox.to(email("loco"))[0]
    assert "/bg/" in text and ref not in text and REDACTED not in text
