"""Level dossiers in every workflow state, with their history, protection plans, periodic reviews
and the commune's security policy.

Each system gets a *story*: the state its current dossier has reached and when each step of the
workflow happened. The system row (approved level, decision) and the dossier rows are both read
from the story, so they always agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ir_app.domain.dates import add_months
from ir_app.models import (
    Dossier,
    DossierStep,
    IssuedDocument,
    Measure,
    MeasureEvidence,
    MeasureRequirement,
    MeasureSystem,
    PlanItem,
    Review,
    ReviewFinding,
    SecurityPolicy,
    SecurityPolicySystem,
)
from ir_app.config import bundled_root
from ir_app.seed.synthetic.seeder import CommuneRef, Seeder, SystemRef
from ir_app.services.dossiers.lifecycle import IN_FORCE_STATES, LEGAL_TZ
from ir_app.services.measures.library import load_starter_library

# How often each state is the current one (a province is mostly in force, some always in progress).
CURRENT_STATES = (("draft", 14), ("submitted", 7), ("returned", 5), ("accepted", 6), ("appraised", 4),
                  ("pending_approval", 5), ("approved", 9), ("protecting", 20), ("operating", 30))
ACTIONS = ("submit", "accept", "record_appraisal", "submit_for_approval", "approve", "start_protection",
           "complete_protection")
PATH_TO = {"draft": (), "returned": ("submit", "return"), **{
    state: ACTIONS[:ACTIONS.index(action) + 1] for state, action in (
        ("submitted", "submit"), ("accepted", "accept"), ("appraised", "record_appraisal"),
        ("pending_approval", "submit_for_approval"), ("approved", "approve"), ("protecting", "start_protection"),
        ("operating", "complete_protection"))}}
TARGET = {"submit": "submitted", "return": "returned", "accept": "accepted", "record_appraisal": "appraised",
          "submit_for_approval": "pending_approval", "approve": "approved", "start_protection": "protecting",
          "complete_protection": "operating"}
GAP_DAYS = {"submit": (3, 20), "return": (2, 6), "accept": (1, 5), "record_appraisal": (5, 20),
            "submit_for_approval": (1, 5), "approve": (2, 8), "start_protection": (3, 15),
            "complete_protection": (40, 200)}
ACTOR_OF = {"submit": "staff", "return": "appraiser", "accept": "appraiser", "record_appraisal": "appraiser",
            "submit_for_approval": "staff", "start_protection": "staff", "complete_protection": "officer"}
RISKS = "Mã độc tống tiền trên máy trạm\nLộ lọt dữ liệu cá nhân của người dân\nMất kết nối Internet"
NA_REASON = "Hệ thống không có thành phần này (đã ghi trong thuyết minh)"


@dataclass
class Story:
    state: str
    level: int
    steps: list[tuple[str, datetime]]          # (action, when), oldest first
    created_at: datetime
    proposed_level: int | None
    previous_steps: list[tuple[str, datetime]] = field(default_factory=list)  # a superseded version
    legacy: bool = False                       # approved under NĐ 85 before the app
    under_investment: bool = False

    @property
    def in_force(self) -> bool:
        return self.state in IN_FORCE_STATES

    @property
    def last_at(self) -> datetime:
        return self.steps[-1][1] if self.steps else self.created_at

    def when(self, action: str, steps: list[tuple[str, datetime]] | None = None) -> datetime | None:
        return next((at for name, at in (steps or self.steps) if name == action), None)

    def system_approval(self, now: datetime) -> dict[str, Any]:
        if self.in_force:
            approved = self.when("approve")
            return {"level": self.proposed_level, "number": decision_number(approved), "on": local_day(approved),
                    "regime": "nd331-2026"}
        if self.legacy:
            return {"level": 2, "number": "15/QĐ-UBND", "on": date(2024, 3, 12), "regime": "nd85-2016"}
        return {"level": None, "number": "", "on": None, "regime": ""}


def local_day(moment: datetime) -> date:
    return moment.astimezone(LEGAL_TZ).date()


def decision_number(moment: datetime) -> str:
    return f"{moment.toordinal() % 97 + 1}/QĐ-UBND"


def choose_story(seed: Seeder, rng, level: int) -> Story:
    state = seed.pick("dossier-state", rng, CURRENT_STATES)
    path = list(PATH_TO[state])
    gaps = [timedelta(days=rng.uniform(*GAP_DAYS[action])) for action in path]
    # Work in progress entered its current state recently (some steps now overdue); dossiers in
    # force were approved months or years ago.
    settled = timedelta(days=rng.uniform(20, 500) if state in IN_FORCE_STATES else rng.uniform(0, 14))
    created = seed.now - settled - sum(gaps, timedelta()) - timedelta(days=rng.uniform(1, 10))
    moment, steps = created, []
    for action, gap in zip(path, gaps):
        moment += gap
        steps.append((action, moment))
    proposed = None if state == "draft" and rng.random() < 0.4 else min(5, level + (rng.random() < 0.08))
    story = Story(state, level, steps, created, proposed)
    if state in IN_FORCE_STATES and (seed.pick("superseded", rng, ((True, 1), (False, 7)))):
        story.previous_steps = _previous_steps(rng, created)
    story.legacy = state not in IN_FORCE_STATES and rng.random() < 0.3
    story.under_investment = state in ("draft", "submitted") and rng.random() < 0.15
    return story


def _previous_steps(rng, before: datetime) -> list[tuple[str, datetime]]:
    """A first version that went all the way to operation, a year or two before the current one."""
    moment = before - timedelta(days=rng.uniform(300, 700))
    steps = []
    for action in PATH_TO["operating"]:
        moment += timedelta(days=rng.uniform(*GAP_DAYS[action]))
        steps.append((action, min(moment, before - timedelta(days=1))))
    return steps


# --------------------------------------------------------------------------- rows

def add_dossiers(seed: Seeder, commune: CommuneRef) -> None:
    rng = seed.rng("dossiers", commune.index)
    regime = seed.law.default_regime
    from ir_app.seed.synthetic.inventory import level_of

    with_previous = [system for system in commune.systems if system.story.previous_steps]
    previous_ids = seed.insert_ids(Dossier, [
        _dossier_row(seed, commune, system, regime, level_of(system.template, regime), "superseded",
                     system.story.previous_steps, _previous_created(system), 1, None)
        for system in with_previous])
    previous_of = {system.id: dossier_id for system, dossier_id in zip(with_previous, previous_ids)}
    current_ids = seed.insert_ids(Dossier, [
        _dossier_row(seed, commune, system, regime, level_of(system.template, regime), system.story.state,
                     system.story.steps, system.story.created_at, 2 if system.id in previous_of else 1,
                     previous_of.get(system.id))
        for system in commune.systems])
    versions = [Version(system, dossier_id, system.story.previous_steps, "superseded", _previous_created(system))
                for system, dossier_id in zip(with_previous, previous_ids)]
    versions += [Version(system, dossier_id, system.story.steps, system.story.state, system.story.created_at)
                 for system, dossier_id in zip(commune.systems, current_ids)]
    _add_steps_and_audit(seed, commune, versions)
    _add_plans(seed, commune, rng, versions)
    _add_reviews(seed, commune, rng, [(system, dossier_id) for system, dossier_id in zip(commune.systems, current_ids)
                                      if system.story.state == "operating"])
    _add_policy(seed, commune, rng)
    _add_submissions(seed, commune, regime, [(system, dossier_id) for system, dossier_id
                                             in zip(commune.systems, current_ids)])


def _add_submissions(seed: Seeder, commune: CommuneRef, regime, current: list[tuple[SystemRef, int]]) -> None:
    """The tờ trình (Mẫu số 05) of each dossier sent for approval, numbered in the register."""
    rows = []
    for number, (system, dossier_id) in enumerate(current, start=1):
        sent = system.story.when("submit_for_approval")
        if sent is None or (system.story.proposed_level or 0) < 3:
            continue
        rows.append({"commune_id": commune.id, "subject": f"dossier:{dossier_id}", "regime": regime.id,
                     "doc_key": "mau05", "number": str(number), "symbol": "TTr-VP", "issued_on": local_day(sent),
                     "recorded_at": sent, "recorded_by_id": commune.user("staff").id, "version": 1})
    seed.insert(IssuedDocument, rows)


@dataclass(frozen=True)
class Version:
    """One dossier row of a system: its current version or the superseded one before it."""

    system: SystemRef
    dossier_id: int
    steps: list[tuple[str, datetime]]
    state: str
    created_at: datetime


def _previous_created(system: SystemRef) -> datetime:
    return system.story.previous_steps[0][1] - timedelta(days=5)


def _dossier_row(seed: Seeder, commune: CommuneRef, system: SystemRef, regime, decided, state: str,
                 steps: list[tuple[str, datetime]], created: datetime, version_no: int,
                 supersedes_id: int | None) -> dict[str, Any]:
    level, answers, reasons = decided
    story = system.story
    proposed = story.proposed_level if state != "superseded" else level
    when = dict(steps)
    last = steps[-1][1] if steps else created
    approved = when.get("approve")
    appraised = when.get("record_appraisal")
    return {
        "system_id": system.id, "commune_id": commune.id, "version_no": version_no, "supersedes_id": supersedes_id,
        "regime": regime.id, "state": state, "answers": answers, "parts": [],
        "wizard_step": len(regime.wizard_steps) if proposed else 2, "determined_level": level,
        "proposed_level": proposed, "reasons": reasons,
        "higher_level_justification": "Kết quả đánh giá rủi ro: hệ thống kết nối nhiều cơ sở dữ liệu dùng chung"
        if proposed and proposed > level else "",
        "risks": RISKS, "step_started_at": last if steps else None,
        "step_due_on": _step_due_on(seed, regime, state, last, proposed or level),
        "submitted_at": when.get("submit"),
        "request_number": f"{commune.index + 1}/TTr-UBND" if "submit" in when else "",
        "return_reason": "Bổ sung sơ đồ mạng và danh mục thiết bị" if state == "returned" else "",
        "appraisal_result": "phu_hop" if appraised else None,
        "appraisal_text": "Hồ sơ đầy đủ; cấp độ đề xuất phù hợp với tiêu chí." if appraised else "",
        "appraisal_by": "Công an xã (đơn vị chuyên trách)" if appraised else "",
        "appraisal_on": local_day(appraised) if appraised else None,
        "appraisal_number": f"{appraised.toordinal() % 50 + 1}/CAX" if appraised else "", "appraisal_file_id": None,
        "decision_number": decision_number(approved) if approved else None,
        "decision_on": local_day(approved) if approved else None,
        "decision_signer": commune.user("approver").name if approved else "", "approved_at": approved,
        "created_at": created, "updated_at": last, "created_by_id": commune.user("staff").id,
    }


def _step_due_on(seed: Seeder, regime, state: str, started: datetime, level: int) -> date | None:
    key = seed.law.workflow.state(state).deadline
    if not key:
        return None
    deadline = regime.deadline(key, level)
    return seed.law_due_on(local_day(started), deadline) if deadline.days else None


def _add_steps_and_audit(seed: Seeder, commune: CommuneRef, versions) -> None:
    workflow = seed.law.workflow
    rows = []
    for version in versions:
        system, dossier_id = version.system, version.dossier_id
        number = 2 if version.state != "superseded" and system.story.previous_steps else 1
        seed.audit(version.created_at, commune.user("staff").actor, "create", "dossier", dossier_id, commune.id,
                   f"{system.name}: hồ sơ lần {number}")
        state = "draft"
        for action, at in version.steps:
            actor = commune.user(_actor_key(action, system.level))
            comment = "Bổ sung sơ đồ mạng và danh mục thiết bị" if action == "return" else ""
            rows.append({"dossier_id": dossier_id, "at": at, "actor_id": actor.id, "actor_label": actor.email,
                         "action": action, "from_state": state, "to_state": TARGET[action], "comment": comment})
            seed.audit(at, actor.actor, "transition", "dossier", dossier_id, commune.id,
                       f"{workflow.action(action).label}: {state} → {TARGET[action]}",
                       {"state": [state, TARGET[action]]})
            state = TARGET[action]
    seed.insert(DossierStep, rows)


def _actor_key(action: str, level: int) -> str:
    if action == "approve":
        return "approver" if level >= 3 else "appraiser"   # NĐ 331 Đ18: the owner approves level 3
    return ACTOR_OF[action]


MEASURE_STATUSES = (("in_place", 60), ("partly", 20), ("planned", 20))


def _add_plans(seed: Seeder, commune: CommuneRef, rng, versions) -> None:
    """The commune adopted the starter library when its first dossier was created; most measures are
    in place by now. A few plan rows of dossiers in force are recorded "not applicable"."""
    library = load_starter_library(bundled_root() / "level_dossiers", seed.law.catalogue)
    adopted_at = min(version.created_at for version in versions) if versions else seed.now
    officer = commune.user("officer")
    measures = []
    for item in library.measures:
        status = rng.choices([s for s, _ in MEASURE_STATUSES], [w for _, w in MEASURE_STATUSES])[0]
        since = adopted_at + timedelta(days=rng.uniform(10, 200))
        measures.append({
            "commune_id": commune.id, "title": item.title, "description": item.text, "category": item.category,
            "scope": item.scope, "provider_name": item.provider or "", "provider_document": "",
            "status": status, "responsible_unit": "Công an xã" if item.category == "technical" else
            "Văn phòng HĐND và UBND", "owner_id": officer.id if rng.random() < 0.5 else None,
            "planned_on": local_day(since) + timedelta(days=90) if status != "in_place" else None,
            "in_place_since": local_day(since) if status == "in_place" else None, "levels": list(item.levels),
            "library_id": library.id, "library_measure_id": item.id, "library_version": library.version,
            "created_at": adopted_at, "updated_at": since, "created_by_id": officer.id, "version": 1})
    ids = seed.insert_ids(Measure, measures)
    commune.measures = {row["library_measure_id"]: (measure_id, row["status"]) for measure_id, row in zip(ids, measures)}
    seed.insert(MeasureRequirement, [{"measure_id": measure_id, "requirement_id": requirement_id}
                                     for measure_id, item in zip(ids, library.measures)
                                     for requirement_id in item.requirements])
    # A measure written for chosen systems (the cameras) applies to the commune's camera system.
    cameras = [system for system in commune.systems if "CAMERA" in system.code.upper()] or commune.systems[:1]
    seed.insert(MeasureSystem, [{"measure_id": measure_id, "system_id": system.id}
                                for measure_id, item in zip(ids, library.measures) if item.scope == "system"
                                for system in cameras])
    seed.audit(adopted_at, officer.actor, "adopt", "measure_library", library.id, commune.id,
               f"Áp dụng {library.title}: {len(ids)} biện pháp mới")
    for measure_id, row in zip(ids, measures):
        if row["status"] == "in_place" and rng.random() < 0.05:
            file_id = seed.add_file(commune.id, f"minh-chung-{row['library_measure_id']}.pdf",
                                    f"Minh chung {row['library_measure_id']}", row["updated_at"], officer).id
            seed.insert(MeasureEvidence, [{"measure_id": measure_id, "file_id": file_id, "note": "Biên bản kiểm tra",
                                           "added_at": row["updated_at"]}])
            seed.audit(row["updated_at"], officer.actor, "upload", "measure", measure_id, commune.id,
                       f"Minh chứng minh-chung-{row['library_measure_id']}.pdf")
    _add_not_applicable(seed, rng, versions)


def _add_not_applicable(seed: Seeder, rng, versions) -> None:
    catalogue = seed.law.catalogue
    rows = []
    for version in versions:
        if version.state not in IN_FORCE_STATES:
            continue
        level = version.system.story.proposed_level or version.system.level
        approved = dict(version.steps)["approve"]
        for position, requirement in enumerate(catalogue.for_level(level)):
            if rng.random() < 0.03:
                rows.append({"dossier_id": version.dossier_id, "requirement_id": requirement.id,
                             "catalogue_id": catalogue.id, "position": position, "area": requirement.area,
                             "plan_part": requirement.plan_part, "title": requirement.title,
                             "tcvn": requirement.tcvn_for(level) or "", "override_status": "not_applicable",
                             "override_reason": NA_REASON, "updated_at": approved + timedelta(days=rng.uniform(1, 30)),
                             "version": 1})
    seed.insert(PlanItem, rows)


def _add_reviews(seed: Seeder, commune: CommuneRef, rng, operating: list[tuple[SystemRef, int]]) -> None:
    reviews, findings_per_review = [], []
    for system, dossier_id in operating:
        started = system.story.when("complete_protection")
        for number in range(rng.choice((1, 1, 2))):
            reviewed_on = local_day(started) + timedelta(days=30 + 365 * number)
            if reviewed_on >= local_day(seed.now):
                break
            result = seed.pick("review-result", rng, (("partial", 25), ("pass", 70), ("fail", 5)))
            reviews.append({"dossier_id": dossier_id, "commune_id": commune.id, "reviewed_on": reviewed_on,
                            "assessor": "Công an xã", "is_independent": rng.random() < 0.3,
                            "external_organisation": "", "result": result,
                            "summary": "Kiểm tra định kỳ theo NĐ 331/2026 Đ31.2.c",
                            "next_due_on": add_months(reviewed_on, 12), "created_at": started + timedelta(days=31),
                            "created_by_id": commune.user("officer").id})
            findings_per_review.append(0 if result == "pass" else rng.randint(1, 3))
    ids = seed.insert_ids(Review, reviews)
    seed.insert(ReviewFinding, [
        {"review_id": review_id, "requirement_id": "", "text": f"Phát hiện {n + 1}: chưa thử khôi phục bản sao lưu",
         "is_failing": True, "due_on": row["reviewed_on"] + timedelta(days=60)}
        for review_id, row, count in zip(ids, reviews, findings_per_review) for n in range(count)])
    for review_id, row in zip(ids, reviews):
        seed.audit(row["created_at"], commune.user("officer").actor, "create", "review", review_id, commune.id,
                   f"Kiểm tra định kỳ ngày {row['reviewed_on']:%d/%m/%Y}: {row['result']}")


def _add_policy(seed: Seeder, commune: CommuneRef, rng) -> None:
    issued = seed.now - timedelta(days=rng.randint(400, 900))
    approver = commune.user("approver")
    file_id = seed.add_file(commune.id, "quy-che-an-ninh-mang.pdf", "Quy che bao dam an ninh mang", issued,
                            approver).id if rng.random() < 0.5 else None
    rows = [{"commune_id": commune.id, "title": "Quy chế bảo đảm an ninh mạng trong hoạt động của UBND",
             "decision_number": f"{rng.randint(1, 60)}/QĐ-UBND", "issued_on": local_day(issued), "file_id": file_id,
             "created_at": issued, "scope": "commune"}]
    listed = rng.choice(commune.systems) if commune.systems and rng.random() < 0.3 else None
    if listed is not None:  # some communes also issue a Quy chế for one system only
        rows.append({"commune_id": commune.id, "title": f"Quy chế bảo đảm an ninh mạng hệ thống {listed.name}",
                     "decision_number": f"{rng.randint(61, 99)}/QĐ-UBND", "issued_on": local_day(issued),
                     "file_id": None, "created_at": issued, "scope": "listed"})
    ids = seed.insert_ids(SecurityPolicy, rows)
    if listed is not None:
        seed.insert(SecurityPolicySystem, [{"policy_id": ids[1], "system_id": listed.id}])
