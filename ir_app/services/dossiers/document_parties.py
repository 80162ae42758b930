"""The bodies a dossier's documents name (owner, operator, specialised unit, appraiser) and who
signs for each, from the commune's records: its name and type, its leaders, its units.

Names keep their capitals ("Ủy ban nhân dân xã Vĩnh Lại"); a phường's police are "Công an
phường"; titles and signers come from the records (NĐ 30/2020 Phụ lục I, II.7), never a generic
"Thủ trưởng đơn vị".
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from ir_app.documents.names import CommuneNames, commune_names, heading_lines, police_unit_name, upper, with_commune
from ir_app.documents.signing import Leadership, signature, usual_head_title
from ir_app.models import InformationSystem, Organisation, Unit

MINISTRY = {"name": "Bộ Công an (Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao)",
            "header_name": "CỤC AN NINH MẠNG VÀ PHÒNG, CHỐNG\nTỘI PHẠM SỬ DỤNG CÔNG NGHỆ CAO",
            "parent_name": "BỘ CÔNG AN", "abbreviation": "A05", "address": "Hà Nội"}
# Abbreviations used in document symbols (NĐ 30/2020 Phụ lục III) for the usual commune units.
KNOWN_ABBREVIATIONS = {"văn phòng hđnd và ubnd": "VP", "công an xã": "CAX", "công an phường": "CAP",
                       "công an đặc khu": "CAĐK", "trung tâm phục vụ hành chính công": "TTPVHCC",
                       "ủy ban nhân dân": "UBND"}
COMMITTEE = "Ủy ban nhân dân"


def abbreviation(name: str) -> str:
    lowered = name.lower()
    for known, short in KNOWN_ABBREVIATIONS.items():
        if lowered.startswith(known):
            return short
    return "".join(word[0] for word in re.findall(r"\w+", name) if word[0].isalpha()).upper()[:10] or "CQ"


def names_of(commune: Organisation) -> CommuneNames:
    return commune_names(commune.commune_type, commune.name)


def committee_leaders(commune: Organisation) -> Leadership:
    """The Chairman and Vice-Chairman of the commune's People's Committee."""
    return Leadership("Chủ tịch", commune.chair_name or "", "Phó Chủ tịch", commune.vice_chair_name or "",
                      commune.signer if commune.signer in ("head", "deputy", "acting") else "head")


def unit_leaders(unit: Unit | None, unit_name: str, head_name: str = "") -> Leadership:
    """A unit's head and deputy; the usual title of its kind when the record has none."""
    head_title = (unit.head_title if unit is not None and unit.head_title else usual_head_title(unit_name))
    if unit is None:
        return Leadership(head_title, head_name)
    return Leadership(head_title, unit.head_name or head_name, unit.deputy_title or "", unit.deputy_name or "",
                      unit.signer if unit.signer in ("head", "deputy", "acting") else "head")


def title_with_body(title: str, unit_name: str, names: CommuneNames) -> str:
    """"Giám đốc" + "Trung tâm …" -> "Giám đốc Trung tâm … xã Vĩnh Lại"; words the title and the
    unit share are said once ("Chánh Văn phòng" + "Văn phòng HĐND và UBND" -> "Chánh Văn phòng
    HĐND và UBND xã Vĩnh Lại")."""
    full = with_commune(unit_name, names)
    title_words, unit_words = title.split(), unit_name.split()
    for size in range(min(len(title_words), len(unit_words)), 0, -1):
        if [w.lower() for w in title_words[-size:]] == [w.lower() for w in unit_words[:size]]:
            return " ".join(title_words[:-size] + [full])
    return f"{title} {full}".strip()


def owner_name(system: InformationSystem | None, names: CommuneNames) -> str:
    """The system's owner as recorded, or the commune's People's Committee; a record that only
    mis-cases the committee's name ("Ủy ban nhân dân xã vĩnh lại") prints it correctly."""
    recorded = unicodedata.normalize("NFC", (system.owner_name if system is not None else "") or "")
    if not recorded.strip() or recorded.strip().lower() in (names.committee.lower(), names.committee_short.lower()):
        return names.committee
    return recorded.strip()


def owner_party(system: InformationSystem | None, commune: Organisation) -> dict[str, Any]:
    names = names_of(commune)
    leaders = committee_leaders(commune)
    representative = leaders.head_name or (system.owner_representative if system is not None else "")
    get = (lambda attr: getattr(system, attr) or "") if system is not None else (lambda attr: "")
    return {"name": owner_name(system, names), "header_name": names.committee_heading, "abbreviation": "UBND",
            "functions": get("owner_functions"), "representative": representative,
            "position": f"Chủ tịch {names.committee}", "address": get("owner_address") or commune.address,
            "phone": get("owner_phone") or commune.phone, "email": get("owner_email") or commune.email}


def find_unit(units: list[Unit], name: str, names: CommuneNames) -> Unit | None:
    wanted = police_unit_name(name, names).lower()
    return next((unit for unit in units if police_unit_name(unit.name, names).lower() == wanted), None)


def operator_party(system: InformationSystem, commune: Organisation, units: list[Unit]) -> tuple[dict[str, Any], Leadership]:
    names = names_of(commune)
    unit_name = police_unit_name(system.operator_name or (system.unit.name if system.unit else ""), names)
    unit = find_unit(units, unit_name, names)
    leaders = unit_leaders(unit, unit_name, system.operator_representative or "")
    party = {"name": with_commune(unit_name, names) if unit_name else "",
             "header_name": heading_lines(unit_name), "parent_name": f"UBND {names.heading}",
             "abbreviation": abbreviation(unit_name), "functions": system.operator_functions,
             "representative": system.operator_representative or leaders.head_name,
             "position": title_with_body(leaders.head_title, unit_name, names) if unit_name else "",
             "address": system.operator_address or commune.address, "phone": system.operator_phone,
             "email": system.operator_email}
    return party, leaders


def specialised_party(unit: Unit | None, commune: Organisation) -> tuple[dict[str, Any], Leadership]:
    names = names_of(commune)
    unit_name = police_unit_name(unit.name if unit else names.police_unit, names)
    leaders = unit_leaders(unit, unit_name)
    full = with_commune(unit_name, names)
    province = commune.parent.name if commune.parent else ""
    party = {"name": full, "header_name": heading_lines(full), "abbreviation": abbreviation(unit_name),
             "parent_name": f"CÔNG AN {upper(province)}" if province else "",
             "functions": unit.functions if unit else "", "representative": leaders.head_name,
             "position": title_with_body(leaders.head_title, unit_name, names), "address": commune.address,
             "phone": unit.phone if unit else "", "email": unit.email if unit else ""}
    return party, leaders


def issuing_authority(role: str, commune: Organisation, leaders: Leadership, unit_name: str) -> str:
    """Who decides (the line above "Căn cứ …" of a decision), in capitals."""
    names = names_of(commune)
    if role == "owner":
        return upper(names.chair_title)
    return upper(title_with_body(leaders.head_title, unit_name, names))


def signer_for(role: str, kind: str, leaders: Leadership, recorded_signer: str = "") -> dict[str, str]:
    """The signature block: the owner's letters are signed for the committee (TM.); a decision
    by its Chairman, and any unit's document, by the head or a deputy for the head (KT.)."""
    if recorded_signer:
        leaders = leaders.signed_by(recorded_signer)
    collective = COMMITTEE if role == "owner" and kind != "quyet_dinh" else ""
    return signature(leaders, collective)
