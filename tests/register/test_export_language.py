"""Issue 16.1: an exported document is in the language of the page that asked for it. With
English among the staff's languages (a configuration tuple, monkeypatched here) the annual
report's PDF and CSV asked for with ?taal=en carry English headings and labels; asked for
without a choice they are Dutch, as before. The login with ?taal=en also sets the member's
mail language."""
from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.authority.conftest import (  # noqa: F401  (fixtures)
    as_staff, cheaper_login_hash, email, make_staff, melder, send_melding, town,
)
from whistle.models import Staff
from whistle.web import i18n


@pytest.fixture
def english_for_staff(monkeypatch):
    monkeypatch.setattr(i18n, "STAFF_LANGUAGES", ("nl", "en"))


def pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def language_of(db, who: str) -> str:
    with db() as s:
        return s.scalar(select(Staff.language).where(Staff.email == who))


def test_the_annual_report_in_english_and_in_dutch(town, browser, db, english_for_staff):
    send_melding(browser, org="samenwerking")
    year = browser.now().year
    vp = email("vp", "samenwerking")
    browser.login_counsellor(vp)
    english = pdf_text(browser.client.get(f"/jaarverslag/{year}.pdf?taal=en").data)
    assert f"Annual report on reports {year}" in english and f"Reports in {year}: < 5" in english
    assert "Receipt acknowledged within 7 days" in english and "Kind of report" in english
    assert "page 1" in english and "made by" in english
    assert "Jaarverslag" not in english and "Meldingen in" not in english and "pagina" not in english
    dutch = pdf_text(browser.client.get(f"/jaarverslag/{year}.pdf").data)
    assert f"Jaarverslag meldingen {year}" in dutch and f"Meldingen in {year}: < 5" in dutch
    assert "Soort melding" in dutch and "pagina 1" in dutch and "Annual report" not in dutch

    rows = list(csv.reader(io.StringIO(browser.client.get(f"/jaarverslag/{year}.csv?taal=en")
                                       .get_data(as_text=True))))
    assert rows[0] == ["indicator", "value", str(year), str(year - 1)]
    assert rows[1][:2] == ["reports", "total"] and rows[1][2] == "< 5"
    assert any(r[0] == "Channel" and r[1] == "Web (without JavaScript)" for r in rows)
    assert ["feedback", "term extended"] == rows[-1][:2]
    rows = list(csv.reader(io.StringIO(browser.client.get(f"/jaarverslag/{year}.csv").get_data(as_text=True))))
    assert rows[0] == ["indicator", "waarde", str(year), str(year - 1)] and rows[1][:2] == ["meldingen", "totaal"]
    assert any(r[0] == "Kanaal" and r[1] == "Web (zonder JavaScript)" for r in rows)


def test_a_language_the_staff_pages_do_not_have_gives_the_dutch_report(town, browser):
    """The staff's pages speak Dutch and English; asked for in Polish (a melder's language), the
    report comes in Dutch."""
    send_melding(browser, org="samenwerking")
    year = browser.now().year
    browser.login_counsellor(email("vp", "samenwerking"))
    text = pdf_text(browser.client.get(f"/jaarverslag/{year}.pdf?taal=pl").data)
    assert "Jaarverslag meldingen" in text and "Annual report" not in text


def test_a_login_with_taal_en_sets_the_mail_language_and_a_dutch_login_sets_it_back(
        town, browser, db, english_for_staff):
    vp = email("vp", "samenwerking")
    assert language_of(db, vp) == "nl"
    r = browser.submit("/vp/login?taal=en", {"email": vp, "passphrase": "wrong"}, form_page="/vp/login?taal=en")
    assert r.status_code == 401 and language_of(db, vp) == "nl"  # a failed login changes nothing
    browser.client.get("/")
    _login(browser, vp, "en")
    assert language_of(db, vp) == "en"
    browser.submit("/vp/logout", {}, form_page="/vp/wachtwoordzin")
    _login(browser, vp, None)
    assert language_of(db, vp) == "nl"


def test_a_language_the_staff_pages_do_not_offer_is_not_kept(town, browser, db, english_for_staff):
    vp = email("vp", "samenwerking")
    _login(browser, vp, "pl")  # a melder's language, not the staff's
    assert language_of(db, vp) == "nl"


def _login(browser, who: str, taal: str | None):
    """The two login steps with ?taal= on each (as the pages' links and forms carry it)."""
    q = f"?taal={taal}" if taal else ""
    browser.client.get("/")
    r = browser.submit(f"/vp/login{q}", {"email": who, "passphrase": _passphrase()}, form_page=f"/vp/login{q}")
    assert r.status_code == 302, r.get_data(as_text=True)
    step = r.headers["Location"]
    if taal in i18n.STAFF_LANGUAGES and taal != "nl":
        assert f"taal={taal}" in step  # the second step's address carries the choice
    if "inrichten" in step:
        raise AssertionError("the town's members are enrolled")
    r = browser.submit(step, {"code": browser.totp_code(who)}, form_page=step)
    assert r.status_code in (200, 302), r.get_data(as_text=True)


def _passphrase():
    from tests.conftest import PASSPHRASE
    return PASSPHRASE
