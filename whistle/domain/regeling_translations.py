"""A regeling's categories in the other languages of the melder's pages (issue 16.1): the
optional [categories.translations.<language>] table gives a category's label, note and action
as the melder's form shows them in that language. Dutch stays the regeling's own wording; what
a language leaves out is shown in Dutch."""
from __future__ import annotations

from typing import Any

# The languages besides Dutch (whistle.web.i18n.MELDER_LANGUAGES) and what they may translate.
CATEGORY_LANGUAGES = ("en", "pl", "tr", "ar")
CATEGORY_TEXTS = ("label", "note", "action")


def category_translations(c: Any) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Reads [categories.translations.<language>] of one category (`c`, the regeling's reader
    of that category): ((language, ((text, translation), ...)), ...)."""
    table = c.table("translations", set(CATEGORY_LANGUAGES), required=False)
    if table is None:
        return ()
    out = []
    for code in CATEGORY_LANGUAGES:
        if code not in table.data:
            continue
        words = table.table(code, set(CATEGORY_TEXTS))
        texts = tuple((name, words.text(name)) for name in CATEGORY_TEXTS if name in words.data)
        for name, _text in texts:
            if name != "label" and not c.data.get(name):
                raise words.fail(name, "translates a text the category does not have in Dutch")
        out.append((code, texts))
    return tuple(out)


def category_text(category: Any, name: str, language: str) -> str:
    """The category's label, note or action in `language`; Dutch when the regeling does not
    give it in that language."""
    for code, texts in category.translations:
        if code == language:
            return dict(texts).get(name) or getattr(category, name)
    return getattr(category, name)
