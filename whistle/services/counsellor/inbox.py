"""The vertrouwenspersoon's inbox (issue 13): their cases, most urgent first, with filters, a
search by reference and pages of 50. Metadata only: nothing is decrypted, so listing a page
opens no content and writes no audit event. The subject is the regeling category recorded at
triage (else the kind); whether the melder wrote last comes from the order of the records; what
is new since the counsellor last opened a case comes from the audit trail after their case_seen
mark; the lead counsellor from cases.lead_staff_id.

At 100,000 cases (bench/inbox.py) the order is an index walk: cases.next_due is stored (kept by
whistle.services.cases on every write) and ix_cases_org_next_due (organisation_id, next_due,
received_on, id) holds the order, so the first page reads 50 index entries and checks the
member's key for each with the unique (case_id, staff_id) index, instead of sorting every case.
The cases that await a deadline come first (earliest first), then those that await nothing
(newest first): two walks of the same index. Counts of a filtered list stop at COUNT_CAP (or
the page asked for); the pager then shows the next page when there is one (a page is read with
one row more than it shows). The unfiltered counts are counts of two indexes (the member's
keys, the organisation's cases)."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Mapping

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from whistle.domain.audit_labels import NEWS_FOR_COUNSELLOR
from whistle.domain.lifecycle import MeldingKind, State
from whistle.domain.records import Author, RecordKind
from whistle.domain.regeling import Regeling
from whistle.domain.roles import StaffRole
from whistle.domain.states import awaiting, awaits_acknowledgement
from whistle.models import AuditEvent, Case, CaseKey, CaseSeen, Record, Staff
from whistle.services.errors import Forbidden, InvalidInput

# Refusals worded with the number of pages (the page translates them).
NO_SUCH_PAGE_ONE = "Die pagina bestaat niet; er is %(pages)s pagina."
NO_SUCH_PAGE = "Die pagina bestaat niet; er zijn %(pages)s pagina’s."
PAGE_SIZE = 50
COUNT_CAP = 1_000  # a filtered list is counted up to here, or to its page ("meer dan 1000")
REF_IDS = 500  # a search by reference that matches up to this many cases looks them up by id
SOON_DAYS = 7  # "due this week": today up to and including a week from now
DEADLINE_FILTERS = {"verstreken": "Termijn verstreken", "deze_week": "Termijn binnen 7 dagen"}
LEAD_MINE, LEAD_NOBODY = "mij", "niemand"
_REF = re.compile(r"[^0-9A-Z-]")


@dataclass(frozen=True)
class Filters:
    state: str = ""
    category: str = ""
    kind: str = ""
    deadline: str = ""
    ref: str = ""
    page: int = 1
    lead: str = ""  # "mij", "niemand" or a colleague's staff id
    unit: str = ""  # one of the regeling's units (a shared service's municipalities or departments)

    def query(self, **changes) -> dict[str, str]:
        """The filters as query arguments (for the pager's links), without the empty ones."""
        values = replace(self, **changes)
        out = {k: getattr(values, k) for k in ("state", "category", "kind", "deadline", "lead", "unit", "ref")}
        out = {k: v for k, v in out.items() if v}
        if values.page != 1:
            out["pagina"] = str(values.page)
        return out

    @property
    def active(self) -> bool:
        return any((self.state, self.category, self.kind, self.deadline, self.ref, self.lead, self.unit))


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
    lead = args.get("lead", "").strip()
    if lead and lead not in (LEAD_MINE, LEAD_NOBODY) and not (lead.isdigit() and len(lead) <= 9):
        raise InvalidInput("Onbekende keuze voor de eerste vertrouwenspersoon; kies er een uit de lijst.",
                           field="lead")
    unit = args.get("unit", "").strip()
    if unit and unit not in {u.id for u in regeling.units}:
        raise InvalidInput("Onbekende gemeente of afdeling; kies er een uit de lijst.", field="unit")
    ref = _REF.sub("", args.get("ref", "").strip().upper())[:20]
    raw_page = args.get("pagina", "1").strip() or "1"
    if not raw_page.isdigit() or not 1 <= int(raw_page) <= 100_000:
        raise InvalidInput("Die pagina bestaat niet.", field="pagina")
    return Filters(state, category, kind, deadline, ref, int(raw_page), lead, unit)


@dataclass
class Row:
    case: Case
    subject: str
    kind: str
    deadline: date | None
    deadline_what: str  # "ontvangstbevestiging" or "terugkoppeling"
    days_left: int | None
    melder_wrote_last: bool
    lead: str = ""  # the lead counsellor's name, "" when nobody took the case
    lead_is_me: bool = False
    news: list[str] = field(default_factory=list)  # what is new since the member last opened it

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
    total: int  # the member's cases matching the filters (at least this many when capped)
    filters: Filters
    pages: int | None  # None when the count stopped at its cap
    mine: int  # all cases shared with the member
    unshared: int  # the organisation's cases not shared with the member
    sharers: list[str] = field(default_factory=list)  # colleagues who hold keys and can share
    colleagues: list[tuple[int, str]] = field(default_factory=list)  # counsellors for the lead filter
    capped: bool = False  # more match than were counted: `total` is a lower bound
    has_next: bool = False

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


def _news(session: Session, staff: Staff, cases: list[Case]) -> dict[int, list[str]]:
    """For each case, what happened after the member last opened it (all of it when never):
    the melder's messages and steps, decisions, consents (NEWS_FOR_COUNSELLOR), in words."""
    if not cases:
        return {}
    seen = dict(session.execute(select(CaseSeen.case_id, CaseSeen.seen_seq).where(
        CaseSeen.staff_id == staff.id, CaseSeen.case_id.in_([c.id for c in cases]))).all())
    by_ref = {c.ref: c.id for c in cases}
    out: dict[int, list[str]] = {}
    for ref, event, seq in session.execute(
            select(AuditEvent.case_ref, AuditEvent.event, AuditEvent.seq)
            .where(AuditEvent.chain == staff.organisation.slug, AuditEvent.case_ref.in_(list(by_ref)),
                   AuditEvent.event.in_(list(NEWS_FOR_COUNSELLOR)))
            .order_by(AuditEvent.seq)):
        case_id = by_ref[ref]
        if seq > seen.get(case_id, 0):
            words = NEWS_FOR_COUNSELLOR[event]
            if words not in out.setdefault(case_id, []):
                out[case_id].append(words)
    return out


def _ref_matches(session: Session, staff: Staff, ref: str):
    """The search by (part of) a reference: the organisation's references are read from
    ix_cases_org_ref alone (no case row), and the few that match become a list of ids, so the
    ordered walk does not read every case to test its reference. Many matches (a search for
    "M-") keep the plain condition."""
    matches = Case.ref.contains(ref, autoescape=True)
    ids = list(session.scalars(select(Case.id).where(Case.organisation_id == staff.organisation_id, matches)
                               .limit(REF_IDS + 1)))
    return Case.id.in_(ids) if len(ids) <= REF_IDS else matches


def _capped_count(session: Session, query, cap: int) -> tuple[int, bool]:
    n = session.scalar(select(func.count()).select_from(query.limit(cap + 1).subquery()))
    return (cap, True) if n > cap else (n, False)


def _counsellors(session: Session, staff: Staff) -> list[Staff]:
    return list(session.scalars(select(Staff).where(
        Staff.organisation_id == staff.organisation_id, Staff.role == StaffRole.COUNSELLOR)
        .order_by(Staff.display_name, Staff.email)))


def page(session: Session, staff: Staff, regeling: Regeling, filters: Filters, today: date) -> Page:
    if staff.role != StaffRole.COUNSELLOR:
        raise Forbidden("Alleen een vertrouwenspersoon kan meldingen lezen.")
    counsellors = _counsellors(session, staff)
    # The member's cases: a key wrapped to them, checked per case with uq_case_keys_case_staff
    # (an EXISTS, so the walk of the inbox's index drives the query, not the keys).
    held = exists().where(CaseKey.case_id == Case.id, CaseKey.staff_id == staff.id)
    conditions = [Case.organisation_id == staff.organisation_id]
    if filters.state:
        conditions.append(Case.state == filters.state)
    if filters.category:
        conditions.append(Case.regeling_category == filters.category)
    if filters.kind:
        conditions.append(Case.category == filters.kind)
    if filters.deadline == "verstreken":
        conditions.append(Case.next_due < today)
    elif filters.deadline == "deze_week":
        conditions.append(and_(Case.next_due >= today, Case.next_due <= today + timedelta(days=SOON_DAYS)))
    if filters.lead == LEAD_MINE:
        conditions.append(Case.lead_staff_id == staff.id)
    elif filters.lead == LEAD_NOBODY:
        conditions.append(Case.lead_staff_id.is_(None))
    elif filters.lead:
        if int(filters.lead) not in {m.id for m in counsellors}:
            raise InvalidInput("Onbekende vertrouwenspersoon; kies er een uit de lijst.", field="lead")
        conditions.append(Case.lead_staff_id == int(filters.lead))
    if filters.unit:
        conditions.append(Case.unit == filters.unit)
    if filters.ref:
        conditions.append(_ref_matches(session, staff, filters.ref))

    # Every key the member holds is for a case of their organisation (intake and sharing wrap
    # keys within it only), so the unfiltered count is a count of their keys.
    count_mine = session.scalar(select(func.count(CaseKey.id)).where(CaseKey.staff_id == staff.id))
    unshared, sharers = _not_shared(session, staff, count_mine)
    # A state either awaits a deadline (its cases all have a next_due) or awaits none: then
    # only one of the two walks can find anything.
    parts = (True, False) if not filters.state else ((True,) if awaiting(filters.state) else (False,))
    offset = (filters.page - 1) * PAGE_SIZE
    cases = None
    if not unshared:
        # The member holds a key for every case of the organisation (the common case of one
        # counsellor, or a team that shares all): the walk needs no probe of case_keys. The rows
        # it returns are still checked, and a case that arrived meanwhile without their key
        # sends the page through the checked walk below.
        cases = _ordered(session, conditions, offset, PAGE_SIZE + 1, parts)
        ids = [c.id for c in cases]
        if ids and len(set(session.scalars(select(CaseKey.case_id).where(
                CaseKey.staff_id == staff.id, CaseKey.case_id.in_(ids))))) != len(ids):
            cases = None
    conditions.append(held)
    if cases is None:
        cases = _ordered(session, conditions, offset, PAGE_SIZE + 1, parts)
    has_next, cases = len(cases) > PAGE_SIZE, cases[:PAGE_SIZE]
    if filters.page == 1 and not has_next:
        total, capped = len(cases), False  # the whole list is on this page: no count needed
    elif filters.active:
        total, capped = _capped_count(session, select(Case.id).where(*conditions), max(COUNT_CAP, offset + PAGE_SIZE))
    else:
        total, capped = count_mine, False
    pages = None if capped else max(1, math.ceil(total / PAGE_SIZE))
    if not cases and filters.page > 1:
        if not pages:
            raise InvalidInput("Die pagina bestaat niet.", field="pagina")
        raise InvalidInput(NO_SUCH_PAGE_ONE if pages == 1 else NO_SUCH_PAGE, field="pagina", params={"pages": pages})

    wrote_last = _melder_wrote_last(session, [c.id for c in cases])
    news = _news(session, staff, cases)
    names = {m.id: m.display_name or m.email for m in counsellors}
    rows = []
    for c in cases:
        due = c.next_due
        what = ("ontvangstbevestiging" if due is not None and awaits_acknowledgement(c.state) and due == c.ack_due
                else "terugkoppeling")
        rows.append(Row(c, _subject(c, regeling), MeldingKind(c.category).label if c.category else "",
                        due, what, (due - today).days if due else None, c.id in wrote_last,
                        names.get(c.lead_staff_id, "") if c.lead_staff_id else "", c.lead_staff_id == staff.id,
                        news.get(c.id, [])))
    return Page(rows, total, filters, pages, count_mine, unshared, sharers,
                [(m.id, names[m.id]) for m in counsellors if m.id != staff.id], capped, has_next)


def _page_of(session: Session, part, order: tuple, offset: int, limit: int) -> list[Case]:
    """The page's rows in two steps (a deferred join): the ids from the index alone, which
    ix_cases_org_next_due covers (organisation, next_due, received_on, id), so rows skipped
    by a deep page's offset are never read from the table; then only those rows."""
    ids = list(session.scalars(part.with_only_columns(Case.id).order_by(*order).offset(offset).limit(limit)))
    if not ids:
        return []
    rows = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def _ordered(session: Session, conditions: list, offset: int, limit: int,
             parts: tuple[bool, ...] = (True, False)) -> list[Case]:
    """Most urgent first: the cases awaiting a deadline, earliest first (overdue ones are the
    earliest); then those that await nothing, newest first. Each part (True: awaiting) is one
    walk of ix_cases_org_next_due in its own direction, stopping after `limit` matches."""
    cases: list[Case] = []
    for awaits in parts:
        if awaits:
            part = select(Case).where(*conditions, Case.next_due.is_not(None))
            order = (Case.next_due, Case.received_on, Case.id)
        else:
            part = select(Case).where(*conditions, Case.next_due.is_(None))
            # next_due is NULL throughout; naming it lets PostgreSQL walk the index backwards
            # (IS NULL does not fix a column's order for its planner, as an equality does).
            order = (Case.next_due.desc(), Case.received_on.desc(), Case.id.desc())
        found = _page_of(session, part, order, offset, limit - len(cases))
        if len(cases) + len(found) >= limit or awaits is parts[-1]:
            return cases + found
        if not found and offset:
            # This part ended before the page: how many it has tells where the next one starts
            # (counted only up to `offset`, which it does not reach).
            offset -= session.scalar(select(func.count()).select_from(
                part.with_only_columns(Case.id).limit(offset).subquery()))
        else:
            offset = 0
        cases += found
    return cases


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
