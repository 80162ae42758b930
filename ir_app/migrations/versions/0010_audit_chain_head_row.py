"""the audit chain head row exists from the start

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 13:10:00

The first events of a new database would otherwise race to create the head row; with the row in
place every writer only ever locks and updates it.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64


def upgrade() -> None:
    head = sa.table("audit_chain_head", sa.column("id", sa.Integer), sa.column("last_event_id", sa.Integer),
                    sa.column("last_hash", sa.String))
    events = sa.table("audit_events", sa.column("id", sa.Integer), sa.column("hash", sa.String))
    connection = op.get_bind()
    if connection.execute(sa.select(head.c.id).where(head.c.id == 1)).first() is not None:
        return
    # Normally no events yet; should some exist without a head, the head points at the last one.
    last = connection.execute(sa.select(events.c.id, events.c.hash).order_by(events.c.id.desc()).limit(1)).first()
    op.bulk_insert(head, [{"id": 1, "last_event_id": last.id if last else 0,
                           "last_hash": last.hash if last else GENESIS_HASH}])


def downgrade() -> None:
    pass  # the row is harmless, and a database with events needs it
