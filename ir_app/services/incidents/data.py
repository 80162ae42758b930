"""The incident-response folder (playbooks/) as one value: lifecycle, catalogue, clocks, playbooks.

Loading parses and validates a dozen YAML files, so it happens once per folder, not per request:
the web keeps one per app (``app.extensions``); jobs and the CLI use ``response_data(folder)``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ir_app.config import load_config
from ir_app.datafiles.playbooks import load_categories, load_clock_rules, load_lifecycle, load_playbooks
from ir_app.domain.playbooks import Catalogue, Category, ClockRule, Lifecycle, Playbook
from ir_app.i18n_markers import N_

CLOCK_KIND_LABELS = {
    "initial_notice": N_("Thông báo ban đầu"),
    "report": N_("Báo cáo sự cố"),
    "update": N_("Báo cáo cập nhật"),
    "final_report": N_("Báo cáo kết thúc"),
    "pdp_notice": N_("Thông báo vi phạm dữ liệu cá nhân"),
    "subject_notice": N_("Thông báo cho chủ thể dữ liệu"),
    "other": N_("Văn bản khác"),
}


@dataclass(frozen=True)
class ResponseData:
    folder: Path
    lifecycle: Lifecycle
    catalogue: Catalogue
    clock_rules: tuple[ClockRule, ...]
    playbooks: Mapping[str, Playbook]

    def category(self, category_id: str | None) -> Category | None:
        return next((item for item in self.catalogue.categories if item.id == category_id), None)

    def category_title(self, category_id: str | None) -> str:
        category = self.category(category_id)
        return category.title if category else N_("Chưa phân loại")

    def severity_title(self, severity_id: str | None) -> str:
        found = next((item for item in self.catalogue.severities if item.id == severity_id), None)
        return found.title if found else N_("Chưa phân loại")

    def state_title(self, state_id: str) -> str:
        return self.lifecycle.state(state_id).title

    def phase_title(self, phase_id: str) -> str:
        return self.lifecycle.phase(phase_id).title

    def rule(self, rule_id: str | None) -> ClockRule | None:
        return next((rule for rule in self.clock_rules if rule.id == rule_id), None)

    def playbooks_for(self, category_id: str | None) -> list[Playbook]:
        """Active playbooks written for the category: the ones to propose."""
        return [playbook for playbook in self.playbooks.values()
                if category_id in playbook.categories and playbook.status == "active"]

    @property
    def terminal_states(self) -> tuple[str, ...]:
        return tuple(state.id for state in self.lifecycle.states if state.terminal)


def load_response_data(folder: Path) -> ResponseData:
    folder = Path(folder).resolve()
    catalogue = load_categories(folder)
    return ResponseData(
        folder=folder, lifecycle=load_lifecycle(folder), catalogue=catalogue,
        clock_rules=load_clock_rules(folder, catalogue.fact_names), playbooks=load_playbooks(folder),
    )


@lru_cache(maxsize=8)
def _cached(folder: Path) -> ResponseData:
    return load_response_data(folder)


def response_data(folder: Path | None = None) -> ResponseData:
    """The folder's data, loaded once per process; None = the configured folder (IR_PLAYBOOKS_DIR)."""
    return _cached(Path(folder or load_config()["IR_PLAYBOOKS_DIR"]).resolve())
