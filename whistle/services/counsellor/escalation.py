"""Escalation: the counsellor composes the dossier for the bevoegd gezag and sends it.

What is sent is what the counsellor typed: the chosen records, with their redactions made in
the text; the melder's identity only when the melder consented on their own case page (and
has not revoked it); an optional note. The dossier is sealed under a fresh key wrapped only
to the entitled authority members (whistle.domain.recusal: the regeling's recipients, its
recusal rules, minus every betrokkene). When nobody is left, nothing is sent. Sending fires
the lifecycle's `escalate` step through the one entry point, in the same transaction.

Before sending, the counsellor sees a preview (`preview`): exactly the entries and attachment
names the recipients will read, and the recipients by name and office; the send names the
recipients it was confirmed for, and is refused when they changed meanwhile. Chosen
attachments travel with their file keys re-wrapped under the dossier key (the stored body is
reused). Sending deletes the case's draft (whistle.services.counsellor.dossier_drafts)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from whistle.services.mail_language import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from whistle.domain.lifecycle import Event
from whistle.domain.recusal import Entitlement, Member, entitled
from whistle.domain.regeling import Authority
from whistle.domain.offices import OFFICE_LABELS
from whistle.domain.report import IDENTITY_FIELD_NAMES, MAX_FIELD_CHARS, REPORT_FIELD_NAMES
from whistle.domain.roles import EndorsedRole, StaffRole
from whistle.models import Attachment, Case, Dossier, Staff
from whistle.services import audit, dossiers, trust
from whistle.services.counsellor import case as counsellor
from whistle.services.cases import attachment_of, case_by_ref, open_or_none, staff_case_key
from whistle.services.counsellor.betrokkenen import concerned_ids, require_counsellor
from whistle.services.context import UseCase
from whistle.services.errors import InvalidInput, NotFound
from whistle.services.input import bounded_text, checked, listed, whole_number
from whistle.services.lifecycle import transition
from whistle.services.mail_language import in_language
from whistle.services.organisations import regeling_of
from whistle.services.staff.accounts import StaffPrincipal

NOBODY_LEFT = ("Er is niemand van het bevoegd gezag over die dit dossier mag ontvangen: volgens de "
               "regeling en de wrakingsregels zijn alle ontvangers betrokkene, of er is geen account "
               "met die functie. Er is niets verstuurd. Vraag de beheerder een account aan te maken "
               "voor wie volgens de regeling in hun plaats treedt.")


@dataclass
class Recipients:
    entitlement: Entitlement
    members: dict[int, Staff]

    @property
    def recipients(self) -> list[Staff]:
        return [self.members[i] for i in self.entitlement.recipients]

    @property
    def role_labels(self) -> list[str]:
        return [OFFICE_LABELS.get(r, r) for r in self.entitlement.roles]


def recipients_for(session: Session, case: Case, case_key: bytes, authority: Authority | None = None) -> Recipients:
    """Who would receive a dossier of this case now: only active members of the bevoegd gezag
    whose key an endorsed counsellor vouched for, for the office that endorsement names. The
    regeling's recipients unless `authority` names others (the office deciding on a complaint)."""
    endorsed = {i: e for i, e in trust.endorsed(session, case.organisation).items() if e.role == EndorsedRole.AUTHORITY}
    members = {s.id: s for s in session.scalars(
        select(Staff).where(Staff.organisation_id == case.organisation_id, Staff.role == StaffRole.AUTHORITY,
                            Staff.active.is_(True), Staff.id.in_(list(endorsed) or [-1])).order_by(Staff.id))}
    result = entitled(authority or regeling_of(case.organisation).authority,
                      [Member(s.id, endorsed[s.id].office) for s in members.values()],
                      concerned_ids(session, case, case_key))
    return Recipients(result, members)


@dataclass
class Compose:
    """What the compose page shows: the decrypted case, the consent and the recipients."""
    opened: counsellor.OpenedCase
    recipients: Recipients
    identity_allowed: bool


def compose(uc: UseCase, principal: StaffPrincipal, ref: str) -> Compose:
    session = uc.session
    opened = counsellor.open_case(uc, principal, ref)
    key = staff_case_key(session, opened.case, principal.staff, principal.secret_key)
    return Compose(opened, recipients_for(session, opened.case, key), identity_allowed(opened.case, opened.identity))


def identity_allowed(case: Case, identity: dict | None) -> bool:
    return identity is not None and case.identity_consent_on is not None


