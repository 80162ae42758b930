"""alert channels: webhook, Telegram, Zalo OA endpoints and their deliveries

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 07:00:00

Alerts reach phones through the same outbox as e-mail: one delivery row per (reminder, endpoint).
"""
from alembic import op
import sqlalchemy as sa
import ir_app.models.base


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('channel_endpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('commune_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('secret', sa.String(length=128), nullable=False),
    sa.Column('topics', sa.String(length=200), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('webhook', 'telegram', 'zalo')", name=op.f('ck_channel_endpoints_channel_kind')),
    sa.CheckConstraint('(user_id IS NULL) <> (commune_id IS NULL)', name=op.f('ck_channel_endpoints_channel_one_owner')),
    sa.ForeignKeyConstraint(['commune_id'], ['organisations.id'], name=op.f('fk_channel_endpoints_commune_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_channel_endpoints_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_endpoints'))
    )
    with op.batch_alter_table('channel_endpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_endpoints_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_endpoints_user_id'), ['user_id'], unique=False)

    op.create_table('channel_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedup_key', sa.String(length=200), nullable=False),
    sa.Column('endpoint_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('created_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('sent_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name=op.f('ck_channel_deliveries_channel_delivery_status')),
    sa.ForeignKeyConstraint(['commune_id'], ['organisations.id'], name=op.f('fk_channel_deliveries_commune_id_organisations')),
    sa.ForeignKeyConstraint(['endpoint_id'], ['channel_endpoints.id'], name=op.f('fk_channel_deliveries_endpoint_id_channel_endpoints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_deliveries')),
    sa.UniqueConstraint('dedup_key', 'endpoint_id', name=op.f('uq_channel_deliveries_dedup_key_endpoint_id'))
    )
    with op.batch_alter_table('channel_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_deliveries_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index('ix_channel_deliveries_due', ['status', 'next_attempt_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('channel_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_channel_deliveries_due')
        batch_op.drop_index(batch_op.f('ix_channel_deliveries_commune_id'))

    op.drop_table('channel_deliveries')
    with op.batch_alter_table('channel_endpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_endpoints_user_id'))
        batch_op.drop_index(batch_op.f('ix_channel_endpoints_commune_id'))

    op.drop_table('channel_endpoints')
