"""Demo data: the four communes of the source plans, idempotent (a second run adds nothing).

Administrative codes here are illustrative, not the official list.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.models import (
    EmergencyContact,
    InformationSystem,
    Organisation,
    Role,
    SystemComponent,
    Unit,
    User,
    UserRole,
)
from ir_app.models.backups import BackupPlan, BackupRun, RestoreTest
from ir_app.models.checks import CheckItem
from ir_app.models.org import ROLE_LABELS
from ir_app.config import bundled_root
from ir_app.seed import (demo_advisories, demo_designs, demo_drills, demo_incidents, demo_measures,
                         demo_risks, demo_training)
from ir_app.services.backups.due import refresh_due
from ir_app.services import audit
from ir_app.services.accounts import hash_password, new_session_token
from ir_app.services.audit import Actor
from ir_app.services.checks import default_items
from ir_app.services.incidents.data import response_data
from ir_app.services.lawdata import LawData

PROVINCES = [
    {"code": "31", "slug": "hai-phong", "name": "Thành phố Hải Phòng"},
    {"code": "42", "slug": "ha-tinh", "name": "Tỉnh Hà Tĩnh"},
    {"code": "19", "slug": "thai-nguyen", "name": "Tỉnh Thái Nguyên"},
]
COMMUNES = [
    {"code": "11017", "slug": "vinh-lai", "name": "Vĩnh Lại", "commune_type": "xa", "province": "31",
     "address": "Trụ sở UBND xã Vĩnh Lại, TP Hải Phòng", "phone": "0220 3812 345", "chair": "Nguyễn Văn Thành",
     "vice_chair": "Phạm Quốc Khánh",
     "office_head": "Lê Thị Mai", "centre_head": "Phạm Thị Hoa", "police_head": "Đỗ Minh Tuấn"},
    {"code": "11311", "slug": "hai-an", "name": "Hải An", "commune_type": "phuong", "province": "31",
     "address": "Trụ sở UBND phường Hải An, TP Hải Phòng", "phone": "0225 3978 123", "chair": "Trần Quốc Bảo",
     "vice_chair": "Lê Thanh Bình", "signer": "deputy",
     "office_head": "Vũ Thị Hằng", "centre_head": "Ngô Văn Lực", "police_head": "Hoàng Đức Anh"},
    {"code": "18445", "slug": "mai-phu", "name": "Mai Phụ", "commune_type": "xa", "province": "42",
     "address": "Trụ sở UBND xã Mai Phụ, tỉnh Hà Tĩnh", "phone": "0239 3861 456", "chair": "Phan Văn Hải",
     "vice_chair": "Nguyễn Đình Lâm",
     "office_head": "Nguyễn Thị Hương", "centre_head": "Lê Văn Sơn", "police_head": "Trần Văn Quý"},
    {"code": "02071", "slug": "cho-don", "name": "Chợ Đồn", "commune_type": "xa", "province": "19",
     "address": "Trụ sở UBND xã Chợ Đồn, tỉnh Thái Nguyên", "phone": "0209 3882 789", "chair": "Hoàng Văn Kiên",
     "vice_chair": "Hà Thị Nga",
     "office_head": "Lý Thị Thu", "centre_head": "Ma Văn Dũng", "police_head": "Nông Văn Tài"},
]
# (name, functions, is the specialised unit, head's title); "Công an xã" becomes "Công an phường"
# in a phường (see _unit_name).
UNITS = [
    ("Văn phòng HĐND và UBND", "Tham mưu, tổng hợp; quản lý văn bản, hạ tầng CNTT dùng chung", False, "Chánh Văn phòng"),
    ("Phòng Văn hóa - Xã hội", "Văn hóa, thông tin, giáo dục, y tế, lao động, chính sách xã hội", False, "Trưởng phòng"),
    ("Phòng Kinh tế", "Kinh tế, tài chính, nông nghiệp, xây dựng, tài nguyên môi trường", False, "Trưởng phòng"),
    ("Trung tâm Phục vụ hành chính công", "Tiếp nhận, trả kết quả thủ tục hành chính (một cửa)", False, "Giám đốc"),
    ("Công an xã", "An ninh trật tự; chủ trì bảo đảm an ninh mạng của xã (đơn vị chuyên trách)", True,
     "Trưởng Công an xã"),
]
POLICE_DEPUTIES = {"vinh-lai": "Vũ Văn Khải", "hai-an": "Đặng Thu Trang", "mai-phu": "Lê Quang Vinh",
                   "cho-don": "Triệu Văn Sáng"}


def _unit_name(name: str, commune: dict[str, Any]) -> str:
    """The police of a phường are "Công an phường", of a đặc khu "Công an đặc khu"."""
    kind = {"phuong": "phường", "dac_khu": "đặc khu"}.get(commune["commune_type"], "xã")
    return name.replace("Công an xã", f"Công an {kind}").replace("của xã", f"của {kind}")


def _systems(commune: dict[str, Any]) -> list[dict[str, Any]]:
    place = f"{'phường' if commune['commune_type'] == 'phuong' else 'xã'} {commune['name']}"
    domain = f"{commune['slug']}.gov.vn"
    owner = {"owner_name": f"Ủy ban nhân dân {place}", "owner_address": commune["address"],
             "owner_phone": commune["phone"], "owner_representative": commune["chair"],
             "owner_email": f"ubnd@{domain}",
             "owner_functions": "Cơ quan hành chính nhà nước ở địa phương; thực hiện chức năng, nhiệm vụ, quyền hạn "
                                "theo Luật Tổ chức chính quyền địa phương"}
    office = {"operator_name": "Văn phòng HĐND và UBND", "operator_representative": commune["office_head"],
              "operator_address": commune["address"], "operator_phone": commune["phone"],
              "operator_email": f"vanphong@{domain}",
              "operator_functions": "Tham mưu, tổng hợp; quản lý văn bản, hạ tầng công nghệ thông tin dùng chung"}
    scope = {"scope": f"Phục vụ hoạt động của UBND {place} và người dân trên địa bàn",
             "scale": "Khoảng 60 cán bộ, công chức; 25 máy trạm; 1 đường truyền Internet, 1 đường truyền số liệu chuyên dùng"}
    return [
        {"code": "QLVB", "name": "Hệ thống quản lý văn bản và điều hành", "system_type": "internal",
         "information_types": ["public", "private", "personal"], "personal_data_subjects": 60,
         "purpose": "Tiếp nhận, xử lý, phát hành văn bản điện tử; chữ ký số", "hosting": "provincial_dc",
         "hosting_detail": "Trung tâm dữ liệu tỉnh (dùng chung)", "users_served": "Cán bộ, công chức xã",
         "approved_level": 2, "approval_decision_number": "15/QĐ-UBND", "approval_regime": "nd85-2016",
         "approval_decision_on": datetime(2024, 3, 12).date(), **owner, **office, **scope},
        {"code": "MOTCUA", "name": "Hệ thống thông tin giải quyết thủ tục hành chính (một cửa điện tử)",
         "system_type": "citizen_service", "information_types": ["public", "personal"],
         "personal_data_subjects": 18500, "sensitive_data_subjects": 350, "handles_admin_procedures": True,
         "purpose": "Tiếp nhận hồ sơ, trả kết quả TTHC; kết nối Cổng Dịch vụ công quốc gia",
         "hosting": "provincial_dc", "users_served": "Người dân, doanh nghiệp; cán bộ Trung tâm PVHCC",
         "internet_exposed": True, **owner, **scope,
         "operator_name": "Trung tâm Phục vụ hành chính công", "operator_representative": commune["centre_head"],
         "operator_address": commune["address"], "operator_phone": commune["phone"],
         "operator_email": f"motcua@{domain}",
         "operator_functions": "Tiếp nhận, giải quyết và trả kết quả thủ tục hành chính theo cơ chế một cửa"},
        {"code": "CONGTTDT", "name": "Cổng thông tin điện tử xã", "system_type": "citizen_service",
         "information_types": ["public"], "purpose": "Công khai thông tin, văn bản, thủ tục",
         "hosting": "cloud", "hosting_detail": "Máy chủ thuê của nhà cung cấp trong nước",
         "internet_exposed": True, "domains": domain, "public_ips": "203.113.10.25",
         "users_served": "Người dân, doanh nghiệp", **owner, **office, **scope},
        {"code": "EMAIL", "name": "Thư điện tử công vụ", "system_type": "internal",
         "information_types": ["private", "personal"], "personal_data_subjects": 60,
         "purpose": "Trao đổi thư công vụ", "hosting": "provincial_dc", "domains": f"mail.{domain}",
         "internet_exposed": True, "users_served": "Cán bộ, công chức xã", **owner, **office, **scope},
        {"code": "HOPTT", "name": "Hệ thống họp trực tuyến", "system_type": "internal",
         "information_types": ["public", "private"], "purpose": "Họp trực tuyến với tỉnh và các thôn",
         "hosting": "on_premises", "hosting_detail": "Phòng họp tầng 2", "users_served": "Cán bộ, công chức xã",
         **owner, **office, **scope},
        {"code": "LAN", "name": "Mạng nội bộ (LAN) trụ sở UBND", "system_type": "infrastructure",
         "information_types": ["private", "personal"], "purpose": "Kết nối máy tính, máy in, Internet, mạng TSLCD",
         "hosting": "on_premises", "private_ips": "192.168.10.0/24; 192.168.20.0/24",
         "users_served": "Toàn bộ cán bộ tại trụ sở", **owner, **office, **scope},
        {"code": "CAMERA", "name": "Hệ thống camera giám sát an ninh trật tự", "system_type": "other",
         "information_types": ["private", "personal"], "purpose": "Giám sát an ninh trật tự tại trụ sở và nút giao",
         "hosting": "on_premises", "hosting_detail": _unit_name("Đầu ghi tại trụ sở Công an xã", commune),
         **owner, **scope,
         "operator_name": _unit_name("Công an xã", commune), "operator_representative": commune["police_head"],
         "operator_address": commune["address"], "operator_email": f"conganxa@{domain}",
         "operator_functions": _unit_name("Bảo đảm an ninh, trật tự; đơn vị chuyên trách về an ninh mạng của xã",
                                          commune)},
    ]


COMPONENTS = {
    "LAN": [("equipment", "Tường lửa biên", "Firewall UTM", "Phòng máy chủ", "Kiểm soát truy cập Internet", "", "", "192.168.10.1"),
            ("equipment", "Switch lõi", "Switch L3 24 cổng", "Phòng máy chủ", "Chuyển mạch nội bộ", "", "", ""),
            ("network_zone", "Vùng người dùng", "", "Các phòng làm việc", "Máy trạm cán bộ", "", "", "192.168.10.0/24"),
            ("network_zone", "Vùng máy chủ", "", "Phòng máy chủ", "Máy chủ nội bộ, NAS", "", "", "192.168.20.0/24")],
    "MOTCUA": [("application", "Phần mềm một cửa điện tử", "Ứng dụng web", "Trung tâm dữ liệu tỉnh", "Tiếp nhận hồ sơ TTHC", "Máy chủ ứng dụng tỉnh", "Linux", ""),
               ("equipment", "Máy tính tiếp nhận hồ sơ (4 máy)", "Máy trạm", "Trung tâm PVHCC", "Tiếp nhận, số hóa hồ sơ", "", "Windows 11", "192.168.10.50-53")],
}
CONTACTS = [
    ("Trực ban Phòng An ninh mạng (PA05)", "Công an tỉnh", "Hỗ trợ ứng cứu, tiếp nhận báo cáo sự cố", "069 2345 678", "", True, ""),
    ("Tổng đài hỗ trợ kỹ thuật", "VNPT tỉnh", "Sự cố đường truyền, TSLCD", "18001166", "", True, ""),
    ("Bộ phận kỹ thuật", "Viettel tỉnh", "Sự cố Internet dự phòng", "18008119", "", True, ""),
    ("Trung tâm dữ liệu tỉnh", "Sở Khoa học và Công nghệ", "Máy chủ một cửa, quản lý văn bản", "0220 3890 111", "", False, "7h30–17h00 ngày làm việc"),
    ("Nguyễn Văn Hùng", "Công an xã", "Tổ trưởng tổ ứng cứu sự cố", "0912 345 678", "", True, ""),
    ("Trần Thị Lan", "Văn phòng HĐND và UBND", "Cán bộ phụ trách CNTT", "0987 654 321", "", False, "Giờ hành chính"),
]


OTHER_COMMUNE_ROLES = ("officer", "staff", "appraiser", "approver")


def account_list() -> list[tuple[str, str]]:
    accounts = [(f"{role.value}@vinh-lai.demo.vn", f"{ROLE_LABELS[role]} — xã Vĩnh Lại")
                for role in Role if role != Role.OVERSEER]
    accounts.append(("overseer@hai-phong.demo.vn", f"{ROLE_LABELS[Role.OVERSEER]} — TP Hải Phòng"))
    accounts += [(f"{role}@{slug}.demo.vn", f"{ROLE_LABELS[Role(role)]} — {name}")
                 for slug, name in (("hai-an", "phường Hải An"), ("mai-phu", "xã Mai Phụ"), ("cho-don", "xã Chợ Đồn"))
                 for role in OTHER_COMMUNE_ROLES]
    return accounts


class _Loader:
    def __init__(self, session: Session, password: str, now: datetime):
        self.session, self.now, self.created = session, now, 0
        self.password_hash = hash_password(password)
        self.actor = Actor.system("ir-app demo")

    def count_created(self, number: int = 1) -> None:
        self.created += number

    def get_or_add(self, model, lookup: dict[str, Any], **values) -> Any:
        obj = self.session.scalar(select(model).filter_by(**lookup))
        if obj is None:
            obj = model(**lookup, **values)
            self.session.add(obj)
            self.session.flush()
            self.created += 1
            commune_id = getattr(obj, "commune_id", None)
            audit.record(self.session, self.actor, "create", now=self.now, object_type=model.__tablename__,
                         object_id=obj.id, commune_id=commune_id, summary="dữ liệu mẫu")
        return obj

    def user(self, email: str, name: str, org: Organisation, roles: list[Role]) -> None:
        self.get_or_add(User, {"email": email}, name=name, organisation_id=org.id,
                        password_hash=self.password_hash, session_token=new_session_token(),
                        role_rows=[UserRole(role=role.value) for role in roles])


def load(session: Session, password: str, now: datetime, law: LawData | None = None,
         playbooks_dir: Path | None = None, measures_dir: Path | None = None) -> int:
    loader = _Loader(session, password, now)
    provinces = {p["code"]: loader.get_or_add(Organisation, {"code": p["code"]}, kind="province",
                                              slug=p["slug"], name=p["name"]) for p in PROVINCES}
    for data in COMMUNES:
        commune = loader.get_or_add(
            Organisation, {"code": data["code"]}, kind="commune", slug=data["slug"], name=data["name"],
            commune_type=data["commune_type"], parent_id=provinces[data["province"]].id,
            address=data["address"], phone=data["phone"], email=f"ubnd@{data['slug']}.gov.vn",
            chair_name=data["chair"], vice_chair_name=data["vice_chair"], signer=data.get("signer", "head"),
            website=f"https://{data['slug']}.gov.vn", office_address=data["address"],
            establishment_decision="Nghị quyết của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính cấp xã năm 2025",
            dpo_name=data["police_head"], dpo_title=f"Trưởng {_unit_name('Công an xã', data)}",
            dpo_phone=data["phone"], dpo_email=f"conganxa@{data['slug']}.gov.vn")
        _load_commune(loader, commune, data)
    _load_users(loader, provinces)
    if law is not None:
        # Measures first: a dossier submitted below freezes its plan from them.
        demo_measures.load(session, law, measures_dir or bundled_root() / "level_dossiers", now, loader.count_created)
        demo_risks.load(session, law, measures_dir or bundled_root() / "level_dossiers", now, loader.count_created)
        demo_designs.load(session, now, loader.count_created)  # saved before a submission freezes them
        _load_dossiers(loader, law)
    data = response_data(playbooks_dir)
    demo_incidents.load(session, now, data, loader.count_created)
    _load_operations(loader)
    demo_advisories.load(session, now, loader.count_created)
    demo_drills.load(session, now, data, loader.count_created)
    demo_training.load(session, now, loader.count_created)
    return loader.created


def _load_commune(loader: _Loader, commune: Organisation, data: dict[str, Any]) -> None:
    heads = {"Văn phòng HĐND và UBND": data["office_head"], "Trung tâm Phục vụ hành chính công": data["centre_head"],
             "Công an xã": data["police_head"]}
    units = {name: loader.get_or_add(Unit, {"commune_id": commune.id, "name": _unit_name(name, data)},
                                     functions=_unit_name(functions, data), is_cyber_unit=cyber,
                                     head_name=heads.get(name, ""), head_title=_unit_name(title, data),
                                     deputy_name=POLICE_DEPUTIES[data["slug"]] if cyber else "",
                                     deputy_title=f"Phó {_unit_name(title, data)}" if cyber else "",
                                     phone=data["phone"])
             for name, functions, cyber, title in UNITS}
    for system_data in _systems(data):
        values = dict(system_data)
        code = values.pop("code")
        system = loader.get_or_add(InformationSystem, {"commune_id": commune.id, "code": code},
                                   unit_id=units["Văn phòng HĐND và UBND"].id, created_at=loader.now,
                                   updated_at=loader.now, **values)
        if not system.components:
            for row in COMPONENTS.get(code, []):
                kind, name, ctype, location, purpose, server, os_name, ips = row
                system.components.append(_component(kind, name, ctype, location, purpose, server, os_name, ips))
                loader.created += 1
    for order, (name, org, role, phone, phone_alt, always, hours) in enumerate(CONTACTS):
        loader.get_or_add(EmergencyContact, {"commune_id": commune.id, "name": name}, organisation=org,
                          role=role, phone=phone, phone_alt=phone_alt, is_24x7=always, hours=hours,
                          sort_order=order)


def _component(kind, name, ctype, location, purpose, server, os_name, ips):
    return SystemComponent(kind=kind, name=name, component_type=ctype, location=location, purpose=purpose,
                           server=server, operating_system=os_name, ip_range=ips)


def _load_users(loader: _Loader, provinces: dict[str, Organisation]) -> None:
    communes = {o.slug: o for o in loader.session.scalars(select(Organisation).where(Organisation.kind == "commune"))}
    names = {Role.ADMIN: "Quản trị hệ thống", Role.OFFICER: "Nguyễn Văn Hùng", Role.STAFF: "Trần Thị Lan",
             Role.APPRAISER: "Lê Minh Tuấn", Role.APPROVER: "Phạm Quốc Khánh", Role.AUDITOR: "Đỗ Thu Hà"}
    for role, name in names.items():
        loader.user(f"{role.value}@vinh-lai.demo.vn", name, communes["vinh-lai"], [role])
    loader.user("overseer@hai-phong.demo.vn", "Vũ Đức Thắng (PA05)", provinces["31"], [Role.OVERSEER])
    for slug in ("hai-an", "mai-phu", "cho-don"):
        for role in OTHER_COMMUNE_ROLES:
            loader.user(f"{role}@{slug}.demo.vn", ROLE_LABELS[Role(role)], communes[slug], [Role(role)])


# Dossiers in the states a commune really has: (commune, system, level-check answers, actions).
DEMO_DOSSIERS = [
    ("vinh-lai", "MOTCUA", {"system_type": "citizen_service", "information": ["public", "personal"],
                            "handles_admin_procedures": True, "personal_data_subjects": 18500,
                            "sensitive_data_subjects": 350},
     ["submit", "accept", "record_appraisal", "submit_for_approval"]),
    ("vinh-lai", "LAN", {"system_type": "infrastructure", "information": ["private", "personal"],
                         "infrastructure_scope": "one_org"},
     ["submit", "accept", "record_appraisal", "submit_for_approval", "approve", "start_protection"]),
    ("vinh-lai", "EMAIL", {"system_type": "internal", "information": ["private", "personal"]}, ["submit"]),
    ("vinh-lai", "CONGTTDT", {"system_type": "citizen_service", "information": ["public"]}, []),
    ("hai-an", "MOTCUA", {"system_type": "citizen_service", "information": ["public", "personal"],
                          "handles_admin_procedures": True, "personal_data_subjects": 42000},
     ["submit", "accept", "record_appraisal", "submit_for_approval", "approve"]),
]


def _load_dossiers(loader: _Loader, law: LawData) -> None:
    from ir_app.models import Dossier, SecurityPolicy
    from ir_app.services.dossiers import lifecycle as dossiers

    session = loader.session
    communes = {o.slug: o for o in session.scalars(select(Organisation).where(Organisation.kind == "commune"))}
    for slug in ("vinh-lai", "hai-an"):
        loader.get_or_add(SecurityPolicy, {"commune_id": communes[slug].id, "decision_number": "10/QĐ-UBND"},
                          title="Quy chế bảo đảm an ninh mạng trong hoạt động của UBND",
                          issued_on=datetime(2026, 9, 15).date(), created_at=loader.now)
    for slug, code, answers, actions in DEMO_DOSSIERS:
        system = session.scalar(select(InformationSystem).where(
            InformationSystem.commune_id == communes[slug].id, InformationSystem.code == code))
        if session.scalar(select(Dossier.id).where(Dossier.system_id == system.id)):
            continue
        regime = law.default_regime
        dossier = dossiers.start_dossier(session, loader.actor, system, regime, loader.now)
        dossier.answers = answers
        dossiers.save_proposal(session, loader.actor, dossier, regime, dossiers.Proposal(
            None, "", "Mã độc tống tiền trên máy trạm\nLộ lọt dữ liệu cá nhân của người dân\nMất kết nối Internet",
            []), loader.now, None)
        for action in actions:
            _demo_action(session, loader, law, dossier, action)
        loader.created += 1


def _demo_action(session: Session, loader: _Loader, law: LawData, dossier, action: str) -> None:
    from ir_app.services.dossiers import lifecycle as dossiers
    from ir_app.services.dossiers.document_parties import abbreviation

    data = next(c for c in COMMUNES if c["slug"] == dossier.commune.slug)
    police = _unit_name("Công an xã", data)
    by_police = (dossier.level or 0) <= 2  # levels 1–2: the specialised unit approves (NĐ 331 Đ18.1)
    today = loader.now.astimezone(HANOI).date()  # a document's date is the Vietnamese calendar day
    # The commune's specialised unit also runs its systems: an independent council appraises (NĐ 331 Đ18.4.b).
    step = dossiers.StepInput(
        appraisal_result="phu_hop", appraisal_text="Hồ sơ đầy đủ; cấp độ đề xuất phù hợp với tiêu chí.",
        appraisal_by="Hội đồng thẩm định độc lập", appraisal_on=today,
        appraisal_method="Nghiên cứu hồ sơ và kiểm tra thực tế tại trụ sở",
        appraisal_design_opinion="Phương án trong thiết kế đáp ứng yêu cầu cơ bản của cấp độ đề xuất.",
        appraisal_operation_opinion="Phương án trong vận hành phù hợp; cần diễn tập ứng cứu sự cố hằng năm.",
        appraisal_body="independent_council", appraisal_body_decision="15/QĐ-UBND",
        appraisal_body_decision_on=datetime(2026, 10, 1).date(),
        appraisal_council_members="Phó Chủ tịch UBND xã — Chủ tịch Hội đồng\nTrưởng Công an xã — thành viên\n"
                                  "Cán bộ PA05 Công an tỉnh — thành viên",
        decision_on=today, request_number=f"12/{abbreviation(dossier.system.operator_name)}",
        appraisal_number=f"08/{abbreviation(police)}",
        decision_number=f"25/QĐ-{abbreviation(police)}" if by_police else "25/QĐ-UBND",
        decision_signer=data["police_head"] if by_police else data["vice_chair"])
    user = _demo_user_for(session, law, dossier, action)
    dossiers.take_action(session, user, Actor.of(user), dossier, action, step, law, loader.now)


def _demo_user_for(session: Session, law: LawData, dossier, action: str) -> User:
    """Any demo user of the commune allowed to take the action (the workflow file decides)."""
    from ir_app.domain.state_machine import expand_roles

    regime = law.regime(dossier.regime)
    allowed = expand_roles(law.workflow.action(action), law.role_aliases(regime, dossier.workflow_level)) - {"admin"}
    users = session.scalars(select(User).where(User.organisation_id == dossier.commune_id)).all()
    return next(u for u in users if {r.value for r in u.roles} & allowed)


# --- Backups and the morning check ------------------------------------------------------------------

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# One healthy plan, one without an off-site copy (3-2-1 warning), one overdue with no restore test.
BACKUP_PLANS = [
    {"system": "MOTCUA", "name": "Xuất CSDL một cửa hằng đêm", "owner": "officer", "method": "export",
     "frequency": "daily", "time_of_day": "22:00", "scope": "Cơ sở dữ liệu hồ sơ TTHC, tệp đính kèm",
     "destinations": [{"kind": "on_site", "description": "NAS phòng máy chủ"},
                      {"kind": "offline", "description": "Ổ cứng rời cất tủ sắt Công an xã (thay hằng tuần)"}],
     "is_encrypted": True, "encryption_detail": "7-Zip AES-256; mật khẩu do Trưởng Công an xã giữ",
     "rpo_hours": 24, "rto_hours": 8, "runs": "nightly", "restore_test_days_ago": 60},
    {"system": "CAMERA", "name": "Ảnh đầu ghi camera hằng tuần", "owner": "staff", "method": "image",
     "frequency": "weekly", "weekday": 6, "time_of_day": "02:00", "scope": "Cấu hình đầu ghi, 7 ngày hình ảnh gần nhất",
     "destinations": [{"kind": "on_site", "description": "Ổ cứng phụ trong đầu ghi"}],
     "rpo_hours": 168, "rto_hours": 24, "runs": "weekly", "restore_test_days_ago": 120},
    {"system": "LAN", "name": "Thư mục dùng chung của trụ sở", "owner": "officer", "method": "incremental",
     "frequency": "daily", "time_of_day": "18:00", "scope": "Thư mục dùng chung trên NAS (văn bản, biểu mẫu)",
     "destinations": [{"kind": "on_site", "description": "NAS thứ hai"},
                      {"kind": "cloud", "description": "Dịch vụ lưu trữ đám mây trong nước"}],
     "rpo_hours": 24, "rto_hours": 24, "runs": "stopped", "restore_test_days_ago": None},
]


def _load_operations(loader: _Loader) -> None:
    session = loader.session
    communes = session.scalars(select(Organisation).where(Organisation.kind == "commune")).all()
    for commune in communes:
        if session.scalar(select(CheckItem.id).where(CheckItem.commune_id == commune.id)) is None:
            session.add_all(CheckItem(commune_id=commune.id, position=n, label=label)
                            for n, label in enumerate(default_items()))
            loader.created += len(default_items())
        systems = {s.code: s for s in session.scalars(
            select(InformationSystem).where(InformationSystem.commune_id == commune.id))}
        for data in BACKUP_PLANS:
            if data["system"] in systems:
                _load_plan(loader, commune, systems[data["system"]], data)
    session.flush()


def _load_plan(loader: _Loader, commune: Organisation, system: InformationSystem, data: dict[str, Any]) -> None:
    session, now = loader.session, loader.now
    owner = session.scalar(select(User).where(User.email == f"{data['owner']}@{commune.slug}.demo.vn"))
    values = {key: value for key, value in data.items()
              if key not in {"system", "name", "owner", "runs", "restore_test_days_ago"}}
    plan = loader.get_or_add(BackupPlan, {"system_id": system.id, "name": data["name"]},
                             commune_id=commune.id, responsible_user_id=owner.id if owner else None,
                             starts_at=now - timedelta(days=240), created_at=now, updated_at=now, **values)
    if session.scalar(select(BackupRun.id).where(BackupRun.plan_id == plan.id)) is None:
        for ran_at in _demo_run_times(data, now):
            session.add(BackupRun(plan_id=plan.id, ran_at=ran_at, result="ok", size_bytes=3_500_000_000,
                                  source="api", created_at=now, notes="Tập lệnh sao lưu tự động"))
            loader.created += 1
    days_ago = data["restore_test_days_ago"]
    if days_ago and session.scalar(select(RestoreTest.id).where(RestoreTest.plan_id == plan.id)) is None:
        session.add(RestoreTest(plan_id=plan.id, tested_on=(now - timedelta(days=days_ago)).astimezone(HANOI).date(),
                                result="ok", minutes_to_restore=45, created_at=now,
                                notes="Khôi phục thử lên máy dự phòng, mở được hồ sơ mẫu"))
        loader.created += 1
    session.flush()
    refresh_due(session, [plan])  # runs and tests were added as rows, not through record_run


def _demo_run_times(data: dict[str, Any], now: datetime) -> list[datetime]:
    """Good runs for the last week; the "stopped" plan's last run was 5 days ago (overdue)."""
    today = now.astimezone(HANOI).date()
    at = time(*map(int, data["time_of_day"].split(":")))
    if data["runs"] == "weekly":
        days = [7 * week + (today.weekday() - 6) % 7 for week in range(5)]
    else:
        first_day = 5 if data["runs"] == "stopped" else 0
        days = list(range(first_day, first_day + 8))
    times = [datetime.combine(today - timedelta(days=n), at, HANOI) + timedelta(minutes=20) for n in days]
    return [moment for moment in times if moment <= now]
