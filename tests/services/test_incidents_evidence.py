"""Evidence: SHA-256 computed on the server, size and type limits checked by content, custody log."""
from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import timedelta

import pytest
from incident_support import actor, quick_report

from ir_app.models import Role
from ir_app.services.errors import ValidationFailed
from ir_app.services.files import sniff_type
from ir_app.services.incidents.evidence import add_custody_entry, add_evidence

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune)


@pytest.fixture
def incident(session, officer, commune, clock):
    return quick_report(session, officer, commune, clock.now(), category="ransomware")


def upload(session, officer, incident, clock, data=PNG, filename="man-hinh.png", **raw):
    values = {"description": "Ảnh chụp thông báo đòi tiền", "acquired_by": "Nguyễn Văn Hùng", **raw}
    evidence = add_evidence(session, actor(officer), incident, values, filename, data, clock.now(), max_bytes=1024)
    session.commit()
    return evidence


def test_evidence_is_hashed_and_its_acquisition_logged(session, officer, incident, clock):
    acquired = clock.now() - timedelta(minutes=20)
    evidence = upload(session, officer, incident, clock, acquired_at=acquired, source="Máy MC-02")
    assert evidence.sha256 == hashlib.sha256(PNG).hexdigest() == evidence.file.sha256
    assert (evidence.code, evidence.size, evidence.content_type) == ("CC-01", len(PNG), "image/png")
    assert evidence.file.data == PNG
    [first] = evidence.custody
    assert (first.action, first.at, first.to_person, first.location) == (
        "acquired", acquired, "Nguyễn Văn Hùng", "Máy MC-02")
    assert upload(session, officer, incident, clock, data=PDF, filename="bien-ban.pdf").code == "CC-02"


def test_a_hash_taken_on_site_must_match(session, officer, incident, clock):
    with pytest.raises(ValidationFailed) as refused:
        upload(session, officer, incident, clock, expected_sha256="ab" * 32)
    assert "khác mã đã tính tại hiện trường" in refused.value.errors["expected_sha256"]
    session.rollback()
    assert upload(session, officer, incident, clock, expected_sha256=hashlib.sha256(PNG).hexdigest().upper())


@pytest.mark.parametrize(("data", "filename", "reason"), [
    (b"", "rong.png", "tệp rỗng"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000, "lon.png", "lớn hơn giới hạn 1 KB (tệp này 2 KB)"),
    (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60, "anh.png", "nhận dạng theo nội dung"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "nhat-ky.txt", "nhận dạng theo nội dung"),
])
def test_size_and_type_limits(session, officer, incident, clock, data, filename, reason):
    with pytest.raises(ValidationFailed) as refused:
        upload(session, officer, incident, clock, data=data, filename=filename)
    assert reason in refused.value.errors["file"]


def test_type_comes_from_the_content_not_the_name():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("word/document.xml", "<w:document/>")
    assert sniff_type(PDF, "thu.exe") == "application/pdf"
    assert sniff_type(archive.getvalue(), "bien-ban.docx").endswith("wordprocessingml.document")
    assert sniff_type(archive.getvalue(), "logs.zip") == "application/zip"
    assert sniff_type("Nhật ký tường lửa 09:00\n".encode(), "fw.log") == "text/plain; charset=utf-8"
    assert sniff_type(b"\xd4\xc3\xb2\xa1\x02\x00", "cap.pcap") == "application/vnd.tcpdump.pcap"
    assert sniff_type(b"PK\x03\x04 not really a zip", "x.docx") is None


def test_chain_of_custody(session, officer, incident, clock):
    evidence = upload(session, officer, incident, clock)
    with pytest.raises(ValidationFailed) as refused:
        add_custody_entry(session, actor(officer), evidence, {"action": "transferred", "to_person": "PA05"},
                          clock.now())
    assert "người giao và người nhận" in refused.value.errors["to_person"]
    clock.advance(hours=2)
    add_custody_entry(session, actor(officer), evidence, {
        "action": "transferred", "from_person": "Nguyễn Văn Hùng", "to_person": "Đại úy Vũ Đức Thắng (PA05)",
        "location": "Trụ sở Công an xã"}, clock.now())
    session.commit()
    session.refresh(evidence)
    assert [entry.action for entry in evidence.custody] == ["acquired", "transferred"]
    assert evidence.custody[1].to_person == "Đại úy Vũ Đức Thắng (PA05)"
