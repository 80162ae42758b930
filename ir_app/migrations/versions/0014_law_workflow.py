"""the decree's gates and clocks: Quy chế scope and issuer, investment date and operator of a system,
procedure level, confirmed warnings and the independent appraisal body of a dossier

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('information_systems', schema=None) as batch_op:
        batch_op.add_column(sa.Column('investment_approved_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('operated_by', sa.String(length=32), server_default='specialised_unit',
                                      nullable=False))
        batch_op.create_check_constraint(
            'operated_by', "operated_by IN ('specialised_unit', 'other_unit', 'service_provider')")

    with op.batch_alter_table('security_policies', schema=None) as batch_op:
        # Policies recorded before this revision were the commune's own, issued by the owner.
        batch_op.add_column(sa.Column('issuer', sa.String(length=32), server_default='owner', nullable=False))
        batch_op.add_column(sa.Column('scope', sa.String(length=16), server_default='commune', nullable=False))
        batch_op.create_check_constraint('issuer', "issuer IN ('owner', 'specialised_unit', 'operator', 'other')")
        batch_op.create_check_constraint('scope', "scope IN ('commune', 'listed')")

    op.create_table(
        'security_policy_systems',
        sa.Column('policy_id', sa.Integer(), nullable=False),
        sa.Column('system_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['policy_id'], ['security_policies.id'],
                                name=op.f('fk_security_policy_systems_policy_id_security_policies'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['system_id'], ['information_systems.id'],
                                name=op.f('fk_security_policy_systems_system_id_information_systems'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('policy_id', 'system_id', name=op.f('pk_security_policy_systems')),
    )
    with op.batch_alter_table('security_policy_systems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_policy_systems_system_id'), ['system_id'], unique=False)

    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('procedure_level', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_warnings', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('appraisal_body', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('appraisal_body_decision', sa.String(length=100), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('appraisal_body_decision_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('appraisal_council_members', sa.Text(), server_default='', nullable=False))
        batch_op.create_check_constraint('procedure_level', 'procedure_level IS NULL OR procedure_level BETWEEN 1 AND 5')
        batch_op.create_check_constraint(
            'appraisal_body', "appraisal_body IS NULL OR appraisal_body IN "
                              "('specialised_unit', 'subordinate_unit', 'independent_council', 'ministry')")


def downgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_dossiers_appraisal_body'), type_='check')
        batch_op.drop_constraint(op.f('ck_dossiers_procedure_level'), type_='check')
        for column in ('appraisal_council_members', 'appraisal_body_decision_on', 'appraisal_body_decision',
                       'appraisal_body', 'confirmed_warnings', 'procedure_level'):
            batch_op.drop_column(column)

    with op.batch_alter_table('security_policy_systems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_security_policy_systems_system_id'))
    op.drop_table('security_policy_systems')

    with op.batch_alter_table('security_policies', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_security_policies_scope'), type_='check')
        batch_op.drop_constraint(op.f('ck_security_policies_issuer'), type_='check')
        batch_op.drop_column('scope')
        batch_op.drop_column('issuer')

    with op.batch_alter_table('information_systems', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_information_systems_operated_by'), type_='check')
        batch_op.drop_column('operated_by')
        batch_op.drop_column('investment_approved_on')
