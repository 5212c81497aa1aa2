"""Staff texts of the domain and services: see whistle.web.staff_words."""
from __future__ import annotations


def N_(text: str) -> str:
    return text


TEXTS: tuple[str, ...] = (
)
