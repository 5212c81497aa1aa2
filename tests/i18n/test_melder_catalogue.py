"""Issue 16.1: every text a melder reads is in the catalogue and translated in every language
of the melder's pages. Babel extracts (its own API, as pybabel does) from the melder's
templates, Python modules and scripts; each message must be in translations/messages.pot and
translated, not fuzzy, in en, pl, tr and ar. And nothing Dutch may be left unmarked: a Dutch
sentence in a melder's script outside gettext(), a Dutch sentence in a melder's view outside a
marker, or a text of the domain or services the pages show that whistle.web.melder_words does
not list."""
from __future__ import annotations

import ast
import re

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from tests.i18n.melder_scope import MELDER_MODULES, MELDER_SCRIPTS, MELDER_TEMPLATES, ROOT
from whistle.web import i18n

SHIPPED = [code for code in i18n.MELDER_LANGUAGES if code != i18n.DEFAULT]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_l": None}
WORD = re.compile(r"[^\W\d_]{2,}")


def extracted() -> dict[str, set]:
    """Every marked message of the melder's files, by file."""
    return extract([("jinja2.ext:babel_extract", ROOT / "templates" / t) for t in MELDER_TEMPLATES]
                   + [("python", ROOT / m) for m in MELDER_MODULES]
                   + [("javascript", ROOT / s) for s in MELDER_SCRIPTS])


def extract(sources) -> dict[str, set]:
    """The marked messages of (method, path) sources, by file (Babel's own API, as pybabel)."""
    found: dict[str, set] = {}
    for method, path in sources:
        options = {"extensions": "jinja2.ext.i18n"} if method.startswith("jinja2") else {}
        messages = set()
        for _line, message, _comments, _context in extract_from_file(method, str(path), keywords=KEYWORDS,
                                                                    options=options):
            if isinstance(message, tuple):
                parts = [m for m in message if m]
                message = tuple(parts) if len(parts) > 1 else message[0]
            if message:
                messages.add(message)
        found[str(path.relative_to(ROOT))] = messages
    return found


def catalogue(path):
    with open(path, "rb") as f:
        return read_po(f)


EXTRACTED = extracted()


def test_the_melder_files_have_marked_messages():
    """The extraction itself works: a template, a module and a script each give messages."""
    assert "Uw melding is ontvangen" in EXTRACTED["templates/reporter/_receipt_body.html"]
    assert "Het bericht is leeg." in EXTRACTED["static/js/terug.js"]
    assert "Melding intrekken" in EXTRACTED["whistle/web/melder_words.py"]
    assert ("%(num)s week", "%(num)s weken") in EXTRACTED["whistle/web/filters.py"]


def test_every_melder_message_is_in_the_catalogue():
    pot = {m.id for m in catalogue(ROOT / "translations" / "messages.pot") if m.id}
    missing = {(name, m) for name, messages in EXTRACTED.items() for m in messages if m not in pot}
    assert missing == set(), "run scripts/translations.sh"


@pytest.mark.parametrize("code", SHIPPED)
def test_every_melder_message_is_translated(code):
    po = catalogue(ROOT / "translations" / code / "LC_MESSAGES" / "messages.po")
    done = {m.id for m in po if m.id and not m.fuzzy and m.string
            and (not isinstance(m.string, tuple) or all(m.string))}
    left = {(name, m) for name, messages in EXTRACTED.items() for m in messages if m not in done}
    assert left == set(), f"untranslated or fuzzy in {code}"


# Words that make a text Dutch; the scripts' and modules' technical messages are English.
DUTCH_WORDS = {"de", "het", "een", "is", "u", "uw", "niet", "van", "en", "op", "te", "er", "wij", "dit",
               "deze", "bij", "met", "kan", "naar", "geen", "of", "die", "dat", "kies", "eerst"}


def dutch(text: str) -> bool:
    """A sentence for people: three words or more, one of them a common Dutch word."""
    words = WORD.findall(text)
    return len(words) >= 3 and " " in text.strip() and any(w.lower() in DUTCH_WORDS for w in words)


# Sentences of the melder's scripts that are not for the melder's eyes: what the browser seals
# into the case for the vertrouwenspersoon, who reads Dutch (a melder's external report).
SCRIPT_TEXT_FOR_THE_COUNSELLOR = {"een andere instantie", "Ik heb mijn melding extern gemeld bij: "}


def script_strings(source: str):
    """(start, end, text) of each string literal of a script, comments left out."""
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            j = source.find("\n", i)
            i = n if j < 0 else j
        elif source.startswith("/*", i):
            j = source.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c in "\"'`":
            j, text = i + 1, []
            while j < n and source[j] != c:
                if source[j] == "\\":
                    j += 1
                text.append(source[j])
                j += 1
            yield i, j + 1, "".join(text)
            i = j + 1
        else:
            i += 1


