"""What staff read (the vertrouwenspersoon, the bevoegd gezag, the beheerder), by glob: every
template, view and script that is not the melder's (tests.i18n.melder_scope), plus the modules
that write mails and exported documents. Their words must all be marked for translation and
translated into English, the second language of the staff's pages (issue 16.1)."""
from __future__ import annotations

from tests.i18n.melder_scope import MELDER_MODULES, MELDER_SCRIPTS, MELDER_TEMPLATES, ROOT

STAFF_LANGUAGES_SHIPPED = ("en",)

STAFF_TEMPLATES = tuple(sorted(
    name for name in (str(p.relative_to(ROOT / "templates")) for p in (ROOT / "templates").rglob("*.html"))
    if name not in MELDER_TEMPLATES))
# The views and helpers of the web layer that staff read, and the staff's word lists.
STAFF_MODULES = tuple(sorted(
    str(p.relative_to(ROOT)) for p in list((ROOT / "whistle" / "web").glob("*.py"))
    + list((ROOT / "whistle" / "web" / "staff_words").glob("*.py"))
    if str(p.relative_to(ROOT)) not in MELDER_MODULES)) + (
    # what writes mails and exported documents
    "whistle/services/operations/deadlines_watch.py", "whistle/services/operations/procedure_reminders.py",
    "whistle/services/operations/follow_ups.py", "whistle/services/counsellor/escalation.py",
    "whistle/services/recipient_log.py", "whistle/services/register/pdf.py",
    "whistle/services/register/exports.py", "whistle/services/register/charts.py",
)
# The scripts of the staff's pages: every script no melder's page loads.
STAFF_SCRIPTS = tuple(sorted(
    f"static/js/{p.name}" for p in (ROOT / "static" / "js").glob("*.js")
    if f"static/js/{p.name}" not in MELDER_SCRIPTS))
