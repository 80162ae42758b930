"""frozen design: a submitted dossier version keeps the system's design it was submitted with

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 11:00:00

From now on submission copies the design (zones, components, connections, the two model paragraphs)
into the version's ``frozen_plan`` beside the plan rows and the risk table. Versions submitted before
this revision get the system's saved design as it is now (the closest record of what was read); a
system without a saved design keeps printing its suggested draft. No schema change.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

FROZEN_KEY = "design"

dossiers = sa.table("dossiers", sa.column("id", sa.Integer), sa.column("system_id", sa.Integer),
                    sa.column("frozen_plan", sa.JSON))
systems = sa.table("information_systems", sa.column("id", sa.Integer), sa.column("name", sa.String))
designs = sa.table("system_designs", sa.column("system_id", sa.Integer), sa.column("zones", sa.JSON),
                   sa.column("nodes", sa.JSON), sa.column("links", sa.JSON), sa.column("logical_text", sa.Text),
                   sa.column("physical_text", sa.Text))


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(dossiers.c.id, dossiers.c.frozen_plan, systems.c.name, designs.c.zones, designs.c.nodes,
                  designs.c.links, designs.c.logical_text, designs.c.physical_text)
        .join(systems, systems.c.id == dossiers.c.system_id)
        .join(designs, designs.c.system_id == dossiers.c.system_id)
        .where(dossiers.c.frozen_plan.is_not(None))).all()
    for row in rows:
        if not row.frozen_plan or FROZEN_KEY in row.frozen_plan:  # JSON null: never submitted
            continue
        frozen = dict(row.frozen_plan)
        # Empty paragraphs are written from the kept lists when the document is made.
        frozen[FROZEN_KEY] = {"system_name": row.name, "zones": row.zones or [], "nodes": row.nodes or [],
                              "links": row.links or [], "logical_text": row.logical_text or "",
                              "physical_text": row.physical_text or ""}
        connection.execute(sa.update(dossiers).where(dossiers.c.id == row.id).values(frozen_plan=frozen))


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(dossiers.c.id, dossiers.c.frozen_plan)
                              .where(dossiers.c.frozen_plan.is_not(None))).all()
    for row in rows:
        frozen = dict(row.frozen_plan or {})
        if frozen.pop(FROZEN_KEY, None) is not None:
            connection.execute(sa.update(dossiers).where(dossiers.c.id == row.id).values(frozen_plan=frozen))
