"""Playbooks, the incident lifecycle and reporting clocks (ir_app.domain.playbooks), on in-memory data."""

import copy
from datetime import date, datetime, timedelta, timezone

import pytest

from ir_app.domain.conditions import compile_condition
from ir_app.domain.playbooks import (
    APP_ROLES,
    PlaybookError,
    TransitionRefused,
    available_actions,
    build_categories,
    build_clock_rules,
    build_lifecycle,
    build_playbook,
    calendar_months,
    check_playbook,
    due_clocks,
    find_cycle,
    parse_iso_duration,
    transition,
    validate_condition,
)

ICT = timezone(timedelta(hours=7))
DETECTED = datetime(2026, 11, 2, 8, 30, tzinfo=ICT)
SOURCE = "mem://ransomware.yaml"
CATEGORY_IDS = ("ransomware", "malware", "other")

LIFECYCLE_RAW = {
    "initial_state": "received",
    "phases": [
        {"id": "detect", "title": "Phát hiện", "starts_on": "received"},
        {"id": "report", "title": "Báo cáo", "starts_on": "received"},
        {"id": "contain", "title": "Ngăn chặn", "starts_on": "contained"},
        {"id": "restore", "title": "Khôi phục", "starts_on": "restored"},
        {"id": "review", "title": "Rút kinh nghiệm", "starts_on": "reviewed"},
    ],
    "states": [
        {"id": "received", "title": "Tiếp nhận", "phase": "detect", "terminal": False},
        {"id": "analysed", "title": "Xác minh, phân tích", "phase": "detect", "terminal": False},
        {"id": "contained", "title": "Ngăn chặn, cô lập", "phase": "contain", "terminal": False},
        {"id": "restored", "title": "Khắc phục, khôi phục", "phase": "restore", "terminal": False},
        {"id": "reviewed", "title": "Rút kinh nghiệm", "phase": "review", "terminal": False},
        {"id": "closed", "title": "Đã đóng", "phase": None, "terminal": True},
        {"id": "not_incident", "title": "Không phải sự cố", "phase": None, "terminal": True},
    ],
    "guards": [
        {"id": "required_tasks_done", "title": "mọi nhiệm vụ bắt buộc đã hoàn thành"},
        {"id": "lessons_written", "title": "đã ghi bài học kinh nghiệm"},
    ],
    "transitions": [
        {"action": "report", "from": [], "to": "received", "roles": ["admin", "officer", "staff"],
         "comment_required": False, "guards": [], "label": "Báo nhanh sự cố"},
        {"action": "analyse", "from": ["received"], "to": "analysed", "roles": ["admin", "officer"],
         "comment_required": False, "guards": [], "label": "Xác minh, phân tích"},
        {"action": "contain", "from": ["received", "analysed"], "to": "contained", "roles": ["officer"],
         "comment_required": False, "guards": [], "label": "Ngăn chặn, cô lập"},
        {"action": "restore", "from": ["contained"], "to": "restored", "roles": ["officer"],
         "comment_required": False, "guards": [], "label": "Khắc phục"},
        {"action": "restore_directly", "from": ["analysed"], "to": "restored", "roles": ["officer"],
         "comment_required": True, "guards": [], "label": "Khắc phục ngay"},
        {"action": "review", "from": ["restored"], "to": "reviewed", "roles": ["officer"],
         "comment_required": False, "guards": [], "label": "Rút kinh nghiệm"},
        {"action": "close", "from": ["reviewed"], "to": "closed", "roles": ["admin", "officer"],
         "comment_required": False, "guards": ["required_tasks_done", "lessons_written"],
         "label": "Đóng sự cố"},
        {"action": "dismiss", "from": ["received", "analysed"], "to": "not_incident",
         "roles": ["officer"], "comment_required": True, "guards": [], "label": "Không phải sự cố"},
        {"action": "reopen", "from": ["closed", "not_incident"], "to": "analysed",
         "roles": ["admin", "officer"], "comment_required": True, "guards": [], "label": "Mở lại sự cố"},
    ],
}


