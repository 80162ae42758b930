"""backup plans keep their next due moments

Revision ID: 0030
Revises: 0028
Create Date: 2026-12-07 15:10:00

`backup_plans.next_overdue_at` (the instant from which the plan is overdue, until its next good
run) and `restore_due_on` (the day its restore test is due), so the overview counts overdue plans
in SQL (issue 17); `has_away_copy` (3-2-1, from the destinations) is counted with them. Back-filled here from the runs and restore tests, with the same function the
services use when a run, a test or a plan changes (`ir-app backups recompute-due` does it again,
e.g. after IR_TIMEZONE changed).
"""
from alembic import op
import sqlalchemy as sa
import ir_app.models.base


revision = "0030"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('backup_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_overdue_at', ir_app.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('restore_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('has_away_copy', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_backup_plans_next_overdue_at'), ['next_overdue_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_backup_plans_restore_due_on'), ['restore_due_on'], unique=False)
    _back_fill()


def _back_fill() -> None:
    """The moments need the schedule rules (Python), not SQL: run the services' own recomputation
    on this connection (Core statements, reading only columns that exist at this revision)."""
    from ir_app.services.backups.due import recompute_due

    recompute_due(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('backup_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_backup_plans_restore_due_on'))
        batch_op.drop_index(batch_op.f('ix_backup_plans_next_overdue_at'))
        batch_op.drop_column('has_away_copy')
        batch_op.drop_column('restore_due_on')
        batch_op.drop_column('next_overdue_at')
