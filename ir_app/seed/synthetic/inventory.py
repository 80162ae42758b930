"""Information systems a commune really runs, with their components and what the level rules
say about each."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from ir_app.domain.levels import LevelInputError, determine
from ir_app.models import InformationSystem, SystemComponent, SystemDesign
from ir_app.seed.synthetic import dossiers as dossier_stories
from ir_app.seed.synthetic.seeder import CommuneRef, Seeder, SystemRef
from ir_app.services.dossiers.lifecycle import prefill_answers


@dataclass(frozen=True)
class SystemTemplate:
    code: str
    name: str
    system_type: str
    information: tuple[str, ...]
    purpose: str
    hosting: str = "on_premises"
    internet_exposed: bool = False
    personal_data_subjects: int = 0
    sensitive_data_subjects: int = 0
    handles_admin_procedures: bool = False
    extra_answers: dict[str, Any] = field(default_factory=dict)   # level-check answers beyond the inventory
    components: tuple[tuple[str, str, str], ...] = ()              # (kind, name, type)


TEMPLATES = (
    SystemTemplate("QLVB", "Hệ thống quản lý văn bản và điều hành", "internal", ("public", "private", "personal"),
                   "Tiếp nhận, xử lý, phát hành văn bản điện tử; chữ ký số", "provincial_dc",
                   personal_data_subjects=60,
                   components=(("application", "Phần mềm quản lý văn bản", "Ứng dụng web"),
                               ("equipment", "Máy trạm văn thư", "Máy trạm"))),
    SystemTemplate("MOTCUA", "Hệ thống thông tin giải quyết thủ tục hành chính (một cửa điện tử)",
                   "citizen_service", ("public", "personal"), "Tiếp nhận hồ sơ, trả kết quả TTHC",
                   "provincial_dc", True, 18500, 350, True,
                   components=(("application", "Phần mềm một cửa điện tử", "Ứng dụng web"),
                               ("equipment", "Máy tính tiếp nhận hồ sơ", "Máy trạm"),
                               ("equipment", "Máy quét tài liệu", "Máy quét"))),
    SystemTemplate("CONGTTDT", "Cổng thông tin điện tử xã", "citizen_service", ("public",),
                   "Công khai thông tin, văn bản, thủ tục", "cloud", True,
                   components=(("application", "Cổng thông tin (CMS)", "Ứng dụng web"),)),
    SystemTemplate("EMAIL", "Thư điện tử công vụ", "internal", ("private", "personal"), "Trao đổi thư công vụ",
                   "provincial_dc", True, 60, components=(("application", "Hộp thư công vụ", "Dịch vụ thư"),)),
    SystemTemplate("HOPTT", "Hệ thống họp trực tuyến", "internal", ("public", "private"),
                   "Họp trực tuyến với tỉnh và các thôn",
                   components=(("equipment", "Thiết bị đầu cuối phòng họp", "Codec hội nghị"),
                               ("equipment", "Màn hình, micro phòng họp", "Thiết bị ngoại vi"))),
    SystemTemplate("LAN", "Mạng nội bộ (LAN) trụ sở UBND", "infrastructure", ("private", "personal"),
                   "Kết nối máy tính, máy in, Internet, mạng TSLCD",
                   extra_answers={"infrastructure_scope": "one_org"},
                   components=(("equipment", "Tường lửa biên", "Firewall UTM"),
                               ("equipment", "Switch lõi", "Switch L3 24 cổng"),
                               ("network_zone", "Vùng người dùng", ""), ("network_zone", "Vùng máy chủ", ""))),
    SystemTemplate("CAMERA", "Hệ thống camera giám sát an ninh trật tự", "other", ("private", "personal"),
                   "Giám sát an ninh trật tự tại trụ sở và nút giao", extra_answers={"designated_level": 2},
                   components=(("equipment", "Đầu ghi hình", "NVR 16 kênh"), ("equipment", "Camera IP", "Camera"))),
    SystemTemplate("KETOAN", "Phần mềm kế toán ngân sách xã", "internal", ("private", "personal"),
                   "Lập dự toán, hạch toán, quyết toán ngân sách xã", personal_data_subjects=80,
                   components=(("application", "Phần mềm kế toán", "Ứng dụng máy trạm"),
                               ("equipment", "Máy tính kế toán", "Máy trạm"))),
    SystemTemplate("HOTICH", "Phần mềm đăng ký, quản lý hộ tịch", "citizen_service", ("public", "personal"),
                   "Đăng ký khai sinh, kết hôn, khai tử; cấp bản sao trích lục", "provincial_dc", True, 12000, 0,
                   True, components=(("application", "Phần mềm hộ tịch điện tử", "Ứng dụng web"),)),
    SystemTemplate("DATDAI", "Cơ sở dữ liệu địa chính xã", "internal", ("private", "personal"),
                   "Quản lý hồ sơ địa chính, biến động đất đai", personal_data_subjects=9000,
                   components=(("application", "Phần mềm quản lý địa chính", "Ứng dụng máy trạm"),
                               ("equipment", "Máy chủ dữ liệu địa chính", "Máy chủ"))),
    SystemTemplate("WIFI", "Mạng Wi-Fi công cộng tại bộ phận một cửa", "infrastructure", ("public",),
                   "Cung cấp Internet cho người dân đến làm thủ tục", internet_exposed=True,
                   extra_answers={"infrastructure_scope": "one_org"},
                   components=(("equipment", "Bộ phát Wi-Fi", "Access point"), ("network_zone", "Vùng khách", ""))),
    SystemTemplate("NAS", "Thiết bị lưu trữ dùng chung (NAS)", "internal", ("private", "personal"),
                   "Lưu trữ thư mục dùng chung và bản sao lưu", personal_data_subjects=60,
                   components=(("equipment", "NAS 4 ổ cứng", "Thiết bị lưu trữ"),)),
)


def level_of(template: SystemTemplate, regime) -> tuple[int, dict[str, Any], list[dict[str, Any]]]:
    """The level the regime's rules give the template's answers, with the answers and reasons."""
    inventory = SimpleNamespace(system_type=template.system_type, information_types=list(template.information),
                                personal_data_subjects=template.personal_data_subjects,
                                sensitive_data_subjects=template.sensitive_data_subjects,
                                handles_admin_procedures=template.handles_admin_procedures)
    answers = {**prefill_answers(inventory, regime), **template.extra_answers}
    try:
        decision = determine(answers, regime)
    except LevelInputError:  # a template the rules cannot place: level 1, as a proposer would
        return 1, answers, []
    reasons = [reason.to_json() | {"criterion_id": reason.criterion_id} for reason in decision.reasons]
    return decision.level, answers, reasons


def add_systems(seed: Seeder, commune: CommuneRef) -> None:
    rng = seed.rng("systems", commune.index)
    regime = seed.law.default_regime
    systems = []
    for position in range(seed.spec.systems_per_commune):
        template = TEMPLATES[position % len(TEMPLATES)]
        round_ = position // len(TEMPLATES)  # a second LAN, a second camera system…
        code = template.code if round_ == 0 else f"{template.code}-{round_ + 1}"
        name = template.name if round_ == 0 else f"{template.name} (cơ sở {round_ + 1})"
        level, _answers, _reasons = level_of(template, regime)
        story = dossier_stories.choose_story(seed, rng, level)
        systems.append(SystemRef(0, code, name, template, level, story))
    rows = [_system_row(seed, commune, system, rng) for system in systems]
    for system, system_id in zip(systems, seed.insert_ids(InformationSystem, rows)):
        system.id = system_id
    commune.systems = systems
    seed.insert(SystemComponent, [
        {"system_id": system.id, "kind": kind, "name": name, "component_type": ctype,
         "location": "Trụ sở UBND" if kind != "network_zone" else "", "purpose": system.template.purpose[:200],
         "server": "", "operating_system": "Windows 11" if ctype == "Máy trạm" else "",
         "ip_range": f"192.168.{10 + number}.0/24" if kind == "network_zone" else ""}
        for system in systems for number, (kind, name, ctype) in enumerate(system.template.components)])
    for system, row in zip(systems, rows):
        seed.audit(row["created_at"], commune.user("staff").actor, "create", "information_systems", system.id,
                   commune.id, f"{system.code}: {system.name}")
    # Every other system has a saved design; the rest show the suggested draft.
    seed.insert(SystemDesign, [
        {"system_id": system.id, "commune_id": commune.id, "origin": "edited", "logical_text": "",
         "physical_text": "", "created_at": row["created_at"], "updated_at": row["created_at"], "version": 1,
         "zones": [{"code": "INTERNET", "kind": "internet", "name": "Internet", "note": ""},
                   {"code": "LAN", "kind": "lan", "name": "Mạng nội bộ trụ sở", "note": "192.168.10.0/24"}],
         "nodes": [{"code": "PC", "zone": "LAN", "kind": "workstation", "name": "Máy trạm", "note": ""}],
         "links": [{"source": "PC", "target": "INTERNET", "channel": "internet", "protocol": "HTTPS/443",
                    "encrypted": True, "protection": "Tường lửa", "purpose": "Truy cập Internet"}]}
        for index, (system, row) in enumerate(zip(systems, rows)) if index % 2 == 0])


def _system_row(seed: Seeder, commune: CommuneRef, system: SystemRef, rng) -> dict[str, Any]:
    template, story = system.template, system.story
    created = seed.now - timedelta(days=rng.randint(400, 1500))
    approval = story.system_approval(seed.now)
    return {
        "commune_id": commune.id, "code": system.code, "name": system.name, "purpose": template.purpose,
        "unit_id": commune.unit_ids[3 if template.handles_admin_procedures else 0],
        "owner_name": f"Ủy ban nhân dân {commune.full_name.lower()}",
        "owner_functions": "Cơ quan hành chính nhà nước ở địa phương",
        "owner_representative": commune.user("approver").name, "owner_address": f"Trụ sở UBND {commune.name}",
        "owner_phone": "", "owner_email": f"ubnd@{commune.slug}.synth.vn",
        "operator_name": "Văn phòng HĐND và UBND", "operator_functions": "Quản lý hạ tầng CNTT dùng chung",
        "operator_representative": commune.user("staff").name, "operator_address": f"Trụ sở UBND {commune.name}",
        "operator_phone": "", "operator_email": f"vanphong@{commune.slug}.synth.vn",
        "scope": f"Phục vụ hoạt động của UBND {commune.full_name.lower()}", "scale": "Khoảng 60 cán bộ; 25 máy trạm",
        "users_served": "Cán bộ, công chức xã; người dân" if template.internet_exposed else "Cán bộ, công chức xã",
        "system_type": template.system_type, "information_types": list(template.information),
        "personal_data_subjects": template.personal_data_subjects,
        "sensitive_data_subjects": template.sensitive_data_subjects,
        "handles_admin_procedures": template.handles_admin_procedures, "hosting": template.hosting,
        "hosting_detail": "", "internet_exposed": template.internet_exposed,
        "domains": f"{system.code.lower()}.{commune.slug}.synth.vn" if template.internet_exposed else "",
        "public_ips": "", "private_ips": "",
        "status": "under_investment" if story.under_investment else "in_operation",
        "approved_level": approval["level"], "approval_decision_number": approval["number"],
        "approval_decision_on": approval["on"], "approval_regime": approval["regime"],
        "created_at": created, "updated_at": max(created, seed.now - timedelta(days=rng.randint(1, 60))),
    }