def _step(step_id, phase="contain", depends_on=(), **extra):
    raw = {"id": step_id, "phase": phase, "title": f"Bước {step_id}", "role": "officer",
           "required": True, "guidance": "Làm theo hướng dẫn.", "depends_on": list(depends_on)}
    raw.update(extra)
    return raw


PLAYBOOK_RAW = {
    "id": "ransomware",
    "version": "1.0.0",
    "status": "active",
    "title": "Mã độc tống tiền (ransomware)",
    "categories": ["ransomware"],
    "review_interval": "P12M",
    "last_reviewed_on": "2026-11-01",
    "references": ["NĐ 333/2026 Đ9.2"],
    "summary": "Cô lập, báo cáo, khôi phục.",
    "phases": ["detect", "report", "contain", "restore", "review"],
    "steps": [
        _step("confirm-ransom-note", phase="detect", role="staff",
              due={"after": "detection", "within": "PT30M"}),
        _step("isolate-machines", depends_on=["confirm-ransom-note"],
              due={"after": "detection", "within": "PT1H"}, evidence=["Danh sách máy"]),
        _step("report-72h", phase="report", clock="nd331-report-72h",
              due={"after": "detection", "within": "PT72H"}),
        _step("restore-backup", phase="restore", depends_on=["isolate-machines"],
              due={"after": "phase_start", "within": "P3D"}, links=["backups"], continuity=True),
        _step("lessons-learned", phase="review", depends_on=["restore-backup"]),
    ],
}

NEW_REGIME = {"not": {"fact": "detected_at", "before": "2026-07-01T00:00:00+07:00"}}
CLOCKS_RAW = {
    "regimes": [{"id": "nd331-2026", "title": "Luật 116"}, {"id": "legacy-tt20-2017", "title": "TT 20"}],
    "rules": [
        {"id": "nd331-immediate", "title": "Báo cáo ngay", "recipient": "A05/PA05",
         "starts_at": "detected_at", "duration": "PT0H", "regime": "nd331-2026", "kind": "initial_notice",
         "article": "NĐ 331/2026 Đ31.2.d",
         "applies_when": {"all": [NEW_REGIME, {"any": [
             {"fact": "national_security_signs", "is": True}, {"fact": "serious_disruption", "is": True}]}]}},
        {"id": "nd331-initial-24h", "title": "Thông báo ban đầu 24 giờ", "recipient": "A05/PA05",
         "starts_at": "detected_at", "duration": "PT24H", "regime": "nd331-2026", "kind": "initial_notice",
         "article": "NĐ 331/2026 Đ31.2.d",
         "applies_when": {"all": [NEW_REGIME, {"fact": "severity", "eq": "nghiem_trong"}]}},
        {"id": "nd331-report-72h", "title": "Báo cáo 72 giờ", "recipient": "A05/PA05",
         "starts_at": "detected_at", "duration": "PT72H", "regime": "nd331-2026", "kind": "report",
         "article": "NĐ 331/2026 Đ31.2.d",
         "applies_when": {"all": [NEW_REGIME, {"not": {"fact": "cyber_incident", "is": False}}]}},
        {"id": "pdp-notice-72h", "title": "Thông báo vi phạm dữ liệu cá nhân", "recipient": "A05",
         "starts_at": "discovered_at", "duration": "PT72H", "regime": ["nd331-2026", "legacy-tt20-2017"],
         "kind": "pdp_notice", "article": "Luật 91/2025 Đ23; NĐ 356/2025 Đ28",
         "applies_when": {"fact": "personal_data_involved", "is": True}},
        {"id": "pdp-subject-72h", "title": "Thông báo chủ thể dữ liệu", "recipient": "Người dân",
         "starts_at": "discovered_at", "duration": "PT72H", "regime": ["nd331-2026", "legacy-tt20-2017"],
         "kind": "subject_notice", "article": "NĐ 356/2025 Đ29.1.a",
         "applies_when": {"all": [{"fact": "personal_data_involved", "is": True},
                                  {"fact": "location_or_biometric", "is": True}]}},
        {"id": "legacy-notice-5d", "title": "Thông báo 05 ngày", "recipient": "VNCERT/C",
         "starts_at": "detected_at", "duration": "P5D", "regime": "legacy-tt20-2017", "kind": "report",
         "article": "TT 20/2017 Đ9.2.a",
         "applies_when": {"fact": "detected_at", "before": "2026-07-01T00:00:00+07:00"}},
        {"id": "legacy-final-5d", "title": "Báo cáo kết thúc 05 ngày", "recipient": "VNCERT/C",
         "starts_at": "resolved_at", "duration": "P5D", "regime": "legacy-tt20-2017", "kind": "final_report",
         "article": "TT 20/2017 Đ9.2.b",
         "applies_when": {"all": [{"fact": "detected_at", "before": "2026-07-01T00:00:00+07:00"},
                                  {"fact": "beyond_capacity", "is": True}]}},
    ],
}
FACTS = ("severity", "category", "national_security_signs", "serious_disruption", "cyber_incident",
         "personal_data_involved", "location_or_biometric", "beyond_capacity")


