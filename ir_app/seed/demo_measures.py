"""Demo measures: every demo commune adopted the starter library, idempotently, with realistic
statuses — most in place, some partly, a few still planned (plan gaps on purpose) — an owner, the
units in charge, the provider's document for inherited measures, and the camera measure applied
to the camera system."""
from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.models import InformationSystem, Measure, MeasureSystem, Organisation, User
from ir_app.services.audit import Actor
from ir_app.services.lawdata import LawData
from ir_app.services.measures.library import adopt_library, adopted_ids, load_starter_library

# Still planned everywhere: the data-leak gateway and the backup Internet line are what a commune
# budget usually postpones, so the level-3 plans show gaps with a date.
PLANNED = {"BP.KT.CHONG-THAT-THOAT-DU-LIEU", "BP.KT.DUONG-TRUYEN-DU-PHONG"}
PROVIDER_DOCUMENTS = {
    "Trung tâm dữ liệu tỉnh": "Văn bản số 215/TTDL-KT ngày 12/3/2026 về phương án bảo đảm an ninh mạng",
    "Đơn vị quản lý hệ thống thư điện tử công vụ của tỉnh": "Văn bản số 88/STTTT-CNTT ngày 02/02/2026",
}
DEFAULT_PROVIDER_DOCUMENT = "Hồ sơ đề xuất cấp độ đã được phê duyệt của hệ thống dùng chung của tỉnh"


def load(session: Session, law: LawData, folder: Path, now: datetime, count_created: Callable[[int], None]) -> None:
    library = load_starter_library(folder, law.catalogue)
    actor = Actor.system("ir-app demo")
    for commune in session.scalars(select(Organisation).where(Organisation.kind == "commune")
                                   .order_by(Organisation.code)):
        if adopted_ids(session, commune.id, library.id):
            continue  # adopted on an earlier run: keep whatever was done since
        created = adopt_library(session, actor, commune, library, now)
        _implement(session, commune, created, now)
        count_created(len(created))


def _implement(session: Session, commune: Organisation, measures: list[Measure], now: datetime) -> None:
    officer = session.scalar(select(User).where(User.organisation_id == commune.id, User.email.like("officer@%")))
    camera = session.scalar(select(InformationSystem).where(InformationSystem.commune_id == commune.id,
                                                            InformationSystem.code == "CAMERA"))
    today = now.date()
    for measure in measures:
        status = _status(commune.slug, measure.library_measure_id or "")
        measure.status = status
        measure.owner_id = officer.id if officer else None
        measure.responsible_unit = "Công an xã" if measure.category == "technical" else "Văn phòng HĐND và UBND"
        if status == "in_place":
            measure.in_place_since = date(2026, 6, 1) + timedelta(days=_spread(measure.library_measure_id, 120))
        else:
            measure.planned_on = today + timedelta(days=60 + _spread(measure.library_measure_id, 120))
        if measure.scope == "inherited":
            measure.provider_document = PROVIDER_DOCUMENTS.get(measure.provider_name, DEFAULT_PROVIDER_DOCUMENT)
        if measure.scope == "system" and camera is not None:
            measure.system_links.append(MeasureSystem(system_id=camera.id))
    session.flush()


def _status(commune_slug: str, measure_id: str) -> str:
    """Deterministic per commune: about 75 % in place, 15 % partly, the rest (and PLANNED) planned."""
    if measure_id in PLANNED:
        return "planned"
    bucket = zlib.crc32(f"{commune_slug}:{measure_id}".encode()) % 20
    return "in_place" if bucket < 15 else "partly" if bucket < 18 else "planned"


def _spread(measure_id: str | None, days: int) -> int:
    return zlib.crc32((measure_id or "").encode()) % days
