"""Risk register rules, as plain data: the level matrix, treatment decisions, the starter proposal.

The matrix (level_dossiers/risks/*.yaml) maps likelihood × impact (1..5 each, the scales of the
threat catalogue) to a level (low … critical). Reading YAML and the JSON Schema happen in
``ir_app.datafiles``; this module checks what a schema cannot and computes:

- the level of a risk (before and after treatment) from the matrix;
- whether a treatment decision is complete (an accepted risk names who accepted it, why, and
  until when; a reduced risk names the measures that reduce it);
- the risks proposed for a system from the threat catalogue, by system type and components.

Standard library only.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from ir_app.domain.requirements import DataFileError

SCALE = (1, 2, 3, 4, 5)
TREATMENTS = ("reduce", "accept", "transfer", "avoid")
COMPONENT_KINDS = ("equipment", "application", "network_zone")
# An acceptance this close to its end shows as "expiring" (the reminders start at 30 days).
EXPIRING_DAYS = 30


class RiskMatrixError(DataFileError):
    """The risk matrix file is unusable; names the file, the field, the reason."""


@dataclass(frozen=True)
class RiskLevel:
    id: str
    label: str
    label_en: str
    description: str
    rank: int           # 0 = lowest


@dataclass(frozen=True)
class ComponentRule:
    threat: str
    kind: str
    words: tuple[str, ...]

    def matches(self, component: ComponentInfo) -> bool:
        text = component.text.casefold()
        return component.kind == self.kind and any(word.casefold() in text for word in self.words)


@dataclass(frozen=True)
class ProposalRules:
    internet_exposed: tuple[str, ...] = ()
    provincial_platform: tuple[str, ...] = ()
    personal_data: tuple[str, ...] = ()
    components: tuple[ComponentRule, ...] = ()


@dataclass(frozen=True)
class RiskMatrix:
    id: str
    version: int
    title: str
    threats: str
    levels: tuple[RiskLevel, ...]
    cells: Mapping[tuple[int, int], RiskLevel]
    acceptable: frozenset[str]
    proposals: ProposalRules = ProposalRules()
    note: str | None = None

    def level(self, likelihood: int, impact: int) -> RiskLevel:
        """The level of likelihood × impact; ValueError outside the 1..5 scales."""
        if likelihood not in SCALE or impact not in SCALE or isinstance(likelihood, bool) \
                or isinstance(impact, bool):
            raise ValueError(f"khả năng xảy ra và mức độ ảnh hưởng phải từ 1 đến 5 "
                             f"(nhận {likelihood!r}, {impact!r})")
        return self.cells[(likelihood, impact)]

    def level_by_id(self, level_id: str) -> RiskLevel:
        return next(level for level in self.levels if level.id == level_id)

    def is_acceptable(self, level: RiskLevel) -> bool:
        return level.id in self.acceptable

    def row(self, likelihood: int) -> tuple[RiskLevel, ...]:
        """One row of the matrix (impact 1..5), for the heat map on the register page."""
        return tuple(self.cells[(likelihood, impact)] for impact in SCALE)


def build_risk_matrix(raw: Mapping[str, Any], source: str,
                      threat_ids: Iterable[str] | None = None) -> RiskMatrix:
    """Turn parsed matrix data into a ``RiskMatrix``; raise ``RiskMatrixError`` on bad data.
    ``threat_ids``: the catalogue's ids, to check the proposal rules against (when given)."""
    fail = _failer(source)
    if not isinstance(raw, Mapping):
        fail("$", "phải là một bảng (mapping)")
    levels = _levels(raw.get("levels"), fail)
    by_id = {level.id: level for level in levels}
    cells = _cells(raw.get("matrix"), by_id, fail)
    acceptable = list(raw.get("acceptable") or [])
    for position, level_id in enumerate(acceptable):
        if level_id not in by_id:
            fail(f"acceptable[{position}]", f"mức '{level_id}' không có trong levels")
    known = set(threat_ids) if threat_ids is not None else None
    return RiskMatrix(
        id=str(raw.get("id")), version=int(raw.get("version") or 0), title=str(raw.get("title")),
        threats=str(raw.get("threats")), levels=levels, cells=cells, acceptable=frozenset(acceptable),
        proposals=_proposals(raw.get("proposals") or {}, known, fail), note=raw.get("note"))


def _failer(source: str):
    def fail(where: str, reason: str) -> NoReturn:
        raise RiskMatrixError(source, where, reason)
    return fail


