"""Vietnamese first; English on request, remembered in a cookie."""
from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sqlalchemy import select

from ir_app.models import Role


def test_vietnamese_by_default_and_english_on_request(make_web, make_user, commune):
    client = make_web(make_user(Role.STAFF, organisation=commune))
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in page and "Tổng quan" in page and "Đăng xuất" in page
    switched = client.get("/lang/en?next=/")
    assert switched.status_code == 302 and switched.location == "/"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Overview" in page and "Sign out" in page
    client.get("/lang/vi?next=https://evil.example/")
    assert "Tổng quan" in client.get("/").get_data(as_text=True)


def test_error_pages_follow_the_language(web):
    assert "Không tìm thấy trang" in web.get("/khong-co").get_data(as_text=True)
    assert "Page not found" in web.get("/khong-co?lang=en").get_data(as_text=True)


# --------------------------------------------------------------------------- every feature page in English

def _text(response) -> str:
    assert response.status_code == 200, (response.request.path, response.status_code)
    return response.get_data(as_text=True)


def _pages(session) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """url → (who, English text that must show, Vietnamese UI texts that must not), on the demo data.

    The Vietnamese texts are the page's own labels, not data: names, law data (criteria,
    requirement catalogue, playbooks, workflow states) and generated documents stay Vietnamese."""
    from ir_app.models import (
        BackupPlan,
        Dossier,
        Incident,
        InformationSystem,
        Measure,
        Organisation,
        TrainingCourse,
        TrainingSession,
    )

    commune_id = session.scalar(select(Organisation.id).where(Organisation.slug == "vinh-lai"))

    def first(model):
        return session.scalar(select(model.id).where(model.commune_id == commune_id).order_by(model.id))

    system, dossier, incident, plan = first(InformationSystem), first(Dossier), first(Incident), first(BackupPlan)
    measure = first(Measure)
    training_course, training_session = first(TrainingCourse), first(TrainingSession)
    return {
        "/systems/": ("officer", "Information system inventory",
                      ("Danh mục hệ thống thông tin", "Tìm theo tên hoặc mã", "Không có hệ thống nào")),
        f"/systems/{system}": ("officer", "System components",
                               ("Thành phần hệ thống", "Thông tin chi tiết", "Sửa thông tin", "Mã hệ thống")),
        "/systems/new": ("officer", "Add an information system",
                         ("Thêm hệ thống thông tin", "Thông tin chung", "Tên hệ thống *", "Đơn vị vận hành")),
        "/dossiers/": ("officer", "Level dossiers", ("Chỉ hồ sơ quá hạn", "Hạn bước hiện tại")),
        f"/dossiers/{dossier}": ("officer", "Dossier history",
                                 ("Lịch sử hồ sơ", "Căn cứ xác định cấp độ", "Kết luận:", "Theo tiêu chí:")),
        f"/dossiers/{dossier}/plan": ("officer", "Cybersecurity protection plan",
                                      ("Phương án bảo đảm an ninh mạng", "Yêu cầu chưa đáp ứng", "Tiến độ chung")),
        f"/dossiers/{dossier}/plan/QL.CS.1": ("officer", "Back to the plan",
                                              ("Về phương án", "Nội dung in trong thuyết minh")),
        "/measures/": ("officer", "Bulk edit", ("Sửa hàng loạt", "Mã yêu cầu", "Xuất Excel")),
        f"/measures/{measure}": ("officer", "Requirements of TT 12/2022 met", ("Hệ thống áp dụng", "Minh chứng")),
        f"/measures/{measure}/edit": ("officer", "Scope", ("Phạm vi áp dụng", "Người phụ trách")),
        "/incidents/": ("officer", "Cybersecurity incidents",
                        ("Báo nhanh sự cố", "Tổng hợp tuần / tháng", "Có báo cáo quá hạn")),
        f"/incidents/{incident}": ("officer", "Notice and reporting deadlines",
                                   ("Thời hạn thông báo, báo cáo", "Bước xử lý tiếp theo", "Nhiệm vụ theo kịch bản",
                                    "Thêm chứng cứ", "Ghi nhận văn bản đã gửi")),
        "/incidents/report": ("officer", "Quick incident report",
                              ("Báo nhanh sự cố", "Chuyện gì đang xảy ra?", "Gửi báo cáo")),
        "/incidents/summary": ("officer", "Incident summary", ("Tổng hợp sự cố", "Thời gian xử lý", "Trung vị")),
        "/backups/": ("officer", "Data backups", ("Sao lưu dữ liệu", "Lần dự kiến tiếp theo")),
        f"/backups/plans/{plan}": ("officer", "Backup runs",
                                   ("Các lần sao lưu", "Ghi nhận lần sao lưu", "Nơi lưu bản sao", "giờ Việt Nam")),
        "/checks/": ("officer", "Morning infrastructure check", ("Kiểm tra hạ tầng buổi sáng", "Người kiểm tra")),
        "/checks/morning": ("officer", "Save results", ("Lưu kết quả", "Bình thường", "Hiện tượng")),
        "/notifications/": ("officer", "Mark all as read", ("Đánh dấu tất cả đã đọc", "Cách nhận thông báo")),
        "/contacts/": ("officer", "Emergency contacts", ("Danh bạ khẩn cấp", "Bản in một trang", "Cơ quan, đơn vị")),
        "/playbooks/": ("officer", "Incident response playbooks",
                        ("Kịch bản ứng cứu sự cố", "Rà soát tiếp theo", "Số bước")),
        "/admin/users": ("admin", "User accounts", ("Tài khoản người dùng", "Tìm theo e-mail hoặc tên")),
        "/audit/": ("admin", "Audit log", ("Người thực hiện", "Loại đối tượng", "Xuất CSV")),
        "/admin/templates": ("admin", "Dossier document templates",
                             ("Mẫu văn bản hồ sơ", "Tải mẫu đang dùng", "Thay mẫu")),
        "/organisations/": ("officer", "Communes, wards and units", ("Xã, phường và đơn vị", "Chưa có xã nào")),
        f"/organisations/{commune_id}": ("officer", "Add a unit",
                                         ("Đơn vị trực thuộc", "Thêm đơn vị", "Người đứng đầu", "Sửa thông tin")),
        f"/organisations/{commune_id}/edit": ("officer", "Office address", ("Địa chỉ trụ sở", "không đổi được")),
        "/organisations/new": ("admin", "Administrative unit code", ("Mã đơn vị hành chính", "Thuộc tỉnh")),
        "/work": ("officer", "Filter by kind of work", ("Lọc theo loại việc", "Những việc đang chờ bạn",
                                                        "Nhiệm vụ xử lý sự cố")),
        "/operations/": ("admin", "Operations: e-mail and scheduled jobs",
                         ("Vận hành: e-mail và việc định kỳ", "Thư gửi lỗi", "Bộ lập lịch")),
        "/training/": ("officer", "Record a training course", ("Ghi nhận khóa tập huấn", "Đơn vị tổ chức")),
        f"/training/courses/{training_course}": ("officer", "Record a session", ("Các buổi học", "Lưu buổi học")),
        f"/training/sessions/{training_session}": ("officer", "Save attendance",
                                                   ("Lưu danh sách tham dự", "Vai trò, chức vụ", "Có mặt")),
        "/training/coverage": ("officer", "Requirements and legal basis",
                               ("Yêu cầu và căn cứ", "sắp hết hạn", "Tải bảng (Excel)")),
    }


