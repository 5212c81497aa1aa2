"""The register of meldingen: metadata columns on cases (channel, named, route, outcome) and
register_counts, the anonymous counts of deleted cases.

Existing cases get what can be derived: named when an identity record exists; the route from
the state or a dossier (bevoegd gezag) or the state extern_gemeld; the outcome of a case in a
final state from that state and meldingswaardig; the channel is unknown ('onbekend'), because
nothing stored tells the web paths and on-behalf apart.

Revision ID: 0101
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0101'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=16), server_default='onbekend', nullable=False))
        batch_op.add_column(sa.Column('named', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('route', sa.String(length=16), server_default='intern', nullable=False))
        batch_op.add_column(sa.Column('outcome', sa.String(length=16), nullable=True))
    op.create_table(
        'register_counts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=64), nullable=True),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('named', sa.Boolean(), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=True),
        sa.Column('route', sa.String(length=16), nullable=False),
        sa.Column('ack_days', sa.Integer(), nullable=True),
        sa.Column('feedback_days', sa.Integer(), nullable=True),
        sa.Column('feedback_in_time', sa.Boolean(), nullable=True),
        sa.Column('extended', sa.Boolean(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_register_counts_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_register_counts')),
    )
    with op.batch_alter_table('register_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_counts_organisation_id'), ['organisation_id'], unique=False)
    # What existing cases allow to be derived (see the docstring).
    truth = "true" if op.get_bind().dialect.name == "postgresql" else "1"
    op.execute(f"UPDATE cases SET named = {truth} WHERE id IN (SELECT case_id FROM records WHERE kind = 'identity')")
    op.execute("UPDATE cases SET route = 'bevoegd_gezag' WHERE id IN (SELECT case_id FROM dossiers)")
    op.execute("UPDATE cases SET route = 'extern' WHERE state = 'extern_gemeld'")
    op.execute("UPDATE cases SET outcome = 'ingetrokken' WHERE state = 'ingetrokken'")
    op.execute("UPDATE cases SET outcome = 'extern_gemeld' WHERE state = 'extern_gemeld'")
    op.execute(f"UPDATE cases SET outcome = CASE WHEN route = 'bevoegd_gezag' OR meldingswaardig = {truth} "
               "THEN 'onderzoek' ELSE 'geen_onderzoek' END WHERE state = 'afgesloten'")


def downgrade() -> None:
    with op.batch_alter_table('register_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_counts_organisation_id'))
    op.drop_table('register_counts')
    for column in ('outcome', 'route', 'named', 'channel'):
        op.execute(f'ALTER TABLE cases DROP COLUMN {column}')
