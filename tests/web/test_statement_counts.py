"""Cost that does not grow with the data: each main page issues the same number of SQL statements
for a small synthetic province and for a bigger one (more communes, systems, dossiers, incidents,
audit rows, several pages of every list).

Both provinces live in one database built once for this module; every page is loaded once to warm
caches, then counted on the second load.
"""
from __future__ import annotations

import shutil
from datetime import date

import pytest
from sqlalchemy import event, exists, select

from ir_app import create_app
from ir_app.domain.clock import FixedClock
from ir_app.models import (
    Dossier,
    Evidence,
    Incident,
    Organisation,
    Review,
    ReviewFinding,
    TrainingAttendance,
    TrainingCourse,
    TrainingSession,
    User,
)
from ir_app.seed.synthetic import BASE_TIME, SyntheticSpec, seed_province
from ir_app.services.incidents.data import response_data
from tests.conftest import PG_URL, WebClient, _truncate_all
from tests.incident_support import LIST_COUNT

PASSWORD = "demo12345"
SMALL = SyntheticSpec(province_code="81", communes=2, systems_per_commune=5, incidents=40)
BIG = SyntheticSpec(province_code="82", communes=6, systems_per_commune=30, incidents=600)
PAGES = ("overview (officer)", "overview (overseer)", "systems (officer)", "systems (overseer)",
         "dossiers (officer)", "dossiers (overseer)", "incidents (officer)", "incidents (overseer)",
         "overdue incidents (officer)", "backups (officer)", "backups (overseer)", "dossier page",
         "dossier plan", "incident page", "audit log (auditor)", "audit log (overseer)",
         "my work (officer)", "my work (staff)", "my work (appraiser)", "my work (approver)", "my work (overseer)",
         "overview (appraiser)", "overview (admin)", "search (officer)", "search (overseer)",
         "province view (overseer)", "province commune (overseer)", "province incidents (overseer)",
         "training courses (officer)", "training session (officer)", "training coverage (officer)",
         "training coverage (overseer)")


@pytest.fixture(scope="module")
def counts(template_database, tmp_path_factory) -> dict[str, tuple[tuple[int, int], tuple[int, int]]]:
    folder = tmp_path_factory.mktemp("statement-counts")
    if PG_URL:
        _truncate_all(PG_URL)
        url = PG_URL
    else:
        shutil.copyfile(template_database, folder / "db.sqlite3")
        url = f"sqlite:///{folder / 'db.sqlite3'}"
    app = create_app({"IR_DATABASE_URL": url, "IR_DATA_DIR": folder / "data", "SECRET_KEY": "test-secret-key",
                      "IR_CLOCK": FixedClock(BASE_TIME), "TESTING": True})
    try:
        small = _measure(app, SMALL)
        big = _measure(app, BIG)
    finally:
        app.extensions["ir_engine"].dispose()
    return {page: (small[page], big[page]) for page in PAGES}


def _measure(app, spec: SyntheticSpec) -> dict[str, tuple[int, int]]:
    session = app.extensions["ir_session_factory"]()
    try:
        seed_province(session, spec, app.extensions["ir_law"], response_data(app.config["IR_PLAYBOOKS_DIR"]),
                      PASSWORD)
        _training_records(session, spec, courses=2 if spec is SMALL else 12)
        session.commit()
        # The bigger province is read on its second page of every list: offsets cost nothing either.
        targets = _targets(session, spec.province_code, page=1 if spec is SMALL else 2)
    finally:
        session.close()
    clients: dict[str, WebClient] = {}
    measured = {}
    for page, (email, url) in targets.items():
        if email not in clients:
            clients[email] = WebClient(app.test_client())
            assert clients[email].login(email, PASSWORD).status_code == 302, email
        client = clients[email]
        assert client.get(url).status_code == 200, (page, url)
        measured[page] = _statements(app, lambda: client.get(url))
    return measured


def _training_records(session, spec: SyntheticSpec, courses: int) -> None:
    """Courses, sessions and attendance (accounts and named people) in every commune of the province
    (the synthetic seed does not make them yet)."""
    communes = session.scalars(select(Organisation).where(Organisation.slug.startswith(f"mp{spec.province_code}-"))).all()
    for commune in communes:
        users = session.scalars(select(User).where(User.organisation_id == commune.id)).all()
        for number in range(courses):
            course = TrainingCourse(commune_id=commune.id, title=f"Tập huấn {number}", created_at=BASE_TIME,
                                    topics=["incident-response", "awareness"])
            for day in (1, 2):
                item = TrainingSession(course=course, commune_id=commune.id, held_on=date(2026, 10, day + number % 20),
                                       created_at=BASE_TIME)
                item.attendees = [TrainingAttendance(commune_id=commune.id, person_key=f"user:{user.id}",
                                                     user_id=user.id, person_name=user.name, recorded_at=BASE_TIME)
                                  for user in users]
                item.attendees += [TrainingAttendance(commune_id=commune.id, person_key=f"name:người {n}",
                                                      person_name=f"Người {n}", person_role="staff",
                                                      recorded_at=BASE_TIME) for n in range(number + 1)]
            session.add(course)
    session.flush()