def test_every_feature_page_is_available_in_english(app, make_web, session):
    from ir_app.cli.serving import demo

    assert app.test_cli_runner().invoke(demo, ["--no-serve"]).exit_code == 0
    clients = {}
    for who in ("officer", "admin"):
        clients[who] = make_web()
        assert clients[who].login(f"{who}@vinh-lai.demo.vn", "demo12345").status_code == 302
    problems = []
    for url, (who, english, vietnamese) in _pages(session).items():
        page = _text(clients[who].get(url + "?lang=en"))
        if '<html lang="en">' not in page or english not in page:
            problems.append(f"{url}: no {english!r}")
        problems += [f"{url}: still shows {text!r}" for text in vietnamese if text in page]
        if url in ("/systems/", "/incidents/", "/backups/"):  # and the default stays Vietnamese
            assert all(text in _text(clients[who].get(url)) for text in vietnamese[:1])
    assert problems == []


def test_english_form_labels_flashes_and_durations(app, make_web, session, commune, make_user):
    officer = make_user(Role.OFFICER, organisation=commune)
    client = make_web(officer)
    client.set_cookie("lang", "en")
    form = _text(client.get("/systems/new"))
    assert "System code *" in form and "Mã hệ thống" not in form and "Internal operations" in form
    response = client.post_form("/systems/new", {"code": "QLVB", "name": "Quản lý văn bản",
                                                 "system_type": "internal", "status": "in_operation",
                                                 "hosting": "on_premises"})
    assert response.status_code == 302
    page = _text(client.get(response.location))
    assert "Information system added." in page and "Đã thêm" not in page
    assert "Internal operations" in page and "Phục vụ hoạt động nội bộ" not in page  # a choice shown as a value
    with app.test_request_context("/?lang=en"):
        from datetime import timedelta

        from ir_app.web.filters import format_duration, yes_no

        assert format_duration(timedelta(days=2, hours=1)) == "2 days 1 hour" and yes_no(True) == "Yes"
    with app.test_request_context("/"):
        assert format_duration(timedelta(days=2, hours=1)) == "2 ngày 1 giờ" and yes_no(True) == "Có"


