"""Level dossiers: the wizard, the proposal, the workflow, the protection plan and reviews."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from sqlalchemy.orm import load_only, selectinload
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from ir_app.domain.regimes import article_sort_key
from ir_app.domain.text import whole_number
from ir_app.domain.state_machine import TransitionRefused, expand_roles
from ir_app.i18n_markers import N_
from ir_app.models import Dossier, InformationSystem, Review, Role, User, UserRole
from ir_app.models.org import ROLE_LABELS
from ir_app.services.authz import Permission, scope_query
from ir_app.services.dossiers import gates, protection, signed_decision
from ir_app.services.dossiers import lifecycle as dossiers
from ir_app.services.errors import ConflictError, ValidationFailed
from ir_app.services.fields import FieldSpec, parse_field
from ir_app.services.files import store_upload
from ir_app.services.lawdata import LawData
from ir_app.web.access import load_scoped, page_number, requires
from ir_app.web.context import actor, db, now
from ir_app.web.filters import localised
from ir_app.web.forms import (
    AppForm,
    SimpleForm,
    choice_list,
    expected_version,
    show_errors,
    spec_form,
)
from ir_app.web.pagination import paginate
from ir_app.web.row_fields import Column, RowGroup, adding_row, read_rows, shown_rows

bp = Blueprint("dossiers", __name__)

ReviewForm = spec_form("ReviewForm", protection.REVIEW_FIELDS, versioned=False)
PolicyForm = spec_form("PolicyForm", protection.POLICY_FIELDS, versioned=False)
DATE_FIELD = FieldSpec("date", "Ngày", "date")


class StartForm(AppForm):
    regime = SelectField(lazy_gettext("Chế độ pháp lý"), validate_choice=False)


PART_ROWS = RowGroup("parts", N_("Phân hệ có cấp độ riêng"), (
    Column("name", N_("Tên phân hệ"), max_length=200), Column("level", N_("Cấp độ (1–5)"), "number", max_length=2),
    Column("ground", N_("Căn cứ"), max_length=500)),
    help=N_("Hệ thống gồm nhiều phân hệ có cấp độ khác nhau thì lấy cấp độ cao nhất."))


FINDING_ROWS = RowGroup("findings", N_("Phát hiện"), (
    Column("requirement", N_("Mã yêu cầu"), max_length=32), Column("text", N_("Nội dung"), max_length=2000),
    Column("due", N_("Hạn khắc phục"), "date", max_length=10)),
    help=N_("Ví dụ: KT.DL.3 — Chưa thử khôi phục bản sao lưu — 31/01/2027. Để trống dòng không dùng."))


class ProposalForm(AppForm):
    proposed_level = SelectField(lazy_gettext("Cấp độ đề xuất"), validate_choice=False)
    justification = TextAreaField(lazy_gettext("Lý do đề xuất cấp độ cao hơn (đánh giá rủi ro, NĐ 331/2026 Đ10)"),
                                  render_kw={"rows": 3, "maxlength": 5000})
    risks = TextAreaField(lazy_gettext("Danh mục sơ bộ rủi ro an ninh mạng (Đ22.4.c) — mỗi dòng một rủi ro"),
                          render_kw={"rows": 4, "maxlength": 10000})
    version = HiddenField()  # rendered by hidden_tag(): a save from an outdated page is a conflict


class ActionForm(AppForm):
    comment = TextAreaField(lazy_gettext("Ý kiến / lý do"), render_kw={"rows": 2, "maxlength": 5000})
    request_number = StringField(lazy_gettext("Số công văn đề nghị thẩm định (nếu đã có)"),
                                 render_kw={"maxlength": 100})
    appraisal_number = StringField(lazy_gettext("Số văn bản ý kiến thẩm định"), render_kw={"maxlength": 100})
    appraisal_result = SelectField(lazy_gettext("Kết luận thẩm định"), validate_choice=False,
                                   choices=lambda: choice_list([("", _("— Chọn —"))] + [
                                       (value, _(label)) for value, label in dossiers.APPRAISAL_RESULTS]))
    appraisal_text = TextAreaField(lazy_gettext("Ý kiến về sự phù hợp của đề xuất cấp độ (điểm a khoản 1 Điều 23)"),
                                   render_kw={"rows": 4, "maxlength": 20000})
    appraisal_design_opinion = TextAreaField(
        lazy_gettext("Ý kiến về phương án bảo đảm an ninh mạng trong thiết kế (điểm b khoản 1 Điều 23)"),
        render_kw={"rows": 3, "maxlength": 20000})
    appraisal_operation_opinion = TextAreaField(
        lazy_gettext("Ý kiến về phương án bảo đảm an ninh mạng trong vận hành (điểm c khoản 1 Điều 23)"),
        render_kw={"rows": 3, "maxlength": 20000})
    appraisal_method = StringField(lazy_gettext("Hình thức thẩm định"), render_kw={"maxlength": 300},
                                   description=lazy_gettext("Ví dụ: nghiên cứu hồ sơ; họp thẩm định; lấy ý kiến bằng văn bản."))
    appraisal_by = StringField(lazy_gettext("Đơn vị/người thẩm định"), render_kw={"maxlength": 300})
    appraisal_on = StringField(lazy_gettext("Ngày thẩm định"), render_kw={"type": "date"})
    appraisal_file = FileField(lazy_gettext("Văn bản thẩm định (PDF, ảnh; bắt buộc với cấp độ 4–5)"))
    decision_number = StringField(lazy_gettext("Số quyết định phê duyệt"), render_kw={"maxlength": 100})
    decision_on = StringField(lazy_gettext("Ngày quyết định"), render_kw={"type": "date"})
    decision_signer = StringField(lazy_gettext("Người ký"), render_kw={"maxlength": 200})
    appraisal_body = SelectField(lazy_gettext("Ai thẩm định"), validate_choice=False,
                                 choices=lambda: choice_list([("", _("— Chọn —"))] + [
                                     (value, _(label)) for value, label in APPRAISAL_BODY_CHOICES]))
    appraisal_body_decision = StringField(lazy_gettext("Số quyết định giao đơn vị / thành lập Hội đồng thẩm định"),
                                          render_kw={"maxlength": 100})
    appraisal_body_decision_on = StringField(lazy_gettext("Ngày quyết định giao đơn vị / thành lập Hội đồng"),
                                             render_kw={"type": "date"})
    appraisal_council_members = TextAreaField(lazy_gettext("Thành viên Hội đồng thẩm định (mỗi dòng một người: "
                                                           "họ tên, chức vụ, đơn vị)"),
                                              render_kw={"rows": 3, "maxlength": 5000})
    version = StringField(render_kw={"type": "hidden"})


APPRAISAL_BODY_CHOICES = (
    ("specialised_unit", N_("Đơn vị chuyên trách về an ninh mạng (không đồng thời vận hành hệ thống)")),
    ("subordinate_unit", N_("Đơn vị trực thuộc được chủ quản giao (NĐ 331/2026 Đ18.4.a)")),
    ("independent_council", N_("Hội đồng thẩm định độc lập (NĐ 331/2026 Đ18.4.b)")),
    ("ministry", N_("Bộ Công an (cấp độ 4, 5)")),
)


class EvidenceForm(AppForm):
    file = FileField(lazy_gettext("Tệp minh chứng (PDF, ảnh, Word/Excel, ZIP; tối đa 10 MB)"))
    note = StringField(lazy_gettext("Ghi chú"), render_kw={"maxlength": 300})


def law() -> LawData:
    return current_app.extensions["ir_law"]


def _parse_date(value: str | None, name: str) -> date | None:
    """An empty date is left empty (the workflow guard then says what is missing); a date that
    cannot be read is refused next to its field, never taken as empty."""
    try:
        return parse_field(DATE_FIELD, value) if value else None
    except ValueError as error:
        raise ValidationFailed({name: str(error)}) from None


# --------------------------------------------------------------------------- list and start

# What the list shows: a dossier's answers, plans and appraisal texts (JSON decoded per row, the
# frozen plan is large) are left in the database.
LIST_COLUMNS = (
    load_only(Dossier.system_id, Dossier.commune_id, Dossier.state, Dossier.determined_level,
              Dossier.proposed_level, Dossier.step_due_on, Dossier.updated_at),
    selectinload(Dossier.system).load_only(InformationSystem.name),
    selectinload(Dossier.commune),
)


@bp.get("/dossiers/")
@requires(Permission.VIEW)
def index():
    query = select(Dossier).where(Dossier.state != "superseded").order_by(Dossier.updated_at.desc())
    query = scope_query(query, Dossier.commune_id, current_user).options(*LIST_COLUMNS)
    state = request.args.get("state", "")[:32]
    if state == "open":  # every dossier still on its way to approval (the overview's figure)
        query = query.where(Dossier.state.in_(dossiers.OPEN_STATES))
    elif state:
        query = query.where(Dossier.state == state)
    if request.args.get("overdue"):
        query = query.where(Dossier.step_due_on < _today())
    page = paginate(db(), query, page_number(), 25)
    return render_template("dossiers/index.html", page=page, workflow=law().workflow, args=request.args,
                           today=_today())


def _today() -> date:
    from ir_app.web.filters import to_local

    return to_local(now()).date()


@bp.get("/systems/<int:system_id>/dossier")
@requires(Permission.VIEW)
def for_system(system_id: int):
    system = load_scoped(InformationSystem, system_id, Permission.VIEW)
    dossier = dossiers.current_dossier(db(), system.id)
    if dossier is not None:
        return redirect(url_for("dossiers.detail", dossier_id=dossier.id))
    refusals = {regime.id: regime.new_dossier_refusal(_today(), system.investment_approved_on)
                for regime in law().regimes.values()}
    return render_template("dossiers/start.html", system=system, form=_start_form(), refusals=refusals)


def _start_form() -> StartForm:
    form = StartForm()
    form.regime.choices = choice_list((r.id, localised(r, "title")) for r in law().regimes.values())
    form.regime.data = form.regime.data or law().default_regime.id
    return form


@bp.post("/systems/<int:system_id>/dossier/start")
@requires(Permission.EDIT_DOSSIER)
def start(system_id: int):
    system = load_scoped(InformationSystem, system_id, Permission.EDIT_DOSSIER)
    form = _start_form()
    if form.validate_on_submit():
        regime = law().regimes.get(form.regime.data or "") or law().default_regime
        try:
            dossier = dossiers.start_dossier(db(), actor(), system, regime, now())
        except ValidationFailed as refused:
            db().rollback()
            flash(" ".join(refused.errors.values()), "error")  # e.g. NĐ 85 for a system not under Đ39.1
            return redirect(url_for("dossiers.for_system", system_id=system.id))
        db().commit()
        return redirect(url_for("dossiers.wizard", dossier_id=dossier.id, step_id=regime.wizard_steps[0].id))
    return redirect(url_for("dossiers.for_system", system_id=system.id))


# --------------------------------------------------------------------------- wizard

def _regime_of(dossier: Dossier):
    return law().regime(dossier.regime)


def _questions(regime, step_id: str, answers: dict) -> list:
    """The step's questions, skipping those the earlier answers make irrelevant."""
    values = {f.name: answers.get(f.name, f.default) for f in regime.input_fields}
    return [f for f in regime.input_fields if f.step == step_id and f.applies
            and (f.ask_when is None or f.ask_when.evaluate(values))]


