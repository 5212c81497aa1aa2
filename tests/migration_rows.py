"""Rows for the migrations' with-data tests, written as raw SQL with only the columns that
exist since revision 0001, so a test can put them in at any revision before upgrading."""
from __future__ import annotations

from sqlalchemy import text

from whistle.infra import migrate
from whistle.infra.db import make_engine


def engine_at(database_url: str, tmp_path, revision: str):
    """A database migrated up to `revision` (the data directory made for SQLite)."""
    (tmp_path / "data").mkdir(exist_ok=True)
    engine = make_engine(database_url)
    migrate.upgrade(engine, revision)
    return engine


def add_organisation(conn, slug: str = "deventer", name: str = "Gemeente Deventer") -> None:
    conn.execute(text("INSERT INTO organisations (slug, name, regeling_json, created_on) "
                      "VALUES (:slug, :name, '{}', '2026-01-01')"), {"slug": slug, "name": name})


def add_staff(conn, email: str, role: str, name: str, *, password_hash: str = "hash",
              locked: bytes = b"\x02" * 100, created_on: str = "2026-01-02") -> None:
    conn.execute(text(
        "INSERT INTO staff (organisation_id, email, role, password_hash, public_key, locked_secret, "
        "display_name, active, created_on) SELECT id, :email, :role, :hash, :pub, :locked, :name, :yes, "
        ":created FROM organisations"),
        {"email": email, "role": role, "hash": password_hash, "pub": b"\x01" * 32, "locked": locked,
         "name": name, "yes": True, "created": created_on})


def add_case(conn, ref: str = "M-1", state: str = "ontvangen", *, closed_on: str | None = None) -> None:
    conn.execute(text(
        "INSERT INTO cases (organisation_id, ref, locator, state, received_on, ack_due, feedback_due, "
        "feedback_maximum, closed_on, reporter_box_public, reporter_sign_public, key_commitment, "
        "reporter_sealed_key) SELECT id, :ref, :loc, :state, '2026-01-01', '2026-01-08', '2026-02-19', "
        "'2026-04-08', :closed, :k, :k, :k, :k FROM organisations"),
        {"ref": ref, "loc": b"\0" * 16, "state": state, "closed": closed_on, "k": b"\0" * 32})


def add_case_key(conn, *, for_staff: bool = False) -> None:
    """The case key sealed to the (one) staff member, or to the recovery key (staff_id NULL)."""
    staff = "staff.id" if for_staff else "NULL"
    tables = "cases, staff" if for_staff else "cases"
    conn.execute(text(f"INSERT INTO case_keys (case_id, staff_id, sealed_key) SELECT cases.id, {staff}, :s "
                      f"FROM {tables}"), {"s": b"\x05" * 80})


def add_report(conn) -> None:
    conn.execute(text("INSERT INTO records (case_id, kind, author, created_on, ciphertext) "
                      "SELECT id, 'report', 'reporter', '2026-01-01', :c FROM cases"), {"c": b"\x06" * 1064})
