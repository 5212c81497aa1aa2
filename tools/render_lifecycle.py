"""Write the case lifecycle diagram and table, generated from whistle.domain.lifecycle, into
docs/lifecycle.md between the markers. `--check` exits 1 when the file is out of date.

    python3 tools/render_lifecycle.py [--check]
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from whistle.domain.lifecycle import render_mermaid, render_table  # noqa: E402

DOC = ROOT / "docs" / "lifecycle.md"
BEGIN = "<!-- BEGIN GENERATED: tools/render_lifecycle.py; do not edit by hand -->"
END = "<!-- END GENERATED -->"


def generated_block() -> str:
    return f"{BEGIN}\n```mermaid\n{render_mermaid()}```\n\n{render_table()}{END}"


def updated(text: str) -> str:
    """`text` with the part between the markers replaced by the current generated block."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{DOC} lacks the markers {BEGIN!r} ... {END!r}")
    return text[:start] + generated_block() + text[end + len(END):]


def main(argv: list[str]) -> int:
    current = DOC.read_text(encoding="utf-8")
    fresh = updated(current)
    if "--check" in argv:
        if fresh != current:
            print(f"{DOC} is out of date; run python3 tools/render_lifecycle.py", file=sys.stderr)
            return 1
        return 0
    if fresh != current:
        DOC.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