@pytest.fixture(scope="module")
def lifecycle():
    return build_lifecycle(LIFECYCLE_RAW, "mem://lifecycle.yaml")


@pytest.fixture(scope="module")
def rules():
    return build_clock_rules(CLOCKS_RAW, "mem://clocks.yaml", FACTS)


def _playbook_errors(raw, lifecycle, rules=None):
    return check_playbook(raw, SOURCE, lifecycle, CATEGORY_IDS, APP_ROLES, rules)


def _only_error(raw, lifecycle, rules=None):
    with pytest.raises(PlaybookError) as caught:
        build_playbook(raw, SOURCE, lifecycle, CATEGORY_IDS, APP_ROLES, rules)
    return caught.value


# --------------------------------------------------------------------------- durations

@pytest.mark.parametrize(("text", "expected"), [
    ("PT0H", timedelta(0)),
    ("PT30M", timedelta(minutes=30)),
    ("PT72H", timedelta(hours=72)),
    ("P5D", timedelta(days=5)),
    ("P1DT2H30M", timedelta(days=1, hours=2, minutes=30)),
    ("PT1.5S", timedelta(seconds=1.5)),
    ("P12M", timedelta(days=360)),
    ("P1Y", timedelta(days=365)),
    ("P1Y2M3D", timedelta(days=365 + 60 + 3)),
    ("P2W", timedelta(days=14)),
])
def test_parse_iso_duration(text, expected):
    assert parse_iso_duration(text) == expected


@pytest.mark.parametrize("text", [
    "", "P", "PT", "P1DT", "72h", "pt72h", "PT72", "P1W2D", "-P1D", " PT1H", "P1.5D", "P1H", "PT1D", None, 72,
])
def test_parse_iso_duration_rejects_garbage(text):
    with pytest.raises(ValueError, match="ISO-8601"):
        parse_iso_duration(text)


@pytest.mark.parametrize("text, months", [("P12M", 12), ("P1Y", 12), ("P1Y6M", 18), ("P6M", 6),
                                          ("P30D", None), ("PT12H", None), ("P1M2D", None), ("P", None)])
def test_calendar_months_of_a_review_interval(text, months):
    assert calendar_months(text) == months


def test_a_review_interval_in_months_follows_the_calendar(lifecycle, rules):
    raw = dict(PLAYBOOK_RAW, last_reviewed_on="2026-01-31", review_interval="P1M")
    playbook = build_playbook(raw, SOURCE, lifecycle, CATEGORY_IDS, APP_ROLES, rules)
    assert playbook.next_review_on == date(2026, 2, 28)


# --------------------------------------------------------------------------- playbooks

