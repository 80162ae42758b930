"""Signed decisions: the approver uploads the decision PDF signed with a digital certificate; the app
verifies it with pyHanko against the configured trust roots, shows signer, time and status, keeps
the file's SHA-256 on the dossier and in the audit chain, and refuses a file changed after signing.

A test CA is created here and the PDF is signed in the test (tests/signing_support.py)."""
from __future__ import annotations

import hashlib
import io
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from ir_app.models import AuditEvent, Dossier, InformationSystem, Role, StoredFile
from tests.signing_support import SigningCA, blank_pdf, change_one_signed_byte, signed_pdf


@pytest.fixture(scope="module")
def trusted_ca() -> SigningCA:
    return SigningCA.create("Ban Cơ yếu thử nghiệm")


@pytest.fixture(scope="module")
def signed(trusted_ca) -> bytes:
    return signed_pdf(trusted_ca, "Nguyễn Văn Phê Duyệt")


@pytest.fixture
def roots(app, tmp_path, trusted_ca):
    folder = tmp_path / "trust_roots"
    folder.mkdir()
    (folder / "root.pem").write_bytes(trusted_ca.pem())
    app.config["IR_TRUST_ROOTS_DIR"] = folder
    return folder


@pytest.fixture
def dossier(session, commune) -> Dossier:
    moment = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
    system = InformationSystem(commune_id=commune.id, code="QLVB", name="Quản lý văn bản",
                               created_at=moment, updated_at=moment)
    session.add(system)
    session.flush()
    dossier = Dossier(system_id=system.id, commune_id=commune.id, regime="nd331-2026", state="approved",
                      determined_level=3, proposed_level=3, decision_number="25/QĐ-UBND",
                      decision_on=moment.date(), decision_signer="Chủ tịch UBND xã",
                      created_at=moment, updated_at=moment)
    session.add(dossier)
    session.commit()
    return dossier


def upload(client, dossier: Dossier, data: bytes, name: str = "quyet-dinh-da-ky.pdf"):
    return client.post_form(f"/dossiers/{dossier.id}/signed-decision", {
        "version": str(dossier.version), "signed_file": (io.BytesIO(data), name)},
        content_type="multipart/form-data", follow_redirects=True)


def test_valid_signature_by_a_trusted_ca_is_accepted_with_signer_shown(session, commune, make_user, make_web,
                                                                       dossier, roots, signed):
    approver = make_web(make_user(Role.APPROVER, organisation=commune))
    page = upload(approver, dossier, signed).get_data(as_text=True)
    assert "Chữ ký hợp lệ, chứng thư được xác minh" in page
    assert "Nguyễn Văn Phê Duyệt" in page and "Ban Cơ yếu thử nghiệm" in page

    digest = hashlib.sha256(signed).hexdigest()
    session.expire_all()
    kept = session.get(Dossier, dossier.id)
    assert kept.decision_file_sha256 == digest and digest in page
    assert kept.decision_signature["status"] == "trusted"
    assert session.get(StoredFile, kept.decision_file_id).data == signed
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "decision_signed_upload")).one()
    assert digest in event.summary and event.object_id == str(dossier.id)


def test_one_changed_byte_is_refused_with_a_clear_message(session, commune, make_user, make_web, dossier, roots,
                                                          signed):
    approver = make_web(make_user(Role.APPROVER, organisation=commune))
    page = upload(approver, dossier, change_one_signed_byte(signed)).get_data(as_text=True)
    assert "Tệp đã bị thay đổi sau khi ký" in page
    session.expire_all()
    assert session.get(Dossier, dossier.id).decision_file_id is None
    assert session.scalars(select(StoredFile)).all() == []


def test_valid_signature_by_an_unknown_ca_is_not_shown_as_trusted(session, commune, make_user, make_web, dossier,
                                                                  roots):
    stranger = SigningCA.create("CA lạ")
    approver = make_web(make_user(Role.APPROVER, organisation=commune))
    page = upload(approver, dossier, signed_pdf(stranger, "Trần Thị Lạ")).get_data(as_text=True)
    assert "Chữ ký hợp lệ nhưng chưa xác minh được nguồn" in page
    assert "Chữ ký hợp lệ, chứng thư được xác minh" not in page
    session.expire_all()
    assert session.get(Dossier, dossier.id).decision_signature["status"] == "untrusted_root"


def test_unsigned_pdf_and_non_pdf_are_refused(session, commune, make_user, make_web, dossier, roots):
    approver = make_web(make_user(Role.APPROVER, organisation=commune))
    assert "không có chữ ký số" in upload(approver, dossier, blank_pdf()).get_data(as_text=True)
    assert "phải là tệp PDF" in upload(approver, dossier, b"hello", "scan.txt").get_data(as_text=True)
    session.expire_all()
    assert session.get(Dossier, dossier.id).decision_file_id is None


def test_only_who_approves_may_upload(session, commune, other_commune, make_user, make_web, dossier, roots, signed):
    staff = make_web(make_user(Role.STAFF, organisation=commune))
    assert staff.post_form(f"/dossiers/{dossier.id}/signed-decision").status_code == 403
    foreign = make_web(make_user(Role.APPROVER, organisation=other_commune))
    assert foreign.post_form(f"/dossiers/{dossier.id}/signed-decision").status_code == 404
    page = staff.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "signed_file" not in page  # no upload form for those who cannot approve
