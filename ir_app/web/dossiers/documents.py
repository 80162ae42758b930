"""Dossier documents: one by one, a dossier ZIP, a commune bundle, reports; template management."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import StringField

from ir_app.documents.catalog import DocumentCatalogue, load_documents
from ir_app.documents.context import field_reference
from ir_app.documents.render import DocumentError, check_template
from ir_app.domain.text import whole_number
from ir_app.models import DocumentTemplate, Dossier, Review
from ir_app.services import audit, pdf_copies
from ir_app.services.authz import Permission
from ir_app.services.dossiers import annual_report as annual
from ir_app.services.dossiers import documents
from ir_app.services.errors import ValidationFailed
from ir_app.services.fields import FieldSpec, parse_field
from ir_app.services.lawdata import LawData
from ir_app.web.access import load_scoped, requires
from ir_app.web.context import actor, db, now
from ir_app.web.filters import to_local
from ir_app.web.forms import AppForm, SimpleForm
from ir_app.web.inventory import target_commune

bp = Blueprint("documents", __name__)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
DOCX_ONLY = frozenset({"application/zip"})
DATE_FIELD = FieldSpec("issued_on", "Ngày ban hành", "date")


class DocumentNumberForm(AppForm):
    number = StringField(lazy_gettext("Số văn bản"), render_kw={"maxlength": 100, "placeholder": "12"})
    issued_on = StringField(lazy_gettext("Ngày ban hành"), render_kw={"type": "date"})


class TemplateUploadForm(AppForm):
    file = FileField(lazy_gettext("Tệp mẫu .docx thay thế"))


def catalogue() -> DocumentCatalogue:
    folder = current_app.config["IR_LEVEL_DOSSIERS_DIR"]
    return load_documents(folder / "documents.yaml", folder / "templates")


def law() -> LawData:
    return current_app.extensions["ir_law"]


def _attachment(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.app_template_global()
def pdf_available() -> bool:
    """For the PDF buttons: a link where LibreOffice is installed, how to install it elsewhere."""
    return pdf_copies.find_soffice(current_app.config["IR_SOFFICE"]) is not None


def _wants_pdf() -> bool:
    return (request.endpoint or "").endswith("_pdf")


def _document_response(data: bytes, filename: str, back: str, audit_target: tuple[str, int, int], summary: str):
    """The DOCX, or its PDF copy when the `…_pdf` route was asked (back to `back` with the reason
    when LibreOffice is missing or fails). The download is audited either way."""
    extension = "pdf" if _wants_pdf() else "docx"
    if extension == "pdf":
        try:
            data = pdf_copies.convert(data, Path(current_app.config["IR_DATA_DIR"]),
                                      pdf_copies.find_soffice(current_app.config["IR_SOFFICE"]),
                                      current_app.config["IR_PDF_TIMEOUT_SECONDS"])
        except pdf_copies.PdfUnavailable as unavailable:
            flash(_(str(unavailable)), "error")
            return redirect(back)
    object_type, object_id, commune_id = audit_target
    _audit_download(object_type, object_id, commune_id, summary if extension == "docx" else f"{summary} — bản PDF")
    return _attachment(data, PDF if extension == "pdf" else DOCX, f"{filename}.{extension}")


def _audit_download(object_type: str, object_id, commune_id: int, summary: str) -> None:
    audit.record(db(), actor(), "download", now=now(), object_type=object_type, object_id=object_id,
                 commune_id=commune_id, summary=summary)
    db().commit()


@bp.get("/dossiers/<int:dossier_id>/documents")
@requires(Permission.VIEW)
def index(dossier_id: int):
    dossier = load_scoped(Dossier, dossier_id, Permission.VIEW)
    return _index_page(dossier, documents.load_dossier(db(), dossier.id, law()))


def _index_page(dossier: Dossier, records, refused: dict | None = None, status: int = 200):
    """The dossier's documents; ``refused``: the number form the clerk sent back with an error, shown
    again with what was typed and the reason next to it."""
    statuses = documents.dossier_documents(catalogue(), records, law(), now())
    return render_template("documents/dossier.html", dossier=dossier, statuses=statuses,
                           number_form=DocumentNumberForm(), fill_link=fill_link, refused=refused or {}), status


@bp.post("/dossiers/<int:dossier_id>/documents/<doc_key>/number")
@requires(Permission.EDIT_DOSSIER)
def record_number(dossier_id: int, doc_key: str):
    """The clerk's number and date of an issued document, recorded once."""
    dossier = load_scoped(Dossier, dossier_id, Permission.EDIT_DOSSIER)
    records = documents.load_dossier(db(), dossier.id, law())
    status = next((s for s in documents.dossier_documents(catalogue(), records, law(), now())
                   if s.spec.key == doc_key), None)
    form = DocumentNumberForm()
    if status is None:
        flash(_("Văn bản này không thuộc hồ sơ ở cấp độ hiện tại."), "error")
        return redirect(url_for("documents.index", dossier_id=dossier.id))
    if not form.validate_on_submit():
        return _index_page(dossier, records, _refused(doc_key, form, _("Hãy kiểm tra số và ngày ban hành.")), 422)
    try:
        issued_on = parse_field(DATE_FIELD, form.issued_on.data) if form.issued_on.data else None
        documents.record_document_number(db(), actor(), records, status.spec, form.number.data or "",
                                         issued_on, now())
    except ValueError as error:
        db().rollback()
        return _index_page(dossier, records, _refused(
            doc_key, form, _("Ngày ban hành không hợp lệ: %(error)s", error=error)), 422)
    except ValidationFailed as failure:
        db().rollback()
        return _index_page(dossier, records, _refused(doc_key, form, " ".join(failure.errors.values())), 422)
    db().commit()
    flash(_("Đã ghi số, ngày ban hành của «%(name)s».", name=status.spec.display_name), "success")
    return redirect(url_for("documents.index", dossier_id=dossier.id))


