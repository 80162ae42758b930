"""risks: each system's risk register (threat, asset, likelihood × impact, treatment by the
commune's measures or a time-limited acceptance, residual rating) and the level 4–5 detailed
assessment (NĐ 331 Đ22.4.c, Đ22.5, Đ30.3.e)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 06:54:39
"""
from alembic import op
import sqlalchemy as sa
import ir_app.models.base


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('risk_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('connected_systems', sa.Text(), nullable=False),
    sa.Column('attack_note', sa.Text(), nullable=False),
    sa.Column('impact_scope', sa.Text(), nullable=False),
    sa.Column('availability_24x7', sa.Text(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=True),
    sa.Column('assessor', sa.String(length=300), nullable=False),
    sa.Column('updated_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['organisations.id'], name=op.f('fk_risk_assessments_commune_id_organisations')),
    sa.ForeignKeyConstraint(['system_id'], ['information_systems.id'], name=op.f('fk_risk_assessments_system_id_information_systems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_assessments')),
    sa.UniqueConstraint('system_id', name=op.f('uq_risk_assessments_system_id'))
    )
    with op.batch_alter_table('risk_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_assessments_commune_id'), ['commune_id'], unique=False)

    op.create_table('risks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('threat_id', sa.String(length=64), nullable=True),
    sa.Column('threat_library', sa.String(length=64), nullable=True),
    sa.Column('threat_library_version', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('asset', sa.String(length=300), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=True),
    sa.Column('likelihood', sa.Integer(), nullable=False),
    sa.Column('impact', sa.Integer(), nullable=False),
    sa.Column('treatment', sa.String(length=16), nullable=False),
    sa.Column('treatment_note', sa.Text(), nullable=False),
    sa.Column('residual_likelihood', sa.Integer(), nullable=False),
    sa.Column('residual_impact', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('accepted_by', sa.String(length=200), nullable=False),
    sa.Column('accepted_reason', sa.Text(), nullable=False),
    sa.Column('accepted_until', sa.Date(), nullable=True),
    sa.Column('created_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("treatment <> 'accept' OR (length(accepted_by) > 0 AND length(accepted_reason) > 0 AND accepted_until IS NOT NULL)", name=op.f('ck_risks_accept_is_complete')),
    sa.CheckConstraint("treatment IN ('reduce', 'accept', 'transfer', 'avoid')", name=op.f('ck_risks_treatment')),
    sa.CheckConstraint('impact BETWEEN 1 AND 5', name=op.f('ck_risks_impact')),
    sa.CheckConstraint('likelihood BETWEEN 1 AND 5', name=op.f('ck_risks_likelihood')),
    sa.CheckConstraint('residual_impact BETWEEN 1 AND 5', name=op.f('ck_risks_residual_impact')),
    sa.CheckConstraint('residual_likelihood BETWEEN 1 AND 5', name=op.f('ck_risks_residual_likelihood')),
    sa.ForeignKeyConstraint(['commune_id'], ['organisations.id'], name=op.f('fk_risks_commune_id_organisations')),
    sa.ForeignKeyConstraint(['component_id'], ['system_components.id'], name=op.f('fk_risks_component_id_system_components'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_risks_created_by_id_users')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_risks_owner_id_users')),
    sa.ForeignKeyConstraint(['system_id'], ['information_systems.id'], name=op.f('fk_risks_system_id_information_systems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risks'))
    )
    with op.batch_alter_table('risks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risks_accepted_until'), ['accepted_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_risks_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risks_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risks_system_id'), ['system_id'], unique=False)

    op.create_table('risk_measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('risk_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_risk_measures_measure_id_measures'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['risk_id'], ['risks.id'], name=op.f('fk_risk_measures_risk_id_risks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_measures')),
    sa.UniqueConstraint('risk_id', 'measure_id', name=op.f('uq_risk_measures_risk_id_measure_id'))
    )
    with op.batch_alter_table('risk_measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_measures_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_measures_risk_id'), ['risk_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('risk_measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_measures_risk_id'))
        batch_op.drop_index(batch_op.f('ix_risk_measures_measure_id'))

    op.drop_table('risk_measures')
    with op.batch_alter_table('risks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risks_system_id'))
        batch_op.drop_index(batch_op.f('ix_risks_owner_id'))
        batch_op.drop_index(batch_op.f('ix_risks_commune_id'))
        batch_op.drop_index(batch_op.f('ix_risks_accepted_until'))

    op.drop_table('risks')
    with op.batch_alter_table('risk_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_assessments_commune_id'))

    op.drop_table('risk_assessments')
