"""Issue 16.1 for the staff's pages: no visible Dutch text in a staff template outside a _()
call (the same check as tests/i18n/test_melder_text_marked.py, over every other template)."""
from __future__ import annotations

import pytest

from tests.i18n.staff_scope import ROOT, STAFF_TEMPLATES
from tests.i18n.test_melder_text_marked import untranslated


def test_the_staff_scope_holds_the_staff_templates():
    assert "counsellor/case.html" in STAFF_TEMPLATES and "admin/accounts.html" in STAFF_TEMPLATES
    assert not any(name.startswith("reporter/") for name in STAFF_TEMPLATES)


@pytest.mark.parametrize("name", STAFF_TEMPLATES)
def test_a_staff_template_has_no_dutch_outside_a_translation_call(name):
    assert untranslated((ROOT / "templates" / name).read_text(encoding="utf-8")) == [], name
