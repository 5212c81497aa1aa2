"""The counsellor's deadline overview (/vp/termijnen) and its lines in the reminder mail:
what is overdue, due this week and due next week, across the cases this counsellor holds a
key to. References, which deadline and dates only: nothing of a melding's content."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from whistle.domain.states import OPEN_STATES, OverdueDeadline, states_awaiting
from whistle.models import Case, CaseComplaint, CaseKey, CaseMeeting

LABELS = {
    OverdueDeadline.ACKNOWLEDGEMENT: "Ontvangstbevestiging",
    OverdueDeadline.FEEDBACK: "Terugkoppeling",
    "category": "Termijn van de categorie",
    "complaint": "Besluit op de klacht",
    "meeting": "Voorstel voor een gesprek",
}


@dataclass(frozen=True)
class DueItem:
    ref: str
    what: str  # the deadline, in words
    due: date
    days: int  # days left; negative when overdue

    def when(self) -> str:
        """The time left, in words (not colour alone)."""
        if self.days < 0:
            n = -self.days
            return f"{n} dag te laat" if n == 1 else f"{n} dagen te laat"
        if self.days == 0:
            return "vandaag"
        return "morgen" if self.days == 1 else f"over {self.days} dagen"


@dataclass
class DeadlineOverview:
    overdue: list[DueItem] = field(default_factory=list)
    this_week: list[DueItem] = field(default_factory=list)
    next_week: list[DueItem] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.overdue or self.this_week or self.next_week)

    def groups(self) -> list[tuple[str, list[DueItem]]]:
        return [("Te laat", self.overdue), ("Deze week", self.this_week), ("Volgende week", self.next_week)]


def _end_of_week(day: date) -> date:
    return day + timedelta(days=6 - day.weekday())


def overview(session: Session, staff_id: int, today: date) -> DeadlineOverview:
    """One query over the counsellor's open cases whose next deadline falls by the end of next
    week (or has passed), sorted by the day it falls due."""
    horizon = _end_of_week(today) + timedelta(days=7)
    ack_states, feedback_states = states_awaiting(OverdueDeadline.ACKNOWLEDGEMENT), \
        states_awaiting(OverdueDeadline.FEEDBACK)
    rows = session.execute(
        select(Case.ref, Case.state, Case.ack_due, Case.feedback_due, Case.category_due, Case.category_done_on)
        .join(CaseKey, CaseKey.case_id == Case.id)
        .where(CaseKey.staff_id == staff_id, or_(
            Case.state.in_(ack_states) & (Case.ack_due <= horizon),
            Case.state.in_(feedback_states) & (Case.feedback_due <= horizon),
            Case.category_due.is_not(None) & Case.category_done_on.is_(None) & (Case.category_due <= horizon))))
    items: list[DueItem] = []
    open_values = {s.value for s in OPEN_STATES}
    for ref, state, ack_due, feedback_due, category_due, category_done in rows:
        if state in ack_states and ack_due <= horizon:
            items.append(DueItem(ref, LABELS[OverdueDeadline.ACKNOWLEDGEMENT], ack_due, (ack_due - today).days))
        if state in feedback_states and feedback_due <= horizon:
            items.append(DueItem(ref, LABELS[OverdueDeadline.FEEDBACK], feedback_due, (feedback_due - today).days))
        if category_due is not None and category_done is None and category_due <= horizon and state in open_values:
            items.append(DueItem(ref, LABELS["category"], category_due, (category_due - today).days))
    items += _procedure_items(session, staff_id, today, horizon)
    result = DeadlineOverview()
    end_of_week = _end_of_week(today)
    for item in sorted(items, key=lambda i: (i.due, i.ref)):
        if item.due < today:
            result.overdue.append(item)
        elif item.due <= end_of_week:
            result.this_week.append(item)
        else:
            result.next_week.append(item)
    return result


def _procedure_items(session: Session, staff_id: int, today: date, horizon: date) -> list[DueItem]:
    """The terms of issue 15's procedures, each a small query of its own: the decision on a
    melder's complaint ('s-Hertogenbosch) and the proposal for a meeting the melder asked for."""
    complaints = session.execute(
        select(Case.ref, CaseComplaint.due).join(CaseComplaint, CaseComplaint.case_id == Case.id)
        .join(CaseKey, CaseKey.case_id == Case.id)
        .where(CaseKey.staff_id == staff_id, CaseComplaint.decided_on.is_(None), CaseComplaint.due <= horizon))
    meetings = session.execute(
        select(Case.ref, CaseMeeting.due).join(CaseMeeting, CaseMeeting.case_id == Case.id)
        .join(CaseKey, CaseKey.case_id == Case.id)
        .where(CaseKey.staff_id == staff_id, CaseMeeting.proposed_on.is_(None), CaseMeeting.confirmed_on.is_(None),
               CaseMeeting.due <= horizon))
    return ([DueItem(ref, LABELS["complaint"], due, (due - today).days) for ref, due in complaints]
            + [DueItem(ref, LABELS["meeting"], due, (due - today).days) for ref, due in meetings])