def _targets(session, code: str, page: int) -> dict[str, tuple[str, str]]:
    """Who loads which page: commune 1's people, the province overseer, and detail pages of records
    that have every kind of child (so each selectin load runs in both provinces)."""
    province = f"mp{code}"
    officer, auditor, overseer = (f"officer@{province}-0001.synth.vn", f"auditor@{province}-0001.synth.vn",
                                  f"overseer@{province}.synth.vn")
    in_province = Organisation.slug.startswith(f"{province}-")
    dossier, dossier_commune = session.execute(
        select(Dossier.id, Organisation.slug).join(Organisation, Organisation.id == Dossier.commune_id)
        .where(in_province, Dossier.state == "operating",
               exists().where(Review.dossier_id == Dossier.id, ReviewFinding.review_id == Review.id))
        .order_by(Dossier.id).limit(1)).one()
    incident, incident_commune = session.execute(
        select(Incident.id, Organisation.slug).join(Organisation, Organisation.id == Incident.commune_id)
        .where(in_province, Incident.state == "closed", Incident.is_confidential.is_(False),
               exists().where(Evidence.incident_id == Incident.id))
        .order_by(Incident.id).limit(1)).one()
    first_commune_id, first_commune_code = session.execute(
        select(Organisation.id, Organisation.code).where(Organisation.slug == f"{province}-0001")).one()
    training_session = session.scalar(select(TrainingSession.id).where(TrainingSession.commune_id == first_commune_id)
                                      .order_by(TrainingSession.id.desc()).limit(1))
    return {
        "overview (officer)": (officer, "/"), "overview (overseer)": (overseer, "/"),
        "systems (officer)": (officer, f"/systems/?page={page}"),
        "systems (overseer)": (overseer, f"/systems/?page={page}"),
        "dossiers (officer)": (officer, f"/dossiers/?page={page}"),
        "dossiers (overseer)": (overseer, f"/dossiers/?page={page}"),
        "incidents (officer)": (officer, f"/incidents/?page={page}"),
        "incidents (overseer)": (overseer, f"/incidents/?page={page}"),
        "overdue incidents (officer)": (officer, "/incidents/?overdue=1"),
        "backups (officer)": (officer, "/backups/"), "backups (overseer)": (overseer, f"/backups/?page={page}"),
        "dossier page": (f"officer@{dossier_commune}.synth.vn", f"/dossiers/{dossier}"),
        "dossier plan": (f"officer@{dossier_commune}.synth.vn", f"/dossiers/{dossier}/plan"),
        "incident page": (f"officer@{incident_commune}.synth.vn", f"/incidents/{incident}"),
        "audit log (auditor)": (auditor, f"/audit/?page={page}"),
        "audit log (overseer)": (overseer, f"/audit/?page={page}"),
        # "Việc của tôi" and the role dashboards: dossier steps, plan gaps, incident tasks and clocks,
        # backups, reviews… a fixed number of statements however many of each the commune has.
        "my work (officer)": (officer, "/work"), "my work (staff)": (f"staff@{province}-0001.synth.vn", "/work"),
        "my work (appraiser)": (f"appraiser@{province}-0001.synth.vn", "/work"),
        "my work (approver)": (f"approver@{province}-0001.synth.vn", "/work"),
        "my work (overseer)": (overseer, "/work"),
        "overview (appraiser)": (f"appraiser@{province}-0001.synth.vn", "/"),
        "overview (admin)": (f"admin@{province}.synth.vn", "/"),
        # The header's search box: one statement per group, however many records match.
        "search (officer)": (officer, "/search?q=mot+cua"), "search (overseer)": (overseer, "/search?q=cong+thong+tin"),
        # The province view: every commune's row, charts and drill-down in a fixed number of statements.
        "province view (overseer)": (overseer, "/province/"),
        "province commune (overseer)": (overseer, f"/province/communes/{first_commune_id}"),
        "province incidents (overseer)": (overseer, "/province/incidents?period=month"),
        # Training: courses with their sessions and attendance, one session, the coverage of the role requirements.
        "training courses (officer)": (officer, "/training/"),
        "training session (officer)": (officer, f"/training/sessions/{training_session}"),
        "training coverage (officer)": (officer, "/training/coverage"),
        "training coverage (overseer)": (overseer, f"/training/coverage?commune={first_commune_code}"),
    }


def _statements(app, callback) -> tuple[int, int]:
    """(statements other than a list's count, list counts): a list's count is skipped when its page
    is not full (web/pagination.py)."""
    engine, seen = app.extensions["ir_engine"], []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        callback()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    counts = sum(1 for statement in seen if LIST_COUNT.match(statement))
    return len(seen) - counts, counts


@pytest.mark.parametrize("page", PAGES)
def test_page_issues_as_many_statements_for_a_bigger_province(counts, page):
    (small, small_counts), (big, big_counts) = counts[page]
    assert big == small, f"{page}: {small} statements with the small province, {big} with the bigger one"
    assert small_counts <= 1 and big_counts <= 1, f"{page}: {small_counts} and {big_counts} list counts"
