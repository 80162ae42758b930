"""the audit chain is keyed: events from keyed_from_id on carry an HMAC, the head is sealed

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 09:00:00

Events already written keep their plain SHA-256 and keep verifying: the head records from which
event the HMAC applies. The head's seal (`mac`) needs the audit key, which migrations do not have:
`ir-app db upgrade` seals it right after migrating.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_chain_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keyed_from_id', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('mac', sa.String(length=64), server_default='', nullable=False))
    # Every event written so far is unkeyed; the next one is the first with an HMAC.
    op.execute("UPDATE audit_chain_head SET keyed_from_id = last_event_id + 1")


def downgrade() -> None:
    with op.batch_alter_table('audit_chain_head', schema=None) as batch_op:
        batch_op.drop_column('mac')
        batch_op.drop_column('keyed_from_id')
