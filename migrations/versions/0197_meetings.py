"""Issue 15, point 2: meetings on request. case_meetings keeps a melder's request for a
conversation (in person or by phone) as metadata: the kind, the day asked, the last day for the
counsellor's proposal, the number of proposals, the days proposed and confirmed, and the last
reminder. A note with the request and the proposal itself (time and place) are sealed `message`
records. One open request per case (a partial unique index). case_complaints gains reminded_on,
so the deadline pass reminds the counsellors of a complaint's decision once per due moment.

Existing data is untouched: no case has a meeting, no complaint has been reminded.

Revision ID: 0197
Revises: 0194
"""
from alembic import op
import sqlalchemy as sa


revision = '0197'
down_revision = '0194'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'case_meetings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('requested_on', sa.Date(), nullable=False),
        sa.Column('due', sa.Date(), nullable=False),
        sa.Column('proposals', sa.Integer(), server_default='0', nullable=False),
        sa.Column('proposed_on', sa.Date(), nullable=True),
        sa.Column('confirmed_on', sa.Date(), nullable=True),
        sa.Column('reminded_on', sa.Date(), nullable=True),
        sa.CheckConstraint("kind IN ('gesprek', 'telefoon')", name=op.f('ck_case_meetings_kind')),
        sa.CheckConstraint('due >= requested_on', name=op.f('ck_case_meetings_due_after_requested')),
        sa.CheckConstraint('proposals >= 0', name=op.f('ck_case_meetings_proposals')),
        sa.CheckConstraint('proposed_on IS NULL OR (proposals >= 1 AND proposed_on >= requested_on)',
                           name=op.f('ck_case_meetings_proposed')),
        sa.CheckConstraint('confirmed_on IS NULL OR (proposed_on IS NOT NULL AND confirmed_on >= proposed_on)',
                           name=op.f('ck_case_meetings_confirmed')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_meetings_case_id_cases'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_meetings')),
    )
    op.create_index(op.f('ix_case_meetings_case_id'), 'case_meetings', ['case_id'], unique=False)
    op.create_index('ix_case_meetings_open', 'case_meetings', ['case_id'], unique=True,
                    sqlite_where=sa.text('confirmed_on IS NULL'), postgresql_where=sa.text('confirmed_on IS NULL'))
    with op.batch_alter_table('case_complaints') as batch_op:
        batch_op.add_column(sa.Column('reminded_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('case_complaints') as batch_op:
        batch_op.drop_column('reminded_on')
    op.drop_index('ix_case_meetings_open', table_name='case_meetings')
    op.drop_index(op.f('ix_case_meetings_case_id'), table_name='case_meetings')
    op.drop_table('case_meetings')
