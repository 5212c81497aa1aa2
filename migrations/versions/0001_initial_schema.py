"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 19:26:10.645509
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('actor', sa.String(length=300), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('case_ref', sa.String(length=20), nullable=True),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('chain', 'seq', name='uq_audit_events_chain_seq')
    )
    op.create_table('job_runs',
    sa.Column('job', sa.String(length=64), nullable=False),
    sa.Column('run_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('job', 'run_on', name=op.f('pk_job_runs'))
    )
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('regeling_json', sa.Text(), nullable=False),
    sa.Column('recovery_public_key', sa.LargeBinary(length=32), nullable=True),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('slug', name=op.f('uq_organisations_slug'))
    )
    op.create_table('reporter_challenges',
    sa.Column('digest', sa.LargeBinary(length=32), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_reporter_challenges'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=20), nullable=False),
    sa.Column('locator', sa.LargeBinary(length=16), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('acknowledged_on', sa.Date(), nullable=True),
    sa.Column('ack_due', sa.Date(), nullable=False),
    sa.Column('feedback_due', sa.Date(), nullable=False),
    sa.Column('feedback_maximum', sa.Date(), nullable=False),
    sa.Column('feedback_extended_to', sa.Date(), nullable=True),
    sa.Column('feedback_given_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('meldingswaardig', sa.Boolean(), nullable=True),
    sa.Column('melder_disagrees_on', sa.Date(), nullable=True),
    sa.Column('ack_reminded_on', sa.Date(), nullable=True),
    sa.Column('feedback_reminded_on', sa.Date(), nullable=True),
    sa.Column('ack_overdue_on', sa.Date(), nullable=True),
    sa.Column('feedback_overdue_on', sa.Date(), nullable=True),
    sa.Column('reporter_box_public', sa.LargeBinary(length=32), nullable=False),
    sa.Column('reporter_sign_public', sa.LargeBinary(length=32), nullable=False),
    sa.Column('key_commitment', sa.LargeBinary(length=32), nullable=False),
    sa.Column('reporter_sealed_key', sa.LargeBinary(length=80), nullable=False),
    sa.CheckConstraint("state IN ('ontvangen', 'ontvangst_bevestigd', 'in_behandeling', 'doorgezet', 'besluit_genomen', 'terugkoppeling_gegeven', 'afgesloten', 'ingetrokken', 'extern_gemeld')", name=op.f('ck_cases_state')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_cases_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('locator', name=op.f('uq_cases_locator')),
    sa.UniqueConstraint('ref', name=op.f('uq_cases_ref'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_cases_state_ack_due', ['state', 'ack_due'], unique=False)
        batch_op.create_index('ix_cases_state_feedback_due', ['state', 'feedback_due'], unique=False)

    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('locked_secret', sa.LargeBinary(length=200), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.CheckConstraint("role IN ('counsellor', 'authority', 'admin')", name=op.f('ck_staff_role')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_staff_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_email'))
    )
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=16), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('header', sa.LargeBinary(), nullable=False),
    sa.CheckConstraint("author IN ('reporter', 'counsellor')", name=op.f('ck_attachments_author')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_attachments_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_case_id'), ['case_id'], unique=False)

    op.create_table('case_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('sealed_key', sa.LargeBinary(length=80), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_keys_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_case_keys_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_keys')),
    sa.UniqueConstraint('case_id', 'staff_id', name='uq_case_keys_case_staff')
    )
    with op.batch_alter_table('case_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_keys_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_keys_staff_id'), ['staff_id'], unique=False)

    op.create_table('records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('author', sa.String(length=16), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
    sa.CheckConstraint("author IN ('reporter', 'counsellor')", name=op.f('ck_records_author')),
    sa.CheckConstraint("kind IN ('report', 'message', 'identity')", name=op.f('ck_records_kind')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_records_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_records'))
    )
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_records_case_id'), ['case_id'], unique=False)

    op.create_table('reporter_sessions',
    sa.Column('digest', sa.LargeBinary(length=32), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('sealed_secret', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_reporter_sessions_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_reporter_sessions'))
    )
    with op.batch_alter_table('reporter_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reporter_sessions_case_id'), ['case_id'], unique=False)

    op.create_table('staff_sessions',
    sa.Column('digest', sa.LargeBinary(length=32), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('sealed_secret', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_sessions_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_staff_sessions'))
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sessions_staff_id'), ['staff_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_sessions_staff_id'))

    op.drop_table('staff_sessions')
    with op.batch_alter_table('reporter_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reporter_sessions_case_id'))

    op.drop_table('reporter_sessions')
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_case_id'))

    op.drop_table('records')
    with op.batch_alter_table('case_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_keys_staff_id'))
        batch_op.drop_index(batch_op.f('ix_case_keys_case_id'))

    op.drop_table('case_keys')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_case_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_organisation_id'))

    op.drop_table('staff')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_state_feedback_due')
        batch_op.drop_index('ix_cases_state_ack_due')
        batch_op.drop_index(batch_op.f('ix_cases_organisation_id'))

    op.drop_table('cases')
    op.drop_table('reporter_challenges')
    op.drop_table('organisations')
    op.drop_table('job_runs')
    op.drop_table('audit_events')
