"""Issue 15 ('s-Hertogenbosch): a melder's complaint after the terugkoppeling. Three case states
(klacht_ingediend, klacht_voorgelegd, onderzoek_na_klacht) join the state CHECK, and
case_complaints keeps the complaint's metadata: the day lodged, the decision's last day, the
complaint dossier, the outcome, and the LKC's last day (two years after the event; the event
date itself stays sealed with the complaint). Dates are dates; the constraints keep them in
order and an outcome only with a decision. case_minutes (issue 15, point 1) keeps an oral
melding's form, day, consent to a recording, and its minutes' versions and approval; the
minutes themselves are sealed `message` records.

Existing cases keep their state and have no complaint. Going down, a case in a complaint state
returns to terugkoppeling_gegeven (the feedback it had was given) and the complaint rows go.

Revision ID: 0188
Revises: 0185
"""
from alembic import op
import sqlalchemy as sa


revision = '0188'
down_revision = '0185'
branch_labels = None
depends_on = None

OLD_STATES = ('ontvangen', 'ontvangst_bevestigd', 'in_behandeling', 'doorgezet', 'besluit_genomen',
              'terugkoppeling_gegeven', 'afgesloten', 'ingetrokken', 'extern_gemeld')
NEW_STATES = OLD_STATES + ('klacht_ingediend', 'klacht_voorgelegd', 'onderzoek_na_klacht')
# The partial indexes of migration 0170, which a rebuilt SQLite table must keep as they were.
PENDING = {
    'ix_cases_ack_pending': ('ack_due', "ack_overdue_on IS NULL OR ack_reminded_on IS NULL "
                             "OR ack_reminded_on <= ack_due"),
    'ix_cases_feedback_pending': ('feedback_due', "feedback_overdue_on IS NULL OR feedback_reminded_on IS NULL "
                                  "OR feedback_reminded_on <= feedback_due"),
}


def _in(values: tuple[str, ...]) -> str:
    return f"state IN ({', '.join(repr(v) for v in values)})"


def _state_check(values: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == 'sqlite':  # a CHECK changes only with a rebuilt table
        for name in PENDING:
            op.drop_index(name, table_name='cases')
        with op.batch_alter_table('cases', schema=None, recreate='always') as batch_op:
            batch_op.drop_constraint(op.f('ck_cases_state'), type_='check')
            batch_op.create_check_constraint(op.f('ck_cases_state'), _in(values))
        for name, (due, where) in PENDING.items():
            op.create_index(name, 'cases', ['state', due], unique=False, sqlite_where=sa.text(where))
    else:
        op.drop_constraint(op.f('ck_cases_state'), 'cases', type_='check')
        op.create_check_constraint(op.f('ck_cases_state'), 'cases', _in(values))


def upgrade() -> None:
    _state_check(NEW_STATES)
    op.create_table(
        'case_complaints',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('lodged_on', sa.Date(), nullable=False),
        sa.Column('due', sa.Date(), nullable=False),
        sa.Column('forwarded_on', sa.Date(), nullable=True),
        sa.Column('dossier_id', sa.Integer(), nullable=True),
        sa.Column('decided_on', sa.Date(), nullable=True),
        sa.Column('outcome', sa.String(length=16), nullable=True),
        sa.Column('lkc_limit_on', sa.Date(), nullable=True),
        sa.CheckConstraint("outcome IN ('onderzoek', 'geen_onderzoek')", name=op.f('ck_case_complaints_outcome')),
        sa.CheckConstraint('due >= lodged_on', name=op.f('ck_case_complaints_due_after_lodged')),
        sa.CheckConstraint('forwarded_on IS NULL OR forwarded_on >= lodged_on',
                           name=op.f('ck_case_complaints_forwarded_after_lodged')),
        sa.CheckConstraint('(decided_on IS NULL AND outcome IS NULL) OR (decided_on IS NOT NULL AND outcome IS NOT '
                           'NULL AND forwarded_on IS NOT NULL AND decided_on >= forwarded_on)',
                           name=op.f('ck_case_complaints_decided')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_complaints_case_id_cases'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_case_complaints_dossier_id_dossiers'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_complaints')),
    )


    op.create_table(
        'case_minutes',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('form', sa.String(length=16), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('recording_consent', sa.Boolean(), nullable=False),
        sa.Column('versions', sa.Integer(), nullable=False),
        sa.Column('approved_version', sa.Integer(), nullable=True),
        sa.Column('approved_on', sa.Date(), nullable=True),
        sa.CheckConstraint("form IN ('telefoon', 'voicemail', 'gesprek')", name=op.f('ck_case_minutes_form')),
        sa.CheckConstraint('versions >= 1', name=op.f('ck_case_minutes_versions')),
        sa.CheckConstraint('(approved_version IS NULL AND approved_on IS NULL) OR (approved_version IS NOT NULL '
                           'AND approved_on IS NOT NULL AND approved_version BETWEEN 1 AND versions)',
                           name=op.f('ck_case_minutes_approved')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_minutes_case_id_cases'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_minutes')),
    )


def downgrade() -> None:
    op.drop_table('case_minutes')
    op.drop_table('case_complaints')
    op.execute(sa.text("UPDATE cases SET state = 'terugkoppeling_gegeven' WHERE state IN "
                       "('klacht_ingediend', 'klacht_voorgelegd', 'onderzoek_na_klacht')"))
    _state_check(OLD_STATES)
