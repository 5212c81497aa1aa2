"""Issue 12 point 4: the no-JavaScript report form carries a one-time submission token, so a
reloaded or re-sent receipt makes no second case. A used token is kept as a keyed hash with the
date only (used_form_tokens), and pruned by the daily retention pass.

Revision ID: 0182
Revises: 0155
"""
from alembic import op
import sqlalchemy as sa


revision = '0182'
down_revision = '0155'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'used_form_tokens',
        sa.Column('digest', sa.LargeBinary(length=32), nullable=False),
        sa.Column('used_on', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('digest', name=op.f('pk_used_form_tokens')),
    )
    with op.batch_alter_table('used_form_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_used_form_tokens_used_on'), ['used_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('used_form_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_used_form_tokens_used_on'))
    op.drop_table('used_form_tokens')
