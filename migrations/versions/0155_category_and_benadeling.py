"""Issue 15 (points 4, 5) and issue 14: the regeling's category (and, for a shared service such
as SamenTwente, the unit the melding concerns) recorded at triage, with the
deadline a category may carry (Senzer); benadeling: sealed risk assessments, reports and
follow-up answers (case_benadeling), the clear facts the annual figures count, and the
follow-up moments asked and reminded; register_counts keep category and benadeling.

Existing cases keep everything; their regeling category is unknown (NULL), they have no
category deadline and no benadeling recorded.

Revision ID: 0155
Revises: 0170
"""
from alembic import op
import sqlalchemy as sa


revision = '0155'
down_revision = '0170'
branch_labels = None
depends_on = None

_CASE_COLUMNS = ('regeling_category', 'category_due', 'category_done_on', 'category_reminded_on',
                 'benadeling_on', 'follow_ups_answered', 'follow_ups_reminded', 'unit')


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('regeling_category', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('category_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('category_done_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('category_reminded_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('benadeling_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('follow_ups_answered', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('follow_ups_reminded', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('unit', sa.String(length=64), nullable=True))
    with op.batch_alter_table('register_counts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('benadeling', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('unit', sa.String(length=64), nullable=True))
    op.create_table(
        'case_benadeling',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('created_on', sa.Date(), nullable=False),
        sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("kind IN ('risico', 'melding', 'nazorg')", name=op.f('ck_case_benadeling_kind')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_benadeling_case_id_cases'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_benadeling')),
    )
    with op.batch_alter_table('case_benadeling', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_benadeling_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_benadeling', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_benadeling_case_id'))
    op.drop_table('case_benadeling')
    with op.batch_alter_table('register_counts', schema=None) as batch_op:
        batch_op.drop_column('unit')
        batch_op.drop_column('benadeling')
        batch_op.drop_column('category')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for column in reversed(_CASE_COLUMNS):
            batch_op.drop_column(column)
