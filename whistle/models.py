"""SQLAlchemy 2.x typed mappings. Content only ever appears here as ciphertext; the tables the
inbox and the scheduler scan (cases) hold metadata only, and the blobs live in their own tables.

The schema is created and changed only through the Alembic migrations in migrations/; a test
checks that the head revision matches these models."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData,
    String, Text, UniqueConstraint, false, text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from whistle.domain import records
from whistle.domain.benadeling import BenadelingKind
from whistle.domain.records import RecordKind
from whistle.domain.roles import EndorsedRole, StaffRole
from whistle.domain.states import State

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The values the CHECK constraints allow, derived from the domain's enums in their order, so
# that the constraint text stays the one the migrations wrote (a test compares them).
CASE_STATES = tuple(s.value for s in State)
STAFF_ROLES = tuple(r.value for r in StaffRole)
RECORD_KINDS = tuple(k.value for k in RecordKind)
AUTHORS = tuple(a.value for a in records.CASE_AUTHORS)
DOSSIER_AUTHORS = tuple(a.value for a in records.DOSSIER_AUTHORS)
ENDORSED_ROLES = tuple(r.value for r in EndorsedRole)
BENADELING_KINDS = tuple(k.value for k in BenadelingKind)



def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The organisation's regeling, parsed and validated, as JSON (whistle.domain.regeling).
    regeling_json: Mapped[str] = mapped_column(Text)
    recovery_public_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    # The organisation key (Ed25519) that endorsements start from; its secret is kept offline.
    trust_public_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    created_on: Mapped[date] = mapped_column(Date)


class Staff(Base):
    __tablename__ = "staff"
    __table_args__ = (CheckConstraint(_in("role", STAFF_ROLES), name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    # Empty until the member's first login: the key pair is made then, under their own
    # passphrase, never under the one someone else chose (whistle.services.staff.accounts).
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    locked_secret: Mapped[bytes | None] = mapped_column(LargeBinary(200))
    # The member's Ed25519 key, derived from their X25519 secret (crypto.trust); endorsements name it.
    verify_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_on: Mapped[date] = mapped_column(Date)
    # Second factor (whistle.services.staff.second_factor): the TOTP secret sealed under a key derived
    # from the server's secret key, the day enrolment was confirmed (NULL while pending), and
    # the last time-step accepted, so that no code is accepted twice.
    totp_secret: Mapped[bytes | None] = mapped_column(LargeBinary(80))
    totp_confirmed_on: Mapped[date | None] = mapped_column(Date)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # For the bevoegd gezag: the office held (whistle.domain.offices.HOLDABLE_OFFICES, e.g. burgemeester),
    # which decides who receives a dossier under the regeling and its recusal rules.
    authority_function: Mapped[str | None] = mapped_column(String(64))
    # Set when a beheerder chose the passphrase (a new account): the member picks their own
    # before anything else opens.
    must_change_passphrase: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Set once a login with that chosen passphrase passed the second factor: it works once.
    first_passphrase_used: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The language of the member's mails: their page's at their last login (whistle.web.staff).
    language: Mapped[str] = mapped_column(String(8), default="nl", server_default="nl")

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class Endorsement(Base):
    """A signed statement that a key may receive (protocol E.5): by the organisation's trust
    key or by an endorsed counsellor. Only the signature makes it count; every listing of
    recipients verifies the chain again (whistle.services.trust)."""
    __tablename__ = "endorsements"
    __table_args__ = (CheckConstraint(_in("role", ENDORSED_ROLES), name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)  # NULL: the recovery key
    role: Mapped[str] = mapped_column(String(16))
    office: Mapped[str] = mapped_column(String(100), default="")
    box_public: Mapped[bytes] = mapped_column(LargeBinary(32))
    verify_key: Mapped[bytes] = mapped_column(LargeBinary(32))  # empty for the recovery key
    endorser_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    endorser_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))  # NULL: the trust key
    issued_on: Mapped[date] = mapped_column(Date)
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))
    withdrawn_on: Mapped[date | None] = mapped_column(Date)


class StaffRecoveryCode(Base):
    """A one-time recovery code for the second factor, as a keyed hash; deleted when used."""
    __tablename__ = "staff_recovery_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    digest: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)


PENDING_ACK = "ack_overdue_on IS NULL OR ack_reminded_on IS NULL OR ack_reminded_on <= ack_due"
PENDING_FEEDBACK = ("feedback_overdue_on IS NULL OR feedback_reminded_on IS NULL "
                    "OR feedback_reminded_on <= feedback_due")


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(_in("state", CASE_STATES), name="state"),
        Index("ix_cases_state_ack_due", "state", "ack_due"),
        Index("ix_cases_state_feedback_due", "state", "feedback_due"),
        # What the deadline pass still has to do (migration 0170, deadlines_watch.pending_past).
        Index("ix_cases_ack_pending", "state", "ack_due",
              sqlite_where=text(PENDING_ACK), postgresql_where=text(PENDING_ACK)),
        Index("ix_cases_feedback_pending", "state", "feedback_due",
              sqlite_where=text(PENDING_FEEDBACK), postgresql_where=text(PENDING_FEEDBACK)),
        # The inbox's order, in all and within a state, and its search by reference (migration 0193).
        Index("ix_cases_org_next_due", "organisation_id", "next_due", "received_on", "id"),
        Index("ix_cases_org_state_next_due", "organisation_id", "state", "next_due", "received_on", "id"),
        Index("ix_cases_org_ref", "organisation_id", "ref"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    locator: Mapped[bytes] = mapped_column(LargeBinary(16), unique=True)  # the current code's (protocol 4)
    # What sealed records are bound to (protocol 6.3): NULL while it is the locator, else the first one (E.10).
    record_binding: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    state: Mapped[str] = mapped_column(String(32))
    received_on: Mapped[date] = mapped_column(Date)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    ack_due: Mapped[date] = mapped_column(Date)
    feedback_due: Mapped[date] = mapped_column(Date)
    feedback_maximum: Mapped[date] = mapped_column(Date)
    feedback_extended_to: Mapped[date | None] = mapped_column(Date)
    feedback_given_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The counsellor postponed deletion of the closed case to this day (whistle.services.operations.retention);
    # NULL: deleted closed_case_days after closed_on, as the regeling says.
    retain_until: Mapped[date | None] = mapped_column(Date)
    category: Mapped[str | None] = mapped_column(String(64))
    meldingswaardig: Mapped[bool | None] = mapped_column(Boolean)
    melder_disagrees_on: Mapped[date | None] = mapped_column(Date)
    # The melder consented, on their own case page, to their identity going into the dossier
    # for the bevoegd gezag; NULL when never given or revoked (docs/authority.md).
    identity_consent_on: Mapped[date | None] = mapped_column(Date)
    # The day a reminder or overdue event was last recorded for each deadline, so that each
    # due moment is handled once whatever the number of workers.
    ack_reminded_on: Mapped[date | None] = mapped_column(Date)
    feedback_reminded_on: Mapped[date | None] = mapped_column(Date)
    ack_overdue_on: Mapped[date | None] = mapped_column(Date)
    feedback_overdue_on: Mapped[date | None] = mapped_column(Date)
    reporter_box_public: Mapped[bytes] = mapped_column(LargeBinary(32))
    reporter_sign_public: Mapped[bytes] = mapped_column(LargeBinary(32))
    key_commitment: Mapped[bytes] = mapped_column(LargeBinary(32))
    reporter_sealed_key: Mapped[bytes] = mapped_column(LargeBinary(80))
    # The register's metadata (whistle.domain.register), recorded when it happens: the
    # channel and named/anonymous at intake, the route and the outcome by the lifecycle.
    channel: Mapped[str] = mapped_column(String(16), default="onbekend", server_default="onbekend")
    named: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    route: Mapped[str] = mapped_column(String(16), default="intern", server_default="intern")
    outcome: Mapped[str | None] = mapped_column(String(16))
    # Recorded at triage: the regeling's category, and the day its own term ends (Senzer: inform
    # the directie), with when that was done and when the counsellor was last reminded.
    regeling_category: Mapped[str | None] = mapped_column(String(64))
    category_due: Mapped[date | None] = mapped_column(Date)
    category_done_on: Mapped[date | None] = mapped_column(Date)
    category_reminded_on: Mapped[date | None] = mapped_column(Date)
    # Benadeling (whistle.domain.benadeling): the first day the melder reported it (the annual
    # figures count it), and how many follow-up moments after closing were answered / reminded.
    benadeling_on: Mapped[date | None] = mapped_column(Date)
    follow_ups_answered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    follow_ups_reminded: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unit: Mapped[str | None] = mapped_column(String(64))  # the regeling's unit (SamenTwente), at triage
    # The next day it awaits (domain.states.next_due), kept on every flush; the lead counsellor (13.4).
    next_due: Mapped[date | None] = mapped_column(Date)
    lead_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), index=True)

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def binding_hex(self) -> str:
        """The value in every sealed record's associated data (protocol 6.3), as lowercase hex."""
        return (self.record_binding or self.locator).hex()


