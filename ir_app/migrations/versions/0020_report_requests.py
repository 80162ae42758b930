"""report requests ride on advisories

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 08:10:00

An advisory may be a report request (báo cáo đột xuất, NĐ 331 Đ35.2.b): questions instead of actions.
"""
from alembic import op
import sqlalchemy as sa
import ir_app.models.base


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('advisories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='advisory', nullable=False))
        batch_op.create_check_constraint('ck_advisories_advisory_kind', "kind IN ('advisory', 'report_request')")


def downgrade() -> None:
    with op.batch_alter_table('advisories', schema=None) as batch_op:
        batch_op.drop_constraint('ck_advisories_advisory_kind', type_='check')
        batch_op.drop_column('kind')

