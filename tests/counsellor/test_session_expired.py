"""Issue 13, item 5: when the staff session has ended, what was typed is kept in the page and sent
after logging in again in the same flow; nothing of it is stored in plaintext (the fields travel
only in the pages: the login form and the second step carry them as hidden inputs)."""
from __future__ import annotations

import html
import re

from sqlalchemy import func, select, text

from tests.authority.conftest import email, in_behandeling
from tests.conftest import PASSPHRASE
from whistle.models import Dossier, DossierRecord, Record

REPLY = "Dank voor uw geduld; ik heb de inkoopstukken opgevraagd bij de afdeling Financiën."
NOTE = "Toelichting: de offertes van maart wijzen op voorkennis bij de gunning."
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def page(r) -> str:
    return r.get_data(as_text=True)


def fields(r) -> list[tuple[str, str]]:
    return [(n, html.unescape(v)) for n, v in HIDDEN.findall(page(r))]


def post_form(client, path: str, pairs: list[tuple[str, str]]):
    data: dict[str, list[str]] = {}
    for n, v in pairs:
        data.setdefault(n, []).append(v)
    return client.post(path, data=data)


def expire(browser, settings) -> None:
    browser.app.extensions["whistle"].clock.advance(minutes=settings.staff_session_minutes + 1)


def log_in_again(browser, client, expired_answer, who="vp"):
    """Passphrase and second factor on the pages the ended session answered with."""
    assert expired_answer.status_code == 401 and 'id="kept-notice"' in page(expired_answer)
    step = fields(expired_answer) + [("email", email(who)), ("passphrase", PASSPHRASE)]
    second = post_form(client, "/vp/login", step)
    assert second.status_code == 200 and 'id="kept-notice"' in page(second), page(second)
    return post_form(client, "/vp/login/tweede-stap", fields(second) + [("code", browser.totp_code(email(who)))])


def no_plaintext_anywhere(db, needle: str) -> None:
    """Not in any column of any table (the whole database, as text and as bytes)."""
    with db() as s:
        tables = [t for t in s.bind.dialect.get_table_names(s.connection()) if t != "alembic_version"]
        for table in tables:
            for row in s.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        assert needle.encode() not in bytes(value), table
                    elif isinstance(value, str):
                        assert needle not in value, table


def test_a_reply_typed_as_the_session_ends_is_sent_after_logging_in_again(
        melding, browser, client, db, settings):
    assert browser.login_counsellor(email("vp")).status_code == 302
    case_page = f"/vp/zaak/{melding.ref}"
    csrf = browser.csrf(case_page)  # the page as it was loaded, before the coffee break
    expire(browser, settings)
    expired = client.post(f"{case_page}/bericht", data={"csrf_token": csrf, "text": REPLY})
    assert expired.status_code == 401
    assert "Uw sessie is verlopen" in page(expired)
    assert ("bewaard-text", REPLY) in fields(expired)
    with db() as s:
        assert s.scalar(select(func.count(Record.id)).where(Record.kind == "message")) == 0
    no_plaintext_anywhere(db, "inkoopstukken")

    done = log_in_again(browser, client, expired)
    assert done.status_code == 302 and "klaar=bericht_verstuurd" in done.headers["Location"], page(done)
    shown = page(client.get(done.headers["Location"]))
    assert "Bericht verstuurd aan de melder." in shown and html.escape(REPLY, quote=True) in shown
    no_plaintext_anywhere(db, "inkoopstukken")
    client.delete_cookie("whistle")
    browser.melder_login("deventer", melding.code)
    assert "inkoopstukken" in page(client.get("/melder/zaak"))


def test_a_dossier_typed_as_the_session_ends_reaches_the_preview_after_logging_in(
        melding, browser, client, db, use_case, as_staff, settings):
    in_behandeling(db, use_case, as_staff, melding.ref)
    assert browser.login_counsellor(email("vp")).status_code == 302
    compose = f"/vp/zaak/{melding.ref}/doorzetten"
    csrf = browser.csrf(compose)
    expire(browser, settings)
    expired = client.post(compose, data={"csrf_token": csrf, "action": "voorbeeld", "include_report": "ja",
                                         "report_what": "Een [weggelakt] gunt opdrachten.", "note": NOTE})
    no_plaintext_anywhere(db, "voorkennis")
    preview = log_in_again(browser, client, expired)
    assert preview.status_code == 200 and 'id="confirm-send"' in page(preview)
    assert html.escape(NOTE, quote=True) in page(preview)
    # The confirmation from the preview sends it, as the member now logged in.
    sent = post_form(client, f"{compose}/versturen",
                     [p for p in fields(preview) if p[0] != "action"] + [("action", "versturen")])
    assert sent.status_code == 302 and "klaar=dossier_verstuurd" in sent.headers["Location"]
    with db() as s:
        assert s.scalar(select(func.count(Dossier.id))) == 1
        assert all(b"voorkennis" not in r for r in s.scalars(select(DossierRecord.ciphertext)))
    no_plaintext_anywhere(db, "voorkennis")


def test_the_kept_form_is_csrf_checked_and_goes_nowhere_but_the_workbench(melding, browser, client, settings):
    assert browser.login_counsellor(email("vp")).status_code == 302
    case_page = f"/vp/zaak/{melding.ref}"
    expire(browser, settings)
    # Without the page's CSRF token nothing is kept: refused as any forged form.
    forged = client.post(f"{case_page}/bericht", data={"text": REPLY})
    assert forged.status_code == 400 and "bewaard-text" not in page(forged)
    # A login form that names another target (the beheerder's pages, another site) replays nothing.
    login_csrf = browser.csrf("/vp/login")
    for target in ("/beheer/", "//evil.example/vp/zaak/x/bericht", "/vp/logout"):
        r = client.post("/vp/login", data={"csrf_token": login_csrf, "email": email("vp"),
                                           "passphrase": PASSPHRASE, "verder_naar": target,
                                           "bewaard-text": REPLY})
        assert r.status_code == 302  # the ordinary next step, nothing carried on
        client.delete_cookie("whistle")
        login_csrf = browser.csrf("/vp/login")
