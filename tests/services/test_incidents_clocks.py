"""Reporting clocks on real incidents with the controlled clock: 24 h / 72 h / immediately /
personal data / legacy 5 days; met, overdue, and the open items the scheduler reminds about."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from incident_support import ICT, act, classify, data, quick_report, record_report

from ir_app.models import Role
from ir_app.services.errors import ValidationFailed
from ir_app.services.incidents.clocks import DONE, OVERDUE, PENDING, due_incident_clocks, incident_clocks


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune)


def clocks(incident, now):
    return {clock.rule.id: clock for clock in incident_clocks(incident, data(), now)}


def test_an_ordinary_incident_has_the_72_hour_report_only(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="phishing")
    found = clocks(incident, clock.now())
    assert list(found) == ["nd331-report-72h"]
    report = found["nd331-report-72h"]
    assert report.due_at == clock.now() + timedelta(hours=72)
    assert (report.status, report.time_left) == (PENDING, timedelta(hours=72))
    clock.advance(hours=71)
    assert clocks(incident, clock.now())["nd331-report-72h"].time_left == timedelta(hours=1)
    clock.advance(hours=1, minutes=1)
    late = clocks(incident, clock.now())["nd331-report-72h"]
    assert late.status == OVERDUE and late.time_left == -timedelta(minutes=1) and late.is_missed


def test_a_serious_incident_adds_the_24_hour_initial_notice(session, officer, commune, clock):
    detected = clock.now() - timedelta(hours=2)
    incident = quick_report(session, officer, commune, clock.now(), category="ransomware", detected_at=detected)
    classify(session, officer, incident, clock.now(), severity="nghiem_trong",
             severity_reason="Bộ phận một cửa ngừng tiếp nhận hồ sơ")
    found = clocks(incident, clock.now())
    assert list(found) == ["nd331-initial-24h", "nd331-report-72h", "nd331-final"]
    assert found["nd331-initial-24h"].due_at == detected + timedelta(hours=24)
    assert found["nd331-initial-24h"].time_left == timedelta(hours=22)
    assert found["nd331-final"].due_at == detected + timedelta(days=30)


@pytest.mark.parametrize("flag", ["national_security_signs", "serious_disruption"])
def test_signs_of_harm_mean_report_immediately_read_as_within_one_hour_nd331_d31_2_d(
        session, officer, commune, clock, flag):
    """NĐ 331/2026 Đ31.2.d: "ngay khi phát hiện" has no number of hours; clocks.yaml › immediately
    reads it as within 1 hour of detection, so the clock is pending, not late, right after detection."""
    incident = quick_report(session, officer, commune, clock.now(), category="defacement")
    classify(session, officer, incident, clock.now(), **{flag: True})
    immediate = clocks(incident, clock.now())["nd331-immediate"]
    assert immediate.rule.duration == timedelta(0) and immediate.rule.grace == timedelta(hours=1)
    assert immediate.due_at == incident.detected_at + timedelta(hours=1) and immediate.status == PENDING
    clock.advance(minutes=59)
    assert clocks(incident, clock.now())["nd331-immediate"].status == PENDING
    clock.advance(minutes=2)
    assert clocks(incident, clock.now())["nd331-immediate"].status == OVERDUE


def test_a_report_sent_minutes_after_detection_is_on_time_and_counted_as_met_nd331_d31_2_d(
        session, officer, commune, clock):
    from ir_app.services.incidents.summary import period_of, summarise

    on_time = quick_report(session, officer, commune, clock.now(), category="defacement")
    classify(session, officer, on_time, clock.now(), national_security_signs=True)
    late = quick_report(session, officer, commune, clock.now(), category="defacement")
    classify(session, officer, late, clock.now(), serious_disruption=True)
    clock.advance(minutes=15)
    record_report(session, officer, on_time, clock.now(), "nd331-immediate",
                  sent_at=on_time.detected_at + timedelta(minutes=12))  # a phone call to PA05, 12 minutes in
    clock.advance(hours=3)
    record_report(session, officer, late, clock.now(), "nd331-immediate", late_reason="Mất điện, không liên lạc được")
    assert clocks(on_time, clock.now())["nd331-immediate"].is_met
    assert clocks(late, clock.now())["nd331-immediate"].is_missed
    summary = summarise(session, commune, period_of("week", clock.now().date()), clock.now(), data())
    immediate = [c for i in summary.incidents for c in incident_clocks(i, data(), clock.now())
                 if c.rule.id == "nd331-immediate"]
    assert sorted(c.is_met for c in immediate) == [False, True]
    assert summary.clocks_met >= 1 and summary.clocks_missed >= 1


def test_the_personal_data_clock_runs_in_parallel_from_discovery(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="data_breach",
                            detected_at=clock.now() - timedelta(hours=10))
    discovered = clock.now() - timedelta(hours=4)
    classify(session, officer, incident, clock.now(), personal_data_involved=True, discovered_at=discovered,
             personal_data_kinds="Họ tên, số CCCD", personal_data_subjects="1.250")
    found = clocks(incident, clock.now())
    assert found["nd331-report-72h"].due_at == incident.detected_at + timedelta(hours=72)
    assert found["pdp-notice-72h"].due_at == discovered + timedelta(hours=72)
    assert "pdp-subject-72h" not in found
    classify(session, officer, incident, clock.now(), location_or_biometric=True)
    assert clocks(incident, clock.now())["pdp-subject-72h"].due_at == discovered + timedelta(hours=72)
    assert incident.personal_data_subjects == 1250


def test_incidents_detected_before_1_july_2026_follow_the_legacy_5_day_rule(session, officer, commune, clock):
    detected = datetime(2026, 6, 30, 23, 30, tzinfo=ICT)
    incident = quick_report(session, officer, commune, clock.now(), category="malware", detected_at=detected)
    found = clocks(incident, clock.now())
    assert list(found) == ["legacy-notice-5d"]
    assert found["legacy-notice-5d"].due_at == detected + timedelta(days=5)
    assert found["legacy-notice-5d"].status == OVERDUE  # long past, nothing recorded
    new_regime = quick_report(session, officer, commune, clock.now(), category="malware",
                              detected_at=datetime(2026, 7, 1, 0, 0, tzinfo=ICT))
    assert list(clocks(new_regime, clock.now())) == ["nd331-report-72h"]


def test_legacy_final_report_counts_from_the_end_of_the_response(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="malware",
                            detected_at=datetime(2026, 6, 20, 8, 0, tzinfo=ICT))
    classify(session, officer, incident, clock.now(), severity="nghiem_trong", severity_reason="Mất dữ liệu")
    assert "legacy-final-5d" not in clocks(incident, clock.now())  # not resolved yet
    for action in ("analyse", "contain", "restore"):
        act(session, officer, incident, action, clock.now())
    clock.advance(days=2)
    act(session, officer, incident, "trace", clock.now())
    final = clocks(incident, clock.now())["legacy-final-5d"]
    assert final.due_at == clock.now() + timedelta(days=5)


def test_a_power_failure_is_not_a_cyber_incident_unless_the_officer_says_so(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="infrastructure_failure",
                            what="Mất điện, bộ lưu điện hỏng, máy chủ tắt")
    assert clocks(incident, clock.now()) == {}
    classify(session, officer, incident, clock.now(), is_cyber_incident="yes")
    assert list(clocks(incident, clock.now())) == ["nd331-report-72h"]


def test_an_unclassified_report_is_treated_as_a_cyber_incident(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now())
    assert list(clocks(incident, clock.now())) == ["nd331-report-72h"]


def test_recording_the_report_completes_the_clock(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="phishing")
    clock.advance(hours=30)
    record_report(session, officer, incident, clock.now(), "nd331-report-72h")
    done = clocks(incident, clock.now())["nd331-report-72h"]
    assert done.status == DONE and done.is_met and not done.is_missed
    assert done.report.reference_number == "12/BC-UBND"


def test_a_late_report_needs_a_reason_and_counts_as_missed(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="phishing")
    clock.advance(hours=80)
    with pytest.raises(ValidationFailed) as refused:
        record_report(session, officer, incident, clock.now(), "nd331-report-72h")
    assert "ghi lý do chậm" in refused.value.errors["late_reason"]
    assert "09:00 29/11/2026" in refused.value.errors["late_reason"]  # the due time, in local time
    session.rollback()
    record_report(session, officer, incident, clock.now(), "nd331-report-72h", late_reason="Mất điện cả ngày")
    late = clocks(incident, clock.now())["nd331-report-72h"]
    assert late.status == DONE and late.is_missed


def test_report_times_are_checked(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="phishing")
    for sent_at, message in ((clock.now() + timedelta(hours=1), "tương lai"),
                             (clock.now() - timedelta(hours=1), "trước thời điểm phát hiện")):
        with pytest.raises(ValidationFailed) as refused:
            record_report(session, officer, incident, clock.now(), "nd331-report-72h", sent_at=sent_at)
        assert message in refused.value.errors["sent_at"]
        session.rollback()
    with pytest.raises(ValidationFailed) as refused:
        record_report(session, officer, incident, clock.now(), "", recipient="")
    assert set(refused.value.errors) == {"kind", "recipient"}


def test_due_items_for_the_scheduler(session, officer, commune, other_commune, make_user, clock):
    other_officer = make_user(Role.OFFICER, organisation=other_commune)
    serious = quick_report(session, officer, commune, clock.now(), category="ransomware")
    classify(session, officer, serious, clock.now(), severity="nghiem_trong", severity_reason="Ngừng một cửa")
    reported = quick_report(session, officer, commune, clock.now(), category="phishing")
    record_report(session, officer, reported, clock.now(), "nd331-report-72h")
    dismissed = quick_report(session, officer, commune, clock.now(), category="phishing")
    act(session, officer, dismissed, "dismiss", clock.now(), comment="Thư quảng cáo, không phải lừa đảo")
    elsewhere = quick_report(session, other_officer, other_commune, clock.now(), category="malware")
    clock.advance(hours=25)

    items = due_incident_clocks(session, clock.now(), data=data())
    assert [(item.incident_id, item.rule_id) for item in items] == [
        (serious.id, "nd331-initial-24h"), (serious.id, "nd331-report-72h"), (elsewhere.id, "nd331-report-72h"),
        (serious.id, "nd331-final")]
    first = items[0]
    assert first.is_overdue and first.time_left == -timedelta(hours=1)
    assert (first.incident_code, first.commune_id) == (serious.code, commune.id)
    assert not items[1].is_overdue and items[1].time_left == timedelta(hours=47)
    only_ours = due_incident_clocks(session, clock.now(), [commune.id], data())
    assert {item.incident_id for item in only_ours} == {serious.id}


def test_due_items_default_to_the_configured_playbooks_folder(session, officer, commune, clock):
    quick_report(session, officer, commune, clock.now(), category="phishing")
    assert [item.rule_id for item in due_incident_clocks(session, clock.now())] == ["nd331-report-72h"]


def test_a_false_alarm_has_nothing_to_report(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="phishing")
    act(session, officer, incident, "dismiss", clock.now(), comment="Thư quảng cáo hợp lệ")
    clock.advance(days=5)
    assert clocks(incident, clock.now()) == {}