# --------------------------------------------------------------------------- no Vietnamese UI word left

VIETNAMESE = re.compile(r"\w*[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]\w*",
                        re.IGNORECASE)
# Legal citations stay as the law writes them (NĐ 331/2026 Đ13.2.b, 331/2026/NĐ-CP, point 12.3.đ); the product
# keeps its name, and the footer offers the other language by its own name.
CITATION = re.compile(r"\bNĐ(-CP)?\b|\bĐ\d[\d.–-]*[a-zđ]?\b|\d\.đ\b|Tiếng Việt|ATTT xã")


def _vietnamese_words(html: str, data: tuple[str, ...]) -> list[str]:
    """Words with Vietnamese letters in the text a reader sees, apart from the data named (people,
    places, systems: their own names) and the citations."""
    text = re.sub(r"(?s)<(script|style|textarea)\b.*?</\1>", " ", html)
    text = unescape(re.sub(r"<[^>]+>", " ", text))
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return VIETNAMESE.findall(CITATION.sub(" ", text))


def _system(session, commune, clock, code: str, system_type: str):
    from ir_app.services.audit import Actor
    from ir_app.services.inventory import systems as inventory

    system = inventory.create_system(session, Actor.system(), commune, {
        "code": code, "name": f"System {code}", "system_type": system_type, "status": "in_operation",
        "hosting": "provincial_dc", "information_types": ["public"], "investment_approved_on": "01/03/2026"},
        clock.now())
    session.commit()
    return system


def _wizard_pages(client, session, dossier_id: int, regime) -> dict[str, str]:
    """Every step of the wizard in English, after the first step was answered with each system type,
    so that every question is asked once."""
    pages = {}
    first = regime.wizard_steps[0].id
    for system_type in regime.field("system_type").values:
        assert client.post_form(f"/dossiers/{dossier_id}/wizard/{first}",
                                {"system_type": system_type, "version": _version(session, dossier_id)}
                                ).status_code == 302
        for step in regime.wizard_steps:
            url = f"/dossiers/{dossier_id}/wizard/{step.id}?lang=en"
            pages[f"{regime.id} {system_type} {step.id}"] = _text(client.get(url))
    return pages


def _version(session, dossier_id: int) -> str:
    from ir_app.models import Dossier

    session.expire_all()
    return str(session.get(Dossier, dossier_id).version)


