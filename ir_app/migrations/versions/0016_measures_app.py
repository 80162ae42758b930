"""measures: a commune's applied controls; the plan becomes a view over them

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26 15:00:00

Every protection-plan row typed before this revision is kept: its "how met" text, responsible
person, due date and evidence become a measure scoped to that dossier's system, whose status
follows the row's (met → in place, partly → partly in place, otherwise planned), so the derived
row status stays what it was. A "not applicable" row keeps its reason as an override; a row marked
met or partly without any text keeps its status as an override saying so.
"""
from __future__ import annotations

from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa
import ir_app.models.base


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

MEASURE_STATUS = {"met": "in_place", "partly": "partly"}
KEPT_STATUS_REASON = "Tình trạng đã ghi nhận trước khi phương án chuyển sang biện pháp (chưa mô tả cách đáp ứng)."


def upgrade() -> None:
    _create_tables()
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('frozen_plan', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('plan_frozen_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('override_status', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('override_reason', sa.Text(), server_default='', nullable=False))
    _move_plan_rows_to_measures(op.get_bind())
    with op.batch_alter_table('plan_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_evidence_plan_item_id'))
    op.drop_table('plan_evidence')
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_plan_items_na_has_reason'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_plan_items_status'), type_='check')
        batch_op.drop_column('status')
        batch_op.drop_column('how_met')
        batch_op.drop_column('na_reason')
        batch_op.drop_column('responsible')
        batch_op.drop_column('due_on')
        batch_op.create_check_constraint(
            'override_status',
            "override_status IS NULL OR override_status IN ('not_met', 'partly', 'met', 'not_applicable')")
        batch_op.create_check_constraint('override_has_reason',
                                         "override_status IS NULL OR length(override_reason) > 0")


def _create_tables() -> None:
    op.create_table('measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('provider_name', sa.String(length=300), nullable=False),
    sa.Column('provider_document', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('responsible_unit', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('planned_on', sa.Date(), nullable=True),
    sa.Column('in_place_since', sa.Date(), nullable=True),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('library_id', sa.String(length=64), nullable=True),
    sa.Column('library_measure_id', sa.String(length=64), nullable=True),
    sa.Column('library_version', sa.Integer(), nullable=True),
    sa.Column('created_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("category IN ('management', 'technical')", name=op.f('ck_measures_category')),
    sa.CheckConstraint("scope IN ('commune', 'system', 'inherited')", name=op.f('ck_measures_scope')),
    sa.CheckConstraint("status IN ('planned', 'partly', 'in_place')", name=op.f('ck_measures_status')),
    sa.CheckConstraint("scope <> 'inherited' OR length(provider_name) > 0",
                       name=op.f('ck_measures_inherited_has_provider')),
    sa.ForeignKeyConstraint(['commune_id'], ['organisations.id'], name=op.f('fk_measures_commune_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_measures_created_by_id_users')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_measures_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measures')),
    sa.UniqueConstraint('commune_id', 'library_id', 'library_measure_id',
                        name=op.f('uq_measures_commune_id_library_id_library_measure_id'))
    )
    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measures_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measures_owner_id'), ['owner_id'], unique=False)

    op.create_table('measure_requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('requirement_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_measure_requirements_measure_id_measures'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_requirements')),
    sa.UniqueConstraint('measure_id', 'requirement_id', name=op.f('uq_measure_requirements_measure_id_requirement_id'))
    )
    with op.batch_alter_table('measure_requirements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_requirements_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_requirements_requirement_id'), ['requirement_id'], unique=False)

    op.create_table('measure_systems',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_measure_systems_measure_id_measures'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['system_id'], ['information_systems.id'],
                            name=op.f('fk_measure_systems_system_id_information_systems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_systems')),
    sa.UniqueConstraint('measure_id', 'system_id', name=op.f('uq_measure_systems_measure_id_system_id'))
    )
    with op.batch_alter_table('measure_systems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_systems_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_systems_system_id'), ['system_id'], unique=False)

    op.create_table('measure_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('added_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_measure_evidence_file_id_stored_files')),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_measure_evidence_measure_id_measures'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_evidence'))
    )
    with op.batch_alter_table('measure_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_evidence_measure_id'), ['measure_id'], unique=False)


# Lightweight table views: the migration must not depend on today's models.
_items = sa.table('plan_items', sa.column('id', sa.Integer), sa.column('dossier_id', sa.Integer),
                  sa.column('requirement_id', sa.String), sa.column('title', sa.Text), sa.column('status', sa.String),
                  sa.column('how_met', sa.Text), sa.column('na_reason', sa.Text),
                  sa.column('responsible', sa.String), sa.column('due_on', sa.Date),
                  sa.column('updated_at', ir_app.models.base.UTCDateTime),
                  sa.column('override_status', sa.String), sa.column('override_reason', sa.Text))
_dossiers = sa.table('dossiers', sa.column('id', sa.Integer), sa.column('system_id', sa.Integer),
                     sa.column('commune_id', sa.Integer), sa.column('created_at', ir_app.models.base.UTCDateTime))