def test_builds_a_valid_playbook(lifecycle, rules):
    playbook = build_playbook(PLAYBOOK_RAW, SOURCE, lifecycle, CATEGORY_IDS, APP_ROLES, rules)
    assert playbook.id == "ransomware" and playbook.version == "1.0.0"
    assert playbook.last_reviewed_on == date(2026, 11, 1)
    assert playbook.review_interval == timedelta(days=360)
    assert playbook.next_review_on == date(2027, 11, 1)  # P12M: the same date a year later
    step = playbook.step("restore-backup")
    assert step.due.after == "phase_start" and step.due.within == timedelta(days=3)
    assert step.links == ("backups",) and step.continuity and step.depends_on == ("isolate-machines",)
    assert playbook.step("isolate-machines").due.due_at(DETECTED) == DETECTED + timedelta(hours=1)
    assert playbook.step("report-72h").clock == "nd331-report-72h"
    assert check_playbook(PLAYBOOK_RAW, SOURCE, lifecycle, CATEGORY_IDS) == []


def test_duplicate_step_id(lifecycle):
    raw = copy.deepcopy(PLAYBOOK_RAW)
    raw["steps"].append(_step("isolate-machines"))
    error = _only_error(raw, lifecycle)
    assert "isolate-machines" in str(error) and "trùng" in error.reason


def test_unknown_dependency_names_file_step_and_reason(lifecycle):
    raw = copy.deepcopy(PLAYBOOK_RAW)
    raw["steps"][1]["depends_on"] = ["confirm-ransom-note", "call-the-hacker"]
    error = _only_error(raw, lifecycle)
    assert isinstance(error, ValueError)
    assert error.source == SOURCE and error.step == "isolate-machines"
    assert str(error) == (f"{SOURCE}: bước 'isolate-machines', trường 'depends_on': "
                          "không có bước 'call-the-hacker' trong kịch bản")


def test_dependency_cycle_is_reported_as_a_path(lifecycle):
    raw = copy.deepcopy(PLAYBOOK_RAW)
    raw["steps"][0]["depends_on"] = ["restore-backup"]  # confirm → restore → isolate → confirm
    error = _only_error(raw, lifecycle)
    assert "phụ thuộc vòng tròn" in error.reason
    assert "confirm-ransom-note → restore-backup → isolate-machines → confirm-ransom-note" in error.reason


def test_self_dependency_is_a_cycle(lifecycle):
    raw = copy.deepcopy(PLAYBOOK_RAW)
    raw["steps"][4]["depends_on"] = ["lessons-learned"]
    assert "lessons-learned → lessons-learned" in _only_error(raw, lifecycle).reason


def test_find_cycle():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": []}) is None
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["b"]}) == ["b", "c", "b"]
    assert find_cycle({"a": ["ghost"]}) is None  # unknown targets are reported elsewhere


@pytest.mark.parametrize(("change", "where", "reason"), [
    (lambda raw: raw["steps"][1].update(phase="eradicate"), "isolate-machines", "không có giai đoạn 'eradicate'"),
    (lambda raw: raw["steps"][1].update(role="hacker"), "isolate-machines", "không có vai trò 'hacker'"),
    (lambda raw: raw["steps"][1].update(due={"after": "detection", "within": "1 giờ"}), "isolate-machines",
     "ISO-8601"),
    (lambda raw: raw["steps"][1].update(due={"after": "lunch", "within": "PT1H"}), "isolate-machines",
     "after 'lunch'"),
    (lambda raw: raw["steps"][1].update(links=["printer"]), "isolate-machines", "'printer' không hợp lệ"),
    (lambda raw: raw.update(categories=["alien-invasion"]), "categories", "không có loại sự cố 'alien-invasion'"),
    (lambda raw: raw.update(phases=["detect", "report", "contain", "restore", "review", "party"]), "phases",
     "không có giai đoạn 'party'"),
    (lambda raw: raw.update(version="1.0"), "version", "MAJOR.MINOR.PATCH"),
    (lambda raw: raw.update(version=1.0), "version", "MAJOR.MINOR.PATCH"),
    (lambda raw: raw.update(review_interval="yearly"), "review_interval", "ISO-8601"),
    (lambda raw: raw.update(last_reviewed_on="01/11/2026"), "last_reviewed_on", "YYYY-MM-DD"),
    (lambda raw: raw.update(status="live"), "status", "'live' không hợp lệ"),
])
def test_semantic_errors(lifecycle, change, where, reason):
    raw = copy.deepcopy(PLAYBOOK_RAW)
    change(raw)
    error = _only_error(raw, lifecycle)
    assert where in error.where and reason in error.reason, str(error)


