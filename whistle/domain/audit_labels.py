"""What each audit event means, in the words the beheerder's logbook shows (Dutch). Pure.

An event name is an identifier in code and in the hash chain; a person reads the label.
Lifecycle steps are recorded as `case_<event>` and take the state machine's own label."""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from whistle.domain.lifecycle import Event, event_label
from whistle.domain.worded import Worded

EVENT_LABELS: Mapping[str, str] = MappingProxyType({
    # lifecycle steps (case_<event>) and notes
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
    "note_added": "Interne notitie toegevoegd",
    "dossier_draft_saved": "Concept van het dossier opgeslagen",
    "dossier_draft_deleted": "Concept van het dossier verwijderd",
    "dossier_attachment_opened": "Bijlage uit een dossier gedownload",
    # meldingen
    "case_received": "Melding ontvangen",
    "case_reported_on_behalf": "Melding vastgelegd namens de melder",
    "case_opened": "Zaak geopend",
    "case_deleted": "Melding verwijderd na de bewaartermijn",
    "case_exported": "Zaak als PDF gemaakt",
    "case_access_granted": "Toegang tot de zaak gegeven aan een collega",
    "case_access_withdrawn": "Toegang tot de zaak ingetrokken",
    "case_lead_taken": "Zaak opgepakt als eerste vertrouwenspersoon",
    "case_lead_handed_over": "Zaak overgedragen aan een andere vertrouwenspersoon",
    "cases_dismissed_in_bulk": "Afgesloten als onbruikbaar (met andere meldingen)",
    "message_from_melder": "Bericht van de melder",
    "message_to_melder": "Bericht aan de melder",
    "attachment_from_melder": "Bijlage van de melder",
    "code_replaced": "Melder verving de code",
    "attachment_opened": "Bijlage geopend",
    "identity_consent_given": "Toestemming van de melder voor de identiteit in het dossier",
    "identity_consent_revoked": "Melder trok de toestemming om de identiteit te delen in",
    "betrokkenen_updated": "Betrokkenen vastgelegd",
    "retention_extended": "Bewaartermijn verlengd",
    "access_restored": "Toegang hersteld met de organisatiesleutel",
    "deadline_reminder": "Herinnering termijn",
    "category_deadline_reminder": "Herinnering termijn van het onderwerp",
    "benadeling_risk_assessed": "Risico op benadeling ingeschat",
    "benadeling_reported": "Benadeling gemeld door de melder",
    "benadeling_follow_up_answered": "Nazorgvraag beantwoord door de melder",
    "benadeling_follow_up_reminder": "Herinnering nazorg",
    "shared_overview_viewed": "Gedeeld overzicht bekeken",
    # disclosure of the identity without consent (whistle.domain.disclosure)
    "disclosure_requested": "Verzoek om de identiteit van de melder zonder toestemming",
    "disclosure_seconded": "Verzoek om de identiteit ondersteund door een vertrouwenspersoon",
    "disclosure_approved": "Verzoek om de identiteit goedgekeurd",
    "disclosure_refused": "Verzoek om de identiteit geweigerd",
    "disclosure_notified": "Melder op de hoogte gebracht van het verzoek om de identiteit",
    "disclosure_withdrawn": "Verzoek om de identiteit ingetrokken",
    "identity_disclosed": "Identiteit van de melder verstrekt op wettelijke grond",
    # complaints and oral meldingen (issue 15)
    "complaint_dossier_sent": "Klacht van de melder voorgelegd aan wie erover beslist",
    "oral_melding_recorded": "Mondelinge melding vastgelegd",
    "minutes_revised": "Nieuwe versie van het verslag van de mondelinge melding",
    "minutes_approved": "Verslag van de mondelinge melding goedgekeurd door de melder",
    "minutes_corrected": "Melder vroeg om aanvulling van het verslag",
    "oral_recording_stored": "Opname van de mondelinge melding opgeslagen, met toestemming van de melder",
    "meeting_requested": "Melder vroeg om een gesprek",
    "meeting_proposed": "Tijd en plaats voor het gesprek voorgesteld aan de melder",
    "meeting_confirmed": "Melder bevestigde het gesprek",
    "meeting_other_moment_asked": "Melder vroeg om een ander moment voor het gesprek",
    "meeting_proposal_reminder": "Herinnering: voorstel voor een gesprek",
    "complaint_decision_reminder": "Herinnering: besluit op de klacht",
    # dossiers
    "dossier_sent": "Dossier verstuurd",
    "dossier_opened": "Dossier geopend door het bevoegd gezag",
    "dossier_exported": "Dossier als PDF gemaakt",
    "dossier_access_withdrawn": "Toegang tot het dossier ingetrokken",
    # register and annual report
    "register_exported": "Register geëxporteerd",
    "annual_report_viewed": "Jaarverslag bekeken",
    "annual_report_exported": "Jaarverslag geëxporteerd",
    "annual_report_delivered": "Jaarverslag aangeboden",
    # accounts and keys
    "organisation_created": "Organisatie aangemaakt",
    "trust_key_created": "Organisatiesleutel gemaakt",
    "recovery_key_created": "Herstelsleutel gemaakt",
    "recovery_key_endorsed": "Herstelsleutel erkend",
    "staff_created": "Account aangemaakt",
    "staff_deleted": "Account verwijderd",
    "staff_deactivated": "Account uitgeschakeld",
    "staff_reactivated": "Account weer ingeschakeld",
    "staff_function_set": "Functie van een lid van het bevoegd gezag ingesteld",
    "staff_endorsed": "Sleutel van een medewerker erkend",
    "staff_endorsement_withdrawn": "Erkenning van een sleutel ingetrokken",
    "staff_login": "Ingelogd",
    "staff_passphrase_changed": "Eigen wachtwoordzin gewijzigd",  # nosec B105  # a label, not a secret
    "staff_passphrase_reset": "Wachtwoordzin opnieuw ingesteld",  # nosec B105  # a label, not a secret
    "second_factor_enrolled": "Tweede factor ingesteld",
    "second_factor_reset": "Tweede factor gewist",
    "recovery_code_used": "Herstelcode gebruikt",
})