class CaseKey(Base):
    """The case key sealed to one staff member, or to the organisation's recovery key."""
    __tablename__ = "case_keys"
    __table_args__ = (UniqueConstraint("case_id", "staff_id", name="uq_case_keys_case_staff"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    sealed_key: Mapped[bytes] = mapped_column(LargeBinary(80))


class Record(Base):
    """A sealed record of protocol v1: the report, the identity, or a message."""
    __tablename__ = "records"
    __table_args__ = (
        CheckConstraint(_in("kind", RECORD_KINDS), name="kind"),
        CheckConstraint(_in("author", AUTHORS), name="author"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    author: Mapped[str] = mapped_column(String(16))
    created_on: Mapped[date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class CaseConcerned(Base):
    """The persons concerned (betrokkenen) among the organisation's accounts, as a `concerned`
    record sealed under the case key: only those who may read the case can read who it is about."""
    __tablename__ = "case_concerned"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class CaseBenadeling(Base):
    """A risk assessment, a report of benadeling or a follow-up answer, sealed under the case key
    (record kind 'benadeling'); whistle.domain.benadeling."""
    __tablename__ = "case_benadeling"
    __table_args__ = (CheckConstraint(_in("kind", BENADELING_KINDS), name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_on: Mapped[date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class CaseNote(Base):
    """An internal note of the vertrouwenspersonen on a case, sealed under the case key (record
    kind 'note'; who wrote it is inside): never shown to the melder, never in a dossier."""
    __tablename__ = "case_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_on: Mapped[date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class Dossier(Base):
    """What the vertrouwenspersoon sent to the bevoegd gezag: sealed under its own dossier key,
    which is wrapped to each entitled authority member (dossier_keys) and, for the case's
    counsellors, sealed under the case key (`counsellor_copy`)."""
    __tablename__ = "dossiers"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    locator: Mapped[bytes] = mapped_column(LargeBinary(16), unique=True)
    sent_on: Mapped[date] = mapped_column(Date)
    key_commitment: Mapped[bytes] = mapped_column(LargeBinary(32))
    counsellor_copy: Mapped[bytes] = mapped_column(LargeBinary)
    decided_on: Mapped[date | None] = mapped_column(Date)


class DossierKey(Base):
    """The dossier key sealed to one entitled member of the bevoegd gezag."""
    __tablename__ = "dossier_keys"
    __table_args__ = (UniqueConstraint("dossier_id", "staff_id", name="uq_dossier_keys_dossier_staff"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    sealed_key: Mapped[bytes] = mapped_column(LargeBinary(80))


class DossierRecord(Base):
    """A `dossier` record sealed under the dossier key: the chosen (redacted) content, or the
    decision of the bevoegd gezag."""
    __tablename__ = "dossier_records"
    __table_args__ = (CheckConstraint(_in("author", DOSSIER_AUTHORS), name="author"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(16))
    created_on: Mapped[date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class RetentionExtension(Base):
    """A postponed deletion of a closed case: the new day in the clear (the scheduler needs it),
    the counsellor's reason as a `retention` record sealed under the case key."""
    __tablename__ = "retention_extensions"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    extended_on: Mapped[date] = mapped_column(Date)
    until: Mapped[date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class AccessToRestore(Base):
    """A case or dossier key a member held when their passphrase was reset (their old key pair
    is gone); `whistle recovery restore-access` re-wraps exactly these with the recovery key."""
    __tablename__ = "access_to_restore"
    __table_args__ = (CheckConstraint("(case_id IS NULL) <> (dossier_id IS NULL)", name="one_target"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)


class Attachment(Base):
    """An encrypted file. The body lives on disk under the random id; name, type, size and the
    file key are inside `header`, an `attachment` record sealed with the case key."""
    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint(_in("author", AUTHORS), name="author"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(16))
    created_on: Mapped[date] = mapped_column(Date)
    size: Mapped[int] = mapped_column(BigInteger)  # ciphertext bytes; files may pass 2 GiB
    header: Mapped[bytes] = mapped_column(LargeBinary)


class ReporterChallenge(Base):
    """A login challenge, stored only as a digest; single use, short-lived, not tied to a case."""
    __tablename__ = "reporter_challenges"
    digest: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class ReporterSession(Base):
    """A melder's session: the token's digest only. On the no-JavaScript path `sealed_secret`
    holds the case key sealed under the token, which only the melder's cookie carries."""
    __tablename__ = "reporter_sessions"
    digest: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    sealed_secret: Mapped[bytes | None] = mapped_column(LargeBinary)


class UsedFormToken(Base):
    """A no-JavaScript report form's one-time submission token, once a melding was made with it
    (whistle.services.melder.form_token): only a keyed hash of the random token and the date.
    Nothing in it says who sent the form or when to the minute; pruned daily."""
    __tablename__ = "used_form_tokens"
    digest: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    used_on: Mapped[date] = mapped_column(Date, index=True)


class StaffSession(Base):
    """A staff session: the unlocked private key sealed under a token held only in the cookie."""
    __tablename__ = "staff_sessions"
    digest: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    sealed_secret: Mapped[bytes] = mapped_column(LargeBinary)
    # False between the passphrase and the second factor: such a session opens nothing.
    second_factor_done: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class JobRun(Base):
    """One row per scheduled job and day: whichever worker inserts it runs the job."""
    __tablename__ = "job_runs"
    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_on: Mapped[date] = mapped_column(Date, primary_key=True)


class AuditEvent(Base):
    """Append-only, hash-chained per organisation (chain = org slug, or '_system')."""
    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("chain", "seq", name="uq_audit_events_chain_seq"),
                      # A case's history (whistle.services.counsellor.history), migration 0181.
                      Index("ix_audit_events_chain_case_ref", "chain", "case_ref"))
    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[str] = mapped_column(String(80))
    seq: Mapped[int] = mapped_column(Integer)
    occurred_on: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(300))
    event: Mapped[str] = mapped_column(String(64))
    case_ref: Mapped[str | None] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


# Tables kept in modules of their own to keep this one short, on the same Base (import them from
# here): disclosure without consent, the complaint and oral minutes (issue 15), dossier drafts and
# attachments, what each counsellor last saw (issue 13), the register's counts (issue 14).
from whistle.models_disclosure import Disclosure  # noqa: E402,F401
from whistle.models_procedures import CaseComplaint, CaseMeeting, CaseMinutes  # noqa: E402,F401
from whistle.models_dossiers import DossierAttachment, DossierDraft  # noqa: E402,F401
from whistle.models_inbox import CaseSeen  # noqa: E402,F401
from whistle.models_register import RegisterCount  # noqa: E402,F401
