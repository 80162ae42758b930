"""Migration 0011 on a database built at the previous revision: nothing typed in the old plan is lost."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, MetaData, Numeric, insert, text

from ir_app.db import make_engine
from ir_app.migrate import upgrade
from tests.conftest import PG_URL

NOW = datetime(2026, 11, 1, 3, 0, tzinfo=timezone.utc)
SCHEMA = "mig_0011"


def database_at(tmp_path, revision: str, schema: str):
    """An empty database migrated to ``revision`` (SQLite file, or its own PostgreSQL schema); yields
    its engine and drops it afterwards. Shared by the tests of later data migrations."""
    if PG_URL:
        admin = make_engine(PG_URL)
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        separator = "&" if "?" in PG_URL else "?"
        engine = make_engine(f"{PG_URL}{separator}options=-csearch_path%3D{schema}")
    else:
        engine = make_engine(f"sqlite:///{tmp_path / f'truoc-{revision}.sqlite3'}")
    upgrade(engine, revision)
    yield engine
    engine.dispose()
    if PG_URL:
        admin = make_engine(PG_URL)
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def old_engine(tmp_path):
    """An empty database migrated to 0010."""
    yield from database_at(tmp_path, "0010", SCHEMA)


def _row(connection, metadata: MetaData, table: str, **values) -> int:
    """Insert with every other NOT NULL column given a plain value (the schema of 0010, not today's)."""
    columns = metadata.tables[table].columns
    for column in columns:
        if column.name in values or column.nullable or column.primary_key or column.server_default is not None:
            continue
        kind = column.type
        values[column.name] = (NOW if isinstance(kind, DateTime) else date(2026, 1, 1) if isinstance(kind, Date)
                               else False if isinstance(kind, Boolean) else 1 if isinstance(kind, (Integer, Numeric))
                               else [] if isinstance(kind, JSON) else "")
    return connection.execute(insert(metadata.tables[table]).values(**values)
                              .returning(metadata.tables[table].c.id)).scalar_one()



def commune_with_system(connection, metadata, **system) -> tuple[int, int]:
    """xã Vĩnh Lại (Hải Phòng) and one of its systems, as rows of an older schema: (commune id, system id)."""
    province = _row(connection, metadata, "organisations", kind="province", code="31", slug="hai-phong",
                    name="Thành phố Hải Phòng")
    commune = _row(connection, metadata, "organisations", kind="commune", code="11017", slug="vinh-lai",
                   name="Vĩnh Lại", parent_id=province, commune_type="xa")
    return commune, _row(connection, metadata, "information_systems", commune_id=commune, **system)

def test_every_how_met_text_becomes_a_system_measure(old_engine):
    metadata = MetaData()
    metadata.reflect(old_engine)
    with old_engine.begin() as connection:
        commune, system = commune_with_system(connection, metadata, code="LAN", name="Mạng LAN",
                                              system_type="infrastructure", status="in_operation",
                                              hosting="on_premises")
        dossier = _row(connection, metadata, "dossiers", system_id=system, commune_id=commune, regime="nd331-2026",
                       state="approved", proposed_level=2, decision_number="1/QĐ", decision_on=date(2026, 3, 1),
                       created_at=NOW, updated_at=NOW)
        stored = _row(connection, metadata, "stored_files", commune_id=commune, filename="bien-ban.pdf",
                      content_type="application/pdf", size=8, sha256="0" * 64, data=b"%PDF-1.4", uploaded_at=NOW)

        def item(requirement, status, how_met="", **more):
            return _row(connection, metadata, "plan_items", dossier_id=dossier, requirement_id=requirement,
                        catalogue_id="tt12-2022", position=0, area="a", plan_part="operation",
                        title=f"Yêu cầu {requirement}", status=status, how_met=how_met, updated_at=NOW, **more)

        typed = item("QL.CS.1", "met", "Quy chế số 10/QĐ-UBND áp dụng cho mạng LAN",
                     responsible="Công an xã", na_reason="")
        item("KT.MC.1", "partly", "Đã đổi mật khẩu 8/12 máy", due_on=date(2027, 2, 1), na_reason="")
        item("KT.DL.3", "not_met", "Chưa mua ổ cứng sao lưu", na_reason="")
        item("QL.VH.1", "not_applicable", na_reason="Không có máy chủ tại xã")
        item("QL.CS.2", "met", na_reason="")  # marked met without a word: the status is kept as an override
        item("QL.CS.3", "not_met", na_reason="")  # untouched row: nothing to keep
        _row(connection, metadata, "plan_evidence", plan_item_id=typed, file_id=stored, note="Biên bản")

    upgrade(old_engine)

    with old_engine.connect() as connection:
        measures = connection.execute(text(
            "SELECT m.id, m.description, m.status, m.scope, m.category, m.responsible_unit, m.planned_on, "
            "r.requirement_id, s.system_id FROM measures m JOIN measure_requirements r ON r.measure_id = m.id "
            "JOIN measure_systems s ON s.measure_id = m.id ORDER BY r.requirement_id")).all()
        overrides = dict(connection.execute(text(
            "SELECT requirement_id, override_status FROM plan_items WHERE override_status IS NOT NULL")).all())
        evidence = connection.execute(text("SELECT measure_id, file_id, note FROM measure_evidence")).all()
        columns = {row[1] if PG_URL == "" else row[0] for row in connection.execute(
            text("PRAGMA table_info(plan_items)") if not PG_URL else
            text("SELECT column_name FROM information_schema.columns WHERE table_name = 'plan_items' "
                 f"AND table_schema = '{SCHEMA}'"))}
    by_requirement = {row.requirement_id: row for row in measures}
    assert set(by_requirement) == {"KT.DL.3", "KT.MC.1", "QL.CS.1"}
    assert by_requirement["QL.CS.1"].description == "Quy chế số 10/QĐ-UBND áp dụng cho mạng LAN"
    assert (by_requirement["QL.CS.1"].status, by_requirement["KT.MC.1"].status,
            by_requirement["KT.DL.3"].status) == ("in_place", "partly", "planned")
    assert {row.scope for row in measures} == {"system"} and {row.system_id for row in measures} == {system}
    assert by_requirement["QL.CS.1"].responsible_unit == "Công an xã"
    assert by_requirement["KT.MC.1"].planned_on in (date(2027, 2, 1), "2027-02-01")
    assert (by_requirement["QL.CS.1"].category, by_requirement["KT.MC.1"].category) == ("management", "technical")
    assert overrides == {"QL.VH.1": "not_applicable", "QL.CS.2": "met"}
    assert evidence == [(by_requirement["QL.CS.1"].id, stored, "Biên bản")]
    assert "how_met" not in columns and "override_status" in columns

