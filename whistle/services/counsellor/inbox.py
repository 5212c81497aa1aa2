"""The vertrouwenspersoon's inbox (issue 13): their cases, most urgent first, with filters, a
search by reference and pages of 50. Metadata only: nothing is decrypted, so listing a page
opens no content and writes no audit event. The subject is the regeling category recorded at
triage (else the kind); whether the melder wrote last comes from the order of the records."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Mapping

from sqlalchemy import and_, case as when, exists, func, select
from sqlalchemy.orm import Session

from whistle.domain.lifecycle import MeldingKind, State
from whistle.domain.records import Author, RecordKind
from whistle.domain.regeling import Regeling
from whistle.domain.roles import StaffRole
from whistle.models import Case, CaseKey, Record, Staff
from whistle.services.errors import Forbidden, InvalidInput

PAGE_SIZE = 50
SOON_DAYS = 7  # "due this week": today up to and including a week from now
DEADLINE_FILTERS = {"verstreken": "Termijn verstreken", "deze_week": "Termijn binnen 7 dagen"}
_REF = re.compile(r"[^0-9A-Z-]")

_FEEDBACK_STATES = (State.ONTVANGST_BEVESTIGD.value, State.IN_BEHANDELING.value, State.DOORGEZET.value,
                    State.BESLUIT_GENOMEN.value)
# The next statutory deadline a case awaits (whistle.domain.states.awaiting): the acknowledgement
# while it is not sent (always before the feedback), then the feedback until it is given.
NEXT_DEADLINE = when((Case.state == State.ONTVANGEN.value, Case.ack_due),
                     (Case.state.in_(_FEEDBACK_STATES), Case.feedback_due), else_=None)


@dataclass(frozen=True)
class Filters:
    state: str = ""
    category: str = ""
    kind: str = ""
    deadline: str = ""
    ref: str = ""
    page: int = 1

    def query(self, **changes) -> dict[str, str]:
        """The filters as query arguments (for the pager's links), without the empty ones."""
        values = replace(self, **changes)
        out = {k: getattr(values, k) for k in ("state", "category", "kind", "deadline", "ref")}
        out = {k: v for k, v in out.items() if v}
        if values.page != 1:
            out["pagina"] = str(values.page)
        return out

    @property
    def active(self) -> bool:
        return any((self.state, self.category, self.kind, self.deadline, self.ref))


def parse_filters(args: Mapping[str, str], regeling: Regeling) -> Filters:
    """The inbox's query arguments, checked: an unknown value is refused with what is allowed."""
    state = args.get("state", "").strip()
    if state and state not in {s.value for s in State}:
        raise InvalidInput("Onbekende status; kies er een uit de lijst.", field="state")
    category = args.get("category", "").strip()
    if category and category not in {c.id for c in regeling.categories}:
        raise InvalidInput("Onbekend onderwerp; kies er een uit de lijst.", field="category")
    kind = args.get("kind", "").strip()
    if kind and kind not in {k.value for k in MeldingKind}:
        raise InvalidInput("Onbekende soort melding; kies er een uit de lijst.", field="kind")
    deadline = args.get("deadline", "").strip()
    if deadline and deadline not in DEADLINE_FILTERS:
        raise InvalidInput("Onbekende keuze voor de termijn; kies er een uit de lijst.", field="deadline")
    ref = _REF.sub("", args.get("ref", "").strip().upper())[:20]
    raw_page = args.get("pagina", "1").strip() or "1"
    if not raw_page.isdigit() or not 1 <= int(raw_page) <= 100_000:
        raise InvalidInput("Die pagina bestaat niet.", field="pagina")
    return Filters(state, category, kind, deadline, ref, int(raw_page))


@dataclass
class Row:
    case: Case
    subject: str
    kind: str
    deadline: date | None
    deadline_what: str  # "ontvangstbevestiging" or "terugkoppeling"
    days_left: int | None
    melder_wrote_last: bool

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def deadline_words(self) -> str:
        """The days left in words, so that overdue is not told by colour alone."""
        d = self.days_left
        if d is None:
            return ""
        if d < 0:
            return f"{-d} {'dag' if d == -1 else 'dagen'} te laat"
        if d == 0:
            return "vandaag"
        return "morgen" if d == 1 else f"nog {d} dagen"


@dataclass
class Page:
    rows: list[Row]
    total: int  # the member's cases matching the filters
    filters: Filters
    pages: int
    mine: int  # all cases shared with the member
    unshared: int  # the organisation's cases not shared with the member
    sharers: list[str] = field(default_factory=list)  # colleagues who hold keys and can share

    @property
    def first(self) -> int:
        return (self.filters.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def _subject(case: Case, regeling: Regeling) -> str:
    if case.regeling_category:
        try:
            return regeling.category(case.regeling_category).label
        except KeyError:
            pass
    if case.category:
        try:
            return MeldingKind(case.category).label
        except ValueError:
            pass
    return "Nog niet beoordeeld"


def _melder_wrote_last(session: Session, case_ids: list[int]) -> set[int]:
    """The cases whose last message is the melder's: they answered since the counsellor last wrote."""
    if not case_ids:
        return set()
    last = dict(session.execute(
        select(Record.case_id, func.max(Record.id)).where(Record.case_id.in_(case_ids),
                                                          Record.kind == RecordKind.MESSAGE.value)
        .group_by(Record.case_id)).all())
    if not last:
        return set()
    return set(session.scalars(select(Record.case_id).where(Record.id.in_(list(last.values())),
                                                           Record.author == Author.MELDER.value)))


def page(session: Session, staff: Staff, regeling: Regeling, filters: Filters, today: date) -> Page:
    if staff.role != StaffRole.COUNSELLOR:
        raise Forbidden("Alleen een vertrouwenspersoon kan meldingen lezen.")
    mine = (select(Case).join(CaseKey, CaseKey.case_id == Case.id)
            .where(CaseKey.staff_id == staff.id, Case.organisation_id == staff.organisation_id))
    query = mine
    if filters.state:
        query = query.where(Case.state == filters.state)
    if filters.category:
        query = query.where(Case.regeling_category == filters.category)
    if filters.kind:
        query = query.where(Case.category == filters.kind)
    if filters.deadline == "verstreken":
        query = query.where(NEXT_DEADLINE < today)
    elif filters.deadline == "deze_week":
        query = query.where(and_(NEXT_DEADLINE >= today, NEXT_DEADLINE <= today + timedelta(days=SOON_DAYS)))
    if filters.ref:
        query = query.where(Case.ref.contains(filters.ref, autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if filters.page > pages:
        raise InvalidInput(f"Die pagina bestaat niet; er {'is' if pages == 1 else 'zijn'} {pages} "
                           f"{'pagina' if pages == 1 else 'pagina’s'}.", field="pagina")
    # Most urgent first: the earliest next deadline (overdue ones are the earliest), then the
    # cases that await nothing, newest first.
    cases = list(session.scalars(
        query.order_by(NEXT_DEADLINE.is_(None), NEXT_DEADLINE, Case.received_on.desc(), Case.id.desc())
        .limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)))
    wrote_last = _melder_wrote_last(session, [c.id for c in cases])
    rows = []
    for c in cases:
        due = c.ack_due if c.state == State.ONTVANGEN.value else (
            c.feedback_due if c.state in _FEEDBACK_STATES else None)
        rows.append(Row(c, _subject(c, regeling), MeldingKind(c.category).label if c.category else "",
                        due, "ontvangstbevestiging" if c.state == State.ONTVANGEN.value else "terugkoppeling",
                        (due - today).days if due else None, c.id in wrote_last))
    count_mine = total if not filters.active else session.scalar(select(func.count()).select_from(mine.subquery()))
    unshared, sharers = _not_shared(session, staff, count_mine)
    return Page(rows, total, filters, pages, count_mine, unshared, sharers)


def _not_shared(session: Session, staff: Staff, mine: int) -> tuple[int, list[str]]:
    """How many of the organisation's cases the member holds no key for (all of them less the
    member's own, which are all the organisation's), and which colleagues (counsellors with
    keys) can share them."""
    unshared = session.scalar(select(func.count(Case.id)).where(
        Case.organisation_id == staff.organisation_id)) - mine
    if not unshared:
        return 0, []
    colleagues = session.scalars(
        select(Staff).where(Staff.organisation_id == staff.organisation_id, Staff.role == StaffRole.COUNSELLOR,
                            Staff.active.is_(True), Staff.id != staff.id,
                            exists().where(CaseKey.staff_id == Staff.id))
        .order_by(Staff.display_name, Staff.email))
    return unshared, [m.display_name or m.email for m in colleagues]
