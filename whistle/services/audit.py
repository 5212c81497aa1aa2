"""The append-only, hash-chained audit trail. Events hold who, what, which case and when (a
date); never content. Each organisation has its own chain; events without one use '_system'."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, func, select, text, type_coerce
from sqlalchemy.orm import Session

from whistle.models import AuditEvent

SYSTEM_CHAIN = "_system"
GENESIS = "0" * 64
# json.dumps with these arguments, without building an encoder per event (verify hashes them all).
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _digest(prev_hash: str, chain: str, seq: int, occurred_on: date | str, actor: str, event: str,
            case_ref: str | None, details: str) -> str:
    day = occurred_on if isinstance(occurred_on, str) else occurred_on.isoformat()
    body = _ENCODER.encode([prev_hash, chain, seq, day, actor, event, case_ref, details])
    return hashlib.blake2b(body.encode(), digest_size=32).hexdigest()


def record(session: Session, *, chain: str | None, actor: str, event: str, today: date,
           case_ref: str | None = None, **details) -> AuditEvent:
    """Append one event. The chain's head is read under a lock held to the end of the
    transaction, so concurrent writers queue instead of colliding; the unique (chain, seq)
    key remains the last guard against a fork."""
    chain = chain or SYSTEM_CHAIN
    _lock_chain(session, chain)
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.chain == chain)
        .order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    details_json = json.dumps(details, sort_keys=True, separators=(",", ":"), default=str)
    ev = AuditEvent(chain=chain, seq=seq, occurred_on=today, actor=actor, event=event,
                    case_ref=case_ref, details=details_json, prev_hash=prev,
                    hash=_digest(prev, chain, seq, today, actor, event, case_ref, details_json))
    session.add(ev)
    session.flush()
    return ev


def _lock_chain(session: Session, chain: str) -> None:
    # Held to the end of the (innermost) transaction: a batch appending many events to one
    # chain takes the lock once. A savepoint is its own key, since PostgreSQL releases a lock
    # taken inside a savepoint that rolls back.
    scope = session.get_nested_transaction() or session.get_transaction()
    held = session.info.get("audit_locks")
    if held is None or held[0] is not scope:
        held = session.info["audit_locks"] = (scope, set())
    if chain in held[1]:
        return
    held[1].add(chain)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                        {"key": "whistle-audit:" + chain})
    elif dialect == "sqlite":
        # Any write statement takes SQLite's write lock for the rest of the transaction, even
        # one that matches no row; after it, nobody else can append before we commit.
        session.execute(text("UPDATE audit_events SET seq = seq WHERE 0 = 1"))


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    seq: int
    event_id: int
    reason: str


_VERIFY_BATCH = 2000


def verify(session: Session, chain: str | None = None) -> list[ChainProblem]:
    """Check every chain (or one). Returns the first problem of each broken chain.

    One ordered pass over the (chain, seq) key, fetched as plain rows in batches through a
    server-side cursor where the database has one: memory stays flat whatever the length of
    the trail, and the cost is the fetch and the hashing (bench/scale.py)."""
    # The day as the database gives it: SQLite stores the ISO date, which the hash takes as it
    # is (parsing a million dates only to print them again was a third of the cost); a
    # PostgreSQL date arrives as a date. Core rows, not ORM ones: nothing here is an entity.
    day = type_coerce(AuditEvent.occurred_on, String) if session.get_bind().dialect.name == "sqlite" \
        else AuditEvent.occurred_on
    columns = (AuditEvent.id, AuditEvent.chain, AuditEvent.seq, day,
               AuditEvent.actor, AuditEvent.event, AuditEvent.case_ref, AuditEvent.details,
               AuditEvent.prev_hash, AuditEvent.hash)
    query = select(*columns).order_by(AuditEvent.chain, AuditEvent.seq)
    if chain:
        query = query.where(AuditEvent.chain == chain)
    result = session.connection().execute(query.execution_options(stream_results=True, yield_per=_VERIFY_BATCH))
    problems: list[ChainProblem] = []
    current, broken, prev, expected_seq = None, False, GENESIS, 1
    for ev_id, name, seq, occurred_on, actor, event, case_ref, details, prev_hash, digest in result:
        if name != current:
            current, broken, prev, expected_seq = name, False, GENESIS, 1
        if broken:
            continue
        reason = None
        if seq != expected_seq:
            reason = f"sequence gap: expected {expected_seq}, found {seq}"
        elif prev_hash != prev:
            reason = "does not link to the event before it"
        elif digest != _digest(prev_hash, name, seq, occurred_on, actor, event, case_ref, details):
            reason = "content does not match its hash (edited)"
        if reason:
            problems.append(ChainProblem(name, seq, ev_id, reason))
            broken = True
            continue
        prev, expected_seq = digest, expected_seq + 1
    result.close()
    return problems


@dataclass(frozen=True)
class Anchor:
    """A chain's head as an operator writes it down outside the database (`chain:seq:hash`).
    A later verify against it detects a chain rewritten from scratch, which the links alone
    cannot: whoever can write the table could recompute every hash."""
    chain: str
    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.chain}:{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> "Anchor":
        try:
            chain, seq, digest = text.strip().rsplit(":", 2)
            return cls(chain, int(seq), digest)
        except ValueError:
            raise ValueError(f"anchor {text!r}: expected chain:seq:hash") from None


def heads(session: Session, chain: str | None = None) -> list[Anchor]:
    query = select(AuditEvent.chain, func.max(AuditEvent.seq)).group_by(AuditEvent.chain)
    if chain:
        query = query.where(AuditEvent.chain == chain)
    out = []
    for name, seq in session.execute(query.order_by(AuditEvent.chain)):
        digest = session.scalar(select(AuditEvent.hash).where(AuditEvent.chain == name, AuditEvent.seq == seq))
        out.append(Anchor(name, seq, digest))
    return out


def check_anchor(session: Session, anchor: Anchor) -> ChainProblem | None:
    ev = session.scalar(select(AuditEvent).where(AuditEvent.chain == anchor.chain,
                                                 AuditEvent.seq == anchor.seq))
    if ev is None:
        return ChainProblem(anchor.chain, anchor.seq, 0, "the anchored event is gone (chain cut short)")
    if ev.hash != anchor.hash:
        return ChainProblem(anchor.chain, anchor.seq, ev.id, "differs from the anchor (chain rewritten)")
    return None
