"""trust: two-factor sign-in (TOTP, recovery codes) and signed decision PDFs on dossiers

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 07:30:00

Users get a TOTP secret, its enabling time and the last accepted step; recovery codes are kept as
argon2 hashes. A dossier records the signed decision PDF, its SHA-256 and the verification result.
"""
from alembic import op
import sqlalchemy as sa
import ir_app.models.base


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', ir_app.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=300), nullable=False),
    sa.Column('created_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_file_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decision_file_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('decision_signature', sa.JSON(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_dossiers_decision_file_id_stored_files'), 'stored_files',
                                    ['decision_file_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dossiers_decision_file_id_stored_files'), type_='foreignkey')
        batch_op.drop_column('decision_signature')
        batch_op.drop_column('decision_file_sha256')
        batch_op.drop_column('decision_file_id')
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))
    op.drop_table('recovery_codes')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