_systems = sa.table('information_systems', sa.column('id', sa.Integer), sa.column('name', sa.String))
_evidence = sa.table('plan_evidence', sa.column('plan_item_id', sa.Integer), sa.column('file_id', sa.Integer),
                     sa.column('note', sa.String))
_measures = sa.table('measures', sa.column('id', sa.Integer), sa.column('commune_id', sa.Integer),
                     sa.column('title', sa.String), sa.column('description', sa.Text),
                     sa.column('category', sa.String), sa.column('scope', sa.String),
                     sa.column('provider_name', sa.String), sa.column('provider_document', sa.String),
                     sa.column('status', sa.String), sa.column('responsible_unit', sa.String),
                     sa.column('planned_on', sa.Date), sa.column('levels', sa.JSON),
                     sa.column('created_at', ir_app.models.base.UTCDateTime),
                     sa.column('updated_at', ir_app.models.base.UTCDateTime), sa.column('version', sa.Integer))
_links = sa.table('measure_requirements', sa.column('measure_id', sa.Integer), sa.column('requirement_id', sa.String))
_systems_links = sa.table('measure_systems', sa.column('measure_id', sa.Integer), sa.column('system_id', sa.Integer))
_measure_evidence = sa.table('measure_evidence', sa.column('measure_id', sa.Integer), sa.column('file_id', sa.Integer),
                             sa.column('note', sa.String), sa.column('added_at', ir_app.models.base.UTCDateTime))


def _move_plan_rows_to_measures(connection) -> None:
    evidence: dict[int, list] = {}
    for row in connection.execute(sa.select(_evidence)):
        evidence.setdefault(row.plan_item_id, []).append(row)
    rows = connection.execute(
        sa.select(_items, _dossiers.c.system_id, _dossiers.c.commune_id, _dossiers.c.created_at,
                  _systems.c.name.label('system_name'))
        .join(_dossiers, _dossiers.c.id == _items.c.dossier_id)
        .join(_systems, _systems.c.id == _dossiers.c.system_id)
        .order_by(_items.c.id)).all()
    for row in rows:
        typed = bool((row.how_met or '').strip() or (row.responsible or '').strip() or row.due_on
                     or evidence.get(row.id))
        if typed:
            _measure_for(connection, row, evidence.get(row.id, []))
        override, reason = None, ''
        if row.status == 'not_applicable':
            override, reason = 'not_applicable', row.na_reason or 'Không áp dụng'
        elif row.status in MEASURE_STATUS and not typed:
            override, reason = row.status, KEPT_STATUS_REASON
        if override:
            connection.execute(_items.update().where(_items.c.id == row.id)
                               .values(override_status=override, override_reason=reason))


def _measure_for(connection, row, evidence_rows) -> None:
    moment = row.updated_at or row.created_at or datetime.now(timezone.utc)
    title = f"{row.title} — {row.system_name}"
    measure_id = connection.execute(_measures.insert().values(
        commune_id=row.commune_id, title=title[:300], description=(row.how_met or '').strip(),
        category='management' if row.requirement_id.startswith('QL') else 'technical', scope='system',
        provider_name='', provider_document='', status=MEASURE_STATUS.get(row.status, 'planned'),
        responsible_unit=(row.responsible or '')[:200], planned_on=row.due_on, levels=[1, 2, 3, 4, 5],
        created_at=moment, updated_at=moment, version=1).returning(_measures.c.id)).scalar_one()
    connection.execute(_links.insert().values(measure_id=measure_id, requirement_id=row.requirement_id))
    connection.execute(_systems_links.insert().values(measure_id=measure_id, system_id=row.system_id))
    for item in evidence_rows:
        connection.execute(_measure_evidence.insert().values(measure_id=measure_id, file_id=item.file_id,
                                                             note=item.note or '', added_at=moment))


def downgrade() -> None:
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_plan_items_override_has_reason'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_plan_items_override_status'), type_='check')
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('responsible', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('na_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('how_met', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='not_met', nullable=False))
    # The plan goes back to one free text per row: a row's status is its override, if any.
    op.execute("UPDATE plan_items SET status = override_status, na_reason = override_reason "
               "WHERE override_status IS NOT NULL")
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.drop_column('override_reason')
        batch_op.drop_column('override_status')
        batch_op.create_check_constraint('status', "status IN ('not_met', 'partly', 'met', 'not_applicable')")
        batch_op.create_check_constraint('na_has_reason', "status <> 'not_applicable' OR length(na_reason) > 0")
    op.create_table('plan_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_item_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_plan_evidence_file_id_stored_files')),
    sa.ForeignKeyConstraint(['plan_item_id'], ['plan_items.id'], name=op.f('fk_plan_evidence_plan_item_id_plan_items'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_evidence'))
    )
    with op.batch_alter_table('plan_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_evidence_plan_item_id'), ['plan_item_id'], unique=False)
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_column('plan_frozen_at')
        batch_op.drop_column('frozen_plan')
    op.drop_table('measure_evidence')
    op.drop_table('measure_systems')
    op.drop_table('measure_requirements')
    op.drop_table('measures')
