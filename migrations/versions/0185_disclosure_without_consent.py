"""Issue 15 (point 3): disclosure of the melder's identity without consent. One row per request in
`disclosures`: the state, the legal ground, who asked and who approved or refused (two
counsellors approve, neither of them the requester),
the dates (as dates), and the reasons sealed as `disclosure` records under the key of the
dossier the request concerns. The constraints hold the rules the database can see: one open
request per case, a decision with its reason and decider, the melder's reaction term before the
identity goes.

Existing cases have no requests.

Revision ID: 0185
Revises: 0181
"""
from alembic import op
import sqlalchemy as sa


revision = '0185'
down_revision = '0181'
branch_labels = None
depends_on = None

OPEN = "state IN ('requested', 'approved', 'notified')"
CHECKS = {
    'state': "state IN ('requested', 'approved', 'refused', 'notified', 'disclosed', 'withdrawn')",
    'ground': "ground IN ('rechterlijk_bevel', 'strafrechtelijk_onderzoek', 'onderzoek_autoriteit', "
              "'rechten_verdediging', 'wettelijke_plicht')",
    'requester_role': "requester_role IN ('counsellor', 'authority')",
    'four_eyes': "(decided_by_id IS NULL OR decided_by_id <> requested_by_id) AND (seconded_by_id IS NULL OR "
                 "(seconded_by_id <> requested_by_id AND (decided_by_id IS NULL OR decided_by_id <> seconded_by_id))) "
                 "AND (requester_role = 'counsellor' OR state IN ('requested', 'refused', 'withdrawn') "
                 "OR seconded_by_id IS NOT NULL)",
    'decided': "(decided_on IS NULL) = (decided_by_id IS NULL) AND (decided_on IS NULL) = (decision IS NULL) "
               "AND (state IN ('requested', 'withdrawn') OR decided_on IS NOT NULL) "
               "AND (decided_on IS NULL OR decided_on >= requested_on)",
    'term': "(notified_on IS NULL) = (react_until IS NULL) AND (react_until IS NULL OR react_until > notified_on) "
            "AND (state <> 'notified' OR notified_on IS NOT NULL) AND NOT (notice_withheld AND notified_on IS NOT NULL)",
    'done': "(state = 'disclosed') = (disclosed_on IS NOT NULL) AND (state = 'withdrawn') = (withdrawn_on IS NOT NULL) "
            "AND (disclosed_on IS NULL OR react_until IS NULL OR disclosed_on > react_until)",
}


def upgrade() -> None:
    op.create_table(
        'disclosures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('ground', sa.String(length=32), nullable=False),
        sa.Column('requester_role', sa.String(length=16), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('requested_on', sa.Date(), nullable=False),
        sa.Column('reason', sa.LargeBinary(), nullable=False),
        sa.Column('seconded_by_id', sa.Integer(), nullable=True),
        sa.Column('seconded_on', sa.Date(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_on', sa.Date(), nullable=True),
        sa.Column('decision', sa.LargeBinary(), nullable=True),
        sa.Column('notice_withheld', sa.Boolean(), nullable=False),
        sa.Column('notified_on', sa.Date(), nullable=True),
        sa.Column('react_until', sa.Date(), nullable=True),
        sa.Column('disclosed_on', sa.Date(), nullable=True),
        sa.Column('disclosed_by_id', sa.Integer(), nullable=True),
        sa.Column('withdrawn_on', sa.Date(), nullable=True),
        *[sa.CheckConstraint(sql, name=op.f(f'ck_disclosures_{name}')) for name, sql in CHECKS.items()],
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_disclosures_case_id_cases'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_disclosures_dossier_id_dossiers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['staff.id'], name=op.f('fk_disclosures_requested_by_id_staff')),
        sa.ForeignKeyConstraint(['seconded_by_id'], ['staff.id'], name=op.f('fk_disclosures_seconded_by_id_staff')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['staff.id'], name=op.f('fk_disclosures_decided_by_id_staff')),
        sa.ForeignKeyConstraint(['disclosed_by_id'], ['staff.id'], name=op.f('fk_disclosures_disclosed_by_id_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosures')),
    )
    with op.batch_alter_table('disclosures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosures_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosures_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosures_requested_by_id'), ['requested_by_id'], unique=False)
    op.create_index('uq_disclosures_open_case', 'disclosures', ['case_id'], unique=True,
                    sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index('uq_disclosures_open_case', table_name='disclosures')
    with op.batch_alter_table('disclosures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosures_requested_by_id'))
        batch_op.drop_index(batch_op.f('ix_disclosures_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_disclosures_case_id'))
    op.drop_table('disclosures')