@bp.route("/dossiers/<int:dossier_id>/wizard/<step_id>", methods=["GET", "POST"])
@requires(Permission.EDIT_DOSSIER)
def wizard(dossier_id: int, step_id: str):
    dossier = load_scoped(Dossier, dossier_id, Permission.EDIT_DOSSIER)
    regime = _regime_of(dossier)
    steps = [step.id for step in regime.wizard_steps]
    if step_id not in steps:
        abort(404)
    form = SimpleForm()
    errors: dict[str, str] = {}
    answers = dict(dossier.answers)
    if form.validate_on_submit():
        submitted = {f.name: (request.form.getlist(f.name) if f.type == "enum_list" else request.form.get(f.name))
                     for f in _questions(regime, step_id, answers)}
        try:
            dossiers.save_answers(db(), actor(), dossier, regime, step_id, submitted, now(),
                                  _int(request.form.get("version")))
        except ValidationFailed as failure:
            db().rollback()
            errors = failure.errors
            answers.update(_as_entered(regime, step_id, submitted))
        except ConflictError as conflict:
            db().rollback()
            errors = {"_": str(conflict)}
        else:
            db().commit()
            index = steps.index(step_id)
            if request.form.get("go") == "back" and index > 0:
                return redirect(url_for("dossiers.wizard", dossier_id=dossier.id, step_id=steps[index - 1]))
            if index + 1 < len(steps):
                return redirect(url_for("dossiers.wizard", dossier_id=dossier.id, step_id=steps[index + 1]))
            return redirect(url_for("dossiers.proposal", dossier_id=dossier.id))
    return render_template("dossiers/wizard.html", dossier=dossier, regime=regime, step_id=step_id, steps=steps,
                           field_articles=_field_articles(regime),
                           questions=_questions(regime, step_id, answers), answers=answers, errors=errors,
                           form=form), (422 if errors else 200)