RECIPIENTS_CHANGED = ("Wie het dossier ontvangt, is veranderd sinds het voorbeeld. Bekijk de ontvangers "
                      "hieronder en bevestig opnieuw. Er is niets verstuurd.")


@dataclass
class Preview:
    """Exactly what would be sent: the entries and attachment names, and to whom."""
    opened: counsellor.OpenedCase
    entries: list[dict]
    attachments: list[tuple[Attachment, dict]]
    recipients: Recipients

    @property
    def attachment_names(self) -> list[str]:
        return [str(h.get("name", "")) for _a, h in self.attachments]

    @property
    def recipient_ids(self) -> list[int]:
        return [m.id for m in self.recipients.recipients]


def preview(uc: UseCase, principal: StaffPrincipal, ref: str, form: Mapping[str, Any]) -> Preview:
    """What `escalate` would send with this form, checked the same way; nothing is written
    (but the case's opening, as every reading of the case is)."""
    session = uc.session
    require_counsellor(principal)
    case = case_by_ref(session, ref)
    key = staff_case_key(session, case, principal.staff, principal.secret_key)
    opened = counsellor.open_case(uc, principal, case.ref)
    files = _attachments(session, case, key, form)
    entries = _entries(session, case, opened, form, has_files=bool(files))
    who = recipients_for(session, case, key)
    if not who.recipients:
        raise InvalidInput(NOBODY_LEFT, field="recipients")
    return Preview(opened, entries, files, who)


def escalate(uc: UseCase, principal: StaffPrincipal, ref: str, form: Mapping[str, Any],
             confirmed: list | None = None) -> tuple[Dossier, list[Staff]]:
    """Seal and send the dossier; returns it and its recipients. Raises before anything is
    written when the input is bad, nobody is entitled, the recipients are not the `confirmed`
    ones (member ids, when given), or the case may not be escalated."""
    session, clock = uc.session, uc.clock
    shown = preview(uc, principal, ref, form)
    case = shown.opened.case
    key = staff_case_key(session, case, principal.staff, principal.secret_key)
    who = shown.recipients
    if confirmed is not None and sorted(str(c) for c in confirmed) != sorted(str(i) for i in shown.recipient_ids):
        raise InvalidInput(RECIPIENTS_CHANGED, field="recipients")
    today = clock.today()
    transition(uc, case, Event.ESCALATE, principal, dossier_sent=True)
    dossier = dossiers.store(session, case, key, today, shown.entries, who.recipients, shown.attachments)
    from whistle.services.counsellor import dossier_drafts
    dossier_drafts.remove(session, case)
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email, event="dossier_sent",
                 today=today, case_ref=case.ref, dossier=dossiers.ref_of(dossier),
                 recipients=len(who.recipients), entries=len(shown.entries), attachments=len(shown.attachments))
    return dossier, who.recipients


def _attachments(session: Session, case: Case, key: bytes, form: Mapping[str, Any]) -> list[tuple[Attachment, dict]]:
    """The case's attachments ticked on the form, with their headers opened under the case key."""
    chosen, seen = [], set()
    for raw in listed(form, "include_attachment"):
        if not isinstance(raw, str) or raw in seen:
            continue
        seen.add(raw)
        try:
            att = attachment_of(session, case, raw[:64])
        except NotFound:  # another case's, or none at all
            raise InvalidInput("Kies bijlagen uit deze zaak. Er is niets verstuurd.",
                               field="include_attachment") from None
        header = open_or_none(key, "attachment", case.binding_hex, att.header)
        if header is None or not header.get("key"):
            raise InvalidInput("Een gekozen bijlage is onleesbaar en kan niet mee. Er is niets verstuurd.",
                               field="include_attachment")
        chosen.append((att, header))
    return chosen


