"""Dates a user types that cannot be true: a document signed in the future, a decision older than
the dossier it decides, an incident detected after it was reported, a check outside the dossier's life.

Each rule returns {field: reason}; the services refuse the save with those reasons.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def dossier_step_dates(today: date, submitted_on: date | None, appraisal_on: date | None,
                       decision_on: date | None) -> dict[str, str]:
    """The appraisal and the decision happen after the dossier was submitted and not after today;
    the decision follows the appraisal."""
    problems: dict[str, str] = {}
    if appraisal_on is not None:
        if appraisal_on > today:
            problems["appraisal_on"] = f"Ngày thẩm định {_day(appraisal_on)} ở tương lai (hôm nay là {_day(today)})."
        elif submitted_on is not None and appraisal_on < submitted_on:
            problems["appraisal_on"] = (f"Ngày thẩm định {_day(appraisal_on)} trước ngày nộp hồ sơ "
                                        f"{_day(submitted_on)}.")
    if decision_on is not None:
        if decision_on > today:
            problems["decision_on"] = f"Ngày quyết định {_day(decision_on)} ở tương lai (hôm nay là {_day(today)})."
        elif submitted_on is not None and decision_on < submitted_on:
            problems["decision_on"] = (f"Ngày quyết định {_day(decision_on)} trước ngày nộp hồ sơ "
                                       f"{_day(submitted_on)}: không thể phê duyệt hồ sơ chưa nộp.")
        elif appraisal_on is not None and decision_on < appraisal_on:
            problems["decision_on"] = (f"Ngày quyết định {_day(decision_on)} trước ngày thẩm định "
                                       f"{_day(appraisal_on)}.")
    return problems


def review_dates(today: date, reviewed_on: date, in_force_from: date | None,
                 finding_dues: list[date | None]) -> dict[str, str]:
    """A periodic check happens while the level is in force (from its approval) and not after today;
    a finding is due after the check that found it."""
    problems: dict[str, str] = {}
    if reviewed_on > today:
        problems["reviewed_on"] = f"Ngày kiểm tra {_day(reviewed_on)} ở tương lai (hôm nay là {_day(today)})."
    elif in_force_from is not None and reviewed_on < in_force_from:
        problems["reviewed_on"] = (f"Ngày kiểm tra {_day(reviewed_on)} trước ngày phê duyệt cấp độ "
                                   f"{_day(in_force_from)}: kiểm tra định kỳ chỉ tính từ khi cấp độ có hiệu lực.")
    early = [due for due in finding_dues if due is not None and due < reviewed_on]
    if early:
        problems["findings"] = (f"Hạn khắc phục {_day(early[0])} trước ngày kiểm tra {_day(reviewed_on)}.")
    return problems


def incident_detected_before_reported(detected_at: datetime, reported_at: datetime, skew: timedelta,
                                      shown: str) -> dict[str, str]:
    """An incident is detected before (or when) it is reported; `shown` is the report time as the user reads it."""
    if detected_at > reported_at + skew:
        return {"detected_at": f"Thời điểm phát hiện sau lúc sự cố được báo ({shown}): "
                               "sự cố phải được phát hiện trước khi báo."}
    return {}