def test_step_phase_must_be_listed_by_the_playbook(lifecycle):
    raw = copy.deepcopy(PLAYBOOK_RAW)
    raw["phases"].remove("review")
    error = _only_error(raw, lifecycle)
    assert error.step == "lessons-learned" and "chưa được liệt kê" in error.reason


def test_declared_phase_without_steps(lifecycle):
    raw = copy.deepcopy(PLAYBOOK_RAW)
    raw["steps"] = [step for step in raw["steps"] if step["phase"] != "report"]
    assert "giai đoạn 'report'" in _only_error(raw, lifecycle).reason


def test_clock_link_must_exist_and_match_the_legal_deadline(lifecycle, rules):
    raw = copy.deepcopy(PLAYBOOK_RAW)
    raw["steps"][2]["due"] = {"after": "detection", "within": "P5D"}
    error = _only_error(raw, lifecycle, rules)
    assert error.step == "report-72h" and "PT72H" in error.reason
    raw["steps"][2]["clock"] = "report-whenever"
    assert "không có quy tắc báo cáo 'report-whenever'" in _only_error(raw, lifecycle, rules).reason


def test_check_playbook_collects_every_problem(lifecycle):
    raw = copy.deepcopy(PLAYBOOK_RAW)
    raw["version"] = "one"
    raw["steps"][1]["role"] = "hacker"
    raw["steps"][3]["depends_on"] = ["nowhere"]
    errors = _playbook_errors(raw, lifecycle)
    assert [error.where for error in errors] == [
        "trường 'version'",
        "bước 'isolate-machines', trường 'role'",
        "bước 'restore-backup', trường 'depends_on'",
    ]


def test_not_a_mapping(lifecycle):
    assert "mapping" in _only_error(["steps"], lifecycle).reason


# --------------------------------------------------------------------------- lifecycle

def test_lifecycle_shape(lifecycle):
    assert lifecycle.initial_state == "received"
    assert lifecycle.state("closed").terminal and not lifecycle.state("received").terminal
    assert lifecycle.action("report").creates
    assert lifecycle.phase("contain").starts_on == "contained"


@pytest.mark.parametrize(("change", "reason"), [
    (lambda raw: raw["transitions"][1].update(to="done"), "không có trạng thái 'done'"),
    (lambda raw: raw["transitions"][1].update(roles=["mayor"]), "không có vai trò 'mayor'"),
    (lambda raw: raw["transitions"][6].update(guards=["stars_aligned"]), "'stars_aligned' chưa được khai báo"),
    (lambda raw: raw["transitions"].append(dict(raw["transitions"][1])), "thao tác 'analyse' bị trùng"),
    (lambda raw: raw["states"].append({"id": "limbo", "title": "Treo", "phase": None, "terminal": True}),
     "không thể đi tới"),
    (lambda raw: raw["transitions"].pop(5), "không có thao tác nào đi ra"),
    (lambda raw: raw.update(initial_state="new"), "không có trạng thái 'new'"),
    (lambda raw: raw["phases"][0].update(starts_on="nowhere"), "starts_on"),
])
def test_lifecycle_errors(change, reason):
    raw = copy.deepcopy(LIFECYCLE_RAW)
    change(raw)
    with pytest.raises(PlaybookError) as caught:
        build_lifecycle(raw, "mem://lifecycle.yaml")
    assert reason in str(caught.value)


def test_staff_may_only_file_the_quick_report(lifecycle):
    assert transition(lifecycle, None, "report", {"staff"}, {}, None) == "received"
    assert [rule.action for rule in available_actions(lifecycle, None, {"staff"})] == ["report"]
    assert available_actions(lifecycle, "received", {"staff"}) == []
    with pytest.raises(TransitionRefused) as caught:
        transition(lifecycle, "received", "analyse", {"staff"}, {}, None)
    assert caught.value.code == "forbidden" and "Vai trò của bạn không được phép" in caught.value.reason


