"""A province's dossiers in one bundle (issue 17): folders per commune then system, a manifest
with hashes, the same bytes on every run, written as it goes, and only the province's communes."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from docx import Document
from sqlalchemy import event, select

from ir_app.cli.data import _documents_catalogue, dossier_bundle
from ir_app.cli.serving import demo
from ir_app.models import AuditEvent, Dossier, InformationSystem, Organisation
from ir_app.services.dossiers import documents

HAI_PHONG, VINH_LAI, HA_TINH_COMMUNE = "31", "11017", "mai-phu"


@pytest.fixture
def runner(app):
    runner = app.test_cli_runner()
    result = runner.invoke(demo, ["--no-serve"])
    assert result.exit_code == 0, result.output
    return runner


def _bundle(runner, path, *options) -> bytes:
    result = runner.invoke(dossier_bundle, [*options, "--out", str(path)])
    assert result.exit_code == 0, result.output
    assert not path.with_name(path.name + ".part").exists()
    return path.read_bytes()


def _text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    return "\n".join([p.text for p in document.paragraphs]
                     + [cell.text for table in document.tables for row in table.rows for cell in row.cells])


def _current_dossiers(session, commune_slugs) -> set[str]:
    rows = session.execute(select(Organisation.slug, InformationSystem.code, Dossier.version_no)
                           .join(InformationSystem, InformationSystem.id == Dossier.system_id)
                           .join(Organisation, Organisation.id == Dossier.commune_id)
                           .where(Organisation.slug.in_(commune_slugs), Dossier.state != "superseded"))
    return {f"{slug}/{code}-lan-{version}" for slug, code, version in rows}


def test_province_bundle_has_a_folder_per_commune_and_system_hashes_and_the_same_bytes(runner, session, tmp_path):
    data = _bundle(runner, tmp_path / "tinh.zip", "--province", HAI_PHONG)
    assert _bundle(runner, tmp_path / "lai.zip", "--province", "hai-phong") == data  # byte-identical
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert names[-2:] == ["MANIFEST.txt", "manifest.json"] and names[:-2] == sorted(names[:-2])
    province = session.scalar(select(Organisation).where(Organisation.code == HAI_PHONG))
    communes = set(session.scalars(select(Organisation.slug).where(Organisation.parent_id == province.id)))
    assert communes == {"vinh-lai", "hai-an"}
    assert {name.rsplit("/", 1)[0] for name in names[:-2]} == _current_dossiers(session, communes)
    assert not [name for name in names if name.startswith(f"{HA_TINH_COMMUNE}/")]  # another province's commune

    listing = json.loads(archive.read("manifest.json"))["files"]
    assert [item["name"] for item in listing] == names[:-2]
    for item in listing:
        assert hashlib.sha256(archive.read(item["name"])).hexdigest() == item["sha256"]
    assert archive.read("MANIFEST.txt").decode().splitlines()[0] == f"{listing[0]['sha256']}  {listing[0]['name']}"

    for slug in communes:  # a document of each commune names its commune and its system
        name = next(name for name in names if name.startswith(f"{slug}/") and name.endswith(".docx"))
        code = name.split("/")[1].rsplit("-lan-", 1)[0]
        commune = session.scalar(select(Organisation).where(Organisation.slug == slug))
        system = session.scalar(select(InformationSystem).where(InformationSystem.commune_id == commune.id,
                                                                InformationSystem.code == code))
        text = _text(archive.read(name))
        assert commune.name in text and system.name in text, name

    exports = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "province")).all()
    assert [(event_.action, event_.object_id) for event_ in exports] == [("export", str(province.id))] * 2
    assert "tinh.zip" in exports[0].summary


def test_commune_form_keeps_its_flat_layout_and_options_are_exclusive(runner, tmp_path):
    names = zipfile.ZipFile(io.BytesIO(_bundle(runner, tmp_path / "xa.zip", "--commune", VINH_LAI))).namelist()
    assert "LAN-lan-1/mau-06-quyet-dinh-phe-duyet-cap-do.docx" in names
    both = runner.invoke(dossier_bundle, ["--commune", VINH_LAI, "--province", HAI_PHONG, "--out", str(tmp_path / "x")])
    assert both.exit_code == 2
    wrong = runner.invoke(dossier_bundle, ["--province", VINH_LAI, "--out", str(tmp_path / "y.zip")])
    assert wrong.exit_code == 1 and not (tmp_path / "y.zip").exists()  # a commune is not a province


def test_the_bundle_is_written_dossier_by_dossier_in_bounded_statements(app, runner, session):
    province = session.scalar(select(Organisation).where(Organisation.code == HAI_PHONG))
    dossiers = documents.bundled_dossiers(session, documents.province_commune_ids(session, province.id),
                                          commune_folders=True)
    target, seen, statements = io.BytesIO(), [], []

    def done(item):
        written = target.getvalue()  # this dossier's files already left for the file, before the next is loaded
        seen.append(item.folder)
        assert item.folder.encode() in written
        assert not [folder for folder in (d.folder for d in dossiers[len(seen):]) if folder.encode() in written]

    def count(_connection, _cursor, statement, *_details):
        statements.append(statement)

    event.listen(app.extensions["ir_engine"], "before_cursor_execute", count)
    try:
        with app.app_context():
            summary = documents.write_bundle(session, _documents_catalogue(), dossiers, app.extensions["ir_law"],
                                             app.extensions["ir_clock"].now(), target, done)
    finally:
        event.remove(app.extensions["ir_engine"], "before_cursor_execute", count)
    assert seen == [item.folder for item in dossiers] and summary.dossiers == len(dossiers)
    assert {item.folder.split("/")[0] for item in dossiers} == {"vinh-lai", "hai-an"}
    documents_written = sum(name.endswith(".docx") for name in zipfile.ZipFile(target).namelist())
    assert documents_written > len(dossiers)
    # Statements per dossier, not per document: the template replacements are looked up once.
    assert sum("FROM document_templates" in statement for statement in statements) == 1
    assert len(statements) <= 30 * len(dossiers)
