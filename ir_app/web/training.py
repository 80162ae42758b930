"""Tập huấn: the commune's courses and sessions, attendance by ticking the commune's people, and
the coverage of the role requirements (page and XLSX). Officers and staff record; overseers read
the communes of their province."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField

from ir_app.datafiles.training import training_rules_in
from ir_app.domain.training import EXPIRING, MET, MISSING, TrainingRules
from ir_app.i18n_markers import N_
from ir_app.models.org import ROLE_LABELS
from ir_app.models.training import TrainingCourse, TrainingSession
from ir_app.services import audit
from ir_app.services.authz import Permission
from ir_app.services.files import store_upload
from ir_app.services.training import courses
from ir_app.services.training.coverage import commune_coverage
from ir_app.services.training.export import coverage_xlsx
from ir_app.web.access import load_scoped, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import (AppForm, CheckboxListField, choice_list, expected_version, fill_form, form_values,
                              spec_form, submit)
from ir_app.web.incidents.common import attachment
from ir_app.web.inventory import XLSX_MIME, target_commune
from ir_app.web.local_time import local_today

bp = Blueprint("training", __name__, url_prefix="/training")
# The words beside each coloured cell (never the colour alone), translated in the page.
STATE_WORDS = {MET: N_("Đạt"), EXPIRING: N_("Sắp hết hạn"), MISSING: N_("Thiếu")}
SessionForm = spec_form("TrainingSessionForm", courses.SESSION_FIELDS, versioned=False)
SessionForm.certificate = FileField(lazy_gettext("Giấy chứng nhận (tệp)"))
SessionForm.attendance_sheet = FileField(lazy_gettext("Danh sách điểm danh có chữ ký (tệp)"))


def rules() -> TrainingRules:
    return training_rules_in(current_app.extensions["ir_law"].folder)


def _course_form():
    return spec_form("TrainingCourseForm", courses.course_fields(rules()), versioned=False)()


def _edit_page(record, form, save, title: str, back: str):
    """One page to correct a course or a session: the saved values, version-checked on save."""
    status = 200
    if request.method == "GET":
        fill_form(form, record)
    elif form.validate_on_submit():
        outcome = submit(form, lambda: save(form_values(form), expected_version(form)), _("Đã lưu thay đổi."))
        if outcome:
            return redirect(back)
        status = outcome.status
    else:
        status = 422
    return render_template("training/edit.html", form=form, title=title, back=back), status


def _index_page(commune, form, status: int = 200):
    return render_template("training/index.html", commune=commune, form=form, rules=rules(),
                           items=courses.courses_of(db(), commune.id)), status


@bp.get("/")
@requires(Permission.VIEW)
def index():
    return _index_page(target_commune(Permission.VIEW), _course_form())


@bp.post("/")
@requires(Permission.RECORD_TRAINING)
def create():
    commune = target_commune(Permission.RECORD_TRAINING)
    form = _course_form()
    created = {}
    if form.validate_on_submit() and submit(form, lambda: created.setdefault("course", courses.create_course(
            db(), actor(), commune, form_values(form), rules(), now())), _("Đã ghi nhận khóa tập huấn.")):
        return redirect(url_for("training.course", course_id=created["course"].id))
    return _index_page(commune, form, 422)


def _course_page(course: TrainingCourse, form, status: int = 200):
    return render_template("training/course.html", course=course, form=form, rules=rules(),
                           organisers=dict(courses.ORGANISER_CHOICES)), status


@bp.get("/courses/<int:course_id>")
@requires(Permission.VIEW)
def course(course_id: int):
    return _course_page(load_scoped(TrainingCourse, course_id, Permission.VIEW), SessionForm(formdata=None))


@bp.post("/courses/<int:course_id>")  # the page's own address: the form fuzzer finds its fields
@requires(Permission.RECORD_TRAINING)
def add_session(course_id: int):
    course = load_scoped(TrainingCourse, course_id, Permission.RECORD_TRAINING)
    form = SessionForm()
    added = {}

    def action():
        files = {}
        for name in ("certificate", "attendance_sheet"):
            upload = form[name].data
            if upload and upload.filename:
                files[name] = store_upload(db(), actor(), commune_id=course.commune_id, filename=upload.filename,
                                           data=upload.read(), now=now(), field=name)
        added["session"] = courses.add_session(db(), actor(), course, form_values(form), now(), local_today(),
                                               **files)

    if form.validate_on_submit() and submit(form, action, _("Đã ghi nhận buổi học. Hãy đánh dấu người tham dự.")):
        return redirect(url_for("training.session", session_id=added["session"].id))
    return _course_page(course, form, 422)


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@requires(Permission.RECORD_TRAINING)
def edit_course(course_id: int):
    course = load_scoped(TrainingCourse, course_id, Permission.RECORD_TRAINING)
    form = spec_form("TrainingCourseEditForm", courses.course_fields(rules()))()
    return _edit_page(course, form, lambda values, version: courses.update_course(
        db(), actor(), course, values, rules(), now(), version), _("Sửa khóa tập huấn"),
        url_for("training.course", course_id=course.id))


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@requires(Permission.RECORD_TRAINING)
def edit_session(session_id: int):
    item = load_scoped(TrainingSession, session_id, Permission.RECORD_TRAINING)
    form = spec_form("TrainingSessionEditForm", courses.SESSION_FIELDS)()
    return _edit_page(item, form, lambda values, version: courses.update_session(
        db(), actor(), item, values, now(), local_today(), version), _("Sửa buổi học"),
        url_for("training.session", session_id=item.id))


def _attendance_form(item: TrainingSession, formdata=None):
    """Every account of the commune and every named person already listed, to tick; three blank
    rows for people without an account."""
    users = courses.commune_users(db(), item.commune_id)
    people = [(f"user:{user.id}", user.name) for user in users]
    listed = {key for key, _name in people}
    people += [(row.person_key, row.person_name) for row in item.attendees if row.person_key not in listed]
    attributes = {"attended": CheckboxListField(choices=choice_list(people), validate_choice=False),
                  "passed": CheckboxListField(choices=choice_list(people), validate_choice=False),
                  "version": HiddenField()}
    roles = choice_list([("", _("— Chọn vai trò —"))] + [(key, _(label)) for key, label in courses.NAMED_ROLE_CHOICES])
    for index in range(1, courses.NAMED_ROWS + 1):
        attributes[f"name_{index}"] = StringField(_("Họ tên"), render_kw={"maxlength": 200})
        attributes[f"role_{index}"] = SelectField(_("Vai trò"), choices=roles, validate_choice=False)
        attributes[f"position_{index}"] = StringField(_("Chức vụ"), render_kw={"maxlength": 200})
        attributes[f"passed_{index}"] = BooleanField(_("Đạt"), default=True)
    form = type("AttendanceForm", (AppForm,), attributes)(formdata=formdata)
    if formdata is None:
        form.attended.data = [row.person_key for row in item.attendees]
        form.passed.data = [row.person_key for row in item.attendees if row.passed]
        form.version.data = str(item.version)
    return form, users


def _session_page(item: TrainingSession, form, users, status: int = 200):
    active = {user.id for user in users}
    others = [row for row in item.attendees if row.user_id not in active]  # named people, disabled accounts
    return render_template("training/session.html", item=item, form=form, users=users, others=others,
                           role_labels=ROLE_LABELS, named_roles=dict(courses.NAMED_ROLE_CHOICES),
                           named_rows=range(1, courses.NAMED_ROWS + 1)), status


@bp.get("/sessions/<int:session_id>")
@requires(Permission.VIEW)
def session(session_id: int):
    item = load_scoped(TrainingSession, session_id, Permission.VIEW)
    form, users = _attendance_form(item)
    return _session_page(item, form, users)


@bp.post("/sessions/<int:session_id>")
@requires(Permission.RECORD_TRAINING)
def attendance(session_id: int):
    item = load_scoped(TrainingSession, session_id, Permission.RECORD_TRAINING)
    form, users = _attendance_form(item, request.form)

    def action():
        named = [courses.NamedAttendee(form[f"name_{index}"].data or "", form[f"role_{index}"].data or "",
                                       form[f"position_{index}"].data or "", bool(form[f"passed_{index}"].data))
                 for index in range(1, courses.NAMED_ROWS + 1)]
        courses.record_attendance(db(), actor(), item, form.attended.data or [], form.passed.data or [], named,
                                  now(), expected_version(form))

    outcome = submit(form, action, _("Đã lưu danh sách tham dự.")) if form.validate_on_submit() else None
    if outcome:
        return redirect(url_for("training.session", session_id=item.id))
    return _session_page(item, form, users, outcome.status if outcome is not None else 422)


@bp.get("/coverage")
@requires(Permission.VIEW)
def coverage():
    commune = target_commune(Permission.VIEW)
    found = commune_coverage(db(), commune.id, rules(), local_today())
    return render_template("training/coverage.html", commune=commune, coverage=found, rules=rules(),
                           state_labels=STATE_WORDS, today=local_today())


@bp.get("/coverage.xlsx")
@requires(Permission.DOWNLOAD)
def coverage_spreadsheet():
    commune = target_commune(Permission.DOWNLOAD)
    today = local_today()
    content = coverage_xlsx(commune, commune_coverage(db(), commune.id, rules(), today), rules(), today)
    audit.record(db(), actor(), "export", now=now(), object_type="organisation", object_id=commune.id,
                 commune_id=commune.id, summary="Tình hình tập huấn theo yêu cầu (XLSX)")
    db().commit()
    return attachment(content, XLSX_MIME, f"tap-huan-{commune.code}-{today:%Y%m%d}.xlsx")
