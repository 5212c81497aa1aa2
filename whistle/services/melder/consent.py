"""The melder's consent to let their identity go into the dossier for the bevoegd gezag.

Only the melder, in their own session, gives or revokes it; it is a recorded event (audit) and
a date on the case. It can change until a dossier is sent: after that, what was sent stays
sent, and the page says so."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from whistle.models import Case, Dossier, Record
from whistle.services import audit
from whistle.services.context import UseCase
from whistle.services.errors import Forbidden, InvalidInput
from whistle.services.melder.case import ReporterContext

NOT_THE_MELDER = "Alleen de melder kan, met de eigen code, toestemming geven of intrekken."


def has_identity(session: Session, case: Case) -> bool:
    return session.scalar(select(Record.id).where(Record.case_id == case.id, Record.kind == "identity")
                          .limit(1)) is not None


def dossier_sent(session: Session, case: Case) -> bool:
    return session.scalar(select(Dossier.id).where(Dossier.case_id == case.id).limit(1)) is not None


@dataclass
class ConsentView:
    """What the melder's page says about the consent."""
    has_identity: bool
    given_on: date | None
    dossier_sent: bool


def view(session: Session, case: Case) -> ConsentView:
    return ConsentView(has_identity(session, case), case.identity_consent_on, dossier_sent(session, case))


def set_identity_consent(uc: UseCase, principal, consent: bool) -> Case:
    """Give (`consent=True`) or revoke the consent for the melder's own case."""
    session, clock = uc.session, uc.clock
    if not isinstance(principal, ReporterContext):
        raise Forbidden(NOT_THE_MELDER)
    if not isinstance(consent, bool):
        raise InvalidInput("consent: kies ja of nee (true of false).", field="consent")
    case = principal.case
    if not has_identity(session, case):
        raise InvalidInput("U heeft bij uw melding geen naam of contactgegevens gegeven; er is niets om "
                           "te delen.", field="consent")
    if dossier_sent(session, case):
        raise InvalidInput("Het dossier voor het bevoegd gezag is al verstuurd; uw keuze kan niet meer "
                           "veranderen wat erin staat. Er is niets gewijzigd.", field="consent")
    today = clock.today()
    if consent == (case.identity_consent_on is not None):
        return case  # already so: nothing to record
    case.identity_consent_on = today if consent else None
    audit.record(session, chain=case.organisation.slug, actor="melder",
                 event="identity_consent_given" if consent else "identity_consent_revoked",
                 today=today, case_ref=case.ref)
    session.flush()
    return case
