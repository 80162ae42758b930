"""personal API tokens (named, scoped, expiring, stored hashed)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 07:00:00
"""
from alembic import op
import sqlalchemy as sa

import ir_app.models.base


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('scopes', sa.JSON(), nullable=False),
        sa.Column('created_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_used_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_used_ip', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_api_tokens_secret_hash')),
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))
    op.drop_table('api_tokens')