def _entries(session: Session, case: Case, opened: counsellor.OpenedCase, form: Mapping[str, Any],
             has_files: bool = False) -> list[dict]:
    entries: list[dict] = []
    if checked(form.get("include_report")):
        fields = {k: _edited(form, f"report_{k}") for k in REPORT_FIELD_NAMES}
        fields = {k: v for k, v in fields.items() if v}
        if not fields:
            raise InvalidInput("De melding is aangevinkt maar leeg: vul de (bewerkte) tekst in of vink "
                               "haar uit. Er is niets verstuurd.", field="report_what")
        entries.append({"type": "report", "fields": fields})
    messages = {m.id: m for m in opened.messages}
    not_listed = "Kies berichten uit deze zaak. Er is niets verstuurd."
    for raw in listed(form, "include_message"):
        record_id = whole_number(raw, "include_message", not_listed)
        message = messages.get(record_id)
        if message is None:
            raise InvalidInput(not_listed, field="include_message")
        text = _edited(form, f"message_{record_id}")
        if not text:
            raise InvalidInput("Een gekozen bericht is leeg: vul de (bewerkte) tekst in of vink het uit. "
                               "Er is niets verstuurd.", field=f"message_{record_id}")
        entries.append({"type": "message", "author": message.author,
                        "created_on": message.created_on.isoformat(), "text": text})
    if checked(form.get("include_identity")):
        if not identity_allowed(case, opened.identity):
            raise InvalidInput("De identiteit van de melder gaat alleen mee als de melder daar op de eigen "
                               "pagina toestemming voor gaf. Er is niets verstuurd.", field="include_identity")
        entries.append({"type": "identity", **{k: v for k, v in opened.identity.items()
                                               if k in IDENTITY_FIELD_NAMES}})
    note = _edited(form, "note")
    if note:
        entries.append({"type": "note", "text": note})
    if not entries and not has_files:
        raise InvalidInput("Het dossier is leeg: kies wat het bevoegd gezag krijgt. Er is niets verstuurd.",
                           field="include_report")
    if case.unit:  # a shared service: the dossier names the unit the melding concerns (SamenTwente)
        entries.insert(0, {"type": "unit", "text": regeling_of(case.organisation).unit(case.unit).label})
    return entries


def _edited(form: Mapping[str, Any], name: str) -> str:
    """A field the counsellor may leave empty, as sent (perhaps redacted)."""
    return bounded_text(form.get(name), name, limit=MAX_FIELD_CHARS, what="De tekst", required=False,
                        after="Er is niets verstuurd.")


# --- telling the recipients -------------------------------------------------------------------

def notice_text(base_url: str, language: str | None = None) -> tuple[str, str]:
    """A new dossier's notice in the member's language: a link to the inbox, nothing about the
    case or the melder."""
    link = f"{base_url.rstrip('/')}/bg/"
    with in_language(language):
        return (gettext("Er staat een dossier voor u klaar"),
                gettext("Er staat een dossier van de vertrouwenspersoon voor u klaar.") + "\n\n"
                + gettext("Bekijk het na het inloggen:") + f"\n{link}\n\n"
                + gettext("Dit bericht bevat bewust niets over de inhoud van de melding of over de melder.")
                + "\n")


def notify(uc: UseCase, recipients: list[Staff]) -> None:
    """Mail each recipient the notice, in their own language; raises
    whistle.infra.mail.MailError when the server fails. Only the dossier's recipients are
    mailed: nobody else learns that a dossier exists."""
    with uc.mailer(timeout=10) as mailer:
        for member in recipients:
            mailer.send(member.email, *notice_text(uc.settings.base_url, member.language))


# --- what the counsellor's case page shows about the hand-over ---------------------------------

@dataclass
class Handover:
    candidates: list[Staff]                 # accounts that can be marked betrokkene
    concerned: set[int]
    colleagues: list                        # case_access.Colleague
    dossiers: list[dossiers.OpenedDossier]  # what was sent, with any decision
    on_behalf_allowed: bool
    draft: object = None                    # dossier_drafts.Draft, when one is kept

    def feedback_suggestion(self) -> str:
        """A starting text for the terugkoppeling, from the last decision; the counsellor edits it."""
        decided = [d for d in self.dossiers if d.decision]
        if not decided:
            return ""
        d = decided[-1]
        return (gettext("Het bevoegd gezag heeft over uw melding besloten: %(decision)s.",
                        decision=gettext(d.decision_label).lower())
                + f"\n\n{d.decision.get('motivation', '')}")


def handover_view(session: Session, principal: StaffPrincipal, case: Case) -> Handover:
    from whistle.services.counsellor import sharing as case_access
    from whistle.services.counsellor import on_behalf
    from whistle.services.counsellor.betrokkenen import candidates
    key = staff_case_key(session, case, principal.staff, principal.secret_key)
    opened = [dossiers.open_dossier(session, d, dossiers.key_from_copy(case, key, d))
              for d in dossiers.dossiers_of_case(session, case)]
    from whistle.services.counsellor import dossier_drafts
    return Handover(candidates(session, case), concerned_ids(session, case, key),
                    case_access.colleagues(session, principal, case.ref), opened,
                    on_behalf.allowed(principal), dossier_drafts.draft_of(session, case, key))