def _levels(raw: Any, fail) -> tuple[RiskLevel, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        fail("levels", "phải có ít nhất hai mức")
    levels = []
    for rank, item in enumerate(raw):
        if not isinstance(item, Mapping):
            fail(f"levels[{rank}]", "phải là một bảng (mapping)")
        levels.append(RiskLevel(str(item.get("id")), str(item.get("label")), str(item.get("label_en")),
                                str(item.get("description") or ""), rank))
    seen: set[str] = set()
    for level in levels:
        if level.id in seen:
            fail(f"levels[{level.rank}].id", f"mức '{level.id}' bị trùng")
        seen.add(level.id)
    return tuple(levels)


def _cells(raw: Any, by_id: Mapping[str, RiskLevel], fail) -> dict[tuple[int, int], RiskLevel]:
    if not isinstance(raw, Mapping):
        fail("matrix", "phải là một bảng (mapping)")
    rows = {int(key) if isinstance(key, str) and key.isascii() and key.isdigit() else key: value
            for key, value in raw.items()}
    cells: dict[tuple[int, int], RiskLevel] = {}
    for likelihood in SCALE:
        row = rows.get(likelihood)
        if not isinstance(row, list) or len(row) != len(SCALE):
            fail(f"matrix[{likelihood}]", "phải có đúng 5 ô (mức độ ảnh hưởng 1..5)")
        for impact, level_id in zip(SCALE, row):
            if level_id not in by_id:
                fail(f"matrix[{likelihood}][{impact - 1}]", f"mức '{level_id}' không có trong levels")
            cells[(likelihood, impact)] = by_id[level_id]
    # A higher likelihood or impact never gives a lower level: a typo in one cell would otherwise
    # rate a worse risk as milder than a better one.
    for (likelihood, impact), level in cells.items():
        for neighbour in ((likelihood + 1, impact), (likelihood, impact + 1)):
            higher = cells.get(neighbour)
            if higher is not None and higher.rank < level.rank:
                fail(f"matrix[{neighbour[0]}][{neighbour[1] - 1}]",
                     f"mức '{higher.id}' thấp hơn ô liền trước ('{level.id}'): mức rủi ro không được "
                     "giảm khi khả năng xảy ra hoặc mức độ ảnh hưởng tăng")
    return cells


def _proposals(raw: Mapping[str, Any], known: set[str] | None, fail) -> ProposalRules:
    def checked(ids: Any, where: str) -> tuple[str, ...]:
        ids = tuple(ids or ())
        for position, threat_id in enumerate(ids):
            if known is not None and threat_id not in known:
                fail(f"{where}[{position}]", f"nguy cơ '{threat_id}' không có trong danh mục nguy cơ")
        return ids

    rules = []
    for index, item in enumerate(raw.get("components") or []):
        checked([item.get("threat")], f"proposals.components[{index}].threat")
        rules.append(ComponentRule(item["threat"], item["kind"], tuple(item["words"])))
    return ProposalRules(
        internet_exposed=checked(raw.get("internet_exposed"), "proposals.internet_exposed"),
        provincial_platform=checked(raw.get("provincial_platform"), "proposals.provincial_platform"),
        personal_data=checked(raw.get("personal_data"), "proposals.personal_data"),
        components=tuple(rules))


# --------------------------------------------------------------------------- treatment

@dataclass(frozen=True)
class Decision:
    """What a treatment decision says, as the form gave it (already parsed)."""

    treatment: str
    residual_likelihood: int
    residual_impact: int
    likelihood: int
    impact: int
    measure_count: int = 0
    treatment_note: str = ""
    accepted_by: str = ""
    accepted_reason: str = ""
    accepted_until: date | None = None


def decision_problems(matrix: RiskMatrix, decision: Decision, today: date) -> dict[str, str]:
    """What is missing or contradictory in a decision, by form field (empty = complete)."""
    problems: dict[str, str] = {}
    if decision.treatment not in TREATMENTS:
        return {"treatment": "Chọn cách xử lý: giảm thiểu, chấp nhận, chuyển giao hoặc né tránh."}
    inherent = matrix.level(decision.likelihood, decision.impact)
    residual = matrix.level(decision.residual_likelihood, decision.residual_impact)
    if residual.rank > inherent.rank:
        problems["residual_likelihood"] = (f"Rủi ro còn lại ({residual.label}) không thể cao hơn rủi ro ban đầu "
                                           f"({inherent.label}).")
    if decision.treatment == "reduce" and decision.measure_count == 0:
        problems["measure_ids"] = "Giảm thiểu rủi ro: chọn ít nhất một biện pháp xử lý."
    if decision.treatment in ("transfer", "avoid") and not decision.treatment_note.strip():
        problems["treatment_note"] = ("Chuyển giao: nêu đơn vị nhận rủi ro (nhà cung cấp, Trung tâm dữ liệu tỉnh…)."
                                      if decision.treatment == "transfer"
                                      else "Né tránh: nêu hoạt động, chức năng được dừng hoặc thay đổi.")
    if decision.treatment == "accept":
        problems.update(_acceptance_problems(matrix, decision, residual, today))
    return problems


def _acceptance_problems(matrix: RiskMatrix, decision: Decision, residual: RiskLevel,
                         today: date) -> dict[str, str]:
    problems = {}
    if not decision.accepted_by.strip():
        problems["accepted_by"] = "Chấp nhận rủi ro: ghi họ tên, chức vụ người có thẩm quyền chấp nhận."
    if not decision.accepted_reason.strip():
        problems["accepted_reason"] = "Chấp nhận rủi ro: ghi lý do chấp nhận."
    if decision.accepted_until is None:
        problems["accepted_until"] = "Chấp nhận rủi ro: ghi thời hạn chấp nhận (ngày hết hạn)."
    elif decision.accepted_until <= today:
        problems["accepted_until"] = "Thời hạn chấp nhận phải sau ngày hôm nay."
    if not matrix.is_acceptable(residual):
        allowed = ", ".join(level.label for level in matrix.levels if level.id in matrix.acceptable)
        problems["treatment"] = (f"Rủi ro mức «{residual.label}» không được chấp nhận; chỉ chấp nhận rủi ro mức "
                                 f"{allowed}. Hãy chọn biện pháp giảm thiểu.")
    return problems


def acceptance_state(treatment: str, accepted_until: date | None, today: date) -> str | None:
    """"valid", "expiring" (within 30 days), "expired", or None for a risk not accepted."""
    if treatment != "accept" or accepted_until is None:
        return None
    if accepted_until <= today:
        return "expired"
    return "expiring" if (accepted_until - today).days <= EXPIRING_DAYS else "valid"


def proposed_residual(likelihood: int, impact: int, statuses: Sequence[str]) -> tuple[int, int]:
    """A first guess at the residual rating from the measures' statuses: measures in place make
    the threat less likely by two steps, partly in place by one; planned ones change nothing yet.
    The impact stays (measures mostly prevent; the commune adjusts where they also limit harm)."""
    if "in_place" in statuses:
        step = 2
    elif "partly" in statuses:
        step = 1
    else:
        step = 0
    return max(1, likelihood - step), impact


# --------------------------------------------------------------------------- starter proposal

@dataclass(frozen=True)
class ComponentInfo:
    id: int
    kind: str
    name: str
    text: str          # name, type and purpose together, for keyword matching


@dataclass(frozen=True)
class SystemProfile:
    system_type: str
    internet_exposed: bool = False
    provincial_platform: bool = False
    personal_data: bool = False
    components: tuple[ComponentInfo, ...] = ()


@dataclass(frozen=True)
class ThreatRef:
    """The part of a catalogue threat a proposal reads (domain.measures.Threat fits)."""

    id: str
    assets: tuple[str, ...]
    likelihood: int
    impact: int


@dataclass(frozen=True)
class Proposal:
    threat_id: str
    likelihood: int
    impact: int
    component_id: int | None
    component_name: str


def propose(threats: Sequence[Any], rules: ProposalRules, profile: SystemProfile,
            already: Iterable[str] = ()) -> list[Proposal]:
    """Catalogue threats that fit the system and are not in its register yet, in catalogue order,
    each with the component concerned when one matches (the first in the system's order)."""
    wanted = {t.id for t in threats if profile.system_type in t.assets}
    wanted |= set(rules.internet_exposed) if profile.internet_exposed else set()
    wanted |= set(rules.provincial_platform) if profile.provincial_platform else set()
    wanted |= set(rules.personal_data) if profile.personal_data else set()
    concerned: dict[str, ComponentInfo] = {}
    for rule in rules.components:
        match = next((c for c in profile.components if rule.matches(c)), None)
        if match is not None:
            wanted.add(rule.threat)
            concerned.setdefault(rule.threat, match)
    skip = set(already)
    proposals = []
    for threat in threats:
        if threat.id in wanted and threat.id not in skip:
            component = concerned.get(threat.id)
            proposals.append(Proposal(threat.id, threat.likelihood, threat.impact,
                                      component.id if component else None, component.name if component else ""))
    return proposals


# --------------------------------------------------------------------------- text for documents

@dataclass(frozen=True)
class RatedThreat:
    title: str
    asset: str
    likelihood: int
    likelihood_label: str
    impact: int
    impact_label: str
    level: RiskLevel


def attack_threats_text(rows: Sequence[RatedThreat]) -> str:
    """Đ22.5.b: the attack threats and their impact, highest level first, as one paragraph."""
    ordered = sorted(rows, key=lambda row: (-row.level.rank, -row.impact, -row.likelihood, row.title))
    parts = [f"{row.title}{f' ({row.asset})' if row.asset else ''}: khả năng xảy ra {row.likelihood_label.lower()} "
             f"({row.likelihood}/5), mức độ ảnh hưởng {row.impact_label.lower()} ({row.impact}/5), "
             f"mức rủi ro {row.level.label.lower()}"
             for row in ordered]
    return "; ".join(parts) + "." if parts else ""


__all__ = ["COMPONENT_KINDS", "ComponentInfo", "Decision", "Proposal", "ProposalRules", "RatedThreat", "RiskLevel",
           "RiskMatrix", "RiskMatrixError", "SCALE", "SystemProfile", "TREATMENTS", "ThreatRef",
           "acceptance_state", "attack_threats_text", "build_risk_matrix", "decision_problems", "propose",
           "proposed_residual"]
