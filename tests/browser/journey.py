"""Steps of the melder's journey in a real browser, and the checks the tests share."""
from __future__ import annotations

import re

from sqlalchemy import select

import crypto
from tests.conftest import PASSPHRASE
from whistle.models import Case
from whistle.services.counsellor import case as counsellor
from whistle.services.staff import accounts as staff

CODE = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
UNAUTHORIZED = "De code is onjuist of de sessie is verlopen."


def open_form(page, base: str, org: str = "deventer", *, encrypted_in_browser: bool = True):
    page.goto(f"{base}/o/{org}/melden")
    if encrypted_in_browser:
        page.wait_for_selector("#melding-form[data-encryption=browser]", state="attached")


def fill_melding(page, what: str, *, who: str = "", name: str = "", files=(), send_as_is: bool = False):
    """send_as_is: on the JavaScript path, choose to send every file the browser cannot clean
    of its metadata as it is (static/js/melder-clean.js waits for that choice)."""
    page.fill("#what", what)
    if who:
        page.fill("#who", who)
    if name:
        page.check("input[name=share_identity]")
        page.fill("#name", name)
    if files:
        page.set_input_files("#attachments", files=[
            {"name": n, "mimeType": t, "buffer": b} for n, t, b in files])
        if send_as_is:
            page.wait_for_selector("#clean-report[data-state=done]")
            for radio in page.query_selector_all("#clean-list input[type=radio][value=send]"):
                radio.check()


def receipt_code(page) -> str:
    page.wait_for_selector("p.code:not(:empty)")
    code = page.inner_text("p.code").strip()
    assert CODE.match(code), code
    return code


def log_in_with_code(page, base: str, code: str, org: str = "deventer"):
    page.goto(f"{base}/o/{org}/terug")
    page.wait_for_selector("#login-form[data-encryption=browser]", state="attached")
    page.fill("#code", code)
    page.click("#login-form button[type=submit]")


def visible_protection(page) -> str:
    return page.eval_on_selector_all(
        "[data-protection]:not(html)",
        "els => els.filter(e => !e.hidden).map(e => e.getAttribute('data-protection')).join(',')")


def counsellor_reads(db, use_case, email: str, ref: str | None = None):
    """The case as the counsellor decrypts it in Python, with the attachments' plaintext."""
    with db() as s:
        principal = counsellor_principal(s, email)
        if ref is None:
            [ref] = s.scalars(select(Case.ref)).all()
        opened = counsellor.open_case(use_case(s), principal, ref)
        files = {}
        for a in opened.attachments:
            header, body = counsellor.download(use_case(s), principal, ref, a.id)
            files[header["name"]] = (header, b"".join(body))
        return opened, files


def counsellor_principal(s, email: str) -> staff.StaffPrincipal:
    """The counsellor with their private key unlocked by the passphrase, as after logging in
    (the web's second factor is not what these tests are about)."""
    member, secret = staff.check_passphrase(s, email, PASSPHRASE)
    return staff.StaffPrincipal(member, secret, b"")


def secret_forms(code: str) -> list[bytes]:
    """The code as the melder sees it, as typed, and as it is hashed."""
    normalised = crypto.normalise_code(code).decode()
    return [code.encode(), normalised.encode(), normalised.lower().encode(), code.lower().encode()]


def assert_never_sent(live_server, page, secrets: list[bytes]):
    """Neither the server (every byte of every request) nor the browser's own request log
    saw any of the secrets; and the browser asked nothing of any other origin."""
    assert live_server.log.requests, "nothing was captured"
    for sent in live_server.log.requests:
        wire = sent.body + sent.path.encode() + repr(sent.headers).encode()
        for secret in secrets:
            assert secret not in wire, f"{secret[:20]!r} sent in {sent.method} {sent.path}"
    for request in page.sent:
        assert request.url.startswith(live_server.base + "/"), request.url
        body = request.post_data_buffer or b""
        for secret in secrets:
            assert secret not in body and secret.decode() not in request.url, request.url
