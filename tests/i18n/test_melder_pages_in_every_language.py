"""Issue 16.1: every page a melder sees comes in each of the melder's languages, Arabic right
to left, and shows no Dutch sentence of the catalogue when another language was chosen: the
search, the start page, the form, the receipt, coming back, the case page (server path, and
the browser path's <template>s on the login page), a step's confirmation, the session-ended
page, logging out and an error page."""
from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from tests.conftest import code_from_receipt
from tests.i18n.melder_scope import ROOT
from whistle.web import i18n

OTHERS = [code for code in i18n.MELDER_LANGUAGES if code != i18n.DEFAULT]
WORD = re.compile(r"[^\W\d_]+")


def dutch_sentences() -> set[str]:
    """The catalogue's Dutch texts of four words or more, without placeholders: none of them
    may be read on a page in another language."""
    with open(ROOT / "translations" / "messages.pot", "rb") as f:
        ids = [m.id for m in read_po(f) if isinstance(m.id, str) and m.id]
    return {i.strip() for i in ids if "%(" not in i and len(WORD.findall(i)) >= 4}


class Reader(HTMLParser):
    """What a person can read: text (also inside <template>s, which the scripts show) and the
    attributes read aloud or shown; not the scripts' word table (data-words, keyed by Dutch)."""
    SHOWN = {"title", "aria-label", "placeholder", "alt", "data-copied", "data-copy-failed",
             "data-keep-label", "data-warn-text", "data-kept-text", "data-ended-text", "data-offline-text"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.parts += [v for k, v in attrs if k in self.SHOWN and v]
        words = dict(attrs).get("data-words")
        if words:
            self.parts += list(json.loads(words).values())
        labels = dict(attrs).get("data-state-labels")
        if labels:
            self.parts += list(json.loads(labels).values())

    def handle_data(self, data):
        self.parts.append(data)


def readable(html: str) -> str:
    reader = Reader()
    reader.feed(html)
    return " ".join(" ".join(reader.parts).split())


DUTCH = dutch_sentences()


def assert_speaks(answer, code: str, status: int = 200) -> str:
    html = answer.get_data(as_text=True)
    assert answer.status_code == status, re.findall(r"class=\"error\"[^>]*>([^<]+)", html) or html[:300]
    direction = "rtl" if code in i18n.RIGHT_TO_LEFT else "ltr"
    assert re.search(f'<html lang="{code}" dir="{direction}"[ >]', html)
    text = readable(html)
    if code != i18n.DEFAULT:
        left = sorted(s for s in DUTCH if " ".join(s.split()) in text)
        assert left == [], f"Dutch on a {code} page: {left[:3]}"
    return html


@pytest.fixture
def deventer(world):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")


def report(browser, code: str):
    form = {"what": "De teamleider boekt privé-uren op een project.", "when": "sinds maart"}
    form["attachments"] = [(io.BytesIO(b"een aantekening"), "notitie.txt")]
    return browser.submit(f"/o/deventer/melden?taal={code}", form, form_page=f"/o/deventer/melden?taal={code}",
                          content_type="multipart/form-data")


@pytest.mark.parametrize("code", i18n.MELDER_LANGUAGES)
def test_every_melder_page_speaks_the_chosen_language(client, browser, deventer, code):
    assert_speaks(client.get(f"/?taal={code}"), code)
    assert_speaks(client.get(f"/?q=deven&taal={code}"), code)
    assert_speaks(client.get(f"/?q=zzzz&taal={code}"), code)
    assert_speaks(client.get(f"/?q={'x' * 200}&taal={code}"), code, 400)
    assert_speaks(client.get(f"/o/deventer/?taal={code}"), code)
    assert_speaks(client.get(f"/o/deventer/melden?taal={code}"), code)
    # A refused form: the error is in the page's language too.
    empty = browser.submit(f"/o/deventer/melden?taal={code}", {"what": ""}, form_page=f"/o/deventer/melden?taal={code}")
    assert_speaks(empty, code, 400)
    receipt = assert_speaks(report(browser, code), code)
    melder_code = code_from_receipt(receipt)
    login_page = assert_speaks(client.get(f"/o/deventer/terug?taal={code}"), code)
    assert 'id="case-template"' in login_page  # the browser path's case view, in this language
    assert_speaks(browser.submit(f"/o/deventer/terug?taal={code}", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"},
                                 form_page=f"/o/deventer/terug?taal={code}"), code, 401)
    assert browser.submit(f"/o/deventer/terug?taal={code}", {"code": melder_code},
                          form_page=f"/o/deventer/terug?taal={code}").status_code == 302
    assert_speaks(client.get(f"/melder/zaak?taal={code}"), code)
    assert_speaks(client.get(f"/melder/stap/withdraw?taal={code}"), code)
    assert_speaks(client.get(f"/melder/stap/report_external?taal={code}"), code)
    assert_speaks(client.get(f"/melder/kopie?taal={code}"), code)  # the melder's own copy
    wrong = browser.submit(f"/melder/code?taal={code}", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}, form_page=f"/melder/zaak?taal={code}")
    assert_speaks(wrong, code, 401)
    new_code = browser.submit(f"/melder/code?taal={code}", {"code": melder_code}, form_page=f"/melder/zaak?taal={code}")
    assert_speaks(new_code, code)
    assert_speaks(client.get(f"/o/onbekend/?taal={code}"), code, 404)
    assert_speaks(browser.submit(f"/melder/uitloggen?taal={code}", {}, form_page=f"/melder/zaak?taal={code}"), code)


def test_the_check_finds_dutch_left_on_a_page(client, deventer):
    """The test above can fail: a Dutch page read as if it were English has the sentences."""
    html = client.get("/o/deventer/melden?taal=nl").get_data(as_text=True)
    text = readable(html)
    assert any(" ".join(s.split()) in text for s in DUTCH)


@pytest.mark.parametrize("code", OTHERS)
def test_the_melder_scripts_get_their_words_in_the_page_language(client, deventer, code):
    html = client.get(f"/o/deventer/terug?taal={code}").get_data(as_text=True)
    words = json.loads(re.search(r"data-words='([^']*)'", html).group(1).replace("&#39;", "'"))
    assert words["Het bericht is leeg."] != "Het bericht is leeg."
    assert words["Melding intrekken"] != "Melding intrekken"  # a step's label as the API sends it
    dutch = client.get("/o/deventer/terug?taal=nl").get_data(as_text=True)
    assert "data-words='{}'" in dutch


@pytest.mark.parametrize("code", OTHERS)
def test_a_category_is_worded_in_the_language_the_regeling_gives(client, deventer, code):
    html = client.get(f"/o/deventer/melden?taal={code}").get_data(as_text=True)
    assert "Een ernstig strafbaar feit" not in html
    english = client.get("/o/deventer/melden?taal=en").get_data(as_text=True)
    assert "A serious criminal offence" in english
