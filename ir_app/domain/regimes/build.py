"""Build a ``Regime`` from a parsed regime file: the entry point and the regime-wide parts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ir_app.domain.regimes.authority import _authority, _deadlines, _drill_duty, _review_intervals
from ir_app.domain.regimes.criteria import (
    _criteria,
    _input_fields,
    _procedure_levels,
    _undetermined,
    _warnings,
)
from ir_app.domain.regimes.model import (
    DOCUMENT_KINDS,
    LEVELS,
    AnnualReport,
    DocumentSpec,
    LegalDocument,
    NewDossiers,
    Regime,
    SecurityPolicyRule,
    Transition,
    WizardStep,
)
from ir_app.domain.regimes.reader import _ID, _NAME, _Reader, _per_level

_TOP_KEYS = ("id", "title", "title_en", "short_title", "citation_prefix", "legal_basis", "valid_from",
             "valid_until", "is_default", "wizard_steps", "input_fields", "criteria",
             "undetermined", "authority", "deadlines", "review_interval_months", "documents",
             "transition", "annual_report", "notes", "warnings", "procedure_levels", "new_dossiers",
             "security_policy", "security_term", "drills")
POLICY_ISSUERS = ("owner", "specialised_unit", "operator", "other")


def build_regime(raw: Mapping[str, Any], source: str) -> Regime:
    """Turn a parsed regime file into a ``Regime``; raise ``RegimeError`` on the first problem."""
    r = _Reader(source)
    r.mapping(raw, "$", _TOP_KEYS)
    regime_id = r.text(raw, "id", "$")
    if not _ID.match(regime_id):
        r.fail("$.id", "chỉ gồm chữ thường, số và dấu gạch ngang, ví dụ nd331-2026")
    valid_from = r.day(raw, "valid_from", "$")
    valid_until = r.day(raw, "valid_until", "$", required=False)
    if valid_until is not None and valid_until < valid_from:
        r.fail("$.valid_until", "phải sau valid_from")
    steps = _wizard_steps(r, raw)
    fields = _input_fields(r, raw, {s.id for s in steps})
    criteria = _criteria(r, raw, fields)
    undetermined = _undetermined(r, raw, fields)
    return Regime(
        id=regime_id,
        title=r.text(raw, "title", "$"),
        title_en=r.text(raw, "title_en", "$", required=False),
        short_title=r.text(raw, "short_title", "$"),
        citation_prefix=r.text(raw, "citation_prefix", "$"),
        legal_basis=_legal_basis(r, raw),
        valid_from=valid_from,
        valid_until=valid_until,
        is_default=r.flag(raw, "is_default", "$"),
        wizard_steps=steps,
        input_fields=tuple(fields.values()),
        criteria=criteria,
        undetermined=undetermined,
        authority=_authority(r, raw),
        deadlines=_deadlines(r, raw),
        review_intervals=_review_intervals(r, raw),
        documents=_document_catalogue(r, raw),
        level_documents=_level_documents(r, raw),
        transition=_transition(r, raw),
        annual_report=_annual_report(r, raw),
        security_policy=_security_policy(r, raw),
        notes=tuple(_texts(r, raw, "notes", "$")),
        source=source,
        warnings=_warnings(r, raw, fields),
        procedure_levels=_procedure_levels(r, raw, fields),
        new_dossiers=_new_dossiers(r, raw, valid_until),
        security_term=r.text(raw, "security_term", "$", required=False),
        drills=_drill_duty(r, raw),
    )


def _texts(r: _Reader, raw: Mapping, key: str, path: str) -> list[str]:
    values = r.items(raw, key, path, required=False)
    for index, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            r.fail(f"{path}.{key}[{index}]", "phải là chuỗi ký tự không rỗng")
    return values


def _legal_basis(r: _Reader, raw: Mapping) -> tuple[LegalDocument, ...]:
    documents = []
    for index, item in enumerate(r.items(raw, "legal_basis", "$")):
        path = f"$.legal_basis[{index}]"
        r.mapping(item, path, ("code", "title", "issued", "effective", "cited_as", "citation"))
        documents.append(LegalDocument(
            code=r.text(item, "code", path), title=r.text(item, "title", path),
            issued=r.day(item, "issued", path, required=False),
            effective=r.day(item, "effective", path, required=False),
            cited_as=r.text(item, "cited_as", path, required=False),
            citation=r.text(item, "citation", path, required=False)))
    return tuple(documents)


def _wizard_steps(r: _Reader, raw: Mapping) -> tuple[WizardStep, ...]:
    steps: dict[str, WizardStep] = {}
    for index, item in enumerate(r.items(raw, "wizard_steps", "$")):
        path = f"$.wizard_steps[{index}]"
        r.mapping(item, path, ("id", "title", "title_en", "help", "help_en"))
        step = WizardStep(r.text(item, "id", path), r.text(item, "title", path),
                          r.text(item, "help", path, required=False),
                          r.text(item, "title_en", path, required=False),
                          r.text(item, "help_en", path, required=False))
        if step.id in steps:
            r.fail(f"{path}.id", f"bước '{step.id}' bị lặp")
        steps[step.id] = step
    return tuple(steps.values())


def _document_catalogue(r: _Reader, raw: Mapping) -> tuple[DocumentSpec, ...]:
    item = r.mapping(r.value(raw, "documents", "$", (Mapping,), "một đối tượng"),
                     "$.documents", ("catalogue", "by_level"))
    specs: dict[str, DocumentSpec] = {}
    for index, entry in enumerate(r.items(item, "catalogue", "$.documents")):
        where = f"$.documents.catalogue[{index}]"
        r.mapping(entry, where, ("key", "title", "form", "article", "kind", "note"))
        key = r.text(entry, "key", where)
        if not _NAME.match(key):
            r.fail(f"{where}.key", "chỉ gồm chữ thường, số và dấu gạch dưới")
        if key in specs:
            r.fail(f"{where}.key", f"tài liệu '{key}' bị lặp")
        specs[key] = DocumentSpec(
            key=key, title=r.text(entry, "title", where),
            form=r.text(entry, "form", where, required=False) or None,
            article=r.text(entry, "article", where),
            kind=r.choice(entry, "kind", where, DOCUMENT_KINDS),
            note=r.text(entry, "note", where, required=False))
    return tuple(specs.values())


def _level_documents(r: _Reader, raw: Mapping) -> tuple[tuple[int, tuple[str, ...]], ...]:
    item = raw["documents"]
    known = {entry["key"] for entry in item["catalogue"]}
    result, entries = [], []
    for index, entry in enumerate(r.items(item, "by_level", "$.documents")):
        where = f"$.documents.by_level[{index}]"
        r.mapping(entry, where, ("level", "documents"))
        level = r.integer(entry, "level", where)
        if level not in LEVELS:
            r.fail(f"{where}.level", "cấp độ phải từ 1 đến 5")
        keys = r.items(entry, "documents", where)
        for i, key in enumerate(keys):
            if key not in known:
                r.fail(f"{where}.documents[{i}]", f"tài liệu '{key}' không có trong catalogue")
        if len(set(keys)) != len(keys):
            r.fail(f"{where}.documents", "tài liệu bị lặp")
        entries.append((where, (level,), ""))
        result.append((level, tuple(keys)))
    _per_level(r, entries, "danh mục tài liệu", "$.documents.by_level")
    return tuple(sorted(result))


def _transition(r: _Reader, raw: Mapping) -> Transition:
    path = "$.transition"
    item = r.mapping(r.value(raw, "transition", "$", (Mapping,), "một đối tượng"), path,
                     ("new_regime_effective", "under_investment_deadline",
                      "existing_systems_deadline", "article", "note"))
    transition = Transition(
        new_regime_effective=r.day(item, "new_regime_effective", path),
        under_investment_deadline=r.day(item, "under_investment_deadline", path),
        existing_systems_deadline=r.day(item, "existing_systems_deadline", path),
        article=r.text(item, "article", path), note=r.text(item, "note", path, required=False))
    if not (transition.new_regime_effective < transition.under_investment_deadline
            <= transition.existing_systems_deadline):
        r.fail(path, "phải có new_regime_effective < under_investment_deadline "
                     "<= existing_systems_deadline")
    return transition


def _annual_report(r: _Reader, raw: Mapping) -> AnnualReport:
    path = "$.annual_report"
    item = r.mapping(r.value(raw, "annual_report", "$", (Mapping,), "một đối tượng"), path,
                     ("period_start", "period_end", "units_to_owner_by", "owner_to_ministry_by",
                      "deadline_semantics", "recipient", "form", "article", "note"))
    report = AnnualReport(
        period_start=r.month_day(item, "period_start", path),
        period_end=r.month_day(item, "period_end", path),
        units_to_owner_by=r.month_day(item, "units_to_owner_by", path),
        owner_to_ministry_by=r.month_day(item, "owner_to_ministry_by", path),
        deadline_semantics=r.choice(item, "deadline_semantics", path, ("before", "on_or_before")),
        recipient=r.text(item, "recipient", path),
        form=r.text(item, "form", path, required=False) or None,
        article=r.text(item, "article", path), note=r.text(item, "note", path, required=False))
    if report.units_to_owner_by > report.owner_to_ministry_by:
        r.fail(f"{path}.owner_to_ministry_by", "phải sau hạn đơn vị gửi chủ quản")
    return report


def _security_policy(r: _Reader, raw: Mapping) -> SecurityPolicyRule:
    path = "$.security_policy"
    item = r.mapping(r.value(raw, "security_policy", "$", (Mapping,), "một đối tượng"), path,
                     ("issuers", "article", "note"))
    issuers = r.items(item, "issuers", path)
    for index, issuer in enumerate(issuers):
        if issuer not in POLICY_ISSUERS:
            r.fail(f"{path}.issuers[{index}]", f"phải là một trong: {', '.join(POLICY_ISSUERS)}")
    return SecurityPolicyRule(tuple(issuers), r.text(item, "article", path),
                              r.text(item, "note", path, required=False))


def _new_dossiers(r: _Reader, raw: Mapping, valid_until) -> NewDossiers | None:
    item = raw.get("new_dossiers")
    if item is None:
        return None
    path = "$.new_dossiers"
    r.mapping(item, path, ("investment_approved_before", "article", "message", "note"))
    if valid_until is None:
        r.fail(path, "chỉ khai báo cho chế độ đã hết hiệu lực (có valid_until)")
    return NewDossiers(r.day(item, "investment_approved_before", path), r.text(item, "article", path),
                       r.text(item, "message", path), r.text(item, "note", path, required=False))