ACTOR_LABELS: Mapping[str, str] = MappingProxyType({
    "melder": "melder",
    "scheduler": "systeem (dagelijkse taak)",
    "system": "systeem",
    "cli": "beheer op de server",
})


def event_description(name: str) -> str:
    """The Dutch label of an audit event; a lifecycle step by the state machine's label."""
    if name in EVENT_LABELS:
        return EVENT_LABELS[name]
    if name.startswith("case_"):
        try:
            # Worded: a page says "Stap: …" and the step in its reader's language.
            return Worded("Stap: %(step)s", step=event_label(Event(name.removeprefix("case_"))))
        except ValueError:
            pass
    return "Andere gebeurtenis"


# What the inbox marks as new since a counsellor last opened a case (issue 13.1): what the melder
# did, a decision of the bevoegd gezag, a consent. Each event's words after "Nieuw: ".
NEWS_FOR_COUNSELLOR: Mapping[str, str] = MappingProxyType({
    "message_from_melder": "bericht van melder",
    "attachment_from_melder": "bericht van melder",
    "case_disagree": "melder is het oneens met de uitkomst",
    "case_withdraw": "melder trok de melding in",
    "case_report_external": "melder meldde extern",
    "benadeling_reported": "benadeling gemeld door melder",
    "minutes_approved": "melder keurde het verslag goed",
    "minutes_corrected": "melder vroeg om aanvulling van het verslag",
    "case_decide": "besluit van het bevoegd gezag",
    "identity_consent_given": "toestemming van melder",
    "identity_consent_revoked": "melder trok de toestemming in",
})
