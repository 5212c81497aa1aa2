"""A case's history for its vertrouwenspersoon (issue 13): every audit event about the case, in
the order of the chain, by date and who, in Dutch words. Metadata only (the audit trail holds no
content); repeated openings of the same day by the same person read as one line."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from whistle.domain.roles import StaffRole
from whistle.models import AuditEvent, Case, Staff
from whistle.services.cases import case_by_ref, staff_case_key_or_none
from whistle.services.errors import Forbidden
from whistle.services.staff.accounts import StaffPrincipal

EVENT_LABELS = {
    "case_received": "Melding ontvangen",
    "case_reported_on_behalf": "Melding vastgelegd namens de melder",
    "case_opened": "Zaak geopend",
    "case_acknowledge": "Ontvangst bevestigd",
    "case_triage": "Melding beoordeeld",
    "case_escalate": "Doorgezet naar het bevoegd gezag",
    "case_decide": "Besluit van het bevoegd gezag",
    "case_give_feedback": "Terugkoppeling gegeven",
    "case_extend_feedback": "Termijn voor terugkoppeling verlengd",
    "case_close": "Zaak afgesloten",
    "case_withdraw": "Melding ingetrokken door de melder",
    "case_report_external": "Melder heeft extern gemeld",
    "case_disagree": "Melder is het oneens met de uitkomst",
    "case_mark_overdue": "Termijn verstreken",
    "case_dismiss": "Afgesloten als onbruikbaar",
    "case_fulfil_category": "Gedaan wat de regeling bij het onderwerp vraagt",
    "cases_dismissed_in_bulk": "Afgesloten als onbruikbaar (met andere meldingen)",
    "message_to_melder": "Bericht aan de melder",
    "message_from_melder": "Bericht van de melder",
    "attachment_from_melder": "Bijlage van de melder",
    "attachment_opened": "Bijlage geopend",
    "identity_consent_given": "Toestemming van de melder voor de identiteit in het dossier",
    "dossier_sent": "Dossier verstuurd",
    "dossier_opened": "Dossier geopend door het bevoegd gezag",
    "dossier_exported": "Dossier als PDF gemaakt",
    "dossier_access_withdrawn": "Toegang tot het dossier ingetrokken",
    "case_exported": "Zaak als PDF gemaakt",
    "case_access_granted": "Toegang tot de zaak gegeven aan een collega",
    "case_access_withdrawn": "Toegang tot de zaak ingetrokken",
    "betrokkenen_updated": "Betrokkenen vastgelegd",
    "benadeling_risk_assessed": "Risico op benadeling ingeschat",
    "benadeling_reported": "Benadeling gemeld door de melder",
    "benadeling_follow_up_answered": "Nazorgvraag beantwoord door de melder",
    "benadeling_follow_up_reminder": "Herinnering nazorg",
    "deadline_reminder": "Herinnering termijn",
    "category_deadline_reminder": "Herinnering termijn van het onderwerp",
    "retention_extended": "Bewaartermijn verlengd",
    "access_restored": "Toegang hersteld met de organisatiesleutel",
    "note_added": "Interne notitie toegevoegd",
}
_ACTORS = {"melder": "Melder", "scheduler": "Systeem (termijnen)"}


@dataclass
class Line:
    on: date
    who: str
    what: str
    times: int = 1


def history(session: Session, principal: StaffPrincipal, ref: str) -> tuple[Case, list[Line]]:
    """The case's events, for a counsellor who holds its key (others find no such case)."""
    if principal.staff.role != StaffRole.COUNSELLOR:
        raise Forbidden("Alleen een vertrouwenspersoon kan de geschiedenis van een zaak zien.")
    case = case_by_ref(session, ref)
    staff_case_key_or_none(session, case, principal.staff, principal.secret_key)  # NotFound without a key
    names = {m.email: (m.display_name or m.email) for m in session.scalars(
        select(Staff).where(Staff.organisation_id == case.organisation_id))}
    lines: list[Line] = []
    for ev in session.scalars(select(AuditEvent).where(AuditEvent.chain == case.organisation.slug,
                                                       AuditEvent.case_ref == case.ref)
                              .order_by(AuditEvent.seq)):
        line = Line(ev.occurred_on, names.get(ev.actor) or _ACTORS.get(ev.actor, "Systeem"),
                    EVENT_LABELS.get(ev.event, "Andere gebeurtenis"))
        last = lines[-1] if lines else None
        if last and (last.on, last.who, last.what) == (line.on, line.who, line.what):
            last.times += 1
        else:
            lines.append(line)
    return case, lines
