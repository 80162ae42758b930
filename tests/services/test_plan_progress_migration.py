"""Migration 0029 on a database built at 0028 (as the bench provinces and every existing install):
the stored progress starts empty and the first read derives and stores it, exactly."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import MetaData, func, select
from sqlalchemy.orm import Session

from ir_app.config import level_dossiers_dir
from ir_app.migrate import upgrade
from ir_app.models import DossierPlanProgress
from ir_app.services.lawdata import load_law_data
from ir_app.services.measures.plan import DossierKey, progress_by_dossier
from ir_app.services.measures.stored_progress import progress_of
from tests.services.test_measures_migration import _row, commune_with_system, database_at


@pytest.fixture
def old_engine(tmp_path):
    yield from database_at(tmp_path, "0028", "mig_0029")


def test_progress_of_an_older_database_is_derived_then_read(old_engine):
    catalogue = load_law_data(str(level_dossiers_dir({}))).catalogue
    requirement = catalogue.for_level(3)[0].id
    metadata = MetaData()
    metadata.reflect(old_engine)
    with old_engine.begin() as connection:
        commune, system = commune_with_system(connection, metadata, code="MOTCUA", name="Một cửa điện tử",
                                              system_type="citizen_service", status="in_operation",
                                              hosting="provincial_dc")
        dossier = _row(connection, metadata, "dossiers", system_id=system, commune_id=commune, version_no=1,
                       regime="nd331-2026", state="operating", proposed_level=3,
                       decision_number="1/QĐ", decision_on=date(2026, 3, 1))
        measure = _row(connection, metadata, "measures", commune_id=commune, title="Quy chế", category="management",
                       scope="commune", status="in_place", levels=[3])
        _row(connection, metadata, "measure_requirements", measure_id=measure, requirement_id=requirement)

    upgrade(old_engine)

    keys = [DossierKey(dossier, commune, system, 3)]
    with Session(old_engine) as session:
        first = progress_of(session, keys, catalogue)
        assert first == progress_by_dossier(session, keys, catalogue) and first[dossier].met == 1
        assert session.scalar(select(func.count()).select_from(DossierPlanProgress)) == 1
        assert progress_of(session, keys, catalogue) == first
