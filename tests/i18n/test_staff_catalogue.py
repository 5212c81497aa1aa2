"""Issue 16.1 for the staff: every text a vertrouwenspersoon, a bevoegd gezag or a beheerder
reads (pages, scripts, mails, exported documents) is in the catalogue and translated into
English; no Dutch sentence is left in a staff module outside a marker unless
whistle.web.staff_words lists it (the `translated` filter looks those up)."""
from __future__ import annotations

import pytest

from tests.i18n.staff_scope import ROOT, STAFF_LANGUAGES_SHIPPED, STAFF_MODULES, STAFF_SCRIPTS, STAFF_TEMPLATES
from tests.i18n.test_melder_catalogue import (catalogue, extract, unmarked_python_strings,
                                              unmarked_script_strings)


def extracted() -> dict[str, set]:
    return extract([("jinja2.ext:babel_extract", ROOT / "templates" / t) for t in STAFF_TEMPLATES]
                   + [("python", ROOT / m) for m in STAFF_MODULES]
                   + [("javascript", ROOT / s) for s in STAFF_SCRIPTS])


EXTRACTED = extracted()


def test_every_staff_message_is_in_the_catalogue():
    pot = {m.id for m in catalogue(ROOT / "translations" / "messages.pot") if m.id}
    missing = {(name, m) for name, messages in EXTRACTED.items() for m in messages if m not in pot}
    assert missing == set(), "run scripts/translations.sh"


@pytest.mark.parametrize("code", STAFF_LANGUAGES_SHIPPED)
def test_every_staff_message_is_translated(code):
    po = catalogue(ROOT / "translations" / code / "LC_MESSAGES" / "messages.po")
    done = {m.id for m in po if m.id and not m.fuzzy and m.string
            and (not isinstance(m.string, tuple) or all(m.string))}
    left = {(name, m) for name, messages in EXTRACTED.items() for m in messages if m not in done}
    assert left == set(), f"untranslated or fuzzy in {code}"


@pytest.mark.parametrize("module", STAFF_MODULES)
def test_a_staff_module_shows_no_unlisted_dutch_sentence(module):
    from whistle.web.melder_words import KNOWN as MELDER_KNOWN
    from whistle.web.staff_words import KNOWN
    texts = [t for t in unmarked_python_strings((ROOT / module).read_text(encoding="utf-8"))
             if t not in KNOWN and t not in MELDER_KNOWN]
    assert texts == [], module


@pytest.mark.parametrize("script", STAFF_SCRIPTS)
def test_no_dutch_sentence_in_a_staff_script_outside_gettext(script):
    assert unmarked_script_strings((ROOT / script).read_text(encoding="utf-8")) == [], script


def raised_texts(module: str) -> set[str]:
    """The fixed first argument of every `raise SomeError("…")` in a module: its refusals."""
    import ast
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    return {node.exc.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args
            and isinstance(node.exc.args[0], ast.Constant) and isinstance(node.exc.args[0].value, str)}


def test_the_domain_texts_staff_read_are_all_listed():
    """Every state, step of every actor, guard's refusal, audit label, office, complaint
    outcome, kind of melding, inbox filter, deadline word and refusal of the services that the
    staff's pages show is in whistle.web.staff_words or whistle.web.melder_words, so the
    `translated` filter finds it in the catalogue."""
    from whistle.domain import audit_labels
    from whistle.domain.complaint import ComplaintOutcome
    from whistle.domain.lifecycle import TRANSITIONS, MeldingKind, State, event_label
    from whistle.domain.offices import Office
    from whistle.services import errors as service_errors
    from whistle.services.counsellor import deadlines, inbox
    from whistle.services.lifecycle import _GUARD_WHY
    from whistle.web import errors, limits
    from whistle.web.melder_words import KNOWN as MELDER_KNOWN
    from whistle.web.staff_words import KNOWN
    texts = ({s.label for s in State} | {event_label(ev) for (_s, ev) in TRANSITIONS}
             | set(_GUARD_WHY.values()) | set(audit_labels.EVENT_LABELS.values())
             | set(audit_labels.ACTOR_LABELS.values()) | set(audit_labels.NEWS_FOR_COUNSELLOR.values())
             | {audit_labels.event_description("no_such_event")}
             | {o.label for o in Office} | {o.label for o in ComplaintOutcome} | {k.label for k in MeldingKind}
             | set(inbox.DEADLINE_FILTERS.values()) | set(deadlines.LABELS.values())
             | {title for title, _items in deadlines.DeadlineOverview().groups()}
             | {inbox.Row(None, "", "", None, "", d, False).deadline_words for d in (0, 1)}
             | set(errors.DUTCH.values()) | {service_errors.Unauthorized().message, limits.WORK_REFUSED}
             | raised_texts("whistle/services/counsellor/inbox.py")
             | raised_texts("whistle/services/lifecycle/__init__.py"))
    assert texts - (KNOWN | MELDER_KNOWN) == set()
    # the sets are the code's, not empty by mistake
    assert len({event_label(ev) for (_s, ev) in TRANSITIONS}) > 10 and "Die pagina bestaat niet." in texts