@pytest.mark.parametrize("regime_id", ["nd331-2026", "nd85-2016"])
def test_the_wizard_its_result_and_the_morning_check_show_no_vietnamese_ui_word(
        app, make_web, make_user, session, commune, clock, regime_id):
    from ir_app.models import Dossier

    staff = make_user(Role.STAFF, Role.OFFICER, organisation=commune, name="Staff Member")
    regime = app.extensions["ir_law"].regime(regime_id)
    system = _system(session, commune, clock, "PORTAL", "citizen_service")
    client = make_web(staff)
    client.set_cookie("lang", "en")
    assert client.post_form(f"/systems/{system.id}/dossier/start", {"regime": regime_id}).status_code == 302
    dossier_id = session.scalar(select(Dossier.id).where(Dossier.system_id == system.id))
    data = (system.name, commune.full_name, commune.name, staff.name)
    pages = _wizard_pages(client, session, dossier_id, regime)
    assert "What type of system is it?" in pages[f"{regime_id} internal system"]
    # An error on one question: the page drawn again, answers and message, is English too.
    client.post_form(f"/dossiers/{dossier_id}/wizard/system", {"system_type": "infrastructure",
                                                               "version": _version(session, dossier_id)})
    url = f"/dossiers/{dossier_id}/wizard/infrastructure"
    refused = client.post_form(url, {"infrastructure_scope": "", "version": _version(session, dossier_id)})
    assert refused.status_code == 422
    pages["infrastructure step refused"] = refused.get_data(as_text=True)
    assert "must state the scope it serves" in pages["infrastructure step refused"]
    assert "One agency or organisation" in pages["infrastructure step refused"]
    client.post_form(f"/dossiers/{dossier_id}/wizard/system", {"system_type": "citizen_service",
                                                               "version": _version(session, dossier_id)})
    refused = client.post_form(f"/dossiers/{dossier_id}/wizard/service", {
        "personal_data_subjects": "8.500 people", "users": "8.500 people", "version": _version(session, dossier_id)})
    assert refused.status_code == 422
    pages["service step refused"] = refused.get_data(as_text=True)
    assert "Must be a whole number." in pages["service step refused"]
    # The result: criteria met, a warning to confirm, the procedure of a higher level.
    client.post_form(f"/dossiers/{dossier_id}/wizard/system", {"system_type": "citizen_service",
                                                               "version": _version(session, dossier_id)})
    answers = {"information": ["public"], "version": _version(session, dossier_id)}
    assert client.post_form(f"/dossiers/{dossier_id}/wizard/information", answers).status_code == 302
    service = {"personal_data_subjects": "500", "users": "500", "version": _version(session, dossier_id)}
    client.post_form(f"/dossiers/{dossier_id}/wizard/service", service)
    national = {"national_security_list": "có", "version": _version(session, dossier_id)}
    assert client.post_form(f"/dossiers/{dossier_id}/wizard/national", national).status_code == 302
    pages["result"] = _text(client.get(f"/dossiers/{dossier_id}/proposal"))
    assert "Criteria met" in pages["result"] and "You chose public information only" in pages["result"]
    # The result of answers that meet no criterion says what is missing, in English.
    client.post_form(f"/dossiers/{dossier_id}/wizard/national", {"national_security_list": "không",
                                                                 "version": _version(session, dossier_id)})
    client.post_form(f"/dossiers/{dossier_id}/wizard/system", {"system_type": "other",
                                                               "version": _version(session, dossier_id)})
    pages["result without a level"] = _text(client.get(f"/dossiers/{dossier_id}/proposal"))
    assert "The answers meet no criterion" in pages["result without a level"]
    # The morning check, before and after it is saved.
    pages["morning check"] = _text(client.get("/checks/morning"))
    assert "Staff computers" in pages["morning check"]
    saved = client.post_form("/checks/morning", {"status_1": "fail", "note_1": "No power", "version": "0"})
    assert saved.status_code == 302
    pages["morning check saved"] = _text(client.get(saved.location))
    problems = {name: words for name, page in pages.items() if (words := _vietnamese_words(page, data))}
    assert problems == {}
    # Vietnamese stays the default, and what is stored stays Vietnamese.
    client.set_cookie("lang", "vi")
    assert "Máy tính của cán bộ" in _text(client.get(saved.location))
    assert "Hệ thống thuộc loại nào?" in _text(client.get(f"/dossiers/{dossier_id}/wizard/system"))


# --------------------------------------------------------------------------- the catalogue

CATALOGUE = Path(__file__).resolve().parents[2] / "ir_app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


def _catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle)


def test_the_english_catalogue_is_complete():
    """No entry untranslated or fuzzy (a fuzzy entry is ignored at run time); the same
    placeholders and HTML tags as the Vietnamese; no double quote that would end an attribute."""
    problems = []
    for message in _catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {ids[0]!r}")
            continue
        for text in strings:
            if sorted(set(PLACEHOLDER.findall(text))) != sorted(set(PLACEHOLDER.findall(ids[-1]))) \
                    and not (len(strings) > 1 and text is strings[0]):
                problems.append(f"placeholders differ: {ids[0]!r}")
            if re.findall(r"</?\w+>", text) != re.findall(r"</?\w+>", ids[0]) or '"' in text:
                problems.append(f"markup differs: {ids[0]!r}")
    assert problems == []


def test_every_ui_string_in_the_code_is_in_the_catalogue():
    """Extract like `pybabel extract -F babel.cfg -k lazy_gettext -k _ -k N_`: a new string that
    nobody added to the catalogue would show in Vietnamese on an English page."""
    root = CATALOGUE.parents[4]
    with (root / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = dict(DEFAULT_KEYWORDS, lazy_gettext=None, N_=None)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            root, method_map, options_map, keywords=keywords,
            directory_filter=lambda path: Path(path).name not in {"tests", "node_modules"}
            and not Path(path).name.startswith(".")):
        found.add((context, message if isinstance(message, str) else message[0]))
    known = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in _catalogue() if m.id}
    assert any(message == "Trang sau ›" for _, message in found)  # templates/_macros is read too
    assert sorted(found - known, key=str) == []
