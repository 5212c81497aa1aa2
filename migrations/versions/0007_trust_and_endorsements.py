"""Trust in recipients (issue 10): the organisation's trust key (Ed25519, public half only),
endorsements, a member's Ed25519 verify key, and staff key columns that may be empty (an
account holds no key pair until its member's first login), and staff.first_passphrase_used
(a passphrase someone else chose works for one login). The recipient log is an audit
chain named `recipients:<slug>`, so audit_events.chain grows to 80 characters.

Existing accounts keep their key pairs but have no endorsement and no verify key: they receive
nothing new until they log in once (which derives the verify key) and are endorsed
(docs/operations.md, "Upgrading to endorsed recipients").

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trust_public_key', sa.LargeBinary(length=32), nullable=True))
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verify_key', sa.LargeBinary(length=32), nullable=True))
        batch_op.add_column(sa.Column('first_passphrase_used', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.alter_column('public_key', existing_type=sa.LargeBinary(length=32), nullable=True)
        batch_op.alter_column('locked_secret', existing_type=sa.LargeBinary(length=200), nullable=True)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('chain', existing_type=sa.String(length=64), type_=sa.String(length=80),
                              existing_nullable=False)
    op.create_table(
        'endorsements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('office', sa.String(length=100), nullable=False),
        sa.Column('box_public', sa.LargeBinary(length=32), nullable=False),
        sa.Column('verify_key', sa.LargeBinary(length=32), nullable=False),
        sa.Column('endorser_key', sa.LargeBinary(length=32), nullable=False),
        sa.Column('endorser_staff_id', sa.Integer(), nullable=True),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('signature', sa.LargeBinary(length=64), nullable=False),
        sa.Column('withdrawn_on', sa.Date(), nullable=True),
        sa.CheckConstraint("role IN ('counsellor', 'authority', 'recovery')", name=op.f('ck_endorsements_role')),
        sa.ForeignKeyConstraint(['endorser_staff_id'], ['staff.id'],
                                name=op.f('fk_endorsements_endorser_staff_id_staff')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_endorsements_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_endorsements_staff_id_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_endorsements')),
    )
    with op.batch_alter_table('endorsements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_endorsements_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_endorsements_staff_id'), ['staff_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('endorsements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_endorsements_staff_id'))
        batch_op.drop_index(batch_op.f('ix_endorsements_organisation_id'))
    op.drop_table('endorsements')
    # Accounts made since the upgrade may hold no key yet; they cannot exist in the old schema.
    op.execute("DELETE FROM staff_recovery_codes WHERE staff_id IN (SELECT id FROM staff WHERE public_key IS NULL)")
    op.execute("DELETE FROM staff_sessions WHERE staff_id IN (SELECT id FROM staff WHERE public_key IS NULL)")
    op.execute("DELETE FROM staff WHERE public_key IS NULL")
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('chain', existing_type=sa.String(length=80), type_=sa.String(length=64),
                              existing_nullable=False)
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.alter_column('locked_secret', existing_type=sa.LargeBinary(length=200), nullable=False)
        batch_op.alter_column('public_key', existing_type=sa.LargeBinary(length=32), nullable=False)
        batch_op.drop_column('first_passphrase_used')
        batch_op.drop_column('verify_key')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('trust_public_key')
