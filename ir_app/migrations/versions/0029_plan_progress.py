"""stored protection-plan progress of each dossier

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 15:10:00

The overview and the province view read each dossier's plan progress from `dossier_plan_progress`,
valid while its commune's `plan_progress_versions` row has not moved (models/plan_progress.py).
Both tables start empty: the first view computes and stores what it needs.
"""
from alembic import op
import sqlalchemy as sa


revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plan_progress_versions',
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['organisations.id'],
                            name=op.f('fk_plan_progress_versions_commune_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('commune_id', name=op.f('pk_plan_progress_versions'))
    )
    op.create_table('dossier_plan_progress',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('catalogue_key', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('met', sa.Integer(), nullable=False),
    sa.Column('partly', sa.Integer(), nullable=False),
    sa.Column('not_applicable', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'],
                            name=op.f('fk_dossier_plan_progress_dossier_id_dossiers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dossier_id', name=op.f('pk_dossier_plan_progress'))
    )


def downgrade() -> None:
    op.drop_table('dossier_plan_progress')
    op.drop_table('plan_progress_versions')
