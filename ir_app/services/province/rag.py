"""Red / amber / green for the province table: pure rules, no database.

Each column says what its figure means and from which value a cell turns amber or red. A colour is
never shown alone: every cell carries the word (Đỏ / Vàng / Xanh) and a symbol as well.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from ir_app.i18n_markers import N_

RED, AMBER, GREEN = "red", "amber", "green"
LEVEL_LABELS = {RED: N_("Đỏ"), AMBER: N_("Vàng"), GREEN: N_("Xanh")}
LEVEL_SYMBOLS = {RED: "✖", AMBER: "!", GREEN: "✓"}
SEVERITY = {RED: 2, AMBER: 1, GREEN: 0}


def by_threshold(amber_from: int | None, red_from: int | None) -> Callable[[int], str]:
    """A count is green below ``amber_from``, amber from it, red from ``red_from`` (None: never)."""
    def rule(value: int) -> str:
        if red_from is not None and value >= red_from:
            return RED
        if amber_from is not None and value >= amber_from:
            return AMBER
        return GREEN
    return rule


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    help: str
    rule: Callable[[int], str] | None = None  # None: the row computes the colour itself (see below)


COLUMNS: tuple[Column, ...] = (
    Column("dossiers_overdue", N_("Hồ sơ quá hạn bước"),
           N_("Hồ sơ cấp độ đã quá thời hạn pháp định của bước đang xử lý"), by_threshold(None, 1)),
    Column("unapproved", N_("HT chưa có cấp độ"),
           N_("Hệ thống đang dùng chưa được phê duyệt cấp độ"), by_threshold(1, None)),
    Column("transition", N_("HT theo hạn chuyển tiếp"),
           N_("Hệ thống còn phải hoàn thành trước 01/01/2027 (đang đầu tư) hoặc 01/07/2027 (phê duyệt theo NĐ 85)")),
    Column("plan_gaps", N_("Thiếu sót phương án (cấp 3+)"),
           N_("Yêu cầu chưa đáp ứng trong phương án bảo vệ của hệ thống cấp độ 3 trở lên")),
    Column("policy_missing", N_("Quy chế"), N_("Quy chế bảo đảm an ninh mạng của xã")),
    Column("clocks_24h", N_("Sự cố quá hạn 24 giờ"),
           N_("Sự cố đang mở quá hạn thông báo ngay hoặc trong 24 giờ"), by_threshold(None, 1)),
    Column("clocks_72h", N_("Sự cố quá hạn 72 giờ"),
           N_("Sự cố đang mở quá hạn báo cáo trong 72 giờ"), by_threshold(None, 1)),
    Column("open_incidents", N_("Sự cố đang mở"), N_("Sự cố chưa đóng (đỏ khi có sự cố nghiêm trọng)")),
    Column("backups_overdue", N_("Sao lưu quá hạn"), N_("Kế hoạch sao lưu không có bản sao lưu đúng lịch"),
           by_threshold(1, 3)),
    Column("restores_overdue", N_("Thử khôi phục quá hạn"), N_("Kế hoạch sao lưu quá hạn thử khôi phục"),
           by_threshold(1, 3)),
    Column("checks_missed", N_("Kiểm tra sáng bị bỏ lỡ"),
           N_("Ngày làm việc trong tuần này (trước hôm nay) không có lần kiểm tra buổi sáng"), by_threshold(1, 3)),
    Column("training", N_("Tập huấn"),
           N_("Tỷ lệ yêu cầu tập huấn theo vai trò còn hiệu lực (vàng dưới 100%, đỏ dưới 70%); số là yêu cầu còn thiếu")),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
TRANSITION_WARNING_DAYS = 180


def transition_level(count: int, deadlines: list[date], today: date) -> str:
    """Systems still bound to a transition deadline: red once a deadline has passed or is under
    six months away, amber before that, green when none is left."""
    if not count:
        return GREEN
    nearest = min(deadlines) if deadlines else None
    if nearest is not None and (nearest - today).days <= TRANSITION_WARNING_DAYS:
        return RED
    return AMBER


def plan_level(gaps: int, total: int) -> str:
    """Plan coverage of level-3+ systems: red under half met, amber with any gap left."""
    if not gaps:
        return GREEN
    return RED if total and gaps * 2 > total else AMBER


@dataclass(frozen=True)
class Cell:
    value: int
    level: str
    text: str = ""  # shown instead of the number when set (e.g. "Chưa có")

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def symbol(self) -> str:
        return LEVEL_SYMBOLS[self.level]


def worst_first_key(cells: dict[str, Cell], name: str) -> tuple[Any, ...]:
    """Most red cells first, then most amber, then the name."""
    levels = [cell.level for cell in cells.values()]
    return (-levels.count(RED), -levels.count(AMBER), name)


def sort_key(column: str, cells: dict[str, Cell], name: str, descending: bool = True) -> tuple[Any, ...]:
    """By one column: colour first, then the figure (worst first when descending), then the name."""
    cell = cells[column]
    sign = -1 if descending else 1
    return (sign * SEVERITY[cell.level], sign * cell.value, name)