def unmarked_script_strings(source: str) -> list[str]:
    """String literals of a script that are not the (first) argument of gettext(…): a literal
    marked when `gettext(` comes right before it, or `+` after a marked literal."""
    out, marked_ends = [], set()
    for start, end, text in script_strings(source):
        before = source[:start].rstrip()
        marked = before.endswith("gettext(") or (before.endswith("+") and len(before[:-1].rstrip()) in marked_ends)
        if marked:
            marked_ends.add(end)
        elif dutch(text) and text not in SCRIPT_TEXT_FOR_THE_COUNSELLOR:
            out.append(text)
    return out


@pytest.mark.parametrize("script", MELDER_SCRIPTS)
def test_no_dutch_sentence_in_a_melder_script_outside_gettext(script):
    assert unmarked_script_strings((ROOT / script).read_text(encoding="utf-8")) == [], script


def test_the_script_check_finds_an_unmarked_sentence():
    assert unmarked_script_strings('box.textContent = "Het bericht is leeg.";') == ["Het bericht is leeg."]
    assert unmarked_script_strings('box.textContent = gettext("Het bericht is leeg.");') == []
    assert unmarked_script_strings('throw new Error("jpeg: no marker");') == []
    assert unmarked_script_strings('/* "Het bericht is leeg." */ x = gettext("Een zin " +\n "die doorloopt.");') == []
    # the scanner sees a real script's strings, marked or not
    terug = (ROOT / "static/js/terug.js").read_text(encoding="utf-8")
    assert "Het bericht is leeg." in [text for _s, _e, text in script_strings(terug)]


def unmarked_python_strings(source: str) -> list[str]:
    """Dutch sentences in a module outside a marker call, a docstring or a log line."""
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ("N_", "_", "gettext", "ngettext", "lazy_gettext", "_l", "warning", "error",
                        "exception", "info", "debug"):
                skip.update(id(n) for arg in node.args for n in ast.walk(arg))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in skip and dutch(n.value) and not n.value.startswith(("a melder", "unhandled"))]


def test_the_melder_modules_show_no_unlisted_dutch_sentence():
    """A Dutch sentence written in a melder's view reaches the page only through a marker, or
    is listed in whistle.web.melder_words (which the `translated` filter looks up)."""
    from whistle.web.melder_words import KNOWN
    left = {}
    for module in MELDER_MODULES:
        texts = [t for t in unmarked_python_strings((ROOT / module).read_text(encoding="utf-8")) if t not in KNOWN]
        if texts:
            left[module] = texts
    assert left == {}


def test_the_python_check_finds_an_unmarked_sentence():
    assert unmarked_python_strings('error = "Kies eerst een bestand, alstublieft."') == [
        "Kies eerst een bestand, alstublieft."]
    assert unmarked_python_strings('error = N_("Kies eerst een bestand, alstublieft.")') == []


def test_the_domain_texts_a_melder_reads_are_all_listed():
    """Every state, melder's step, form question and message, office, complaint outcome,
    cleaner's phrase and external route's text the code has today is in
    whistle.web.melder_words, so in the catalogue."""
    from whistle.domain import report
    from whistle.domain.complaint import ComplaintOutcome
    from whistle.domain.lifecycle import Actor, Event, State, TRANSITIONS, event_label
    from whistle.domain.offices import Office
    from whistle.infra.metadata_words import BROWSER_WORDS
    from whistle.web import errors, melder_resume
    from whistle.web.melder_words import KNOWN
    melder_events = {ev for (_s, ev), row in TRANSITIONS.items() if Actor.MELDER in row.actors}
    texts = ({s.label for s in State} | {event_label(e) for e in melder_events}
             | {o.label for o in ComplaintOutcome} | {o.label for o in Office}
             | set(errors.DUTCH.values()) | set(BROWSER_WORDS.values()) | {melder_resume.ENDED}
             | {v for v in {**melder_resume.TEXT_LABELS, **melder_resume.KEPT_CHOICES}.values() if v})
    for f in report.REPORT_FIELDS + report.IDENTITY_FIELDS:
        texts |= {f.question, f.too_long} | ({f.missing} if f.missing else set())
    from whistle.domain.meeting import MeetingKind
    texts |= {k.label for k in MeetingKind}
    from whistle.domain import routes
    for r in routes.ROUTES.values():
        texts |= {t for t in (r.purpose, r.applies_when, r.note) if t}
    texts |= {routes.GUIDE, routes.WHY_OVERDUE, routes.WHY_DISAGREES, routes.ALWAYS_ALLOWED_NOTE}
    from whistle.services.organisations import MAX_QUERY_CHARS  # the search's refusal, as it is raised
    texts.add(f"Typ hoogstens {MAX_QUERY_CHARS} tekens van de naam van de organisatie.")
    assert texts - KNOWN == set()
    assert Event.WITHDRAW in melder_events
