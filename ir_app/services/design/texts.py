"""The logical and physical model paragraphs of the thuyết minh, written from a design.

One paragraph each (the form prints them after "a) Mô hình lô-gic:" and "b) Mô hình vật lý:"),
formal Vietnamese, the same words for the same design. A text the commune wrote itself wins.
"""
from __future__ import annotations

from ir_app.services.design.model import NODE_KINDS, Design, Link

ZONE_ROLES = {
    "internet": "mạng bên ngoài", "gov_network": "mạng chuyên dùng của cơ quan nhà nước",
    "provider": "hạ tầng do đơn vị cung cấp dịch vụ quản lý", "edge": "vùng biên", "dmz": "vùng máy chủ công khai",
    "server": "vùng máy chủ nội bộ", "management": "vùng quản trị", "lan": "mạng nội bộ",
}
CHANNEL_PHRASES = {
    "lan": "qua mạng nội bộ", "internet": "qua Internet", "gov_network": "qua mạng truyền số liệu chuyên dùng",
    "vpn": "qua kênh VPN trên Internet", "local": "trong cùng vùng mạng",
}


def _names(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} và {items[-1]}"


def system_subject(name: str) -> str:
    """"Hệ thống một cửa điện tử" stays as is; "Cổng thông tin" becomes "hệ thống Cổng thông tin"."""
    return name if name.lower().startswith("hệ thống") else f"hệ thống {name}"


def _sentence_case(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _zone_phrase(zone) -> str:
    role = ZONE_ROLES.get(zone.kind, "")
    return f"{zone.name} ({role})" if role and role not in zone.name.lower() else zone.name


def _link_sentence(design: Design, link: Link) -> str:
    text = f"{design.name_of(link.source)} kết nối tới {design.name_of(link.target)} "
    text += CHANNEL_PHRASES.get(link.channel, link.channel)
    if link.protocol:
        text += f", giao thức {link.protocol}"
    text += ", có mã hóa" if link.encrypted else ", không mã hóa"
    if link.protection:
        text += f", được bảo vệ bởi: {link.protection}"
    if link.purpose:
        text += f" (mục đích: {_sentence_case(link.purpose)})"
    return text


def logical_model(design: Design, system_name: str) -> str:
    if design.logical_text:
        return design.logical_text
    if not design.zones:
        return ""
    zone_parts = []
    for zone in design.zones:
        nodes = [node.name for node in design.nodes_in(zone.code)]
        part = _zone_phrase(zone)
        zone_parts.append(f"{part} gồm {_names(nodes)}" if nodes else part)
    subject = system_subject(system_name)
    text = (f"{subject[0].upper()}{subject[1:]} được tổ chức thành {len(design.zones)} vùng mạng: "
            f"{'; '.join(zone_parts)}.")
    if design.links:
        text += " Các kết nối chính: " + "; ".join(_link_sentence(design, link) for link in design.links) + "."
    text += " Sơ đồ mô hình hệ thống được thể hiện tại Hình 1."
    return text


def physical_model(design: Design, system_name: str) -> str:
    if design.physical_text:
        return design.physical_text
    if not design.zones:
        return ""
    parts = []
    for zone in design.zones:
        nodes = design.nodes_in(zone.code)
        if zone.kind in ("internet", "gov_network") or (not nodes and zone.kind != "provider"):
            continue  # networks, not places: their connections are in the logical model
        devices = [f"{node.name} ({NODE_KINDS.get(node.kind, node.kind).lower()}"
                   + (f"; {_sentence_case(node.note)})" if node.note else ")") for node in nodes]
        where = zone.name + (f", {_sentence_case(zone.note)}" if zone.note else "")
        parts.append(f"{where}: {_names(devices)}" if devices else where)
    text = f"Các thành phần vật lý của {system_subject(system_name)} được bố trí như sau. " + "; ".join(parts) + "."
    networks = [zone.name for zone in design.zones if zone.kind == "gov_network"]
    if networks:
        text += f" Trụ sở kết nối tới nơi đặt máy chủ qua {_names([_sentence_case(n) for n in networks])}."
    providers = [zone.name for zone in design.zones if zone.kind == "provider"]
    if providers:
        text += (f" Máy chủ, thiết bị lưu trữ và thiết bị bảo vệ đặt tại {_names(providers)} do đơn vị cung cấp "
                 "quản lý, vận hành; chủ quản hệ thống kế thừa các biện pháp bảo đảm an ninh mạng của đơn vị này "
                 "đối với phần hạ tầng đó.")
    return text
