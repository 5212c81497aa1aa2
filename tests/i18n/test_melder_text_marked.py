"""Issue 16.1: no visible Dutch text in a melder's template outside a _() call. The template's
Jinja parts are cut out; what remains is HTML, whose text nodes and human-read attributes
(title, aria-label, placeholder, alt, the value of a button, and data-* attributes holding
sentences for the scripts) must then hold no words."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.i18n.melder_scope import MELDER_TEMPLATES, ROOT

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
WORD = re.compile(r"[^\W\d_]{2,}")
# Words that are the same in every language: the product's name and the code's shape.
NOT_TRANSLATED = {"Whistle", "XXXX"}
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


class Visible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        attrs = dict(attrs)
        for name, value in attrs.items():
            if value is None:
                continue
            human = (name in READ_ATTRIBUTES
                     or (name == "value" and tag == "input" and attrs.get("type") in ("submit", "button"))
                     or (name.startswith("data-") and " " in value.strip() and len(WORD.findall(value)) >= 2))
            if human:
                self.note(f"{tag}[{name}]", value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.note("text", data)

    def note(self, where, text):
        words = [w for w in WORD.findall(text) if w not in NOT_TRANSLATED]
        if words:
            self.found.append(f"{where}: {text.strip()!r}")


def untranslated(source: str) -> list[str]:
    parser = Visible()
    parser.feed(JINJA.sub(" ", source))
    parser.close()
    return parser.found


@pytest.mark.parametrize("name", MELDER_TEMPLATES)
def test_a_melder_template_has_no_dutch_outside_a_translation_call(name):
    assert untranslated((ROOT / "templates" / name).read_text(encoding="utf-8")) == [], name


def test_the_check_finds_text_attributes_and_lets_marked_text_pass():
    assert untranslated('<p>Uw melding</p>') and untranslated('<input placeholder="bijvoorbeeld Deventer">')
    assert untranslated('<div data-warn-text="Uw sessie verloopt"></div>')
    assert untranslated('<input type="submit" value="Versturen">')
    assert not untranslated('<p>{{ _("Uw melding") }}</p><input type="hidden" name="consent" value="ja">')
    assert not untranslated('{# Dutch comment #}<a href="{{ url_for(\'x\') }}">Whistle</a>')
    # a staff template's kind of text (a table head, a link), and the check sees it
    assert untranslated('<thead><tr><th>Zaak</th><th>Status</th></tr></thead>')
    assert untranslated('<a href="{{ url_for(\'counsellor.inbox\') }}">Alle filters wissen</a>')
