"""Issue 13: attachments travel in a dossier (dossier_attachments): the case's stored body is
reused, never copied; the file key is re-wrapped under the dossier key in `header`, an
'attachment' record bound to the dossier's locator.

Existing dossiers carry no attachments.

Revision ID: 0196
Revises: 0195
"""
from alembic import op
import sqlalchemy as sa


revision = '0196'
down_revision = '0195'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'dossier_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('attachment_id', sa.String(length=32), nullable=False),
        sa.Column('header', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'],
                                name=op.f('fk_dossier_attachments_dossier_id_dossiers'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'],
                                name=op.f('fk_dossier_attachments_attachment_id_attachments'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_attachments')),
        sa.UniqueConstraint('dossier_id', 'attachment_id', name='uq_dossier_attachments_dossier_attachment'),
    )
    with op.batch_alter_table('dossier_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_attachments_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_attachments_attachment_id'), ['attachment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dossier_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_attachments_attachment_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_attachments_dossier_id'))
    op.drop_table('dossier_attachments')