def _as_entered(regime, step_id: str, submitted: dict) -> dict:
    """The step's answers as the user gave them, for the page drawn again after an error: each one
    read on its own (the text "không" is a truthy string, it must come back as «Không»); an answer
    that cannot be read stays as typed, next to its message."""
    entered = {}
    for name, value in submitted.items():
        try:
            entered.update(dossiers.parse_step_answers(regime, step_id, {name: value}))
        except ValidationFailed:
            entered[name] = value
    return entered


def _field_articles(regime) -> dict[str, list[str]]:
    """Which articles each question feeds, shown next to it."""
    cited: dict[str, set[str]] = {}
    for criterion in regime.criteria:
        for name in criterion.rule.fields():
            cited.setdefault(name, set()).add(criterion.article)
    return {name: [regime.cite(a) for a in sorted(articles, key=article_sort_key)] for name, articles in cited.items()}


def _int(value: str | None) -> int | None:
    return whole_number(value or "")


def _level(value: str | None) -> int | None:
    """The chosen level; something that is not a small whole number becomes 0, which the service
    refuses with its message (never the law's level chosen silently in its place)."""
    text = (value or "").strip()
    return (whole_number(text, 0, 99) or 0) if text else None


@bp.route("/dossiers/<int:dossier_id>/proposal", methods=["GET", "POST"])
@requires(Permission.EDIT_DOSSIER)
def proposal(dossier_id: int):
    dossier = load_scoped(Dossier, dossier_id, Permission.EDIT_DOSSIER)
    regime = _regime_of(dossier)
    form = ProposalForm()
    form.proposed_level.choices = choice_list((str(n), _("Cấp độ %(level)s", level=n)) for n in range(1, 6))
    decision, problem = _decision(dossier, regime)
    part_rows, parts_error = read_rows(request.form, PART_ROWS), None
    if request.method == "GET":
        form.proposed_level.data = str(dossier.proposed_level or dossier.determined_level or "")
        form.justification.data, form.risks.data = dossier.higher_level_justification, dossier.risks
        part_rows = [[p["name"], str(p["level"]), p.get("ground", "")] for p in dossier.parts or []]
        form.version.data = str(dossier.version)
    elif adding_row(request.form, PART_ROWS):
        pass  # "Thêm dòng" without JavaScript: draw one more row, save nothing
    elif form.validate_on_submit():
        try:
            parsed = dossiers.Proposal(_level(form.proposed_level.data), form.justification.data or "",
                                       form.risks.data or "", dossiers.parse_part_rows(part_rows),
                                       tuple(request.form.getlist("confirm_warnings"))[:20])
            dossiers.save_proposal(db(), actor(), dossier, regime, parsed, now(), expected_version(form))
        except ValidationFailed as failure:
            db().rollback()
            parts_error = failure.errors.pop("parts", None)
            show_errors(form, failure)
        except ConflictError as conflict:
            db().rollback()
            form.form_errors.append(str(conflict))
        else:
            db().commit()
            flash(_("Đã chốt cấp độ đề xuất: cấp độ %(level)s.", level=dossier.proposed_level), "success")
            return redirect(url_for("dossiers.detail", dossier_id=dossier.id))
    return render_template("dossiers/proposal.html", dossier=dossier, regime=regime, form=form,
                           decision=decision, problem=problem, open_warnings=gates.open_warnings(dossier, regime),
                           confirmed=set(request.form.getlist("confirm_warnings")), part_group=PART_ROWS,
                           part_rows=shown_rows(part_rows, PART_ROWS), parts_error=parts_error)


