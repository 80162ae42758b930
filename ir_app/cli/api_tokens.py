"""`ir-app api-token create|list|revoke`: personal API tokens from the command line."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ir_app.cli.common import _now, _session, fail
from ir_app.services.audit import Actor

api_token_group = AppGroup("api-token", help="Mã truy cập API cá nhân.")


@api_token_group.command("create")
@click.option("--user", "email", required=True, help="E-mail của tài khoản sở hữu mã.")
@click.option("--scope", "scopes", required=True, multiple=True,
              help="read, incidents:write, backups:write (có thể lặp lại).")
@click.option("--name", default="", help="Tên mã (dùng vào việc gì); mặc định «ir-app».")
@click.option("--expires", default="90d", show_default=True, help="90d, 12w, 6m, 1y hoặc never.")
def create(email: str, scopes: tuple[str, ...], name: str, expires: str) -> None:
    """Create a token; its secret is printed once and never stored."""
    from ir_app.models import User
    from ir_app.services import api_tokens
    from ir_app.services.errors import ValidationFailed

    session = _session()
    try:
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            fail(f"không có tài khoản {email}.", 2)
        issued = api_tokens.create_token(session, Actor.system("ir-app api-token create"), user,
                                         name or "ir-app", [part for scope in scopes for part in scope.split(",")],
                                         _now(), api_tokens.parse_expiry(expires))
        session.commit()
    except ValidationFailed as failure:
        fail("; ".join(failure.errors.values()), 2)
    finally:
        session.close()
    click.echo(f"Đã tạo mã #{issued.token.id} «{issued.token.name}» cho {email} ({', '.join(issued.token.scopes)}).")
    click.echo("Mã bí mật (chỉ hiện một lần):", err=True)
    click.echo(issued.secret)


@api_token_group.command("list")
@click.option("--user", "email", default="", help="Chỉ mã của tài khoản này.")
def list_tokens(email: str) -> None:
    """List tokens: id, user, name, scopes, expiry, last use, state."""
    from ir_app.services import api_tokens

    session = _session()
    try:
        now = _now()
        for token in api_tokens.all_tokens(session):
            if email and token.user.email != email.strip().lower():
                continue
            state = "revoked" if token.revoked_at else ("active" if token.is_usable(now) else "expired")
            click.echo("\t".join([str(token.id), token.user.email, token.name, ",".join(token.scopes),
                                  token.expires_at.isoformat() if token.expires_at else "never",
                                  token.last_used_at.isoformat() if token.last_used_at else "-", state]))
    finally:
        session.close()


@api_token_group.command("revoke")
@click.argument("token_id", type=click.IntRange(1, 2**63 - 1))
def revoke(token_id: int) -> None:
    """Revoke a token by its id (see `list`)."""
    from ir_app.models import ApiToken
    from ir_app.services import api_tokens

    session = _session()
    try:
        token = session.get(ApiToken, token_id)
        if token is None:
            fail(f"không có mã #{token_id}.", 2)
        api_tokens.revoke_token(session, Actor.system("ir-app api-token revoke"), token, _now())
        session.commit()
        click.echo(f"Đã thu hồi mã #{token_id} «{token.name}».")
    finally:
        session.close()
