"""The commune's measures: list with filters and bulk edit, one measure, create/edit, evidence,
adopting the starter library, XLSX export."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_wtf.file import FileField
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SelectField, StringField

from ir_app.domain.measures import MeasureLibrary
from ir_app.models import InformationSystem, Measure, Organisation, User
from ir_app.services import audit
from ir_app.services.authz import Permission
from ir_app.services.errors import ConflictError, ValidationFailed
from ir_app.services.lawdata import LawData
from ir_app.services.measures import export as spreadsheet
from ir_app.services.measures import library as starter
from ir_app.services.measures import register
from ir_app.web.access import database_id, load_scoped, page_number, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import (
    NO_CHOICE,
    AppForm,
    CheckboxListField,
    SimpleForm,
    choice_list,
    expected_version,
    form_values,
    spec_form,
    submit,
)
from ir_app.web.inventory import target_commune
from ir_app.web.pagination import paginate

bp = Blueprint("measures", __name__)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 100  # a commune's whole starter library fits on one page, so one bulk edit covers it


class MeasureForm(spec_form("MeasureFields", register.MEASURE_FIELDS)):  # type: ignore[misc]
    owner_id = SelectField(lazy_gettext("Người phụ trách"), validate_choice=False)
    system_ids = CheckboxListField(lazy_gettext("Hệ thống áp dụng (phạm vi «các hệ thống được chọn»; "
                                                "với biện pháp kế thừa: để trống = mọi hệ thống)"),
                                   validate_choice=False)


class BulkForm(spec_form("BulkFields", register.BULK_FIELDS, versioned=False)):  # type: ignore[misc]
    owner_id = SelectField(lazy_gettext("Người phụ trách"), validate_choice=False)
    clear_owner = BooleanField(lazy_gettext("Bỏ người phụ trách"))


class EvidenceForm(AppForm):
    file = FileField(lazy_gettext("Tệp minh chứng (PDF, ảnh, Word/Excel, ZIP; tối đa 10 MB)"))
    note = StringField(lazy_gettext("Ghi chú"), render_kw={"maxlength": 300})


def law() -> LawData:
    return current_app.extensions["ir_law"]


def library() -> MeasureLibrary:
    return starter.load_starter_library(current_app.config["IR_LEVEL_DOSSIERS_DIR"], law().catalogue)


def commune_users(commune: Organisation) -> list[User]:
    return list(db().scalars(select(User).where(User.organisation_id == commune.id, User.is_active.is_(True))
                             .order_by(User.name)))


def commune_systems(commune: Organisation) -> list[InformationSystem]:
    return list(db().scalars(select(InformationSystem).where(InformationSystem.commune_id == commune.id)
                             .order_by(InformationSystem.code)))


def _owner_choices(commune: Organisation) -> list:
    return choice_list([("", _(NO_CHOICE))] + [(str(user.id), user.name) for user in commune_users(commune)])


def measure_form(commune: Organisation) -> MeasureForm:
    form = MeasureForm()
    form.owner_id.choices = _owner_choices(commune)
    form.system_ids.choices = choice_list((str(s.id), f"{s.code} — {s.name}") for s in commune_systems(commune))
    return form


def bulk_form(commune: Organisation) -> BulkForm:
    form = BulkForm()
    form.owner_id.choices = _owner_choices(commune)
    return form


def _fill(form: MeasureForm, measure: Measure) -> None:
    """The form as the record stands, so posting it unchanged changes nothing."""
    for name in form.field_names:
        value = measure.requirement_ids if name == "requirements" else getattr(measure, name)
        if name == "requirements":
            form[name].data = ", ".join(value)
        elif name == "levels":
            form[name].data = [str(level) for level in value or []]
        elif name in ("planned_on", "in_place_since"):
            form[name].data = value.isoformat() if value else ""
        else:
            form[name].data = value
    form.owner_id.data = str(measure.owner_id or "")
    form.system_ids.data = [str(system_id) for system_id in measure.system_ids]
    form.version.data = str(measure.version)


def _extra(form: MeasureForm) -> register.MeasureInput:
    owner = (form.owner_id.data or "").strip()
    systems = tuple(database_id(value) or 0 for value in form.system_ids.data or [])
    return register.MeasureInput(owner_id=(database_id(owner) or 0) if owner else None, system_ids=systems)


# --------------------------------------------------------------------------- list, bulk edit, export

def _filter(args=None) -> register.MeasureFilter:
    args = request.args if args is None else args
    return register.MeasureFilter(status=args.get("status", "")[:16], category=args.get("category", "")[:16],
                                  requirement=args.get("requirement", "").strip()[:32],
                                  system_id=database_id(args.get("system")))


@bp.get("/measures/")
@requires(Permission.VIEW)
def index():
    commune = target_commune(Permission.VIEW)
    return _list_page(commune, request.args, bulk_form(commune))


def _list_page(commune: Organisation, args, bulk: BulkForm, ticked: frozenset[str] = frozenset(), status: int = 200):
    """The register; after a refused bulk edit, with the user's ticks and values as they sent them."""
    chosen = _filter(args)
    page = paginate(db(), register.measures_query(commune.id, chosen), page_number(), PAGE_SIZE)
    adopted = starter.adopted_ids(db(), commune.id, library().id)
    systems = commune_systems(commune)
    filters = {**args.to_dict(), "commune": commune.code}
    return render_template("measures/index.html", commune=commune, page=page, args=args, filters=filters,
                           chosen=chosen, systems=systems, system_names={s.id: s.name for s in systems},
                           labels=_labels(), bulk=bulk, ticked=ticked, form=SimpleForm(), library=library(),
                           to_adopt=len(library().measures) - len(adopted)), status


