"""design: a system's network zones, components placed in them and connections (the logical and
physical model of the thuyết minh, and its diagram)

Revision ID: 0023
Revises: 0022
"""
from alembic import op
import sqlalchemy as sa
import ir_app.models.base


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('system_designs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('zones', sa.JSON(), nullable=False),
    sa.Column('nodes', sa.JSON(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('logical_text', sa.Text(), nullable=False),
    sa.Column('physical_text', sa.Text(), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('created_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['organisations.id'],
                            name=op.f('fk_system_designs_commune_id_organisations')),
    sa.ForeignKeyConstraint(['system_id'], ['information_systems.id'],
                            name=op.f('fk_system_designs_system_id_information_systems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_system_designs')),
    sa.UniqueConstraint('system_id', name=op.f('uq_system_designs_system_id'))
    )
    with op.batch_alter_table('system_designs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_system_designs_commune_id'), ['commune_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('system_designs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_system_designs_commune_id'))
    op.drop_table('system_designs')
