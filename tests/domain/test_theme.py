"""An organisation's theme (whistle.domain.theme): colours as tokens, checked for WCAG AA
contrast, a logo of a known kind and size; refused with the key named; kept in the stored
regeling whole."""
import pytest

from whistle.domain.errors import RegelingError
from whistle.domain.regeling import Regeling, load_regeling, organisations_dir
from whistle.domain.theme import MAX_LOGO_BYTES, Theme, ThemeError, contrast, parse_theme


def test_contrast_matches_the_wcag_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the known AA grey


def test_a_theme_makes_tokens_for_the_stylesheet():
    theme = parse_theme({"accent": "#00655A", "ink": "#1b2a28", "background": "#eef5f3"}, None)
    assert theme.accent == "#00655a"
    assert theme.css().startswith(".whistle-theme {")
    assert "--whistle-color-accent: #00655a;" in theme.css() and "--whistle-color-background: #eef5f3;" in theme.css()
    assert parse_theme({}, None) == Theme()


@pytest.mark.parametrize("data, key, words", [
    ({"accent": "red"}, "theme.accent", "#rrggbb"),
    ({"accent": "#ffdd00"}, "theme.accent", "white button text"),
    ({"ink": "#999999"}, "theme.ink", "text on white cards"),
    ({"background": "#333333"}, "theme.ink", "text on the background"),
    ({"font": "Comic Sans"}, "theme.font", "unknown key"),
    ({"logo": "../etc/passwd.svg"}, "theme.logo", "beside the regeling file"),
    ({"logo": "logo.gif"}, "theme.logo", ".png or .svg"),
    ({"logo": 3}, "theme.logo", "file name"),
])
def test_a_bad_theme_names_its_key(data, key, words, tmp_path):
    with pytest.raises(ThemeError) as caught:
        parse_theme(data, tmp_path)
    assert caught.value.key == key and words in caught.value.message


def test_a_logo_must_be_what_it_says_and_small(tmp_path):
    (tmp_path / "fake.png").write_bytes(b"<svg></svg>")
    (tmp_path / "big.svg").write_bytes(b"<svg>" + b" " * MAX_LOGO_BYTES + b"</svg>")
    (tmp_path / "ok.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    with pytest.raises(ThemeError, match="not a PNG"):
        parse_theme({"logo": "fake.png"}, tmp_path)
    with pytest.raises(ThemeError, match="at most"):
        parse_theme({"logo": "big.svg"}, tmp_path)
    with pytest.raises(ThemeError, match="cannot read"):
        parse_theme({"logo": "missing.svg"}, tmp_path)
    theme = parse_theme({"logo": "ok.png"}, tmp_path)
    assert theme.logo_type == "image/png" and parse_theme(theme.to_dict(), None) == theme


def test_the_regeling_file_carries_the_theme_and_stores_it_whole(tmp_path):
    senzer = load_regeling(organisations_dir() / "senzer.toml")
    assert senzer.theme.accent == "#00655a" and senzer.theme.logo_type == "image/svg+xml"
    assert Regeling.from_dict(senzer.to_dict()) == senzer
    broken = (organisations_dir() / "senzer.toml").read_text().replace('accent = "#00655a"', 'accent = "#eeeeee"')
    (tmp_path / "senzer.toml").write_text(broken)
    with pytest.raises(RegelingError) as caught:
        load_regeling(tmp_path / "senzer.toml")
    assert caught.value.field == "theme.accent"
