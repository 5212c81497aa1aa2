"""Request-scoped access to the database session, settings and clock."""
from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from whistle.clock import Clock
from whistle.settings import Settings


def whistle():
    return current_app.extensions["whistle"]


def db() -> Session:
    if "db" not in g:
        g.db = whistle().sessions()
    return g.db


def settings() -> Settings:
    return whistle().settings


def clock() -> Clock:
    return whistle().clock
