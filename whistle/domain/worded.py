"""A Dutch text with named placeholders that remembers its parts (pure: no Flask, no catalogue)."""
from __future__ import annotations


class Worded(str):
    """A refusal's Dutch text with its named placeholders filled in, that still knows the text
    and the values: the web says it in the reader's language (gettext(text, **params), in
    whistle.web.melder_words.translated), and everything else reads the Dutch string. The
    domain and the services raise with it; they never translate."""
    text: str
    params: dict

    def __new__(cls, text: str, **params) -> "Worded":
        made = super().__new__(cls, text % params)
        made.text, made.params = text, params
        return made
