"""Issue 16.1: the mails to staff are written in the member's language. staff.language keeps the
language of the member's pages at their last login (one of the staff's languages); every
existing member reads Dutch, the language they had.

Revision ID: 0198
Revises: 0197
"""
from alembic import op
import sqlalchemy as sa


revision = '0198'
down_revision = '0197'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff') as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='nl', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('staff') as batch_op:
        batch_op.drop_column('language')