def _refused(doc_key: str, form, message: str) -> dict:
    return {"key": doc_key, "number": form.number.data or "", "issued_on": form.issued_on.data or "",
            "message": message}


def _document_of(dossier_id: int, doc_key: str):
    """The dossier (access checked), its records, and the status of one of its documents (None: not
    a document of this dossier at its current level)."""
    dossier = load_scoped(Dossier, dossier_id, Permission.DOWNLOAD)
    records = documents.load_dossier(db(), dossier.id, law())
    status = next((s for s in documents.dossier_documents(catalogue(), records, law(), now())
                   if s.spec.key == doc_key), None)
    return dossier, records, status


@bp.get("/dossiers/<int:dossier_id>/documents/<doc_key>.docx")
@bp.get("/dossiers/<int:dossier_id>/documents/<doc_key>.pdf", endpoint="download_pdf")
@requires(Permission.DOWNLOAD)
def download(dossier_id: int, doc_key: str):
    dossier, records, status = _document_of(dossier_id, doc_key)
    if status is None:
        flash(_("Văn bản này không thuộc hồ sơ ở cấp độ hiện tại."), "error")
        return redirect(url_for("documents.index", dossier_id=dossier.id))
    if not status.ready:
        flash(_("Chưa tạo được «%(name)s». Còn thiếu: %(missing)s.", name=status.spec.display_name,
                missing=", ".join(status.missing)), "error")
        return redirect(url_for("documents.index", dossier_id=dossier.id))
    try:
        data = documents.render_one(db(), catalogue(), status.spec,
                                    documents.dossier_context(records, status.spec, law(), now()), records)
    except DocumentError as error:
        flash(_("Không tạo được văn bản: %(error)s", error=error), "error")
        return redirect(url_for("documents.index", dossier_id=dossier.id))
    return _document_response(data, status.spec.filename, url_for("documents.index", dossier_id=dossier.id),
                              ("dossier", dossier.id, dossier.commune_id), f"Tải {status.spec.filename}.docx")