def _labels() -> dict[str, str]:
    return {key: _(label) for key, label in (*register.CATEGORY_CHOICES, *register.SCOPE_CHOICES,
                                             *register.STATUS_CHOICES)}


@bp.get("/measures/adopt")
@requires(Permission.EDIT_DOSSIER)
def confirm_adopt():
    """What adopting the starter library will do, before it is done."""
    commune = target_commune(Permission.EDIT_DOSSIER)
    have = starter.adopted_ids(db(), commune.id, library().id)
    new = [item for item in library().measures if item.id not in have]
    by_category = {key: [item for item in new if item.category == key] for key, _label in register.CATEGORY_CHOICES}
    return render_template("measures/confirm_adopt.html", commune=commune, library=library(), new=new,
                           kept=len(have), by_category={k: v for k, v in by_category.items() if v},
                           labels=_labels(), form=SimpleForm())


@bp.post("/measures/adopt")
@requires(Permission.EDIT_DOSSIER)
def adopt():
    commune = target_commune(Permission.EDIT_DOSSIER)
    if request.form.get("confirmed") != "1":  # one click never adopts 60-odd measures: confirm first
        return redirect(url_for("measures.confirm_adopt", commune=commune.code))
    if SimpleForm().validate_on_submit():
        created = starter.adopt_library(db(), actor(), commune, library(), now())
        db().commit()
        flash(_("Đã áp dụng bộ biện pháp mẫu: %(count)s biện pháp mới (trạng thái «Dự kiến»; hãy giao người "
                "phụ trách và cập nhật tình trạng).", count=len(created)), "success")
    return redirect(url_for("measures.index", commune=commune.code))


@bp.post("/measures/bulk")
@requires(Permission.EDIT_DOSSIER)
def bulk():
    commune = target_commune(Permission.EDIT_DOSSIER)
    form = bulk_form(commune)
    if not form.validate_on_submit():
        return _refused_bulk(commune, form)
    selection = register.parse_selection(request.form.getlist("ids"))
    owner = (form.owner_id.data or "").strip()
    try:
        count = register.bulk_update(db(), actor(), commune, selection, form_values(form),
                                     (database_id(owner) or 0) if owner else None, now(),
                                     clear_owner=bool(form.clear_owner.data))
    except ValidationFailed as refused:
        db().rollback()
        for name, message in refused.errors.items():
            (form[name].errors if name in form else form.form_errors).append(message)
        return _refused_bulk(commune, form)
    except ConflictError as refused:
        db().rollback()
        flash(str(refused), "error")
        return redirect(_back_to_list(commune))
    db().commit()
    flash(_("Đã cập nhật %(count)s biện pháp.", count=count), "success")
    return redirect(_back_to_list(commune))


def _refused_bulk(commune: Organisation, form: BulkForm):
    """Redraw the list the user was on with their ticks and values kept, the refusal beside its field."""
    kept = MultiDict({name: request.form.get(f"keep_{name}", "")[:32]
                      for name in ("status", "category", "requirement", "system") if request.form.get(f"keep_{name}")})
    return _list_page(commune, kept, form, frozenset(request.form.getlist("ids")), 422)


