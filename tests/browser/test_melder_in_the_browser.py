"""Issue 5: with JavaScript on, nothing readable leaves the melder's device. Proven in headless
Chromium against a live server with its real database; the counsellor decrypts in Python."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

import crypto
from tests.browser.journey import (
    UNAUTHORIZED, assert_never_sent, counsellor_principal, counsellor_reads, fill_melding, log_in_with_code, open_form,
    receipt_code, secret_forms, visible_protection,
)
from whistle.models import Attachment, Case
from whistle.reporter_client import HttpTransport, ReporterClient
from whistle.services import lifecycle
from whistle.services.counsellor import case as counsellor

pytestmark = pytest.mark.browser

VP = "vp@deventer.example"


@pytest.fixture
def deventer(world):
    world.org("deventer")
    return world.staff("deventer", email=VP, name="Mr. J. de Boer")


def test_a_melding_with_an_attachment_is_encrypted_in_the_browser_and_read_by_the_counsellor(
        deventer, live_server, page, db, settings, use_case):
    open_form(page, live_server.base)
    assert visible_protection(page) == "browser"
    # Who can read it, with the fingerprint the organisation also publishes elsewhere.
    assert page.inner_text("#recipients").count("Mr. J. de Boer") == 1
    assert crypto.fingerprint(deventer.public_key) in page.inner_text("#recipients")

    what, who, name = "BROWSERWHAT fraude bij inkoop", "BROWSERWHO afdeling", "BROWSERNAME Jansen"
    content = b"BROWSERFILE " * 12000  # two secretstream chunks and a bit
    fill_melding(page, what, who=who, name=name, files=[("bewijs.pdf", "application/pdf", content)],
                 send_as_is=True)
    page.click("#melding-form button[type=submit]")
    code = receipt_code(page)
    page.wait_for_selector("[data-slot=uploads][data-state=done]")
    assert "Uw melding is ontvangen" in page.inner_text("main")

    opened, files = counsellor_reads(db, use_case, VP)
    assert opened.report == {"what": what, "who": who}
    assert opened.identity == {"name": name}
    header, plain = files["bewijs.pdf"]
    assert plain == content and header["type"] == "application/pdf" and header["size"] == len(content)

    assert live_server.log.to("/api/v1/orgs/deventer/reports", "POST")
    assert not live_server.log.to("/o/deventer/melden", "POST")  # the server path was not used
    assert_never_sent(live_server, page, [b"BROWSERWHAT", b"BROWSERWHO", b"BROWSERNAME", b"BROWSERFILE",
                                          b"bewijs.pdf", *secret_forms(code)])


def test_a_reply_written_in_python_is_read_in_the_browser_and_answered_there(
        deventer, live_server, page, db, use_case, settings, clock):
    melder = ReporterClient(HttpTransport(live_server.base), "deventer")
    melder.submit({"what": "Melding via de API"})
    melder.log_in()
    melder.upload("eigen.txt", "text/plain", [b"EIGENBESTAND " * 50], 13 * 50)
    with db() as s:
        principal = counsellor_principal(s, VP)
        ref = s.scalar(select(Case.ref))
        counsellor.reply(use_case(s), principal, ref, "Dank voor uw melding; <b>kunt</b> u meer vertellen?")
        lifecycle.transition(use_case(s), ref, "acknowledge", principal)

    log_in_with_code(page, live_server.base, melder.code)
    page.wait_for_selector("#js-case")
    assert page.inner_text("[data-slot=report]") == "Melding via de API"
    # Shown as text, never as markup.
    assert "Dank voor uw melding; <b>kunt</b> u meer vertellen?" in page.inner_text("[data-slot=messages]")
    assert page.locator("[data-slot=messages] b").count() == 0
    assert page.inner_text("[data-slot=state]") == "Ontvangst bevestigd"
    assert page.inner_text("[data-slot=ack_due]") == "bevestigd op " + clock.today().strftime("%d-%m-%Y")

    page.fill("#js-text", "BROWSERREPLY ja, het gaat om drie facturen")
    page.click("[data-slot=message-form] button")
    page.wait_for_selector("text=BROWSERREPLY ja")
    opened, _ = counsellor_reads(db, use_case, VP, ref)
    assert [m.body["text"] for m in opened.messages][-1] == "BROWSERREPLY ja, het gaat om drie facturen"

    # The melder's own attachment, decrypted in the browser.
    with page.expect_download() as download:
        page.click("[data-slot=attachments] button")
    assert download.value.suggested_filename == "eigen.txt"
    assert open(download.value.path(), "rb").read() == b"EIGENBESTAND " * 50
    assert_never_sent(live_server, page, [b"BROWSERREPLY", *secret_forms(melder.code)])


def test_the_same_journey_without_javascript_goes_through_the_server_path(
        deventer, live_server, page_without_js, db, settings, use_case):
    page = page_without_js
    open_form(page, live_server.base, encrypted_in_browser=False)
    assert visible_protection(page) == "server"
    content = b"NOJSFILE " * 1000
    fill_melding(page, "NOJS melding zonder JavaScript", files=[("nojs.txt", "text/plain", content)])
    page.click("#melding-form button[type=submit]")
    code = receipt_code(page)
    assert live_server.log.to("/o/deventer/melden", "POST")

    with db() as s:
        principal = counsellor_principal(s, VP)
        ref = s.scalar(select(Case.ref))
        counsellor.reply(use_case(s), principal, ref, "Antwoord voor de melder zonder JavaScript")
    opened, files = counsellor_reads(db, use_case, VP, ref)
    assert opened.report["what"] == "NOJS melding zonder JavaScript" and files["nojs.txt"][1] == content

    page.goto(f"{live_server.base}/o/deventer/terug")
    page.fill("#code", code)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/melder/zaak")
    assert "Antwoord voor de melder zonder JavaScript" in page.inner_text("main")


def test_a_wrong_code_and_an_unknown_code_get_the_same_answer(deventer, live_server, page):
    melder = ReporterClient(HttpTransport(live_server.base), "deventer")
    melder.submit({"what": "bestaat"})
    answers = []
    for typed in ("niet-eens-een-code", crypto.new_receipt_code(), melder.code[:-1] + ("0" if melder.code[-1] != "0" else "1")):
        log_in_with_code(page, live_server.base, typed)
        page.wait_for_selector("#login-error:not([hidden])")
        answers.append(page.inner_text("#login-error"))
    assert answers == [UNAUTHORIZED] * 3
    assert page.locator("#js-case").count() == 0


def test_a_changed_recipient_list_is_shown_before_anything_is_sent(
        deventer, world, live_server, page, db, settings, use_case):
    open_form(page, live_server.base)
    second = world.staff("deventer", email="vp2@deventer.example", name="Mw. A. Smit")
    fill_melding(page, "Melding na een nieuwe vertrouwenspersoon")
    page.click("#melding-form button[type=submit]")
    page.wait_for_selector("#recipients-changed:not([hidden])")
    assert crypto.fingerprint(second.public_key) in page.inner_text("#recipients")
    assert not live_server.log.to("/reports", "POST")  # nothing was sent
    with db() as s:
        assert s.scalar(select(func.count(Case.id))) == 0

    page.click("#melding-form button[type=submit]")
    receipt_code(page)
    for email in (VP, "vp2@deventer.example"):
        opened, _ = counsellor_reads(db, use_case, email)
        assert opened.report["what"] == "Melding na een nieuwe vertrouwenspersoon"


def test_a_409_from_the_server_refreshes_the_list_and_stores_nothing(
        deventer, world, live_server, page, db, settings, use_case):
    open_form(page, live_server.base)
    stale = page.evaluate("fetch('/api/v1/orgs/deventer/intake').then(r => r.text())")
    second = world.staff("deventer", email="vp2@deventer.example", name="Mw. A. Smit")
    # The list changes between the last check and the POST: the server answers 409.
    page.route("**/api/v1/orgs/deventer/intake",
               lambda route: route.fulfill(status=200, content_type="application/json", body=stale))
    fill_melding(page, "Melding tijdens een wisseling")
    page.click("#melding-form button[type=submit]")
    page.wait_for_selector("#recipients-changed:not([hidden])")
    assert crypto.fingerprint(second.public_key) in page.inner_text("#recipients")
    assert [r.path for r in live_server.log.to("/reports", "POST")] == ["/api/v1/orgs/deventer/reports"]
    with db() as s:
        assert s.scalar(select(func.count(Case.id))) == 0

    page.unroute("**/api/v1/orgs/deventer/intake")
    page.click("#melding-form button[type=submit]")
    receipt_code(page)
    opened, _ = counsellor_reads(db, use_case, "vp2@deventer.example")
    assert opened.report["what"] == "Melding tijdens een wisseling"


def test_an_interrupted_upload_is_retried_without_leaving_half_an_attachment(
        deventer, live_server, page, db, settings, use_case):
    failures = []

    def cut_the_first(route):
        if not failures:
            failures.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/reporter/case/attachments", cut_the_first)
    open_form(page, live_server.base)
    content = b"RETRYFILE " * 20000
    fill_melding(page, "Melding met een onderbroken upload", files=[("retry.bin", "application/octet-stream", content)],
                 send_as_is=True)
    page.click("#melding-form button[type=submit]")
    receipt_code(page)  # the code is shown as soon as the melding is stored
    page.wait_for_selector("li.upload[data-state=failed] button:not([hidden])")
    with db() as s:
        assert s.scalar(select(func.count(Attachment.id))) == 0
    page.click("li.upload button")
    page.wait_for_selector("li.upload[data-state=done]")
    _, files = counsellor_reads(db, use_case, VP)
    assert files["retry.bin"][1] == content
    incoming = settings.attachments_dir / ".incoming"
    assert not incoming.exists() or not any(incoming.iterdir())
    assert len([p for p in settings.attachments_dir.iterdir() if p.is_file()]) == 1


def test_without_webassembly_the_page_uses_the_server_path_and_says_so(
        deventer, live_server, chromium, db, settings, use_case):
    context = chromium.new_context()
    context.add_init_script("delete window.WebAssembly;")
    page = context.new_page()
    page.sent = []
    page.on("request", lambda r: page.sent.append(r))
    try:
        open_form(page, live_server.base, encrypted_in_browser=False)
        page.wait_for_function("document.documentElement.getAttribute('data-protection') === 'server-no-wasm'")
        assert visible_protection(page) == "server-no-wasm"
        assert "WebAssembly" in page.inner_text(".protection")
        assert not [r for r in page.sent if "libsodium" in r.url]  # not even loaded
        fill_melding(page, "Melding zonder WebAssembly")
        page.click("#melding-form button[type=submit]")
        receipt_code(page)
        assert live_server.log.to("/o/deventer/melden", "POST")
        opened, _ = counsellor_reads(db, use_case, VP)
        assert opened.report["what"] == "Melding zonder WebAssembly"
    finally:
        context.close()


def test_a_case_key_that_does_not_match_its_commitment_is_refused_in_the_browser(
        deventer, live_server, page, db):
    melder = ReporterClient(HttpTransport(live_server.base), "deventer")
    melder.submit({"what": "GEHEIM mag niet open"})
    with db() as s:
        case = s.scalar(select(Case))
        case.key_commitment = bytes(32)
    log_in_with_code(page, live_server.base, melder.code)
    page.wait_for_selector("#login-error:not([hidden])")
    assert "controlewaarde" in page.inner_text("#login-error")
    assert page.locator("#js-case").count() == 0 and "GEHEIM" not in page.content()