def _decision(dossier: Dossier, regime):
    try:
        return dossiers.decide(dossier, regime), None
    except dossiers.LevelInputError as error:
        return None, error


# --------------------------------------------------------------------------- detail and actions

@bp.get("/dossiers/<int:dossier_id>")
@requires(Permission.VIEW)
def detail(dossier_id: int):
    return detail_page(load_scoped(Dossier, dossier_id, Permission.VIEW))


def detail_page(dossier: Dossier, action_form: ActionForm | None = None, open_action: str | None = None,
                 status: int = 200, review_form: FlaskForm | None = None, finding_rows: list[list[str]] | None = None):
    """The dossier page; after a refused action (or review), that form stays open with what the user typed."""
    regime = _regime_of(dossier)
    # The plan's progress and the Quy chế are read once: shown on the page, and guards of its actions.
    progress = dossiers.plan_progress(db(), dossier, law())
    policy_problem = dossiers.policy_problem(db(), dossier, law(), _today())
    reviews = list(db().scalars(select(Review).where(Review.dossier_id == dossier.id)
                                .order_by(Review.reviewed_on.desc()).options(selectinload(Review.findings))))
    level = dossier.workflow_level
    actions = dossiers.actions_for(db(), current_user, dossier, law(), today=_today(),
                                   failures=dossiers.failures_from(dossier, law(), progress, policy_problem))
    return render_template(
        "dossiers/detail.html", dossier=dossier, regime=regime, workflow=law().workflow,
        actions=actions, action_form=action_form or ActionForm(), blank_action_form=ActionForm(formdata=None),
        open_action=open_action or _likely_next(actions),
        progress=progress, reviews=reviews, review_form=review_form or ReviewForm(),
        finding_group=FINDING_ROWS, finding_rows=finding_rows or shown_rows([], FINDING_ROWS, extra=3),
        next_review=protection.next_review_due(dossier, reviews, law()), today=_today(),
        policy_problem=policy_problem,
        independence=(regime.authority_for(level).independent_appraisal
                      if level and gates.independence_required(dossier, regime, dossier.system) else None),
        appraisal_bodies=dict(APPRAISAL_BODY_CHOICES),
        may_upload_signed=signed_decision.may_attach(current_user, dossier, law()),
        authority=regime.authority_for(level) if level else None,
        documents=regime.documents_for(level) if level else ()), status


