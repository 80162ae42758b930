"""advisories and warnings from the province, and the communes' answers

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 07:30:00

Advisories the province issues to its communes, their checklist, and each commune's answers.
"""
from alembic import op
import sqlalchemy as sa
import ir_app.models.base


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('advisories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('concerns', sa.Text(), nullable=False),
    sa.Column('playbook', sa.String(length=64), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("severity IN ('info', 'medium', 'high', 'urgent')", name=op.f('ck_advisories_advisory_severity')),
    sa.ForeignKeyConstraint(['attachment_id'], ['stored_files.id'], name=op.f('fk_advisories_attachment_id_stored_files')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_advisories_issued_by_id_users')),
    sa.ForeignKeyConstraint(['province_id'], ['organisations.id'], name=op.f('fk_advisories_province_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisories'))
    )
    with op.batch_alter_table('advisories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advisories_province_id'), ['province_id'], unique=False)

    op.create_table('advisory_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('advisory_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['advisory_id'], ['advisories.id'], name=op.f('fk_advisory_actions_advisory_id_advisories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory_actions'))
    )
    with op.batch_alter_table('advisory_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advisory_actions_advisory_id'), ['advisory_id'], unique=False)

    op.create_table('advisory_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('advisory_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('acknowledged_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('completed_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], name=op.f('fk_advisory_recipients_acknowledged_by_id_users')),
    sa.ForeignKeyConstraint(['advisory_id'], ['advisories.id'], name=op.f('fk_advisory_recipients_advisory_id_advisories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['commune_id'], ['organisations.id'], name=op.f('fk_advisory_recipients_commune_id_organisations')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_advisory_recipients_incident_id_incidents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory_recipients')),
    sa.UniqueConstraint('advisory_id', 'commune_id', name=op.f('uq_advisory_recipients_advisory_id_commune_id'))
    )
    with op.batch_alter_table('advisory_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advisory_recipients_advisory_id'), ['advisory_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_advisory_recipients_commune_id'), ['commune_id'], unique=False)

    op.create_table('advisory_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('done', 'not_applicable', 'cannot')", name=op.f('ck_advisory_responses_advisory_response_status')),
    sa.ForeignKeyConstraint(['action_id'], ['advisory_actions.id'], name=op.f('fk_advisory_responses_action_id_advisory_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['evidence_id'], ['stored_files.id'], name=op.f('fk_advisory_responses_evidence_id_stored_files')),
    sa.ForeignKeyConstraint(['recipient_id'], ['advisory_recipients.id'], name=op.f('fk_advisory_responses_recipient_id_advisory_recipients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_advisory_responses_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory_responses')),
    sa.UniqueConstraint('recipient_id', 'action_id', name=op.f('uq_advisory_responses_recipient_id_action_id'))
    )
    with op.batch_alter_table('advisory_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advisory_responses_recipient_id'), ['recipient_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('advisory_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advisory_responses_recipient_id'))

    op.drop_table('advisory_responses')
    with op.batch_alter_table('advisory_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advisory_recipients_commune_id'))
        batch_op.drop_index(batch_op.f('ix_advisory_recipients_advisory_id'))

    op.drop_table('advisory_recipients')
    with op.batch_alter_table('advisory_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advisory_actions_advisory_id'))

    op.drop_table('advisory_actions')
    with op.batch_alter_table('advisories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advisories_province_id'))

    op.drop_table('advisories')
