"""Rules of the alert channels that need no database: which topic a reminder belongs to, what an
address must look like, how a webhook body is signed and how long a failed delivery waits."""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# The topics a user or a commune chooses per channel. A reminder's kind maps to one of them.
TOPICS = ("incidents", "dossiers", "backups", "checks", "other")
_TOPIC_BY_KIND = {
    "quick_report": "incidents", "drill_plan_due": "incidents", "check_failure": "checks", "morning_check": "checks",
    "backup_overdue": "backups", "backup_expected": "backups", "restore_test_due": "backups",
    "dossier_due": "dossiers", "dossier_step": "dossiers", "review_due": "dossiers", "periodic": "dossiers",
    "transition_due": "dossiers", "annual_report": "dossiers",
}


def topic_of(kind: str) -> str:
    if kind.startswith("incident"):
        return "incidents"
    return _TOPIC_BY_KIND.get(kind, "other")


def wants(topics: frozenset[str], kind: str) -> bool:
    """An endpoint with no topic chosen receives everything."""
    return not topics or topic_of(kind) in topics


class AddressError(ValueError):
    """The address typed for a channel cannot work; the message says why, in Vietnamese."""


_TELEGRAM_CHAT = re.compile(r"^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$")
_ZALO_ID = re.compile(r"^(group:)?[A-Za-z0-9_-]{1,64}$")


def check_address(kind: str, address: str) -> str:
    """The address cleaned, or AddressError."""
    address = address.strip()
    if kind == "webhook":
        parts = urlsplit(address)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise AddressError("Địa chỉ webhook phải là một URL http(s)://…")
        return address
    if kind == "telegram":
        if not _TELEGRAM_CHAT.match(address):
            raise AddressError("Mã cuộc trò chuyện Telegram là một số (ví dụ -1001234567890) hoặc @tên_kênh.")
        return address
    if kind == "zalo":
        if not _ZALO_ID.match(address):
            raise AddressError("Mã người quan tâm Zalo OA (hoặc group:mã_nhóm) chỉ gồm chữ, số, - và _.")
        return address
    raise AddressError("Kênh không được hỗ trợ.")


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", as the receiver recomputes it (like Stripe/GitHub)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


@dataclass(frozen=True)
class Outcome:
    """What a channel answered. `transient` failures (down, 5xx, 429) are retried without limit;
    the others count against the attempts and end as `failed`."""

    ok: bool
    error: str = ""
    transient: bool = False


def classify_status(status: int) -> Outcome:
    if 200 <= status < 300:
        return Outcome(True)
    return Outcome(False, f"HTTP {status}", transient=status == 429 or status >= 500)


def chat_text(subject: str, body: str, link: str) -> str:
    """The text a phone shows: subject first (the notification preview), then details and the link."""
    parts = ["[ATTT xã] " + subject]
    if body:
        parts.append(body)
    if link:
        parts.append(link)
    return "\n".join(parts)[:2000]  # Zalo OA takes up to 2,000 characters of text, Telegram 4,096
