"""Partial indexes of the cases the deadline pass still has work on (issue 17.1): a case whose
overdue day is recorded and whose reminder was sent after its due day leaves the index, so the
daily pass reads the new due moments, not the backlog of open overdue cases. The condition does
not depend on the day, so the index needs no upkeep beyond the writes that change the flags.

Revision ID: 0170
Revises: 0101
"""
from alembic import op
import sqlalchemy as sa


revision = '0170'
down_revision = '0101'
branch_labels = None
depends_on = None

PENDING = {
    'ix_cases_ack_pending': ('ack_due', 'ack_overdue_on', 'ack_reminded_on'),
    'ix_cases_feedback_pending': ('feedback_due', 'feedback_overdue_on', 'feedback_reminded_on'),
}


def condition(due: str, marked: str, reminded: str) -> str:
    return f"{marked} IS NULL OR {reminded} IS NULL OR {reminded} <= {due}"


def upgrade() -> None:
    for name, (due, marked, reminded) in PENDING.items():
        where = sa.text(condition(due, marked, reminded))
        op.create_index(name, 'cases', ['state', due], unique=False, sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    for name in PENDING:
        op.drop_index(name, table_name='cases')
