"""The national scale's build (bench/national.py): how the nation is cut into provinces, and a
small nation written through the same PostgreSQL COPY path, province by province."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ir_app.cli.admin import audit_verify
from ir_app.models import Incident, InformationSystem, Organisation
from ir_app.seed.synthetic.national import national_specs, seed_provinces
from ir_app.services.incidents.data import response_data


def test_the_nation_has_34_provinces_3321_communes_and_200000_incidents_the_same_every_time():
    specs = national_specs()
    assert len({spec.province_code for spec in specs}) == 34
    assert sum(spec.communes for spec in specs) == 3321
    assert sum(spec.incidents for spec in specs) == 200_000
    assert sum(spec.communes * spec.systems_per_commune for spec in specs) == 33_210
    sizes = [spec.communes for spec in specs]
    assert max(sizes) > 1.3 * min(sizes)   # provinces differ in size, as real ones do
    assert national_specs() == specs


@pytest.mark.postgres
def test_a_small_nation_is_written_by_copy_province_by_province_with_one_valid_audit_chain(app, session):
    specs = national_specs(provinces=2, communes=6, incidents=40, systems_per_commune=2)
    done = []
    reports = seed_provinces(app.extensions["ir_session_factory"], specs, app.extensions["ir_law"],
                             response_data(app.config["IR_PLAYBOOKS_DIR"]), "mat-khau-quoc-gia-1",
                             progress=lambda report, spec: done.append(spec.province_code), trusted=True)
    assert done == ["Q01", "Q02"] and all(report.rows > 100 for report in reports)
    provinces = {code: province_id for code, province_id in session.execute(
        select(Organisation.code, Organisation.id).where(Organisation.kind == "province"))}
    assert set(provinces) == {"Q01", "Q02"}
    for spec in specs:
        communes = select(Organisation.id).where(Organisation.parent_id == provinces[spec.province_code])
        assert session.scalar(select(func.count()).where(Organisation.id.in_(communes))) == spec.communes
        assert session.scalar(select(func.count()).where(Incident.commune_id.in_(communes),
                                                         Incident.is_drill.is_(False))) == spec.incidents
    assert session.scalar(select(func.count()).select_from(InformationSystem)) == 6 * 2
    verified = app.test_cli_runner().invoke(audit_verify)
    assert verified.exit_code == 0, verified.output
