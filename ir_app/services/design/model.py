"""The design of one system as plain values: zones, nodes (components placed in zones) and links.

Rows come from a form or from the starter (starter.py); ``parse_design`` cleans and checks them
and says, per row and field, what is wrong in Vietnamese. Stored as lists of dicts (models/design.py).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from ir_app.domain.text import clean_text
from ir_app.i18n_markers import N_
from ir_app.services.errors import ValidationFailed

# Ordered from the outside in: the order bands are drawn in when a design does not say otherwise.
ZONE_KINDS: dict[str, str] = {
    "internet": N_("Internet"),
    "gov_network": N_("Mạng truyền số liệu chuyên dùng"),
    "provider": N_("Nơi cung cấp dịch vụ (Trung tâm dữ liệu, nền tảng, đám mây)"),
    "edge": N_("Vùng biên"),
    "dmz": N_("Vùng máy chủ công khai (DMZ)"),
    "server": N_("Vùng máy chủ nội bộ"),
    "management": N_("Vùng quản trị"),
    "lan": N_("Mạng nội bộ (LAN)"),
}
NODE_KINDS: dict[str, str] = {
    "users": N_("Người dùng"),
    "workstation": N_("Máy trạm"),
    "router": N_("Bộ định tuyến, modem"),
    "firewall": N_("Tường lửa"),
    "switch": N_("Bộ chuyển mạch"),
    "wifi": N_("Điểm truy cập Wi-Fi"),
    "server": N_("Máy chủ"),
    "application": N_("Ứng dụng, dịch vụ"),
    "database": N_("Cơ sở dữ liệu"),
    "storage": N_("Thiết bị lưu trữ, sao lưu"),
    "camera": N_("Camera, thiết bị IoT"),
    "other": N_("Khác"),
}
CHANNELS: dict[str, str] = {
    "lan": N_("Mạng nội bộ"),
    "internet": N_("Internet"),
    "gov_network": N_("Mạng truyền số liệu chuyên dùng"),
    "vpn": N_("Kênh VPN qua Internet"),
    "local": N_("Kết nối trực tiếp trong cùng vùng"),
}
MAX_ROWS = 40
CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,15}$")
LIMITS = {"name": 120, "note": 300, "protocol": 80, "protection": 200, "purpose": 200}


@dataclass(frozen=True)
class Zone:
    code: str
    kind: str
    name: str
    note: str = ""


@dataclass(frozen=True)
class Node:
    code: str
    zone: str
    kind: str
    name: str
    note: str = ""


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    channel: str
    protocol: str = ""
    encrypted: bool = False
    protection: str = ""
    purpose: str = ""


@dataclass(frozen=True)
class Design:
    zones: tuple[Zone, ...] = ()
    nodes: tuple[Node, ...] = ()
    links: tuple[Link, ...] = ()
    logical_text: str = ""
    physical_text: str = ""

    def name_of(self, code: str) -> str:
        for item in (*self.zones, *self.nodes):
            if item.code == code:
                return item.name
        return code

    def zone(self, code: str) -> Zone | None:
        return next((zone for zone in self.zones if zone.code == code), None)

    def nodes_in(self, zone_code: str) -> list[Node]:
        return [node for node in self.nodes if node.zone == zone_code]

    def as_rows(self) -> dict[str, list[dict[str, Any]]]:
        return {"zones": [asdict(z) for z in self.zones], "nodes": [asdict(n) for n in self.nodes],
                "links": [asdict(link) for link in self.links]}


def design_from_rows(zones: list[dict], nodes: list[dict], links: list[dict], logical_text: str = "",
                     physical_text: str = "") -> Design:
    """A stored design back into values (rows were checked when saved; unknown keys are ignored)."""
    return Design(
        tuple(Zone(**{k: str(row.get(k, "")) for k in ("code", "kind", "name", "note")}) for row in zones or []),
        tuple(Node(**{k: str(row.get(k, "")) for k in ("code", "zone", "kind", "name", "note")})
              for row in nodes or []),
        tuple(Link(source=str(row.get("source", "")), target=str(row.get("target", "")),
                   channel=str(row.get("channel", "")), protocol=str(row.get("protocol", "")),
                   encrypted=bool(row.get("encrypted")), protection=str(row.get("protection", "")),
                   purpose=str(row.get("purpose", ""))) for row in links or []),
        logical_text or "", physical_text or "")


def _text(value: Any, limit: int, multiline: bool = False) -> str:
    return clean_text(value if isinstance(value, str) else "", multiline=multiline)[:limit * 4]


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, message)


def _check_text(errors: _Errors, key: str, value: str, name: str) -> None:
    limit = LIMITS[name]
    if len(value) > limit:
        errors.add(key, f"Tối đa {limit} ký tự.")


def _blank(row: dict[str, Any], names: tuple[str, ...]) -> bool:
    return not any(_text(row.get(name), 400).strip() for name in names)


def parse_design(raw_zones: list[dict], raw_nodes: list[dict], raw_links: list[dict], logical_text: Any = "",
                 physical_text: Any = "") -> Design:
    """Clean and check the rows of a submitted design. Blank rows are dropped; a zone or node
    without a code gets one (Z1, N1…). Errors name the row: ``zones-2-name``."""
    errors = _Errors()
    zones = _parse_zones(raw_zones, errors)
    zone_codes = {zone.code for zone in zones}
    nodes = _parse_nodes(raw_nodes, zone_codes, errors)
    codes = zone_codes | {node.code for node in nodes}
    links = _parse_links(raw_links, codes, errors)
    texts = [_text(logical_text, 5000, multiline=True).strip(), _text(physical_text, 5000, multiline=True).strip()]
    for key, value in zip(("logical_text", "physical_text"), texts):
        if len(value) > 5000:
            errors.add(key, "Tối đa 5000 ký tự.")
    if errors.errors:
        raise ValidationFailed(errors.errors)
    return Design(tuple(zones), tuple(nodes), tuple(links), texts[0], texts[1])


def _rows(raw: list[dict], what: str, errors: _Errors) -> list[tuple[int, dict]]:
    rows = [(index, row) for index, row in enumerate(raw) if isinstance(row, dict)]
    if len(rows) > MAX_ROWS:
        errors.add(what, f"Tối đa {MAX_ROWS} dòng.")
    return rows[:MAX_ROWS]


def _code(row: dict, prefix: str, number: int, used: set[str], key: str, errors: _Errors) -> str:
    code = _text(row.get("code"), 16).strip().upper()
    if not code:
        code = f"{prefix}{number}"
        while code in used:
            number += 1
            code = f"{prefix}{number}"
    elif not CODE.match(code):
        errors.add(f"{key}-code", "Mã chỉ gồm chữ cái không dấu, chữ số, - và _ (tối đa 16 ký tự).")
    elif code in used:
        errors.add(f"{key}-code", f"Mã «{code}» bị trùng.")
    used.add(code)
    return code


def _choice(errors: _Errors, key: str, value: Any, choices: dict[str, str], default: str | None = None) -> str:
    text = _text(value, 32).strip()
    if not text and default:
        return default
    if text not in choices:
        errors.add(key, "Chọn một giá trị trong danh sách.")
    return text


def _parse_zones(raw: list[dict], errors: _Errors) -> list[Zone]:
    zones, used = [], set()
    for index, row in _rows(raw, "zones", errors):
        if _blank(row, ("name", "note")):
            continue
        key = f"zones-{index}"
        code = _code(row, "Z", len(zones) + 1, used, key, errors)
        name, note = _text(row.get("name"), 120).strip(), _text(row.get("note"), 300).strip()
        if not name:
            errors.add(f"{key}-name", "Nhập tên vùng mạng.")
        _check_text(errors, f"{key}-name", name, "name")
        _check_text(errors, f"{key}-note", note, "note")
        zones.append(Zone(code, _choice(errors, f"{key}-kind", row.get("kind"), ZONE_KINDS, "lan"), name, note))
    if not zones:
        errors.add("zones", "Thiết kế cần ít nhất một vùng mạng.")
    return zones


def _parse_nodes(raw: list[dict], zone_codes: set[str], errors: _Errors) -> list[Node]:
    nodes, used = [], set(zone_codes)
    for index, row in _rows(raw, "nodes", errors):
        if _blank(row, ("name", "note")):
            continue
        key = f"nodes-{index}"
        code = _code(row, "N", len(nodes) + 1, used, key, errors)
        name, note = _text(row.get("name"), 120).strip(), _text(row.get("note"), 300).strip()
        zone = _text(row.get("zone"), 16).strip().upper()
        if not name:
            errors.add(f"{key}-name", "Nhập tên thành phần.")
        if zone not in zone_codes:
            errors.add(f"{key}-zone", "Chọn vùng mạng đặt thành phần này (vùng phải có trong bảng vùng mạng).")
        _check_text(errors, f"{key}-name", name, "name")
        _check_text(errors, f"{key}-note", note, "note")
        nodes.append(Node(code, zone, _choice(errors, f"{key}-kind", row.get("kind"), NODE_KINDS, "other"), name,
                          note))
    return nodes


def _parse_links(raw: list[dict], codes: set[str], errors: _Errors) -> list[Link]:
    links = []
    for index, row in _rows(raw, "links", errors):
        if _blank(row, ("source", "target", "protocol", "protection", "purpose")):
            continue
        key = f"links-{index}"
        ends = []
        for end in ("source", "target"):
            code = _text(row.get(end), 16).strip().upper()
            if code not in codes:
                errors.add(f"{key}-{end}", "Chọn một vùng mạng hoặc thành phần đã khai báo.")
            ends.append(code)
        if ends[0] == ends[1] and ends[0]:
            errors.add(f"{key}-target", "Hai đầu kết nối phải khác nhau.")
        values = {name: _text(row.get(name), LIMITS[name]).strip() for name in ("protocol", "protection", "purpose")}
        for name, value in values.items():
            _check_text(errors, f"{key}-{name}", value, name)
        encrypted = str(row.get("encrypted", "")).strip().lower() in ("y", "yes", "on", "true", "1")
        links.append(Link(ends[0], ends[1], _choice(errors, f"{key}-channel", row.get("channel"), CHANNELS, "lan"),
                          encrypted=encrypted, **values))
    return links
