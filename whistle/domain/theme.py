"""An organisation's own look, from the [theme] table of its regeling file: colours as design
tokens and an optional logo. Pure: validation, the contrast the colours must reach (WCAG 2.1
AA, 4.5:1 for text), and the stylesheet they make.

    [theme]
    accent = "#a4001d"        # buttons (white text on it), links, the brand name
    ink = "#1d2433"           # body text, on the background and on white cards
    background = "#f6f1f1"    # the page behind the cards
    logo = "deventer.svg"     # PNG or SVG beside the regeling file, at most 64 KiB

In the stored regeling the logo is kept as {"type": ..., "data": base64}, so that a backup and
every app server have it without the file."""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from whistle.domain.errors import RegelingError

MAX_LOGO_BYTES = 64 * 1024
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}
DEFAULTS = {"accent": "#0b5cad", "ink": "#1d2433", "background": "#f4f6f9"}
WHITE = "#ffffff"
AA_TEXT = 4.5
# The class on <html> (templates/base.html) under which the design tokens are set.
THEME_SELECTOR = ".whistle-theme"


class ThemeError(ValueError):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key, self.message = key, message


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class Theme:
    accent: str = DEFAULTS["accent"]
    ink: str = DEFAULTS["ink"]
    background: str = DEFAULTS["background"]
    logo_type: str | None = None
    logo: bytes | None = None

    def css(self) -> str:
        """The organisation's design tokens: the basis colours of static/whistle-tokens.css, on
        the same theme class, from which every NL Design System component token (buttons, links,
        form fields, tables, alerts) takes its colour. Linked after that file, so these win."""
        return (f"{THEME_SELECTOR} {{\n"
                f"  --whistle-color-accent: {self.accent};\n"
                f"  --whistle-color-ink: {self.ink};\n"
                f"  --whistle-color-background: {self.background};\n"
                "}\n")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"accent": self.accent, "ink": self.ink, "background": self.background}
        if self.logo is not None:
            out["logo"] = {"type": self.logo_type, "data": base64.b64encode(self.logo).decode()}
        return out


def parse_theme(data: object, base_dir: Path | None) -> Theme:
    """Validate a [theme] table; `base_dir` is where a logo file name is looked up (None for a
    stored regeling, whose logo is inline). Raises ThemeError naming the key."""
    if not isinstance(data, Mapping):
        raise ThemeError("theme", f"must be a table, got {type(data).__name__}")
    unknown = set(data) - {"accent", "ink", "background", "logo"}
    if unknown:
        raise ThemeError(f"theme.{sorted(unknown)[0]}", "unknown key; allowed: accent, background, ink, logo")
    colours = {}
    for key, default in DEFAULTS.items():
        value = data.get(key, default)
        if not isinstance(value, str) or not _HEX.match(value):
            raise ThemeError(f"theme.{key}", f"must be a colour written as #rrggbb, got {value!r}")
        colours[key] = value.lower()
    checks = (("accent", WHITE, "white button text on the accent colour"),
              ("accent", WHITE, "links in the accent colour on white cards"),
              ("ink", WHITE, "text on white cards"),
              ("ink", colours["background"], "text on the background"))
    for key, other, what in checks:
        ratio = contrast(colours[key], other)
        if ratio < AA_TEXT:
            raise ThemeError(f"theme.{key}", f"{what} has a contrast of {ratio:.2f}:1; WCAG AA asks at least 4.5:1")
    logo_type, logo = _logo(data.get("logo"), base_dir)
    return Theme(colours["accent"], colours["ink"], colours["background"], logo_type, logo)


def _logo(raw: object, base_dir: Path | None) -> tuple[str | None, bytes | None]:
    if raw is None:
        return None, None
    if isinstance(raw, Mapping):  # stored form
        kind, data = raw.get("type"), raw.get("data")
        if kind not in LOGO_TYPES.values() or not isinstance(data, str):
            raise ThemeError("theme.logo", "stored logo must have a known type and base64 data")
        try:
            body = base64.b64decode(data, validate=True)
        except ValueError:
            raise ThemeError("theme.logo", "stored logo is not valid base64") from None
    elif isinstance(raw, str):
        if base_dir is None or "/" in raw or "\\" in raw or raw.startswith("."):
            raise ThemeError("theme.logo", "must be the name of a file beside the regeling file")
        kind = LOGO_TYPES.get(Path(raw).suffix.lower())
        if kind is None:
            raise ThemeError("theme.logo", "must be a .png or .svg file")
        try:
            body = (base_dir / raw).read_bytes()
        except OSError as exc:
            raise ThemeError("theme.logo", f"cannot read {raw!r}: {exc.strerror or exc}") from None
    else:
        raise ThemeError("theme.logo", f"must be a file name, got {type(raw).__name__}")
    if len(body) > MAX_LOGO_BYTES:
        raise ThemeError("theme.logo", f"is {len(body)} bytes; at most {MAX_LOGO_BYTES}")
    if kind == "image/png" and not body.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ThemeError("theme.logo", "is not a PNG file")
    if kind == "image/svg+xml" and b"<svg" not in body[:4096]:
        raise ThemeError("theme.logo", "is not an SVG file")
    return kind, body


def theme_of(regeling: Mapping[str, Any], source: str, base_dir: Path | None) -> Theme:
    """The [theme] of a regeling table (the default look without one); errors as RegelingError."""
    if "theme" not in regeling:
        return Theme()
    try:
        return parse_theme(regeling["theme"], base_dir)
    except ThemeError as exc:
        raise RegelingError(source, exc.key, exc.message) from None