@bp.get("/dossiers/<int:dossier_id>/documents/<doc_key>.draft.docx")
@bp.get("/dossiers/<int:dossier_id>/documents/<doc_key>.draft.pdf", endpoint="download_draft_pdf")
@requires(Permission.DOWNLOAD)
def download_draft(dossier_id: int, doc_key: str):
    """A draft at any time, before every field is filled: watermarked, missing fields highlighted."""
    dossier, records, status = _document_of(dossier_id, doc_key)
    if status is None:
        flash(_("Văn bản này không thuộc hồ sơ ở cấp độ hiện tại."), "error")
        return redirect(url_for("documents.index", dossier_id=dossier.id))
    try:
        data = documents.render_draft_one(db(), catalogue(), status.spec,
                                          documents.dossier_context(records, status.spec, law(), now()), records)
    except DocumentError as error:
        flash(_("Không tạo được văn bản: %(error)s", error=error), "error")
        return redirect(url_for("documents.index", dossier_id=dossier.id))
    return _document_response(data, f"du-thao-{status.spec.filename}", url_for("documents.index", dossier_id=dossier.id),
                              ("dossier", dossier.id, dossier.commune_id), f"Tải bản dự thảo {status.spec.filename}.docx")


def fill_link(path: str, dossier: Dossier) -> str:
    """The page whose form fills a document field (shown next to "Còn thiếu")."""
    if path.startswith(("owner.", "document.signer", "document.issuer", "document.issuing_authority",
                        "document.place", "specialised_unit.", "appraiser.")):
        return url_for("organisations.detail", org_id=dossier.commune_id)
    if path.startswith(("operator.", "system.")):
        return url_for("inventory.edit", system_id=dossier.system_id)
    if path.startswith("dossier.plan"):
        return url_for("measures.plan", dossier_id=dossier.id)
    if path.startswith(("dossier.proposed_level", "dossier.reasons", "dossier.risks", "dossier.detailed_risk",
                        "dossier.systems", "dossier.justification")):
        return url_for("dossiers.proposal", dossier_id=dossier.id)
    return url_for("dossiers.detail", dossier_id=dossier.id)


@bp.get("/dossiers/<int:dossier_id>/documents.zip")
@requires(Permission.DOWNLOAD)
def dossier_zip(dossier_id: int):
    dossier = load_scoped(Dossier, dossier_id, Permission.DOWNLOAD)
    data = documents.dossier_zip(db(), catalogue(), dossier.id, law(), now())
    _audit_download("dossier", dossier.id, dossier.commune_id, "Tải hồ sơ (ZIP)")
    return _attachment(data, "application/zip", f"ho-so-{dossier.system.code.lower()}-lan-{dossier.version_no}.zip")


@bp.get("/dossiers/bundle.zip")
@requires(Permission.DOWNLOAD)
def commune_bundle():
    commune = target_commune(Permission.DOWNLOAD)
    data = documents.commune_bundle(db(), catalogue(), commune.id, law(), now())
    _audit_download("commune", commune.id, commune.id, "Tải toàn bộ hồ sơ của xã (ZIP)")
    return _attachment(data, "application/zip", f"ho-so-cap-do-{commune.slug}.zip")


@bp.get("/reviews/<int:review_id>/report.docx")
@bp.get("/reviews/<int:review_id>/report.pdf", endpoint="review_report_pdf")
@requires(Permission.DOWNLOAD)
def review_report(review_id: int):
    review = load_scoped(Review, review_id, Permission.DOWNLOAD)
    records = documents.load_dossier(db(), review.dossier_id, law())
    spec = catalogue().get(records.dossier.regime, "bao_cao_kiem_tra")
    context = documents.review_context(records, review, spec, law(), now())
    data = documents.render_one(db(), catalogue(), spec, context)
    return _document_response(data, f"{spec.filename}-{review.reviewed_on:%Y%m%d}",
                              url_for("dossiers.detail", dossier_id=review.dossier_id),
                              ("review", review.id, review.commune_id), "Tải báo cáo kiểm tra, đánh giá")


