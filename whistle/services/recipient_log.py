"""The recipient log: every change to who receives meldingen or dossiers, per organisation,
append-only and hash-chained (the audit trail's machinery under the chain name
`recipients:<slug>`, so `audit.verify` checks it too).

Entries: `trust_key_created`, `added` (a member's key pair was made at their first login),
`endorsed` (by whom), `withdrawn`, `deactivated`, `reactivated`. Every counsellor sees the log
on their start page; every endorsed counsellor is mailed the reference and the fingerprint of
each new entry (never a name), so a change made behind their backs does not go unnoticed."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from whistle.services.mail_language import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from whistle.domain.roles import EndorsedRole
from whistle.models import AuditEvent, Organisation
from whistle.services import audit
from whistle.services.mail_language import in_language

PREFIX = "recipients:"
LABELS = {
    "trust_key_created": "organisatiesleutel gemaakt",
    "added": "sleutel gemaakt (nog niet erkend)",
    "endorsed": "erkend als ontvanger",
    "withdrawn": "erkenning ingetrokken",
    "deactivated": "account uitgeschakeld",
    "reactivated": "account weer ingeschakeld",
}


def chain_name(org: Organisation) -> str:
    return PREFIX + org.slug


@dataclass(frozen=True)
class Entry:
    seq: int
    on: date
    actor: str
    event: str
    details: dict
    hash: str

    @property
    def reference(self) -> str:
        return f"{self.details.get('_chain', '')}#{self.seq}"

    @property
    def label(self) -> str:
        return LABELS.get(self.event, self.event)


def append(session: Session, org: Organisation, today: date, event: str, *, actor: str, **details) -> AuditEvent:
    if event not in LABELS:
        raise ValueError(f"unknown recipient log event {event!r}")
    row = audit.record(session, chain=chain_name(org), actor=actor, event=event, today=today, **details)
    session.info.setdefault("recipient_log_new", []).append((org.id, row.seq))
    return row


def entries(session: Session, org: Organisation, limit: int | None = None) -> list[Entry]:
    """Newest first."""
    query = select(AuditEvent).where(AuditEvent.chain == chain_name(org)).order_by(AuditEvent.seq.desc())
    if limit:
        query = query.limit(limit)
    return [Entry(ev.seq, ev.occurred_on, ev.actor, ev.event, json.loads(ev.details) | {"_chain": ev.chain}, ev.hash)
            for ev in session.scalars(query)]


def verify(session: Session, org: Organisation) -> list[audit.ChainProblem]:
    return audit.verify(session, chain_name(org))


def taken_new(session: Session) -> list[tuple[int, int]]:
    """The (organisation id, seq) of entries appended in this unit of work, once; the caller
    mails them after the commit."""
    return session.info.pop("recipient_log_new", [])


def notice_text(base_url: str, entries_: list[Entry], language: str | None = None) -> tuple[str, str]:
    """The notice of new log entries in the member's language: references, what happened and
    fingerprints, never a name."""
    link = f"{base_url.rstrip('/')}/vp/"
    with in_language(language):
        lines = [f"{e.reference}: {gettext(e.label)}"
                 + (", " + gettext("vingerafdruk %(fingerprint)s", fingerprint=e.details["fingerprint"])
                    if e.details.get("fingerprint") else "")
                 for e in entries_]
        return (gettext("Wijziging in wie meldingen kan lezen"),
                gettext("Het logboek van ontvangers van uw organisatie is gewijzigd:") + "\n\n"
                + "".join(f"  {line}\n" for line in lines)
                + "\n" + gettext("Bekijk het logboek na het inloggen:") + f"\n{link}\n\n"
                + gettext("Herkent u deze wijziging niet, neem dan direct contact op met de andere "
                          "vertrouwenspersonen.") + "\n")


def mail_new_entries(session: Session, settings) -> bool:
    """After a commit: mail every endorsed counsellor of each organisation whose log grew the
    references and fingerprints of the new entries, each in their own language. False when the
    mail server failed (the change stands; the log on the start page shows it)."""
    from whistle.infra.mail import Mailer, MailError
    from whistle.services import trust
    new = taken_new(session)
    ok = True
    for org_id in dict.fromkeys(org for org, _seq in new):
        org = session.get(Organisation, org_id)
        seqs = {seq for o, seq in new if o == org_id}
        grown = [e for e in reversed(entries(session, org)) if e.seq in seqs]
        from whistle.models import Staff
        ids = [i for i, e in trust.endorsed(session, org).items() if e.role == EndorsedRole.COUNSELLOR]
        to = list(session.execute(select(Staff.email, Staff.language).where(Staff.id.in_(ids))
                                  .order_by(Staff.id))) if ids else []
        if not to:
            continue
        try:
            with Mailer(settings.mail, timeout=10) as mailer:
                for address, language in to:
                    mailer.send(address, *notice_text(settings.base_url, grown, language))
        except MailError:
            ok = False
    return ok


def report(session: Session, org_slug: str) -> dict:
    """The current recipients, each chain verified now, and the log, its chain verified: what
    `whistle org recipients` prints."""
    import crypto
    from whistle.models import Staff
    from whistle.services import trust
    from whistle.services.organisations import get_organisation
    org = get_organisation(session, org_slug)
    members = trust.endorsed(session, org)
    staff = {s.id: s for s in session.scalars(select(Staff).where(Staff.id.in_(list(members))))} if members else {}
    recipients = [{"role": e.role, "office": e.office, "email": staff[i].email,
                   "fingerprint": crypto.fingerprint(staff[i].public_key), "chain_length": len(e.chain),
                   "endorsed_by": [crypto.fingerprint(link.endorser) for link in e.chain]}
                  for i, e in sorted(members.items())]
    recovery = trust.recovery_chain(session, org)
    if recovery:
        recipients.append({"role": "recovery", "office": "", "email": None,
                           "fingerprint": crypto.fingerprint(org.recovery_public_key), "chain_length": 1,
                           "endorsed_by": [crypto.fingerprint(org.trust_public_key)]})
    problems = verify(session, org)
    return {"org": org.slug, "trust": trust.trust_json(org), "recipients": recipients,
            "log_ok": not problems, "log_problem": problems[0].reason if problems else "",
            "log": [{"seq": e.seq, "on": e.on.isoformat(), "event": e.event, "actor": e.actor,
                     "details": {k: v for k, v in e.details.items() if k != "_chain"}, "hash": e.hash}
                    for e in reversed(entries(session, org))]}
