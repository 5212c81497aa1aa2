"""Issue 13.4 and 13.1: a lead counsellor per case (cases.lead_staff_id; NULL: nobody has taken
it), and when each counsellor last opened each case (case_seen.seen_seq: the organisation's audit
sequence number at that moment, staff data, never the melder's time), so that the inbox marks
what came after.

Existing cases have no lead; nobody has a case_seen row, so every case shows what is new until
its counsellor opens it.

Revision ID: 0194
Revises: 0193
"""
from alembic import op
import sqlalchemy as sa


revision = '0194'
down_revision = '0193'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lead_staff_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_lead_staff_id'), ['lead_staff_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cases_lead_staff_id_staff'), 'staff', ['lead_staff_id'], ['id'],
                                    ondelete='SET NULL')
    op.create_table(
        'case_seen',
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('seen_seq', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_case_seen_staff_id_staff'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_seen_case_id_cases'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('staff_id', 'case_id', name=op.f('pk_case_seen')),
    )


def downgrade() -> None:
    op.drop_table('case_seen')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_lead_staff_id_staff'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cases_lead_staff_id'))
        batch_op.drop_column('lead_staff_id')
