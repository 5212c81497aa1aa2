"""Issue 16.1: the pages in the reader's language, chosen without anything that marks them
(?taal=xx carried by the pages, or the browser's Accept-Language), and catalogues that are
complete: every marked string extracted and translated in every shipped language."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.i18n.staff_scope import STAFF_LANGUAGES_SHIPPED
from whistle.web import i18n

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
SHIPPED = [code for code in i18n.MELDER_LANGUAGES if code != i18n.DEFAULT]
HEADING = {"nl": "Melden bij Gemeente Deventer", "en": "Report to Gemeente Deventer",
           "pl": "Zgłoszenie do: Gemeente Deventer", "tr": "Gemeente Deventer kurumuna bildirim",
           "ar": "الإبلاغ لدى Gemeente Deventer"}


@pytest.fixture
def deventer(world):
    world.org("deventer")


@pytest.mark.parametrize("code", i18n.MELDER_LANGUAGES)
def test_the_melder_chooses_a_language_and_the_page_speaks_it(client, deventer, code):
    answer = client.get(f"/o/deventer/?taal={code}")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert f"<h1>{HEADING[code]}</h1>" in page
    assert f'<html lang="{code}" dir="{"rtl" if code == "ar" else "ltr"}" ' in page
    # Nothing is remembered about the choice: no cookie; the links carry it instead.
    assert "Set-Cookie" not in answer.headers
    assert f'/o/deventer/melden?taal={code}"' in page and f'/o/deventer/terug?taal={code}"' in page


def test_the_browser_language_is_the_default_and_dutch_the_fallback(client, deventer):
    polish = client.get("/o/deventer/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"})
    assert HEADING["pl"] in polish.get_data(as_text=True)
    # Accept-Language picks, it is not carried into links (the reader did not choose).
    assert "taal=" not in polish.get_data(as_text=True).split("<nav class=\"languages\"")[0]
    unknown = client.get("/o/deventer/", headers={"Accept-Language": "ja,zh;q=0.8"})
    assert HEADING["nl"] in unknown.get_data(as_text=True)
    chosen = client.get("/o/deventer/?taal=tr", headers={"Accept-Language": "pl"})
    assert HEADING["tr"] in chosen.get_data(as_text=True)


def test_staff_pages_come_in_dutch_and_english_only(client, deventer):
    """The staff's pages speak Dutch and English: ?taal=en or an English browser gives English,
    a melder's language the staff pages do not have (Polish) gives Dutch, and the switcher on a
    staff page offers only Dutch and English."""
    for answer in (client.get("/vp/login?taal=en"), client.get("/vp/login", headers={"Accept-Language": "en"})):
        page = answer.get_data(as_text=True)
        assert '<html lang="en"' in page and "Passphrase" in page and "Wachtwoordzin" not in page
    page = client.get("/vp/login?taal=pl").get_data(as_text=True)
    assert '<html lang="nl"' in page and "Wachtwoordzin" in page
    assert 'hreflang="en"' in page and 'hreflang="pl"' not in page and 'hreflang="ar"' not in page


def test_the_switcher_names_each_language_in_itself(client, deventer):
    page = client.get("/o/deventer/?taal=en").get_data(as_text=True)
    for code, name in i18n.NAMES.items():
        assert re.search(rf'<a href="\?taal={code}" lang="{code}" hreflang="{code}"[^>]*>{name}</a>', page), code
    assert 'hreflang="en" aria-current="true"' in page


def test_the_switcher_keeps_the_query_and_does_not_repeat_the_path(client, deventer):
    page = client.get("/?q=deven&taal=en").get_data(as_text=True)
    assert 'href="?q=deven&amp;taal=pl"' in page


def catalogue(code: str):
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=code)


def test_every_marked_string_is_in_the_catalogue(tmp_path):
    """The template (.pot) holds exactly what pybabel extracts from the code today."""
    fresh = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-c", "from babel.messages.frontend import main; main()", "extract",
                    "-F", "babel.cfg", "-k", "_l", "-k", "N_", "--no-location", "--omit-header", "-o", str(fresh), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with open(fresh, "rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        shipped = {m.id for m in read_po(f) if m.id}
    assert extracted == shipped, "run scripts/translations.sh"


@pytest.mark.parametrize("code", SHIPPED)
def test_every_string_is_translated_with_its_placeholders(code):
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    if code not in STAFF_LANGUAGES_SHIPPED:
        # a language only the melder's pages speak needs the melder's words (the staff's stay
        # untranslated there: tests/i18n/test_staff_catalogue.py checks their languages)
        from tests.i18n.test_melder_catalogue import EXTRACTED
        wanted = set().union(*EXTRACTED.values())
    po = catalogue(code)
    # A plural message (ngettext) is translated when every one of the language's forms is.
    translated = {m.id: m.string for m in po if m.id and m.string and not m.fuzzy
                  and (not isinstance(m.string, tuple) or all(m.string))}
    assert wanted - translated.keys() == set(), f"untranslated in {code}"
    for source, text in translated.items():
        sources = source if isinstance(source, tuple) else (source,)
        for form in (text if isinstance(text, tuple) else (text,)):
            assert sorted(set(re.findall(r"%\(\w+\)s", form))) == sorted(set(re.findall(r"%\(\w+\)s", sources[0]))), (code, source)


@pytest.mark.parametrize("code", SHIPPED)
def test_the_compiled_catalogue_is_the_current_one(code):
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.mo", "rb") as f:
        # read_mo gives a plural message's id and forms as lists, read_po as tuples
        # (an untranslated plural message, a staff text in a melder's language, is compiled
        # with its Dutch forms standing in: left out on both sides)
        compiled = {(tuple(m.id) if isinstance(m.id, list) else m.id):
                    (tuple(m.string) if isinstance(m.string, list) else m.string) for m in read_mo(f) if m.id
                    and not (isinstance(m.id, list) and list(m.string) == [m.id[min(i, 1)] for i in range(len(m.string))])}
    assert compiled == {m.id: m.string for m in catalogue(code) if m.id and m.string
                        and (not isinstance(m.string, tuple) or all(m.string))}, "run scripts/translations.sh"