def _back_to_list(commune: Organisation) -> str:
    """The list with the filters the user had (only known filter names travel)."""
    kept = {name: request.form.get(f"keep_{name}", "")[:32] for name in ("status", "category", "requirement",
                                                                          "system")}
    return url_for("measures.index", commune=commune.code, **{k: v for k, v in kept.items() if v})


@bp.get("/measures/export.xlsx")
@requires(Permission.DOWNLOAD)
def export():
    commune = target_commune(Permission.DOWNLOAD)
    measures = list(db().scalars(register.measures_query(commune.id, _filter()).options(
        selectinload(Measure.evidence))))
    names = {system.id: system.name for system in commune_systems(commune)}
    audit.record(db(), actor(), "export", now=now(), object_type="measure", commune_id=commune.id,
                 summary=f"Xuất {len(measures)} biện pháp (XLSX)")
    db().commit()
    return Response(spreadsheet.export_measures(measures, names), mimetype=XLSX_MIME, headers={
        "Content-Disposition": f"attachment; filename=bien-phap-{commune.slug}.xlsx"})


# --------------------------------------------------------------------------- one measure

@bp.route("/measures/new", methods=["GET", "POST"])
@requires(Permission.EDIT_DOSSIER)
def create():
    commune = target_commune(Permission.EDIT_DOSSIER)
    form = measure_form(commune)
    if request.method == "GET":
        form.status.data, form.category.data, form.scope.data = "planned", "management", "commune"
        form.requirements.data = request.args.get("requirement", "")[:32]
    elif form.validate_on_submit():
        created = []
        if submit(form, lambda: created.append(register.save_measure(
                db(), actor(), commune, form_values(form), _extra(form), law().catalogue, now())),
                _("Đã thêm biện pháp.")):
            return redirect(url_for("measures.detail", measure_id=created[0].id))
    return render_template("measures/edit.html", form=form, commune=commune, measure=None), \
        (422 if form.errors or form.form_errors else 200)


@bp.get("/measures/<int:measure_id>")
@requires(Permission.VIEW)
def detail(measure_id: int):
    measure = load_scoped(Measure, measure_id, Permission.VIEW)
    catalogue = law().catalogue
    requirements = []
    for requirement_id in measure.requirement_ids:
        try:
            requirements.append(catalogue.requirement(requirement_id))
        except KeyError:  # a catalogue update dropped the row: still show the id
            requirements.append(None)
    systems = commune_systems(measure.commune)
    applies = [s for s in systems if measure.scope == "commune" or s.id in measure.system_ids
               or (measure.scope == "inherited" and not measure.system_ids)]
    return render_template("measures/detail.html", measure=measure, requirements=requirements,
                           requirement_ids=measure.requirement_ids, systems=applies, labels=_labels(),
                           evidence_form=EvidenceForm(), catalogue=catalogue)


@bp.route("/measures/<int:measure_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_DOSSIER)
def edit(measure_id: int):
    measure = load_scoped(Measure, measure_id, Permission.EDIT_DOSSIER)
    commune = measure.commune
    form = measure_form(commune)
    if request.method == "GET":
        _fill(form, measure)
    elif form.validate_on_submit():
        if submit(form, lambda: register.save_measure(db(), actor(), commune, form_values(form), _extra(form),
                                                      law().catalogue, now(), measure, expected_version(form)),
                  _("Đã lưu biện pháp.")):
            return redirect(url_for("measures.detail", measure_id=measure.id))
    return render_template("measures/edit.html", form=form, commune=commune, measure=measure), \
        (422 if form.errors or form.form_errors else 200)


@bp.post("/measures/<int:measure_id>/evidence")
@requires(Permission.EDIT_DOSSIER)
def add_evidence(measure_id: int):
    measure = load_scoped(Measure, measure_id, Permission.EDIT_DOSSIER)
    form = EvidenceForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            register.add_evidence(db(), actor(), measure, upload.filename if upload else "",
                                  upload.read() if upload else b"", form.note.data or "", now(),
                                  current_app.config["IR_MAX_UPLOAD_BYTES"])
        except ValidationFailed as failure:
            db().rollback()
            flash(" ".join(failure.errors.values()), "error")
        else:
            db().commit()
            flash(_("Đã thêm minh chứng."), "success")
    return redirect(url_for("measures.detail", measure_id=measure.id, _anchor="evidence"))
