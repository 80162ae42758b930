"""the newest audit event of no commune, in one index probe

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 19:00:00

Pages kept until the next change (web/page_cache.py) read the newest audit event of no commune (the
province's advisories, channels) on every view. Without this partial index PostgreSQL scans back
through every newer event of a commune, or sorts every event of no commune: it grows with the log.
"""
from alembic import op
import sqlalchemy as sa


revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

UNOWNED = sa.text("commune_id IS NULL")


def upgrade() -> None:
    op.create_index("ix_audit_events_unowned", "audit_events", ["id"], unique=False,
                    postgresql_where=UNOWNED, sqlite_where=UNOWNED)


def downgrade() -> None:
    op.drop_index("ix_audit_events_unowned", table_name="audit_events")
