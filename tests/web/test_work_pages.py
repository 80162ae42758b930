""""Việc của tôi" in the browser's terms: the page, the menu count, assigning a step, the role dashboards."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from ir_app.models import Dossier, Notification, Role
from ir_app.services.audit import Actor
from ir_app.services.dossiers import lifecycle as dossiers
from ir_app.services.incidents import tasks as incident_tasks
from ir_app.services.inventory import systems as inventory
from ir_app.services.measures import plan, register
from tests import incident_support

LAN = {"code": "LAN", "name": "Mạng LAN trụ sở", "system_type": "infrastructure", "status": "in_operation",
       "hosting": "on_premises", "information_types": ["private", "personal"]}


@pytest.fixture
def law(app):
    return app.extensions["ir_law"]


@pytest.fixture
def team(make_user, commune):
    return {role: make_user(role, organisation=commune, name=f"Cán bộ {role.value}")
            for role in (Role.STAFF, Role.APPRAISER, Role.OFFICER, Role.AUDITOR, Role.APPROVER)}


def proposed(session, law, commune, staff, clock, system_values=LAN):
    """A new system's dossier with its level proposed (a draft)."""
    system = inventory.create_system(session, Actor.system(), commune, system_values, clock.now())
    dossier = dossiers.start_dossier(session, Actor.of(staff), system, law.default_regime, clock.now())
    dossier.answers = {"system_type": "infrastructure", "information": ["private", "personal"],
                       "infrastructure_scope": "one_org"}
    dossiers.save_proposal(session, Actor.of(staff), dossier, law.default_regime, dossiers.Proposal(None, "", "", []),
                           clock.now(), None)
    return dossier


@pytest.fixture
def submitted(session, law, commune, team, clock):
    staff = team[Role.STAFF]
    dossier = proposed(session, law, commune, staff, clock)
    dossiers.take_action(session, staff, Actor.of(staff), dossier, "submit", dossiers.StepInput(), law, clock.now())
    session.commit()
    return dossier


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_my_work_shows_the_dossier_with_its_deadline_and_the_menu_counts_it(make_web, team, submitted, clock):
    client = make_web(team[Role.APPRAISER])
    page = text(client.get("/work"))
    days = (submitted.step_due_on - clock.now().date()).days
    assert "Kiểm tra tính hợp lệ hồ sơ «Mạng LAN trụ sở»" in page
    assert f"Hạn: {submitted.step_due_on:%d/%m/%Y}" in page and f"Còn {days} ngày" in page
    assert f'href="/dossiers/{submitted.id}"' in page
    home = text(client.get("/"))
    assert re.search(r'id="my-work"[^>]*>Việc của tôi <span class="badge" id="work-count">1</span>', home)
    assert home.index('id="my-work"') < home.index(">Tổng quan</a>")  # first in the menu
    assert 'href="/work?kind=dossier_step"' in home  # the appraiser's panel: numbers link to the list


def test_my_work_filters_by_kind_and_says_when_nothing_waits(make_web, team, submitted):
    client = make_web(team[Role.APPRAISER])
    assert "Mạng LAN trụ sở" not in text(client.get("/work?kind=incident_clock"))
    assert "Không có việc nào đang chờ bạn." in text(make_web(team[Role.AUDITOR]).get("/work"))
    assert "My work" in text(client.get("/work?lang=en"))


def test_an_officer_gives_the_step_to_a_named_appraiser(app, session, make_web, make_user, commune, other_commune,
                                                         team, submitted):
    colleague = make_user(Role.APPRAISER, organisation=commune, name="Đỗ Văn Nam")
    stranger = make_user(Role.APPRAISER, organisation=other_commune, name="Người xã khác")
    officer = make_web(team[Role.OFFICER])
    detail = text(officer.get(f"/dossiers/{submitted.id}"))
    assert "Giao bước này cho một người" in detail and "Đỗ Văn Nam" in detail and "Người xã khác" not in detail
    refused = officer.post_form(f"/dossiers/{submitted.id}/assignee",
                                {"assignee_id": str(stranger.id), "version": str(submitted.version)},
                                follow_redirects=True)
    assert "Hãy chọn một người trong danh sách" in text(refused)
    done = officer.post_form(f"/dossiers/{submitted.id}/assignee",
                             {"assignee_id": str(colleague.id), "version": str(submitted.version)},
                             follow_redirects=True)
    assert "Đã giao bước «Kiểm tra tính hợp lệ hồ sơ» cho Đỗ Văn Nam." in text(done)
    assert "Người thực hiện bước này: <strong>Đỗ Văn Nam</strong>" in text(done)
    assert "Mạng LAN trụ sở" in text(make_web(colleague).get("/work"))
    assert "Mạng LAN trụ sở" not in text(make_web(team[Role.APPRAISER]).get("/work"))
    assert session.scalar(select(Notification.subject).where(Notification.user_id == colleague.id,
                                                              Notification.kind == "dossier_step")) \
        == "Bạn được giao: Kiểm tra tính hợp lệ hồ sơ «Mạng LAN trụ sở»"
    auditor = make_web(team[Role.AUDITOR])
    assert "Giao bước này" not in text(auditor.get(f"/dossiers/{submitted.id}"))
    assert auditor.post_form(f"/dossiers/{submitted.id}/assignee", {"assignee_id": ""}).status_code == 403


