"""Issue 16.5: the docs show the melder's journey at phone width. Every picture a doc links
exists, and the journey's are PNGs no wider than a phone (tools/screenshots.py makes them)."""
import re
import struct
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
IMAGE = re.compile(r"!\[[^\]]+\]\(([^)]+\.png)\)")


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_every_picture_a_doc_links_exists():
    missing = [(doc.name, target) for doc in DOCS.glob("*.md")
               for target in IMAGE.findall(doc.read_text(encoding="utf-8"))
               if not (doc.parent / target).is_file()]
    assert missing == []


def test_the_melders_journey_is_shown_at_phone_width():
    journey = IMAGE.findall((DOCS / "melder-journey.md").read_text(encoding="utf-8"))
    assert len(journey) >= 7
    for target in journey:
        width, height = png_size(DOCS / target)
        assert 320 <= width <= 390 and height > width, (target, width, height)
