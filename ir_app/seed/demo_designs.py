"""Demo designs: every demo system has a saved design, so the pages and the thuyết minh show what a
commune would really keep rather than the suggested draft. Each starts from the starter (provincial
platforms at the province's data centre reached over the dedicated government network, the portal at
a hired cloud provider, the office systems on the LAN) and is then made local: the data centre named
after its province, the commune's own UTM firewall at the edge, the cameras of the camera system.
Saved through the design service (checked and audited). Idempotent: a saved design is left alone."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ir_app.models import InformationSystem, SystemDesign
from ir_app.services.audit import Actor
from ir_app.services.design import store
from ir_app.services.design.starter import PROVINCE_DC, starter_design

GENERIC_GATEWAY = "Bộ định tuyến có tường lửa của nhà mạng"
OFFICE_FIREWALL = {"name": "Tường lửa biên (Firewall UTM)",
                   "note": "Phòng máy chủ trụ sở; NAT, lọc truy cập, chặn kết nối khởi tạo từ Internet"}
CAMERAS = [{"code": "CAM", "zone": "LAN", "kind": "camera", "name": "Camera IP giám sát (12 camera)",
            "note": "Trụ sở và các nút giao chính"}]
CAMERA_LINK = {"source": "CAM", "channel": "lan", "protocol": "RTSP/554", "encrypted": False,
               "protection": "Mạng camera tách riêng (VLAN); đổi mật khẩu mặc định",
               "purpose": "Truyền hình ảnh về đầu ghi"}


def load(session: Session, now: datetime, count_created: Callable[[int], None]) -> None:
    actor = Actor.system("ir-app demo")
    systems = session.scalars(select(InformationSystem)
                              .where(~exists().where(SystemDesign.system_id == InformationSystem.id))
                              .order_by(InformationSystem.commune_id, InformationSystem.code)).all()
    for system in systems:
        rows = local_rows(system)
        store.save_design(session, actor, system, rows["zones"], rows["nodes"], rows["links"], "", "", now, None)
    count_created(len(systems))


def local_rows(system: InformationSystem) -> dict[str, list[dict]]:
    """The starter design of ``system`` with the commune's own names and devices."""
    rows = starter_design(system).as_rows()
    province = system.commune.parent.name if system.commune and system.commune.parent else ""
    for zone in rows["zones"]:
        if zone["kind"] == "provider" and zone["name"].startswith(PROVINCE_DC) and province:
            zone["name"] = f"Trung tâm dữ liệu {province[:1].lower()}{province[1:]}"
    for node in rows["nodes"]:
        if node["name"] == GENERIC_GATEWAY:
            node.update(OFFICE_FIREWALL)
    if system.code == "CAMERA":
        application = next(node["code"] for node in rows["nodes"] if node["kind"] == "application")
        rows["nodes"] += CAMERAS
        rows["links"].append(CAMERA_LINK | {"target": application})
    return rows
