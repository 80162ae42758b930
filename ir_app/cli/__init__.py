"""The `ir-app` console script. The same commands work as `flask --app ir_app ...`."""
from __future__ import annotations

from flask.cli import FlaskGroup

from ir_app.cli.api_tokens import api_token_group
from ir_app.cli.admin import audit_group, create_user, db_group, level_check, measures_group, playbooks_group
from ir_app.cli.common import fail
from ir_app.cli.data import backup, dossier_group, restore
from ir_app.cli.jobs import backups_group, jobs_group, scheduler_command
from ir_app.cli.serving import demo, seed_synthetic, serve


def register(app) -> None:
    for command in (db_group, create_user, audit_group, level_check, playbooks_group, measures_group, dossier_group,
                    serve, demo, seed_synthetic, backup, restore, jobs_group, scheduler_command, backups_group,
                    api_token_group):
        app.cli.add_command(command)


def _create_app():
    """The app for a command; a refused setting (a weak IR_SECRET_KEY…) stops with its message."""
    from ir_app import create_app
    from ir_app.config import ConfigError

    try:
        return create_app()
    except ConfigError as refused:
        fail(str(refused), 2)


def main() -> None:
    group = FlaskGroup(create_app=_create_app, add_default_commands=False,
                       add_version_option=False, load_dotenv=False,
                       help="ATTT xã — quản lý an ninh mạng hệ thống thông tin cấp xã.")
    group.main(prog_name="ir-app")
