"""training courses, sessions and attendance

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 10:43:41

Tập huấn: courses, their sessions (certificate and attendance-sheet files) and who attended.
"""
from alembic import op
import sqlalchemy as sa
import ir_app.models.base


revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('training_courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('organiser_kind', sa.String(length=16), nullable=False),
    sa.Column('organiser', sa.String(length=300), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('created_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("organiser_kind IN ('commune', 'province', 'other')", name=op.f('ck_training_courses_training_organiser_kind')),
    sa.ForeignKeyConstraint(['commune_id'], ['organisations.id'], name=op.f('fk_training_courses_commune_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_courses'))
    )
    with op.batch_alter_table('training_courses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_courses_commune_id'), ['commune_id'], unique=False)

    op.create_table('training_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.Column('attendance_sheet_id', sa.Integer(), nullable=True),
    sa.Column('created_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attendance_sheet_id'], ['stored_files.id'], name=op.f('fk_training_sessions_attendance_sheet_id_stored_files')),
    sa.ForeignKeyConstraint(['certificate_id'], ['stored_files.id'], name=op.f('fk_training_sessions_certificate_id_stored_files')),
    sa.ForeignKeyConstraint(['commune_id'], ['organisations.id'], name=op.f('fk_training_sessions_commune_id_organisations')),
    sa.ForeignKeyConstraint(['course_id'], ['training_courses.id'], name=op.f('fk_training_sessions_course_id_training_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_sessions'))
    )
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_sessions_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_sessions_course_id'), ['course_id'], unique=False)

    op.create_table('training_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('person_key', sa.String(length=250), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('person_name', sa.String(length=200), nullable=False),
    sa.Column('person_role', sa.String(length=16), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('certificate_number', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', ir_app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['commune_id'], ['organisations.id'], name=op.f('fk_training_attendance_commune_id_organisations')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_training_attendance_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_training_attendance_session_id_training_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_training_attendance_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_attendance')),
    sa.UniqueConstraint('session_id', 'person_key', name=op.f('uq_training_attendance_session_id_person_key'))
    )
    with op.batch_alter_table('training_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_attendance_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_attendance_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_attendance_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('training_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_attendance_user_id'))
        batch_op.drop_index(batch_op.f('ix_training_attendance_session_id'))
        batch_op.drop_index(batch_op.f('ix_training_attendance_commune_id'))

    op.drop_table('training_attendance')
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_sessions_course_id'))
        batch_op.drop_index(batch_op.f('ix_training_sessions_commune_id'))

    op.drop_table('training_sessions')
    with op.batch_alter_table('training_courses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_courses_commune_id'))

    op.drop_table('training_courses')