def test_officer_moves_forward_and_may_skip_where_allowed(lifecycle):
    assert transition(lifecycle, "received", "analyse", {"officer"}, {}, None) == "analysed"
    assert transition(lifecycle, "received", "contain", {"officer"}, {}, None) == "contained"
    assert transition(lifecycle, "analysed", "restore_directly", {"officer"}, {}, "Hỏng ổ cứng") == "restored"
    actions = [rule.action for rule in available_actions(lifecycle, "analysed", {"officer", "staff"})]
    assert actions == ["contain", "restore_directly", "dismiss"]


def test_wrong_state_and_unknown_action(lifecycle):
    with pytest.raises(TransitionRefused) as caught:
        transition(lifecycle, "received", "close", {"officer"}, {}, None)
    assert caught.value.code == "wrong_state"
    assert caught.value.reason == "Không thể «Đóng sự cố» khi sự cố đang ở trạng thái «Tiếp nhận»."
    with pytest.raises(TransitionRefused) as caught:
        transition(lifecycle, "received", "teleport", {"officer"}, {}, None)
    assert caught.value.code == "unknown_action"
    with pytest.raises(TransitionRefused) as caught:
        transition(lifecycle, None, "analyse", {"officer"}, {}, None)
    assert "sự cố chưa được tạo" in caught.value.reason
    with pytest.raises(TransitionRefused) as caught:
        transition(lifecycle, "limbo", "analyse", {"officer"}, {}, None)
    assert caught.value.code == "unknown_state"


@pytest.mark.parametrize("comment", [None, "", "   \n"])
def test_comment_required(lifecycle, comment):
    with pytest.raises(TransitionRefused) as caught:
        transition(lifecycle, "closed", "reopen", {"officer"}, {}, comment)
    assert caught.value.code == "comment_required" and "Cần ghi lý do" in caught.value.reason


def test_reopen_with_a_reason(lifecycle):
    assert transition(lifecycle, "closed", "reopen", {"admin"}, {}, "Tái nhiễm") == "analysed"
    assert transition(lifecycle, "not_incident", "reopen", {"officer"}, {}, "Kết luận nhầm") == "analysed"


def test_guards_block_closing_and_name_what_is_missing(lifecycle):
    with pytest.raises(TransitionRefused) as caught:
        transition(lifecycle, "reviewed", "close", {"officer"}, {"required_tasks_done": True}, None)
    assert caught.value.code == "guard_failed"
    assert caught.value.failed_guards == ("lessons_written",)  # missing = not met
    assert "đã ghi bài học kinh nghiệm" in caught.value.reason
    with pytest.raises(TransitionRefused) as caught:
        transition(lifecycle, "reviewed", "close", {"officer"},
                   {"required_tasks_done": False, "lessons_written": "yes"}, None)
    assert caught.value.failed_guards == ("required_tasks_done", "lessons_written")  # only True passes
    ok = {"required_tasks_done": True, "lessons_written": True}
    assert transition(lifecycle, "reviewed", "close", {"officer"}, ok, None) == "closed"


def test_role_is_checked_before_comment_and_guards(lifecycle):
    with pytest.raises(TransitionRefused) as caught:
        transition(lifecycle, "reviewed", "close", {"auditor"}, {}, None)
    assert caught.value.code == "forbidden"


# --------------------------------------------------------------------------- conditions

def evaluate_condition(cond, facts):
    return cond is None or compile_condition(cond)(facts)  # None: a clock rule without applies_when


@pytest.mark.parametrize(("cond", "expected"), [
    (None, True),
    ({"fact": "severity", "eq": "nghiem_trong"}, True),
    ({"fact": "severity", "in": ["thong_thuong"]}, False),
    ({"fact": "complex", "is": True}, False),
    ({"fact": "missing", "is": None}, True),
    ({"fact": "missing", "eq": 0}, False),
    ({"not": {"fact": "complex", "is": True}}, True),
    ({"all": [{"fact": "severity", "eq": "nghiem_trong"}, {"fact": "personal_data_involved", "is": True}]}, True),
    ({"any": [{"fact": "complex", "is": True}, {"fact": "category", "in": ["ransomware", "malware"]}]}, True),
    ({"fact": "detected_at", "before": "2026-07-01T00:00:00+07:00"}, False),
    ({"fact": "detected_at", "after": "2026-07-01T00:00:00+07:00"}, True),
    ({"fact": "detected_at", "after": "2026-11-02T08:30:00+07:00"}, False),  # strict
    ({"fact": "detected_on", "before": "2026-12-01"}, True),
    ({"fact": "missing", "before": "2026-12-01"}, False),
])
def test_evaluate_condition(cond, expected):
    facts = {"severity": "nghiem_trong", "complex": False, "personal_data_involved": True,
             "category": "ransomware", "detected_at": DETECTED, "detected_on": date(2026, 11, 2)}
    assert evaluate_condition(cond, facts) is expected