def _likely_next(actions) -> str | None:
    """The action a user most likely takes next: the main one that is possible now (record the
    appraisal, not return the dossier), else the first possible one."""
    possible = [rule for rule, blocked in actions if not blocked]
    main = [rule for rule in possible if rule.style == "primary"]
    return next((rule.action for rule in main + possible), None)


# Actions that hand the dossier to someone else or end a step for good: shown once more, with what
# will happen and who takes the next step, before they are done.
CONFIRMED_ACTIONS = ("submit", "approve", "return", "reject")


@bp.post("/dossiers/<int:dossier_id>/actions/<action>")
@requires(Permission.VIEW)
def act(dossier_id: int, action: str):
    dossier = load_scoped(Dossier, dossier_id, Permission.VIEW)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if request.form.get("go") == "edit":  # back from the confirmation, to change what was typed
        return detail_page(dossier, form, action)
    state_before = law().workflow.state(dossier.state).title
    try:
        step = _step_input(form, dossier)
        dossiers.take_action(db(), current_user, actor(), dossier, action, step, law(), now(), expected_version(form))
    except TransitionRefused as refused:
        db().rollback()
        if refused.code in ("forbidden", "unknown_action"):
            abort(403 if refused.code == "forbidden" else 404)
        form.form_errors.append(refused.reason)
        return detail_page(dossier, form, action, 422)
    except ValidationFailed as failure:
        db().rollback()
        show_errors(form, failure)
        return detail_page(dossier, form, action, 422)
    except ConflictError as conflict:
        db().rollback()
        form.form_errors.append(str(conflict))
        return detail_page(dossier, form, action, 409)
    rule = law().workflow.action(action)
    if action in CONFIRMED_ACTIONS and request.form.get("confirmed") != "1":
        # Tried, not kept: the page says exactly what the confirmed action will do.
        outcome = {"state": law().workflow.state(dossier.state).title, "due_on": dossier.step_due_on,
                   "next": _next_handlers(dossier)}
        db().rollback()
        return render_template("dossiers/confirm.html", dossier=dossier, rule=rule, outcome=outcome,
                               state_before=state_before, entered=_entered(form), form=form)
    db().commit()
    flash(_("Đã thực hiện: %(action)s.", action=rule.label), "success")
    return redirect(url_for("dossiers.detail", dossier_id=dossier.id))


