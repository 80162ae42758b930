"""a dossier step can be assigned to a named person

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 09:00:00

Empty (the default) means the step waits on every holder of the role the workflow names.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('step_assignee_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_dossiers_step_assignee_id'), ['step_assignee_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_dossiers_step_assignee_id_users'), 'users',
                                    ['step_assignee_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dossiers_step_assignee_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_dossiers_step_assignee_id'))
        batch_op.drop_column('step_assignee_id')