@bp.get("/reports/annual.docx")
@bp.get("/reports/annual.pdf", endpoint="annual_report_pdf")
@requires(Permission.DOWNLOAD)
def annual_report():
    commune = target_commune(Permission.DOWNLOAD)
    year = _year()
    spec = catalogue().get(law().default_regime.id, "annual_report_mau08")
    context = annual.annual_report_context(db(), commune, spec, year, now(), law())
    data = documents.render_one(db(), catalogue(), spec, context)
    return _document_response(data, f"{spec.filename}-{year}", url_for("main.index"),
                              ("commune", commune.id, commune.id), f"Tải báo cáo năm {year} (Mẫu 08)")


@bp.get("/reports/annual.xlsx")
@requires(Permission.DOWNLOAD)
def annual_report_xlsx():
    commune = target_commune(Permission.DOWNLOAD)
    year = _year()
    spec = catalogue().get(law().default_regime.id, "annual_report_mau08")
    context = annual.annual_report_context(db(), commune, spec, year, now(), law())
    data = annual.annual_report_workbook(context)
    _audit_download("commune", commune.id, commune.id, f"Tải bảng báo cáo năm {year} (XLSX)")
    return _attachment(data, XLSX, f"bao-cao-nam-{year}-{commune.slug}.xlsx")


def _year() -> int:
    value = request.args.get("year", "")
    current = to_local(now()).year
    return whole_number(value, 2020, current + 1) or current


# --------------------------------------------------------------------------- templates

@bp.get("/documents/fields")
@requires(Permission.VIEW)
def fields():
    return render_template("documents/fields.html", fields=field_reference())


@bp.get("/admin/templates")
@requires(Permission.MANAGE_SETTINGS)
def templates():
    overrides = {(t.regime, t.doc_key): t for t in db().scalars(select(DocumentTemplate))}
    return render_template("documents/templates.html", specs=catalogue().specs, overrides=overrides,
                           upload_form=TemplateUploadForm(), action_form=SimpleForm())


@bp.get("/admin/templates/<regime>/<doc_key>.docx")
@requires(Permission.MANAGE_SETTINGS)
def template_file(regime: str, doc_key: str):
    spec = _spec_or_404(regime, doc_key)
    return _attachment(documents.template_bytes(db(), catalogue(), spec), DOCX, spec.template)


def _spec_or_404(regime: str, doc_key: str):
    try:
        return catalogue().get(regime, doc_key)
    except KeyError:
        abort(404)


@bp.post("/admin/templates/<regime>/<doc_key>")
@requires(Permission.MANAGE_SETTINGS)
def upload_template(regime: str, doc_key: str):
    spec = _spec_or_404(regime, doc_key)
    form = TemplateUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read() if upload else b""
        problems = check_template(data, regime=regime, doc_key=doc_key) if data else [_("Hãy chọn một tệp .docx.")]
        if problems:
            flash(_("Mẫu «%(name)s» chưa được nhận: %(problems)s", name=spec.display_name, problems=" ".join(problems)),
                  "error")
        else:
            try:
                documents.replace_template(db(), actor(), spec, upload.filename, data, now())
            except ValidationFailed as failure:
                db().rollback()
                flash(" ".join(failure.errors.values()), "error")
            else:
                db().commit()
                flash(_("Đã dùng mẫu mới cho «%(name)s» (đã thử tạo văn bản thành công).", name=spec.display_name),
                      "success")
    return redirect(url_for("documents.templates"))


@bp.post("/admin/templates/<regime>/<doc_key>/reset")
@requires(Permission.MANAGE_SETTINGS)
def reset_template(regime: str, doc_key: str):
    spec = _spec_or_404(regime, doc_key)
    if SimpleForm().validate_on_submit():
        documents.restore_shipped_template(db(), actor(), spec, now())
        db().commit()
        flash(_("Đã dùng lại mẫu gốc cho «%(name)s».", name=spec.display_name), "success")
    return redirect(url_for("documents.templates"))