def test_the_officer_dashboard_shows_the_running_clock_and_the_quick_report(session, make_web, commune, team, clock):
    incident = incident_support.quick_report(session, team[Role.STAFF], commune, clock.now())
    home = text(make_web(team[Role.OFFICER]).get("/"))
    assert "Công an xã: sự cố, kiểm tra, sao lưu" in home
    assert f"{incident.code} — " in home and "Còn " in home
    assert 'href="/incidents/report"' in home and "Báo nhanh sự cố" in home
    for link in ("/incidents/?state=open", "/work?kind=incident_clock", "/checks/morning"):
        assert f'href="{link}"' in home, link


def test_the_auditor_dashboard_links_approved_dossiers_and_offers_no_change(make_web, team):
    home = make_web(team[Role.AUDITOR]).get("/").get_data(as_text=True)
    assert 'href="/dossiers/?state=approved"' in home and "Hồ sơ đã phê duyệt" in home
    main = home[home.index("<main"):]
    assert 'method="post"' not in main


def test_the_staff_dashboard_counts_link_to_the_lists_they_count(make_web, team, submitted):
    client = make_web(team[Role.STAFF])
    home = text(client.get("/"))
    assert re.search(r'href="/dossiers/\?state=open"><span class="figure">1</span> Hồ sơ đang xử lý', home)
    assert "Mạng LAN trụ sở" in text(client.get("/dossiers/?state=open"))
    assert "Mạng LAN trụ sở" not in text(client.get("/dossiers/?state=approved"))


def test_the_menu_count_follows_each_change_at_once(make_web, session, law, commune, team, submitted, clock):
    """The badge is reused from page to page, but never after a change."""
    client = make_web(team[Role.APPRAISER])
    badge = re.compile(r'id="work-count">(\d+)<')
    assert badge.search(text(client.get("/systems/"))).group(1) == "1"
    assert badge.search(text(client.get("/incidents/"))).group(1) == "1"  # reused: no change since
    # A second dossier is submitted: it waits on the appraiser from the very next page.
    staff = team[Role.STAFF]
    dossier = proposed(session, law, commune, staff, clock, {**LAN, "code": "WEB", "name": "Cổng web"})
    dossiers.take_action(session, staff, Actor.of(staff), dossier, "submit", dossiers.StepInput(), law, clock.now())
    session.commit()
    assert badge.search(text(client.get("/systems/"))).group(1) == "2"


def _in_force(session, law, commune, staff, clock, code):
    dossier = proposed(session, law, commune, staff, clock, {**LAN, "code": code, "name": f"Hệ thống {code}"})
    dossier.state, dossier.decision_number, dossier.decision_on = "protecting", f"QĐ {code}", date(2026, 11, 2)
    return dossier


def _more_work(session, law, commune, team, clock, count, start):
    """Dossiers in force with measures of every scope and an override, incidents with their tasks."""
    staff, officer = team[Role.STAFF], team[Role.OFFICER]
    for number in range(start, start + count):
        dossier = _in_force(session, law, commune, staff, clock, f"S{number}")
        requirements = [requirement.id for requirement in law.catalogue.for_level(dossier.level)]
        for index, (scope, status) in enumerate((("commune", "planned"), ("system", "partly"), ("system", "planned"))):
            register.save_measure(session, Actor.system(), commune, {
                "title": f"Biện pháp {number}.{index}", "category": "technical", "scope": scope, "status": status,
                "requirements": ", ".join(requirements[index::7]), "description": "Nội dung",
                "planned_on": date(2027, 1, 1 + number).isoformat()},
                register.MeasureInput(system_ids=(dossier.system_id,) if scope == "system" else (),
                                      owner_id=(staff, officer)[number % 2].id), law.catalogue, clock.now())
        plan.set_override(session, Actor.system(), dossier, requirements[1], "not_applicable", "Không dùng",
                          law.catalogue, clock.now())
        incident = incident_support.quick_report(session, staff, commune, clock.now())
        incident_tasks.apply_playbook(session, Actor.of(officer), incident, "ransomware", clock.now(),
                                      incident_support.data())
    session.commit()


def test_the_officer_pages_issue_as_many_statements_however_much_work_waits(app, session, make_web, law, commune,
                                                                            team, clock):
    client = make_web(team[Role.OFFICER])

    def measured(*urls) -> dict[str, int]:
        for url in urls:
            assert client.get(url).status_code == 200, url
        return {url: incident_support.count_statements(app, lambda url=url: client.get(url)) for url in urls}

    nothing = measured("/", "/work")
    _more_work(session, law, commune, team, clock, 1, 0)
    dossier = session.scalar(select(Dossier).where(Dossier.commune_id == commune.id).order_by(Dossier.id))
    urls = ("/", "/work", f"/dossiers/{dossier.id}")
    few = measured(*urls)
    assert nothing.items() <= few.items()
    _more_work(session, law, commune, team, clock, 4, 1)
    assert measured(*urls) == few
    page = text(client.get("/work?kind=plan_gaps"))
    assert page.count("Phương án «Hệ thống S") == 5 and "yêu cầu chưa đạt" in page
