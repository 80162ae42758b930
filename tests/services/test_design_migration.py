"""Migration 0026 on a database built at the previous revision: a version submitted before the design
was frozen keeps the system's saved design; later edits of the design no longer reach it."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import MetaData, select

from ir_app.migrate import upgrade
from tests.services.test_measures_migration import _row, commune_with_system, database_at

ZONES = [{"code": "DC", "kind": "provider", "name": "Trung tâm dữ liệu tỉnh", "note": ""}]
NODES = [{"code": "APP", "zone": "DC", "kind": "application", "name": "Phần mềm một cửa", "note": ""}]


@pytest.fixture
def old_engine(tmp_path):
    yield from database_at(tmp_path, "0025", "mig_0026")


def test_submitted_versions_get_the_saved_design_and_drafts_are_left_alone(old_engine):
    metadata = MetaData()
    metadata.reflect(old_engine)
    with old_engine.begin() as connection:
        commune, system = commune_with_system(connection, metadata, code="MOTCUA", name="Một cửa điện tử",
                                              system_type="citizen_service", status="in_operation",
                                              hosting="provincial_dc")
        _row(connection, metadata, "system_designs", system_id=system, commune_id=commune, zones=ZONES,
             nodes=NODES, links=[], logical_text="Mô hình do xã viết.", physical_text="")

        def dossier(state, frozen, version_no):
            return _row(connection, metadata, "dossiers", system_id=system, commune_id=commune, version_no=version_no,
                        regime="nd331-2026", state=state, proposed_level=3, decision_number="1/QĐ",
                        decision_on=date(2026, 3, 1), frozen_plan=frozen)

        submitted = dossier("submitted", {"level": 3, "rows": {"QL.CS.1": {"measure": "Quy chế"}}}, 1)
        draft = dossier("draft", None, 2)  # JSON null: never submitted

    upgrade(old_engine)

    dossiers = metadata.tables["dossiers"]
    with old_engine.connect() as connection:
        frozen = dict(connection.execute(select(dossiers.c.id, dossiers.c.frozen_plan)).all())
    assert frozen[submitted]["rows"] == {"QL.CS.1": {"measure": "Quy chế"}}  # the plan rows are untouched
    assert frozen[submitted]["design"] == {"system_name": "Một cửa điện tử", "zones": ZONES, "nodes": NODES,
                                           "links": [], "logical_text": "Mô hình do xã viết.", "physical_text": ""}
    assert frozen[draft] is None
