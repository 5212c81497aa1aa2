"""Organisations and their regeling."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from whistle.domain.regeling import Regeling, load_regeling, regeling_from_default
from whistle.models import Organisation
from whistle.services import audit
from whistle.services.context import UseCase
from whistle.services.errors import InvalidInput, NotFound

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def create_organisation(uc: UseCase, *, slug: str, name: str, actor: str,
                        regeling_file: Path | None = None) -> Organisation:
    session, today = uc.session, uc.today()
    if not SLUG.match(slug):
        raise InvalidInput("slug: use lower-case letters, digits and hyphens (max 64)", field="slug")
    if not name.strip():
        raise InvalidInput("name: must not be empty", field="name")
    if session.scalar(select(Organisation.id).where(Organisation.slug == slug)):
        raise InvalidInput(f"organisation {slug!r} exists already", field="slug")
    regeling = load_regeling(regeling_file) if regeling_file else regeling_from_default()
    org = Organisation(slug=slug, name=name.strip(), created_on=today,
                       regeling_json=json.dumps(regeling.to_dict(), ensure_ascii=False))
    session.add(org)
    session.flush()
    audit.record(session, chain=slug, actor=actor, event="organisation_created", today=today,
                 regeling=regeling.slug)
    return org


def get_organisation(session: Session, slug: str) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise NotFound("Deze organisatie is niet bekend.")
    return org


def regeling_of(org: Organisation) -> Regeling:
    return _parsed_regeling(org.regeling_json)


@lru_cache(maxsize=64)
def _parsed_regeling(stored: str) -> Regeling:
    # Parsing and validating a regeling costs more than the rest of an API request; the stored
    # text is its identity (a changed regeling is a new key) and a Regeling is immutable.
    return Regeling.from_dict(json.loads(stored))


# The start page lists every organisation only while there are few; beyond that a melder
# searches by name (a shared service may hold 1,500).
LIST_ALL_UP_TO = 30
MAX_MATCHES = 50
MAX_QUERY_CHARS = 100


@dataclass(frozen=True)
class OrganisationChoice:
    orgs: list[tuple[str, str]]   # (slug, name), by name
    total: int                    # organisations in the installation
    query: str
    more: bool                    # more matches than shown: the melder should type more

    @property
    def searching(self) -> bool:
        return self.total > LIST_ALL_UP_TO


def find_organisations(session: Session, query: str | None) -> OrganisationChoice:
    """The start page's choice: all organisations while there are at most LIST_ALL_UP_TO,
    else those whose name (or slug) holds the words typed, in any case. InvalidInput for a
    query too long; nothing is stored or logged of what was typed."""
    text = " ".join((query or "").split())
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidInput(f"Typ hoogstens {MAX_QUERY_CHARS} tekens van de naam van de organisatie.", field="q")
    total = session.scalar(select(func.count(Organisation.id)))
    columns = select(Organisation.slug, Organisation.name).order_by(Organisation.name)
    if total <= LIST_ALL_UP_TO:
        return OrganisationChoice([tuple(r) for r in session.execute(columns)], total, text, False)
    if not text:
        return OrganisationChoice([], total, text, False)
    for word in text.lower().split():
        columns = columns.where(func.lower(Organisation.name + " " + Organisation.slug)
                                .contains(word, autoescape=True))
    found = [tuple(r) for r in session.execute(columns.limit(MAX_MATCHES + 1))]
    return OrganisationChoice(found[:MAX_MATCHES], total, text, len(found) > MAX_MATCHES)


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))
