"""Issue 13: a dossier being composed is kept as a draft (dossier_drafts), one per case, sealed
under the case key (record kind 'dossier_draft'); only the day it was saved is in the clear.

Existing cases have no draft.

Revision ID: 0195
Revises: 0191
"""
from alembic import op
import sqlalchemy as sa


revision = '0195'
down_revision = '0191'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'dossier_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('saved_on', sa.Date(), nullable=False),
        sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_dossier_drafts_case_id_cases'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_drafts')),
        sa.UniqueConstraint('case_id', name=op.f('uq_dossier_drafts_case_id')),
    )


def downgrade() -> None:
    op.drop_table('dossier_drafts')
