"""One upload pipeline (services/files.py) for every file a user sends: the same rules for a
dossier's evidence, a measure's proof, a policy and an incident's evidence."""
from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.files import (
    DOCUMENTS,
    EVIDENCE,
    TEMPLATES,
    check_upload,
    clean_filename,
    sniff_type,
    store_upload,
)

PDF = b"%PDF-1.4 quy che"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60


def _docx() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("word/document.xml", "<w:document/>")
    return archive.getvalue()


def test_stored_upload_keeps_bytes_digest_type_and_a_clean_name(session, commune, clock):
    stored = store_upload(session, Actor.system(), commune_id=commune.id, filename="C:\\tai-lieu\\quy-che\u202efdp.exe",
                          data=PDF, now=clock.now())
    assert (stored.filename, stored.content_type, stored.size) == ("quy-chefdp.exe", "application/pdf", len(PDF))
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest() and stored.data == PDF


@pytest.mark.parametrize("kind", [DOCUMENTS, EVIDENCE])
def test_every_kind_refuses_a_renamed_program_and_an_empty_or_large_file(kind):
    with pytest.raises(ValidationFailed, match="nhận dạng theo nội dung"):
        check_upload(PROGRAM, "bao-cao.pdf", kind=kind)
    with pytest.raises(ValidationFailed) as empty:
        check_upload(b"", "rong.pdf", kind=kind)
    assert empty.value.errors["file"] == "Hãy chọn một tệp (tệp rỗng không được nhận)."
    with pytest.raises(ValidationFailed) as large:
        check_upload(PDF + b"x" * 2048, "lon.pdf", max_bytes=1024, field="policy-file", kind=kind)
    assert large.value.errors["policy-file"] == "Tệp lớn hơn giới hạn 1 KB (tệp này 3 KB)."


def test_a_fake_archive_is_refused_even_when_named_docx():
    with pytest.raises(ValidationFailed):
        check_upload(b"PK\x03\x04 not really a zip", "mau06.docx", kind=DOCUMENTS)


def test_office_files_are_told_apart_by_the_name_once_the_bytes_are_the_container():
    assert sniff_type(_docx(), "mau06.DOCX").endswith("wordprocessingml.document")
    assert sniff_type(OLE, "so-lieu.xls") == "application/vnd.ms-excel"
    assert sniff_type(OLE, "bien-ban.doc") == "application/msword"
    assert sniff_type(PDF, "bien-ban.doc") == "application/pdf"


def test_what_each_kind_accepts():
    capture = b"\xd4\xc3\xb2\xa1\x02\x00"
    assert check_upload(capture, "cap.pcap", kind=EVIDENCE).content_type == "application/vnd.tcpdump.pcap"
    with pytest.raises(ValidationFailed, match="Word/Excel"):
        check_upload(capture, "cap.pcap", kind=DOCUMENTS)
    assert check_upload(_docx(), "mau06.docx", kind=TEMPLATES).content_type.endswith("document")
    with pytest.raises(ValidationFailed, match=r"\.docx"):
        check_upload(PDF, "mau06.pdf", kind=TEMPLATES)


def test_text_is_utf8_without_control_characters():
    assert sniff_type("Nhật ký 09:00\tđăng nhập\r\n".encode()) == "text/plain; charset=utf-8"
    assert sniff_type(b"log\x1b[31m red") is None
    assert sniff_type("Tết".encode("utf-16")) is None


def test_clean_filename():
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("a\u202eb\x00c:d*.pdf") == "abcd.pdf"
    assert clean_filename("Nghiệm thu.pdf".replace("ệ", "e\u0323\u0302")) == "Nghiệm thu.pdf"
    assert clean_filename(" . ") == "tep"
    assert len(clean_filename("x" * 300 + ".pdf")) == 200
