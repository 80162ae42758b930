"""What a job needs from the app, read once from its configuration (no Flask in the jobs)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from ir_app.domain.clock import Clock
from ir_app.services.notifications.channels import ChannelSettings
from ir_app.services.notifications.delivery import DEFAULT_MAX_ATTEMPTS, SmtpSettings


@dataclass(frozen=True)
class JobEnv:
    session_factory: sessionmaker[Session]
    clock: Clock
    zone: ZoneInfo
    smtp: SmtpSettings
    channels: ChannelSettings = ChannelSettings()
    playbooks_dir: Path | None = None
    base_url: str = ""
    max_attempts: int = DEFAULT_MAX_ATTEMPTS

    @classmethod
    def from_app(cls, app) -> JobEnv:
        config = app.config
        return cls(session_factory=app.extensions["ir_session_factory"], clock=app.extensions["ir_clock"],
                   zone=ZoneInfo(config["IR_TIMEZONE"]), smtp=SmtpSettings.from_config(config),
                   channels=ChannelSettings.from_config(config),
                   playbooks_dir=config.get("IR_PLAYBOOKS_DIR"), base_url=config.get("IR_BASE_URL", ""),
                   max_attempts=int(config.get("IR_SMTP_MAX_ATTEMPTS") or DEFAULT_MAX_ATTEMPTS))
