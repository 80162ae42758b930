"""Uploaded templates are untrusted: the sandbox refuses Python internals, errors are clear Vietnamese
messages, nothing half-made comes out; bundles are deterministic and carry a checked manifest."""
from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from docx import Document

from ir_app.documents import (
    DocumentError,
    build_zip,
    check_template,
    load_documents,
    render_document,
    sample_context,
)

VN = timezone(timedelta(hours=7))


def make_template(*paragraphs: str) -> bytes:
    """A .docx whose paragraphs are single runs (each tag whole)."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


ATTACKS = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c.__name__ }}{% endfor %}",
    "{{ self }}",
    "{{ self._TemplateReference__context }}",
    "{{ config }}",
    "{{ config.items() }}",
    "{{ system|attr('__class__') }}",
    "{{ system['__class__'] }}",
    "{% set n = '__cla' ~ 'ss__' %}{{ system[n] }}",
    "{{ ('{0.__class__}'|attr('format'))(1) }}",
    "{{ '{0.__class__.__init__.__globals__}'.format(system) }}",
    "{{ system.name.format.__globals__ }}",
    "{{ dossier.reasons.append(1) }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'] }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{{ 'x' * 100000000 }}",
    "{{ 2 ** 100000000 }}",
    "{% for i in range(1000000) %}x{% endfor %}",
]


@pytest.mark.parametrize("tag", ATTACKS)
def test_sandbox_rejects_python_internals(tag):
    template = make_template("QUYẾT ĐỊNH", tag)
    problems = check_template(template)
    assert len(problems) == 1
    assert problems[0].startswith("Mẫu có biểu thức không được phép:"), problems
    assert "Traceback" not in problems[0]
    with pytest.raises(DocumentError) as error:
        render_document(template, sample_context(3))
    assert str(error.value) == problems[0]


def test_rejection_names_the_offending_tag():
    problems = check_template(make_template("Tiêu đề", "{{ ''.__class__.__mro__ }}"))
    assert problems == ["Mẫu có biểu thức không được phép: thuộc tính “__mro__” "
                        "(ở đoạn: “{{ ''.__class__.__mro__ }}”)."]


def test_nothing_dangerous_is_rendered_even_without_the_static_check():
    """Dynamic attribute names escape the syntax check; the sandbox still refuses them at runtime."""
    template = make_template("{% set a = '__class__' %}{% set b = '__subclasses__' %}{{ ''[a] }}")
    with pytest.raises(DocumentError) as error:
        render_document(template, sample_context(3))
    assert str(error.value) == "Mẫu có biểu thức không được phép: truy cập thuộc tính “__class__”."


@pytest.mark.parametrize("data,expected", [
    (os.urandom(4096), "không phải tệp Word (.docx) hợp lệ"),
    (b"", "không phải tệp Word (.docx) hợp lệ"),
    (b"PK\x03\x04 broken zip", "không phải tệp Word (.docx) hợp lệ"),
])
def test_corrupt_upload_gives_a_clear_message(data, expected):
    problems = check_template(data)
    assert len(problems) == 1 and expected in problems[0]
    with pytest.raises(DocumentError):
        render_document(data, sample_context(3))


def test_zip_that_is_not_a_word_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    assert check_template(buffer.getvalue()) == [
        "Tệp tải lên không phải tệp Word (.docx): thiếu phần nội dung văn bản."]


def test_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("word/media/bomb.bin", b"\0" * (101 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    assert check_template(buffer.getvalue()) == ["Tệp mẫu giải nén quá lớn, có thể là tệp độc hại."]


def test_unknown_regime_is_a_message():
    assert check_template(make_template("x"), regime="nd64-2007") == [
        "Chế độ “nd64-2007” không được hỗ trợ (nd331-2026, nd85-2016)."]


def test_unclosed_tag_is_a_syntax_error():
    problems = check_template(make_template("Số: {{ document.number_text }}", "{{ unclosed", "Nơi nhận"))
    assert len(problems) == 1
    assert problems[0].startswith("Mẫu có lỗi cú pháp")
    assert "{{ unclosed" in problems[0]


def test_unknown_field_is_named():
    problems = check_template(make_template("{{ system.nmae }}"))
    assert problems == ["Mẫu dùng trường không có trong dữ liệu: “nmae” (ở đoạn: “{{ system.nmae }}”); "
                        "xem danh sách trường trong level_dossiers/templates/README.md."]


def test_field_missing_only_at_some_levels():
    problems = check_template(make_template(
        "{% if (dossier.proposed_level or 0) >= 3 %}{{ dossier.appraisal.numbr }}{% endif %}"))
    assert problems == ["Cấp độ 3, 5: Mẫu dùng trường không có trong dữ liệu: “numbr” "
                        "(ở đoạn: “{{ dossier.appraisal.numbr }}”); xem danh sách trường trong "
                        "level_dossiers/templates/README.md."]


def test_a_good_upload_passes_and_shipped_templates_pass():
    assert check_template(make_template("{{ system.name|upper }}", "{{ document.date|vn_date }}",
                                        "{{ system.personal_data_subjects|vn_number }}")) == []
    catalogue = load_documents()
    for regime, key in (("nd331-2026", "thuyet_minh"), ("nd331-2026", "mau06"), ("nd85-2016", "thuyet_minh")):
        spec = catalogue.get(regime, key)
        data = catalogue.template_path(spec).read_bytes()
        assert check_template(data, regime=regime, doc_key=key) == []


def test_template_with_a_split_tag_is_reported():
    """A tag Word split over two runs with different formatting still renders (docxtpl joins runs);
    a tag broken by text in the middle is a syntax error, not a crash."""
    doc = Document()
    paragraph = doc.add_paragraph()
    paragraph.add_run("{{ system.")
    paragraph.add_run("name }}").bold = True
    doc.add_paragraph("{{ system. name ]]")
    buffer = io.BytesIO()
    doc.save(buffer)
    problems = check_template(buffer.getvalue())
    assert len(problems) == 1 and problems[0].startswith("Mẫu có lỗi cú pháp")


def test_values_cannot_inject_tags_or_xml():
    context = sample_context(3)
    payload = "{{ config }} </w:t><w:t>{% raw %}"
    context = replace(context, system=replace(context.system, name=payload))
    data = render_document(make_template("{{ system.name }}"), context)
    assert Document(io.BytesIO(data)).paragraphs[0].text == payload


def test_missing_generated_at_is_an_error():
    context = sample_context(3)
    context = replace(context, generated_at=None)
    with pytest.raises(DocumentError, match="generated_at"):
        render_document(make_template("x"), context)


def test_bad_context_is_an_error():
    with pytest.raises(DocumentError, match="system.nmae"):
        render_document(make_template("x"), {"generated_at": datetime(2026, 1, 1, tzinfo=VN),
                                              "system": {"nmae": "x"}})


# --------------------------------------------------------------------------- bundles
def test_zip_bundle_manifest_and_determinism():
    when = datetime(2026, 12, 18, 8, 30, 15, tzinfo=VN)
    files = [("MOTCUA/mau-06-quyet-dinh-phe-duyet-cap-do.docx", b"docx-bytes-1"),
             ("LAN/thuyet-minh-ho-so-de-xuat-cap-do.docx", b"docx-bytes-22"),
             ("mau-08-bao-cao-ket-qua-cong-tac-bao-dam-an-ninh-mang.docx", b"")]
    first = build_zip(files, when)
    assert first == build_zip(list(reversed(files)), when)
    archive = zipfile.ZipFile(io.BytesIO(first))
    names = archive.namelist()
    assert names == sorted(name for name, _ in files) + ["MANIFEST.txt", "manifest.json"]
    assert {info.date_time for info in archive.infolist()} == {(2026, 12, 18, 8, 30, 14)}
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["generated_at"] == "2026-12-18T01:30:15Z"
    for entry in manifest["files"]:
        blob = archive.read(entry["name"])
        assert entry["sha256"] == hashlib.sha256(blob).hexdigest()
        assert entry["size"] == len(blob)
    lines = archive.read("MANIFEST.txt").decode("utf-8").splitlines()
    for line in lines:  # sha256sum -c format
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert len(lines) == len(files)


@pytest.mark.parametrize("name", ["../etc/passwd", "/abs.docx", "a\\b.docx", "", "MANIFEST.txt", "a//b"])
def test_zip_bundle_refuses_unsafe_names(name):
    with pytest.raises(ValueError):
        build_zip([(name, b"x")], datetime(2026, 1, 1, tzinfo=VN))


def test_zip_bundle_refuses_duplicates():
    with pytest.raises(ValueError, match="trùng"):
        build_zip([("a.docx", b"1"), ("a.docx", b"2")], datetime(2026, 1, 1, tzinfo=VN))


def test_bundle_of_rendered_documents_is_byte_identical():
    catalogue = load_documents()

    def bundle():
        files = []
        for key in ("thuyet_minh", "mau02", "mau06"):
            spec = catalogue.get("nd331-2026", key)
            files.append((f"MOTCUA/{spec.filename}.docx",
                          render_document(catalogue.template_path(spec), sample_context(3, doc_key=key))))
        return build_zip(files, sample_context(3).generated_at)

    assert bundle() == bundle()