@pytest.mark.parametrize("cond", [
    {}, [], "severity == nghiem_trong", {"fact": "severity"}, {"fact": "severity", "eq": 1, "in": [1]},
    {"all": []}, {"any": "x"}, {"fact": "severity", "like": "nghiem%"}, {"fact": "x", "in": "abc"},
    {"fact": "x", "is": "yes"}, {"fact": "x", "before": "tomorrow"},
    {"fact": "x", "before": "2026-07-01T00:00:00"},  # no offset: ambiguous
])
def test_malformed_conditions_are_rejected(cond):
    with pytest.raises(ValueError):
        validate_condition(cond)


def test_unknown_fact_is_rejected_when_facts_are_known():
    with pytest.raises(ValueError, match="dữ kiện 'severty' không có"):
        validate_condition({"fact": "severty", "eq": "nghiem_trong"}, FACTS)


def test_comparing_a_date_fact_with_a_moment_is_an_error():
    with pytest.raises(ValueError, match="cùng kiểu"):
        evaluate_condition({"fact": "d", "before": "2026-07-01T00:00:00+07:00"}, {"d": date(2026, 6, 1)})


# --------------------------------------------------------------------------- clocks

def _clocks(rules, facts, detected_at=DETECTED, **kwargs):
    return [(rule.id, due) for rule, due in due_clocks(rules, facts, detected_at, **kwargs)]


def test_normal_incident_gets_only_the_72h_report(rules):
    assert _clocks(rules, {"severity": "thong_thuong"}) == [("nd331-report-72h", DETECTED + timedelta(hours=72))]


def test_serious_incident_adds_the_24h_initial_notice(rules):
    assert _clocks(rules, {"severity": "nghiem_trong"}) == [
        ("nd331-initial-24h", DETECTED + timedelta(hours=24)),
        ("nd331-report-72h", DETECTED + timedelta(hours=72)),
    ]


@pytest.mark.parametrize("flag", ["national_security_signs", "serious_disruption"])
def test_signs_of_harm_to_national_security_mean_immediately(rules, flag):
    clocks = _clocks(rules, {"severity": "thong_thuong", flag: True})
    assert clocks[0] == ("nd331-immediate", DETECTED)


def test_personal_data_clock_runs_in_parallel_from_discovery(rules):
    discovered = DETECTED + timedelta(hours=5)
    clocks = _clocks(rules, {"personal_data_involved": True}, discovered_at=discovered)
    assert clocks == [("nd331-report-72h", DETECTED + timedelta(hours=72)),
                      ("pdp-notice-72h", discovered + timedelta(hours=72))]
    with_biometrics = _clocks(rules, {"personal_data_involved": True, "location_or_biometric": True})
    assert [rule_id for rule_id, _ in with_biometrics] == ["nd331-report-72h", "pdp-notice-72h", "pdp-subject-72h"]
    assert all(due == DETECTED + timedelta(hours=72) for _, due in with_biometrics)  # discovery defaults to detection


def test_not_a_cyber_incident_has_no_report_to_the_ministry(rules):
    assert _clocks(rules, {"cyber_incident": False}) == []


