"""drills and practice incidents

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 08:00:00

Drills (diễn tập) and the practice incidents they run, numbered apart and never counted.
"""
from alembic import op
import sqlalchemy as sa
import ir_app.models.base


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('drills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('playbook_id', sa.String(length=64), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('objectives', sa.Text(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('started_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('what_worked', sa.Text(), nullable=False),
    sa.Column('gaps', sa.Text(), nullable=False),
    sa.Column('created_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['organisations.id'], name=op.f('fk_drills_commune_id_organisations')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_drills_incident_id_incidents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drills'))
    )
    with op.batch_alter_table('drills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drills_commune_id'), ['commune_id'], unique=False)

    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_drill', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_column('is_drill')

    with op.batch_alter_table('drills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drills_commune_id'))

    op.drop_table('drills')
