"""A starter design from what the inventory already says: where the system is hosted and which
components it has. A commune system gets a correct draft without typing; the commune edits it.

Three shapes: hosted at the province's data centre (reached over the dedicated government network,
the data centre's measures inherited — NĐ 331/2026 Đ30.8), hosted by a cloud provider (reached over
the Internet), or on premises at the commune's office (servers in the office, published to the
Internet through the router's firewall when the system serves citizens online).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ir_app.documents.names import commune_names
from ir_app.domain.text import clean_text
from ir_app.models import InformationSystem, SystemComponent
from ir_app.services.design.model import NODE_KINDS, Design, Link, Node, Zone

PROVINCE_DC = "Trung tâm dữ liệu tỉnh"
CLOUD = "Nhà cung cấp dịch vụ đám mây"
# (node kind, words found in a component's name, type or purpose), first match wins.
EQUIPMENT_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("firewall", ("tường lửa", "firewall", "utm", "fortigate", "sophos")),
    ("router", ("định tuyến", "router", "modem", "gateway", "truyền số liệu", "tslcd")),
    ("switch", ("chuyển mạch", "switch")),
    ("wifi", ("wifi", "wi-fi", "access point", "phát sóng")),
    ("storage", ("nas", "lưu trữ", "sao lưu", "backup", "ổ cứng")),
    ("server", ("máy chủ", "server")),
    ("camera", ("camera", "đầu ghi", "nvr", "dvr")),
    ("workstation", ("máy tính", "máy trạm", "pc", "laptop", "máy quét", "máy in", "scanner")),
)
ZONE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dmz", ("dmz", "công khai", "public")),
    ("management", ("quản trị", "management")),
    ("server", ("máy chủ", "server")),
)
REMOTE_WORDS = ("trung tâm dữ liệu", "tỉnh", "đám mây", "cloud", "nhà cung cấp")


def _words(component: SystemComponent) -> str:
    return f" {component.name} {component.component_type} {component.purpose} ".lower()


def equipment_kind(component: SystemComponent) -> str:
    text = _words(component)
    return next((kind for kind, words in EQUIPMENT_WORDS if any(word in text for word in words)), "other")


def zone_kind(component: SystemComponent) -> str:
    text = _words(component)
    return next((kind for kind, words in ZONE_WORDS if any(word in text for word in words)), "lan")


def _clean(text: str, limit: int) -> str:
    """Inventory text as a design keeps it (NFC, no control characters, within the field's size)."""
    return clean_text(text or "", multiline=False).strip()[:limit]


@dataclass
class _Draft:
    """Zones and nodes collected in order; codes are stable for the same inventory."""

    zones: list[Zone] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    def zone(self, code: str, kind: str, name: str, note: str = "") -> str:
        if all(zone.code != code for zone in self.zones):
            self.zones.append(Zone(code, kind, _clean(name, 120), _clean(note, 300)))
        return code

    def node(self, code: str, zone: str, kind: str, name: str, note: str = "") -> str:
        taken = {item.code for item in (*self.zones, *self.nodes)}
        base, number = code, 1
        while code in taken:
            number += 1
            code = f"{base}{number}"
        self.nodes.append(Node(code, zone, kind, _clean(name, 120), _clean(note, 300)))
        return code

    def link(self, source: str, target: str, channel: str, protocol: str = "", encrypted: bool = False,
             protection: str = "", purpose: str = "") -> None:
        self.links.append(Link(source, target, channel, protocol, encrypted, protection, purpose))


def _citizen_facing(system: InformationSystem) -> bool:
    return system.system_type == "citizen_service" or bool(system.internet_exposed) \
        or bool(system.handles_admin_procedures)


def _office(system: InformationSystem) -> str:
    """"trụ sở UBND xã Vĩnh Lại" (a phường's or đặc khu's own word)."""
    commune = system.commune
    return f"trụ sở {commune_names(commune.commune_type, commune.name).committee_short}" if commune \
        else "trụ sở UBND xã"


def starter_design(system: InformationSystem) -> Design:
    """The draft design for ``system`` (not saved: store.adopt_starter saves it)."""
    draft = _Draft()
    hosting = system.hosting or "on_premises"
    citizen = _citizen_facing(system)
    draft.zone("INTERNET", "internet", "Internet",
               "Người dân, doanh nghiệp truy cập dịch vụ trực tuyến" if citizen else "Truy cập Internet của xã")
    if hosting == "provincial_dc":
        draft.zone("TSLCD", "gov_network", "Mạng truyền số liệu chuyên dùng",
                   "Kết nối trụ sở xã với Trung tâm dữ liệu tỉnh")
    if hosting in ("provincial_dc", "cloud"):
        default = PROVINCE_DC if hosting == "provincial_dc" else CLOUD
        provider = (system.hosting_detail or default).strip()[:120]
        draft.zone("DC", "provider", provider,
                   "Hạ tầng, máy chủ và biện pháp bảo vệ do đơn vị cung cấp quản lý; xã kế thừa "
                   "(khoản 8 Điều 30 Nghị định số 331/2026/NĐ-CP)" if hosting == "provincial_dc" else
                   "Hạ tầng do nhà cung cấp dịch vụ quản lý theo hợp đồng thuê dịch vụ")
    draft.zone("EDGE", "edge", f"Vùng biên tại {_office(system)}",
               "Kết nối Internet và mạng truyền số liệu chuyên dùng" if hosting == "provincial_dc"
               else "Kết nối Internet")
    lan_note = system.private_ips or ""
    draft.zone("LAN", "lan", f"Mạng nội bộ {_office(system)}", f"Dải IP {lan_note}" if lan_note else "")
    _network_zones(draft, system)
    core = _applications(draft, system, hosting)
    _equipment(draft, system, hosting)
    _connections(draft, system, hosting, core, citizen)
    return Design(tuple(_ordered(draft.zones)), tuple(draft.nodes), tuple(draft.links))


def _ordered(zones: list[Zone]) -> list[Zone]:
    order = ("internet", "gov_network", "provider", "edge", "dmz", "server", "management", "lan")
    return sorted(zones, key=lambda zone: order.index(zone.kind) if zone.kind in order else len(order))


def _network_zones(draft: _Draft, system: InformationSystem) -> None:
    """Network zones declared in the inventory become zones; the first LAN-like one names the LAN."""
    lan_named = False
    for index, component in enumerate(c for c in system.components if c.kind == "network_zone"):
        kind = zone_kind(component)
        note = (f"Dải IP {component.ip_range}" if component.ip_range else component.purpose)[:300]
        if kind == "lan" and not lan_named:
            lan_named = True
            position = next(i for i, zone in enumerate(draft.zones) if zone.code == "LAN")
            draft.zones[position] = Zone("LAN", "lan", _clean(component.name, 120),
                                         _clean(note, 300) or draft.zones[position].note)
            continue
        code = {"dmz": "DMZ", "server": "SRV", "management": "MGMT"}.get(kind, "LAN")
        code = code if all(zone.code != code for zone in draft.zones) else f"{code}{index + 2}"
        draft.zone(code, kind, component.name[:120], note)


def _server_zone(draft: _Draft, system: InformationSystem, hosting: str, public: bool) -> str:
    if hosting != "on_premises":
        return "DC"
    if public:
        existing = next((zone.code for zone in draft.zones if zone.kind == "dmz"), None)
        return existing or draft.zone("DMZ", "dmz", "Vùng máy chủ công khai (DMZ)",
                                      "Chỉ mở cổng dịch vụ cần công bố ra Internet")
    existing = next((zone.code for zone in draft.zones if zone.kind == "server"), None)
    return existing or draft.zone("SRV", "server", f"Vùng máy chủ tại {_office(system)}", "")


def _applications(draft: _Draft, system: InformationSystem, hosting: str) -> str:
    """Application nodes; returns the code of the main one (what users connect to)."""
    public = hosting == "on_premises" and _citizen_facing(system)
    zone = _server_zone(draft, system, hosting, public)
    codes = []
    for component in (c for c in system.components if c.kind == "application"):
        where = " ".join(part for part in (component.server, component.operating_system) if part)
        codes.append(draft.node("APP", zone, "application", component.name, where or component.purpose))
    if not codes:
        codes.append(draft.node("APP", zone, "application", f"Ứng dụng {system.name}", system.domains or ""))
    note = "Do đơn vị cung cấp quản trị" if hosting != "on_premises" else ""
    database = draft.node("DB", zone if hosting != "on_premises" else _server_zone(draft, system, hosting, False),
                          "database", "Cơ sở dữ liệu của hệ thống", note)
    draft.link(codes[0], database, "local" if hosting != "on_premises" else "lan", "",
               False, "Chỉ máy chủ ứng dụng được kết nối tới cơ sở dữ liệu", "Đọc, ghi dữ liệu nghiệp vụ")
    return codes[0]


def _equipment(draft: _Draft, system: InformationSystem, hosting: str) -> None:
    """Declared equipment placed by what it is; the usual office devices added when missing."""
    for component in (c for c in system.components if c.kind == "equipment"):
        kind = equipment_kind(component)
        remote = hosting != "on_premises" and any(word in _words(component) + component.location.lower()
                                                  for word in REMOTE_WORDS)
        if kind in ("server", "storage"):
            # An on-premises public service's servers face the Internet: they sit in the DMZ.
            public = kind == "server" and hosting == "on_premises" and _citizen_facing(system)
            zone = "DC" if remote else _server_zone(draft, system, "on_premises", public)
        elif kind in ("router", "firewall"):
            zone = "EDGE"
        else:
            zone = "LAN"
        kind_label = NODE_KINDS.get(kind, "").lower()
        model = component.component_type if component.component_type.lower() not in kind_label else ""
        note = " · ".join(part for part in (model, component.location) if part)
        draft.node(_code_for(kind), zone, kind, component.name, note)
    present = {node.kind for node in draft.nodes if node.zone in ("EDGE", "LAN")}
    if not present & {"router", "firewall"}:
        draft.node("FW", "EDGE", "firewall", "Bộ định tuyến có tường lửa của nhà mạng",
                   "NAT, chặn kết nối khởi tạo từ Internet")
    if hosting == "provincial_dc" and not any("truyền số liệu" in node.name.lower() or "tslcd" in node.name.lower()
                                              for node in draft.nodes):
        draft.node("TSLCD-R", "EDGE", "router", "Thiết bị đầu cuối mạng truyền số liệu chuyên dùng",
                   "Do nhà mạng cung cấp, kết nối về Trung tâm dữ liệu tỉnh")
    if "switch" not in present:
        draft.node("SW", "LAN", "switch", "Bộ chuyển mạch mạng nội bộ", "")
    if "workstation" not in present:
        draft.node("PC", "LAN", "workstation", "Máy trạm của cán bộ, công chức",
                   "Cài phần mềm phòng chống mã độc quản lý tập trung")


def _code_for(kind: str) -> str:
    return {"firewall": "FW", "router": "RT", "switch": "SW", "wifi": "WIFI", "server": "SRV-M",
            "storage": "NAS", "camera": "CAM", "workstation": "PC"}.get(kind, "TB")


def _first(draft: _Draft, zone: str, *kinds: str) -> str | None:
    for kind in kinds:
        for node in draft.nodes:
            if node.zone == zone and node.kind == kind:
                return node.code
    return None


def _connections(draft: _Draft, system: InformationSystem, hosting: str, app: str, citizen: bool) -> None:
    workstation = _first(draft, "LAN", "workstation") or "LAN"
    gateway = _first(draft, "EDGE", "firewall", "router") or "EDGE"
    tslcd = next((node.code for node in draft.nodes if node.zone == "EDGE" and node.kind == "router"
                  and ("truyền số liệu" in node.name.lower() or "tslcd" in node.name.lower())), None)
    gateway = next((node.code for node in draft.nodes if node.zone == "EDGE" and node.code != tslcd
                    and node.kind in ("firewall", "router")), gateway)
    if hosting == "provincial_dc":
        draft.link(workstation, tslcd or gateway, "lan", "", False, "Phân quyền tài khoản; mạng nội bộ có kiểm soát",
                   "Cán bộ truy cập hệ thống")
        draft.link(tslcd or gateway, app, "gov_network", "HTTPS/443", True,
                   "Kênh riêng của mạng chuyên dùng; tường lửa của Trung tâm dữ liệu tỉnh", "Sử dụng ứng dụng")
    elif hosting == "cloud":
        draft.link(workstation, gateway, "lan", "", False, "Mạng nội bộ có kiểm soát", "Cán bộ truy cập hệ thống")
        draft.link(gateway, app, "internet", "HTTPS/443", True, "Mã hóa TLS; xác thực tài khoản của nhà cung cấp",
                   "Sử dụng ứng dụng")
    else:
        draft.link(workstation, app, "lan", "HTTPS/443", True, "Phân quyền tài khoản; chỉ mạng nội bộ truy cập",
                   "Cán bộ sử dụng ứng dụng")
    draft.link(gateway, "INTERNET", "internet", "", False, "Tường lửa: NAT, chặn kết nối khởi tạo từ bên ngoài",
               "Máy trạm truy cập Internet, cập nhật phần mềm")
    if citizen:
        users = draft.node("USERS", "INTERNET", "users", "Người dân, doanh nghiệp", system.domains or "")
        protection = ("Tường lửa, tường lửa ứng dụng web của Trung tâm dữ liệu tỉnh" if hosting == "provincial_dc"
                      else "Biện pháp bảo vệ của nhà cung cấp; mã hóa TLS" if hosting == "cloud"
                      else "Tường lửa chỉ mở cổng 443 tới vùng máy chủ công khai")
        draft.link(users, app, "internet", "HTTPS/443", True, protection, "Nộp hồ sơ, tra cứu, sử dụng dịch vụ")
