"""province: incident numbers carry the commune's code (unique in the province)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 07:00:00

Two communes of one province both had "SC-2026-0001". New incidents are numbered
"SC-<commune code>-2026-0001". Incidents recorded before this revision keep the number they were
issued (it may be quoted in reports already sent): their ``commune_code`` stays empty, and search
still finds them by "SC-2026-0001".
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("commune_code", sa.String(length=16), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("commune_code")
