"""What a melder reads, listed explicitly: the templates, Python modules and scripts whose words
must all be marked for translation and translated in every language of the melder's pages
(issue 16.1). The staff's pages are not in this list and not checked by these tests."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FRAME_TEMPLATES = ("base.html", "error.html", "_languages.html", "_notice.html")
MELDER_TEMPLATES = FRAME_TEMPLATES + tuple(
    sorted(f"reporter/{p.name}" for p in (ROOT / "templates" / "reporter").glob("*.html")))