def test_incident_detected_before_1_july_2026_follows_the_legacy_5_day_rule(rules):
    detected = datetime(2026, 6, 30, 23, 59, tzinfo=ICT)
    assert _clocks(rules, {"severity": "nghiem_trong"}, detected) == [("legacy-notice-5d", detected + timedelta(days=5))]
    assert _clocks(rules, {}, detected, regime="nd331-2026") == []
    utc_midnight = datetime(2026, 6, 30, 17, 0, tzinfo=timezone.utc)  # = 01/7/2026 00:00 in Việt Nam
    assert [rule_id for rule_id, _ in _clocks(rules, {}, utc_midnight)] == ["nd331-report-72h"]


def test_regime_filter_and_clocks_counted_from_resolution(rules):
    detected = datetime(2026, 5, 4, 9, 0, tzinfo=ICT)
    resolved = datetime(2026, 5, 8, 17, 0, tzinfo=ICT)
    facts = {"beyond_capacity": True, "personal_data_involved": True}
    assert [rule_id for rule_id, _ in _clocks(rules, facts, detected, regime="legacy-tt20-2017")] == [
        "pdp-notice-72h", "legacy-notice-5d"]
    assert _clocks(rules, facts, detected, resolved_at=resolved)[-1] == (
        "legacy-final-5d", resolved + timedelta(days=5))


def test_naive_datetimes_are_refused(rules):
    with pytest.raises(ValueError, match="múi giờ"):
        due_clocks(rules, {}, datetime(2026, 11, 2, 8, 30))


@pytest.mark.parametrize(("change", "reason"), [
    (lambda raw: raw["rules"].append(dict(raw["rules"][0])), "quy tắc 'nd331-immediate' bị trùng"),
    (lambda raw: raw["rules"][0].update(regime="nd85-2016"), "chế độ 'nd85-2016' chưa khai báo"),
    (lambda raw: raw["rules"][0].update(kind="gossip"), "kind 'gossip' không hợp lệ"),
    (lambda raw: raw["rules"][0].update(starts_at="lunch"), "starts_at 'lunch' không hợp lệ"),
    (lambda raw: raw["rules"][0].update(duration="72 giờ"), "ISO-8601"),
    (lambda raw: raw["rules"][1].update(applies_when={"fact": "severty", "eq": "x"}), "dữ kiện 'severty'"),
    (lambda raw: raw.update(regimes=[]), "regimes"),
])
def test_clock_rule_errors(change, reason):
    raw = copy.deepcopy(CLOCKS_RAW)
    change(raw)
    with pytest.raises(PlaybookError) as caught:
        build_clock_rules(raw, "mem://clocks.yaml", FACTS)
    assert reason in str(caught.value)


def test_categories_expose_the_fact_names():
    catalogue = build_categories({
        "categories": [{"id": "ransomware", "title": "Mã độc tống tiền"},
                       {"id": "infrastructure_failure", "title": "Hỏng thiết bị", "cyber_incident": False}],
        "severity": {"levels": [{"id": "thong_thuong", "title": "Thông thường"},
                                {"id": "nghiem_trong", "title": "Nghiêm trọng"}],
                     "criteria": [{"regime": "nd331-2026", "defined": False, "text": "Chưa định nghĩa"}]},
        "flags": [{"id": "complex", "title": "Phức tạp"}],
    }, "mem://categories.yaml")
    assert catalogue.category_ids == ("ransomware", "infrastructure_failure")
    assert not catalogue.categories[1].cyber_incident and catalogue.categories[0].cyber_incident
    assert {"complex", "severity", "detected_at", "discovered_at"} <= catalogue.fact_names


# Purity of the whole domain (this package included) is checked by tests/domain/test_domain_is_pure.py.


def test_every_error_inside_a_step_carries_the_step_id(lifecycle):
    raw = copy.deepcopy(PLAYBOOK_RAW)
    del raw["steps"][1]["guidance"]
    raw["steps"][1]["due"] = "soon"
    errors = _playbook_errors(raw, lifecycle)
    assert [(error.step, error.where) for error in errors] == [
        ("isolate-machines", "bước 'isolate-machines', trường 'due'"),
        ("isolate-machines", "bước 'isolate-machines', trường 'guidance'"),
    ]


def test_clock_rules_are_hashable_values(rules):
    assert len(set(rules)) == len(rules)
