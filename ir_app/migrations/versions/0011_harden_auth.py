"""login throttle counters, version of the morning checklist

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 09:00:00

Sign-in failures are reserved atomically in `login_throttles` before a password is checked
(parallel guesses cannot exceed the limit); `check_items.version` lets a checklist save made
from an outdated page be refused instead of overwriting.
"""
from alembic import op
import sqlalchemy as sa
import ir_app.models.base


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_throttles',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttles'))
    )
    with op.batch_alter_table('check_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('check_items', schema=None) as batch_op:
        batch_op.drop_column('version')
    op.drop_table('login_throttles')
