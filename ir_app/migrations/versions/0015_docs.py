"""documents: commune leaders and signers, data-protection details, issued document numbers,
the appraisal's method and opinions

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa
import ir_app.models.base


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

ORGANISATION_COLUMNS = (('chair_name', 200), ('vice_chair_name', 200), ('office_address', 300), ('website', 200),
                        ('tax_code', 20), ('establishment_decision', 300), ('dpo_name', 200), ('dpo_title', 200),
                        ('dpo_phone', 50), ('dpo_email', 200))
UNIT_COLUMNS = (('head_title', 200), ('deputy_name', 200), ('deputy_title', 200))


def upgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        for name, length in ORGANISATION_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), server_default='', nullable=False))
        batch_op.add_column(sa.Column('signer', sa.String(length=16), server_default='head', nullable=False))

    with op.batch_alter_table('units', schema=None) as batch_op:
        for name, length in UNIT_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), server_default='', nullable=False))
        batch_op.add_column(sa.Column('signer', sa.String(length=16), server_default='head', nullable=False))

    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('appraisal_method', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('appraisal_design_opinion', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('appraisal_operation_opinion', sa.Text(), server_default='', nullable=False))

    op.create_table(
        'issued_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=64), nullable=False),
        sa.Column('regime', sa.String(length=32), nullable=False),
        sa.Column('doc_key', sa.String(length=64), nullable=False),
        sa.Column('number', sa.String(length=20), nullable=False),
        sa.Column('symbol', sa.String(length=80), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('recorded_at', ir_app.models.base.UTCDateTime(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['commune_id'], ['organisations.id'], name='fk_issued_documents_commune_id_organisations'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name='fk_issued_documents_recorded_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_issued_documents'),
        sa.UniqueConstraint('commune_id', 'subject', 'doc_key', name='uq_issued_documents_subject'),
    )
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.create_index('ix_issued_documents_commune_id', ['commune_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_issued_documents_commune_id')
    op.drop_table('issued_documents')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        for name in ('appraisal_operation_opinion', 'appraisal_design_opinion', 'appraisal_method', 'request_on'):
            batch_op.drop_column(name)
    with op.batch_alter_table('units', schema=None) as batch_op:
        for name in ('signer',) + tuple(name for name, _ in reversed(UNIT_COLUMNS)):
            batch_op.drop_column(name)
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        for name in ('signer',) + tuple(name for name, _ in reversed(ORGANISATION_COLUMNS)):
            batch_op.drop_column(name)
