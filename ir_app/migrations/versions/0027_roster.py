"""roster: the commune's response team (tổ ứng cứu sự cố) with its on-call order

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 11:00:00

A member is a user of the commune, an emergency contact, or a named person; phone and e-mail left
blank are read from the linked account or contact.
"""
from alembic import op
import sqlalchemy as sa


revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('response_team_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('team_role', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('on_call_order', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['organisations.id'],
                            name=op.f('fk_response_team_members_commune_id_organisations')),
    sa.ForeignKeyConstraint(['contact_id'], ['emergency_contacts.id'],
                            name=op.f('fk_response_team_members_contact_id_emergency_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_response_team_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_team_members'))
    )
    with op.batch_alter_table('response_team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_team_members_commune_id'), ['commune_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('response_team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_team_members_commune_id'))
    op.drop_table('response_team_members')
