"""What a melder reads, listed explicitly: the templates, Python modules and scripts whose words
must all be marked for translation and translated in every language of the melder's pages
(issue 16.1). The staff's pages are not in this list and not checked by these tests."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FRAME_TEMPLATES = ("base.html", "error.html", "_languages.html", "_notice.html")
MELDER_TEMPLATES = FRAME_TEMPLATES + tuple(
    sorted(f"reporter/{p.name}" for p in (ROOT / "templates" / "reporter").glob("*.html")))
# The Python modules whose texts a melder reads: the melder's views, and the list of the
# domain's and services' texts they show (whistle.web.melder_words).
MELDER_MODULES = ("whistle/web/reporter.py", "whistle/web/melder_consent.py", "whistle/web/melder_resume.py",
                  "whistle/web/uploads.py", "whistle/web/errors.py", "whistle/web/melder_words.py",
                  "whistle/web/i18n.py", "whistle/web/filters.py")
# The melder's scripts (whistle.web.i18n.MELDER_SCRIPTS hands them their words).
MELDER_SCRIPTS = ("static/js/i18n.js",) + tuple(f"static/{name}" for name in (
    "js/attachments.js", "js/melden.js", "js/terug.js", "js/melder-steps.js", "js/melder-consent.js",
    "js/melder-part.js", "js/melder-complaint.js", "js/melder-minutes.js", "js/melder-benadeling.js", "js/kdf.js",
    "js/melder-copy.js", "js/melder-meeting.js", "js/melder-voice.js"))