def _entered(form: ActionForm) -> list[tuple[str, str, str]]:
    """(name, label, value) of what the user typed, carried through the confirmation page."""
    return [(field.name, str(field.label.text), field.data) for field in form
            if field.name not in ("csrf_token", "appraisal_file") and field.data]


def _next_handlers(dossier: Dossier) -> list[tuple[str, list[str]]]:
    """Who takes the next step once the action is done: each role that may act on the dossier's
    new state, with the names of the commune's people holding it."""
    workflow, regime = law().workflow, _regime_of(dossier)
    aliases = law().role_aliases(regime, dossier.level)
    roles = sorted({role for rule in workflow.transitions if dossier.state in rule.from_states
                    for role in expand_roles(rule, aliases) if role != Role.ADMIN.value})
    people = db().scalars(select(User).join(UserRole).where(
        User.organisation_id == dossier.commune_id, User.is_active.is_(True), UserRole.role.in_(roles))
        .order_by(User.name)).unique()
    by_role: dict[str, list[str]] = {role: [] for role in roles}
    for person in people:
        for role in person.roles:
            if role.value in by_role:
                by_role[role.value].append(person.name)
    return [(_(ROLE_LABELS[Role(role)]), names) for role, names in by_role.items()]


def _step_input(form: ActionForm, dossier: Dossier) -> dossiers.StepInput:
    file_id = None
    upload = form.appraisal_file.data
    if upload and upload.filename:
        stored = store_upload(db(), actor(), commune_id=dossier.commune_id, filename=upload.filename,
                                         data=upload.read(), now=now(),
                                         max_bytes=current_app.config["IR_MAX_UPLOAD_BYTES"], field="appraisal_file")
        file_id = stored.id
    return dossiers.StepInput(
        comment=form.comment.data or "", request_number=form.request_number.data or "",
        appraisal_number=form.appraisal_number.data or "", appraisal_result=form.appraisal_result.data or None,
        appraisal_text=form.appraisal_text.data or "", appraisal_by=form.appraisal_by.data or "",
        appraisal_method=form.appraisal_method.data or "",
        appraisal_design_opinion=form.appraisal_design_opinion.data or "",
        appraisal_operation_opinion=form.appraisal_operation_opinion.data or "",
        appraisal_on=_parse_date(form.appraisal_on.data, "appraisal_on"), appraisal_file_id=file_id,
        decision_number=form.decision_number.data or "",
        decision_on=_parse_date(form.decision_on.data, "decision_on"),
        decision_signer=form.decision_signer.data or "", appraisal_body=form.appraisal_body.data or None,
        appraisal_body_decision=form.appraisal_body_decision.data or "",
        appraisal_body_decision_on=_parse_date(form.appraisal_body_decision_on.data, "appraisal_body_decision_on"),
        appraisal_council_members=form.appraisal_council_members.data or "")




# The files, reviews, policy and requirement pages live beside these views, on the same blueprint.
from ir_app.web.dossiers import records  # noqa: E402,F401
