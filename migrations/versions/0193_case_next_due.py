"""Issue 13.1: the inbox at 100,000 cases. cases.next_due holds the next statutory day a case
awaits (whistle.domain.states.next_due: the acknowledgement while not sent, then the feedback
until given; NULL when it awaits nothing), kept by whistle.services.cases on every write, with
an index in the inbox's order so that its first page is an index walk, not a sort, the same
order within a state (the status filter), and one of
the organisation's references for the search by (part of) a reference.

Existing rows are filled from their state and stored deadlines, with the state lists the domain
gives (the same rule the application applies).

Revision ID: 0193
Revises: 0196
"""
from alembic import op
import sqlalchemy as sa


revision = '0193'
down_revision = '0196'
branch_labels = None
depends_on = None

# whistle.domain.states._AWAITED as it stands at this revision (a migration does not follow later
# changes of the domain): the acknowledgement is awaited only in 'ontvangen', the feedback from
# 'ontvangen' until it is given. The acknowledgement always falls before the feedback.
AWAITS_ACK = ('ontvangen',)
AWAITS_FEEDBACK = ('ontvangst_bevestigd', 'in_behandeling', 'doorgezet', 'besluit_genomen')


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_due', sa.Date(), nullable=True))
    ack = ", ".join(f"'{s}'" for s in AWAITS_ACK)
    feedback = ", ".join(f"'{s}'" for s in AWAITS_FEEDBACK)
    op.execute(f"UPDATE cases SET next_due = CASE WHEN state IN ({ack}) THEN "
               f"(CASE WHEN feedback_due < ack_due THEN feedback_due ELSE ack_due END) "
               f"WHEN state IN ({feedback}) THEN feedback_due ELSE NULL END")
    op.create_index('ix_cases_org_next_due', 'cases', ['organisation_id', 'next_due', 'received_on', 'id'],
                    unique=False)
    op.create_index('ix_cases_org_state_next_due', 'cases',
                    ['organisation_id', 'state', 'next_due', 'received_on', 'id'], unique=False)
    op.create_index('ix_cases_org_ref', 'cases', ['organisation_id', 'ref'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_cases_org_ref', table_name='cases')
    op.drop_index('ix_cases_org_state_next_due', table_name='cases')
    op.drop_index('ix_cases_org_next_due', table_name='cases')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('next_due')
