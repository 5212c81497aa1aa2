"""Issue 12 point 5: a melder can replace their code. The code yields the locator by which the
case is found, and until now the same locator was in the associated data of every sealed record
(protocol 6.3). A new code brings a new locator, so the value records are bound to becomes its
own column: `record_binding`, NULL while it equals the locator (every existing case, and every
case whose code was never replaced), set to the first locator when the code is replaced.
Nothing is rewritten: existing records keep opening exactly as before.

Going down is refused while a case has a replaced code: without the column its records could no
longer be opened (the old version would bind them to the new locator).

Revision ID: 0191
Revises: 0188
"""
from alembic import op
import sqlalchemy as sa


revision = '0191'
down_revision = '0188'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_binding', sa.LargeBinary(length=16), nullable=True))


def downgrade() -> None:
    replaced = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM cases WHERE record_binding IS NOT NULL")).scalar()
    if replaced:
        raise RuntimeError(f"{replaced} case(s) had their code replaced; without record_binding their "
                           "records cannot be opened. Not going down.")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('record_binding')
