"""Training: courses, sessions with their files, attendance ticked from the commune's people, and the
coverage of the role requirements (page, words not colour alone, XLSX); overseers read only."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ir_app.models import AuditEvent, Role
from ir_app.models.training import TrainingAttendance, TrainingCourse, TrainingSession

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def people(make_user, commune):
    return {"officer": make_user(Role.OFFICER, organisation=commune, name="Trần Văn Hùng"),
            "staff": make_user(Role.STAFF, organisation=commune, name="Lê Thị Mai"),
            "leader": make_user(Role.APPROVER, organisation=commune, name="Phạm Văn Lãnh")}


def _course(client, **changes) -> object:
    form = {"title": "Tập huấn ứng cứu sự cố và nhận diện lừa đảo 2026", "organiser_kind": "province",
            "organiser": "Công an TP Hải Phòng (PA05)", "topics": ["incident-response", "awareness"],
            "content": "Quy trình ứng cứu; thư giả mạo", "hours": "8"} | changes
    return client.post_form("/training/", form)


def _session(client, course_id: int, **changes):
    form = {"held_on": "2026-11-20", "place": "Hội trường UBND xã", "hours": "4", "content": "Thực hành",
            "certificate": (io.BytesIO(PDF), "giay-chung-nhan.pdf")} | changes
    return client.post_form(f"/training/courses/{course_id}", form, content_type="multipart/form-data")


def _record(client, session, people):
    assert _course(client).status_code == 302
    course = session.scalar(select(TrainingCourse))
    response = _session(client, course.id)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    item = session.scalar(select(TrainingSession))
    officer_key = f"user:{people['officer'].id}"
    response = client.post_form(f"/training/sessions/{item.id}", {
        "attended": [officer_key], "passed": [officer_key], "version": str(item.version),
        "name_1": "Nguyễn Văn Thôn", "role_1": "staff", "position_1": "Trưởng thôn Đông", "passed_1": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    session.expire_all()
    return session.get(TrainingSession, item.id)


def test_a_course_a_session_with_its_certificate_and_the_attendance(make_web, people, session):
    client = make_web(people["officer"])
    item = _record(client, session, people)
    assert item.certificate.sha256 and item.certificate.commune_id == item.commune_id
    rows = {row.person_name: row for row in item.attendees}
    assert set(rows) == {"Trần Văn Hùng", "Nguyễn Văn Thôn"} and rows["Nguyễn Văn Thôn"].user_id is None
    assert rows["Nguyễn Văn Thôn"].person_role == "staff" and all(row.passed for row in rows.values())
    page = client.get(f"/training/sessions/{item.id}").get_data(as_text=True)
    assert "Trưởng thôn Đông" in page and "Giấy chứng nhận" in page
    assert client.get(f"/files/{item.certificate.id}").data == PDF
    actions = set(session.scalars(select(AuditEvent.object_type).where(AuditEvent.object_type.like("training%"))))
    assert actions == {"training_course", "training_session"}


def test_coverage_shows_met_and_missing_in_words(make_web, people, session):
    client = make_web(people["officer"])
    _record(client, session, people)
    page = client.get("/training/coverage").get_data(as_text=True)
    officer_row = page.split('data-person="user:%d"' % people["officer"].id)[1].split("</tr>")[0]
    staff_row = page.split('data-person="user:%d"' % people["staff"].id)[1].split("</tr>")[0]
    assert 'data-state="met"' in officer_row and "Đạt" in officer_row and "đến 20/11/2027" in officer_row
    assert 'data-state="missing"' in staff_row and "Thiếu" in staff_row
    assert "NĐ 331/2026 Đ31.3" in page
    # officer met; staff and leader missing; the named staff member (trưởng thôn) met: 2 of 4.
    assert "Đạt 2/4 yêu cầu (50%)" in page
    book = load_workbook(io.BytesIO(client.get("/training/coverage.xlsx").data))
    cells = [str(cell.value) for row in book.active.iter_rows() for cell in row if cell.value]
    assert any("Đạt (đến 20/11/2027)" in cell for cell in cells) and "Thiếu" in cells


def test_refused_input_keeps_what_was_typed_and_writes_nothing(make_web, people, session):
    client = make_web(people["staff"])
    response = _course(client, organiser="", topics=[])
    assert response.status_code == 422 and "Hãy ghi tên cơ quan tổ chức" in response.get_data(as_text=True)
    assert "Tập huấn ứng cứu sự cố và nhận diện lừa đảo 2026" in response.get_data(as_text=True)
    assert _course(client).status_code == 302
    course = session.scalar(select(TrainingCourse))
    bad = _session(client, course.id, certificate=(io.BytesIO(b"MZ\x90\x00\x03"), "chung-nhan.pdf"))
    assert bad.status_code == 422 and "Loại tệp không được chấp nhận" in bad.get_data(as_text=True)
    future = _session(client, course.id, held_on="2027-01-10")
    assert future.status_code == 422 and "không thể sau hôm nay" in future.get_data(as_text=True)
    assert session.scalar(select(TrainingSession)) is None


def test_a_stale_attendance_form_is_refused(make_web, people, session):
    client = make_web(people["officer"])
    item = _record(client, session, people)
    stale = client.post_form(f"/training/sessions/{item.id}", {"attended": [], "version": "1"})
    assert stale.status_code == 409 and "đã được người khác sửa" in stale.get_data(as_text=True)
    session.expire_all()
    assert len(session.scalars(select(TrainingAttendance)).all()) == 2


def test_overseer_reads_the_province_only_and_cannot_record(make_web, people, session, make_user, province,
                                                            commune, foreign_commune):
    _record(make_web(people["officer"]), session, people)
    overseer = make_web(make_user(Role.OVERSEER, organisation=province))
    course = session.scalar(select(TrainingCourse))
    assert overseer.get(f"/training/coverage?commune={commune.code}").status_code == 200
    assert overseer.get(f"/training/courses/{course.id}").status_code == 200
    assert overseer.get(f"/training/coverage?commune={foreign_commune.code}").status_code == 404
    assert overseer.post_form(f"/training/?commune={commune.code}", {"title": "x"}).status_code == 403
    far = make_web(make_user(Role.OFFICER, organisation=foreign_commune))
    assert far.get(f"/training/courses/{course.id}").status_code == 404


def test_the_province_view_shows_each_communes_training_coverage(make_web, people, session, make_user, province,
                                                                 commune, other_commune):
    _record(make_web(people["officer"]), session, people)
    make_user(Role.OFFICER, organisation=other_commune)
    overseer = make_web(make_user(Role.OVERSEER, organisation=province))
    page = overseer.get("/province/").get_data(as_text=True)
    row = page.split(f'data-commune="{commune.code}"')[1].split("</tr>")[0]
    cell = row.split("#training")[0].rsplit('<td class="rag', 1)[1] + row.split("#training")[1].split("</td>")[0]
    assert 'data-level="red"' in cell and "50%" in cell and "Đỏ" in cell
    other = page.split(f'data-commune="{other_commune.code}"')[1].split("</tr>")[0]
    assert "0%" in other.split("#training")[1].split("</td>")[0]
    drill = overseer.get(f"/province/communes/{commune.id}").get_data(as_text=True)
    assert "Đạt 2/4 yêu cầu (50%)" in drill and f"/training/coverage?commune={commune.code}" in drill


def test_saving_attendance_keeps_someone_whose_account_was_since_disabled(make_web, people, session):
    client = make_web(people["officer"])
    item = _record(client, session, people)
    people["officer"].is_active = False   # left the commune after the course: the record stays
    session.commit()
    staff = make_web(people["staff"])
    page = staff.get(f"/training/sessions/{item.id}").get_data(as_text=True)
    officer_key = f"user:{people['officer'].id}"
    assert f'data-person="{officer_key}"' in page and "Trần Văn Hùng" in page
    response = staff.post_form(f"/training/sessions/{item.id}", {
        "attended": [officer_key, "name:nguyễn văn thôn"], "passed": [officer_key, "name:nguyễn văn thôn"],
        "version": str(item.version)})
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    session.expire_all()
    assert {row.person_name for row in session.get(TrainingSession, item.id).attendees} == {
        "Trần Văn Hùng", "Nguyễn Văn Thôn"}


def test_a_course_and_a_session_can_be_corrected_audited_and_version_checked(make_web, people, session):
    client = make_web(people["officer"])
    item = _record(client, session, people)
    course = item.course
    assert "Sửa khóa tập huấn" in client.get(f"/training/courses/{course.id}").get_data(as_text=True)
    edit = f"/training/courses/{course.id}/edit"
    assert "Công an TP Hải Phòng (PA05)" in client.get(edit).get_data(as_text=True)
    fixed = {"title": "Tập huấn ứng cứu sự cố 2026", "organiser_kind": "province", "organiser": "PA05 Hải Phòng",
             "topics": ["incident-response"], "content": "Quy trình ứng cứu", "hours": "6",
             "version": str(course.version)}
    assert client.post_form(edit, fixed).status_code == 302
    stale = client.post_form(edit, fixed | {"title": "Tên khác"})
    assert stale.status_code == 409 and "đã được người khác sửa" in stale.get_data(as_text=True)
    session.expire_all()
    course = session.get(TrainingCourse, course.id)
    assert (course.title, course.topics, course.hours) == ("Tập huấn ứng cứu sự cố 2026", ["incident-response"], 6)
    changes = session.scalar(select(AuditEvent.changes).where(AuditEvent.object_type == "training_course",
                                                              AuditEvent.action == "update"))
    assert changes["title"] == ["Tập huấn ứng cứu sự cố và nhận diện lừa đảo 2026", "Tập huấn ứng cứu sự cố 2026"]

    edit = f"/training/sessions/{item.id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert "Hội trường UBND xã" in page and "2026-11-20" in page
    future = client.post_form(edit, {"held_on": "2027-02-01", "place": "Nhà văn hóa", "hours": "4", "content": "",
                                     "version": str(item.version)})
    assert future.status_code == 422 and "Nhà văn hóa" in future.get_data(as_text=True)
    assert client.post_form(edit, {"held_on": "2026-11-21", "place": "Nhà văn hóa thôn Đông", "hours": "3",
                                   "content": "Thực hành", "version": str(item.version)}).status_code == 302
    session.expire_all()
    item = session.get(TrainingSession, item.id)
    assert (str(item.held_on), item.place, item.hours, len(item.attendees)) == ("2026-11-21", "Nhà văn hóa thôn Đông",
                                                                                3, 2)
    before = session.scalar(select(func.count(AuditEvent.id)))
    unchanged = {"held_on": "2026-11-21", "place": "Nhà văn hóa thôn Đông", "hours": "3", "content": "Thực hành",
                 "version": str(item.version)}
    assert client.post_form(edit, unchanged).status_code == 302
    assert session.scalar(select(func.count(AuditEvent.id))) == before  # nothing changed, nothing written
    staff_of_elsewhere = make_web(people["leader"])
    assert staff_of_elsewhere.post_form(edit, unchanged).status_code == 403
