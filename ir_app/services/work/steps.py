"""Who acts next on a dossier: the roles of the workflow rules leaving its state.

The workflow file decides (level_dossiers/workflow.yaml); `@appraises` / `@approves` are expanded
by the dossier's level. Admins may do everything, so they are nobody's "next" unless the rule
names no one else.
"""
from __future__ import annotations

from ir_app.domain.state_machine import expand_roles
from ir_app.models import Dossier, User
from ir_app.services.lawdata import LawData

# What the person has to do in each state, for titles and messages (the workflow's state title
# is used for a state not listed here).
STEP_TASKS = {
    "draft": "Soạn, hoàn thiện và nộp hồ sơ",
    "returned": "Bổ sung, hoàn thiện hồ sơ bị trả lại",
    "submitted": "Kiểm tra tính hợp lệ hồ sơ",
    "accepted": "Thẩm định hồ sơ",
    "appraised": "Trình phê duyệt (hoặc sửa theo ý kiến thẩm định) hồ sơ",
    "pending_approval": "Phê duyệt cấp độ hồ sơ",
    "approved": "Bắt đầu triển khai phương án bảo đảm an ninh mạng của hồ sơ",
    "protecting": "Hoàn thành phương án bảo đảm an ninh mạng của hồ sơ",
}
ADMIN = "admin"


def next_roles(dossier: Dossier, law: LawData) -> frozenset[str]:
    """The roles that may take an action from the dossier's current state."""
    workflow = law.workflow
    aliases = law.role_aliases(law.regime(dossier.regime), dossier.level) if dossier.regime in law.regimes else {}
    roles: set[str] = set()
    for rule in workflow.transitions:
        if dossier.state in rule.from_states:
            roles |= expand_roles(rule, aliases)
    return frozenset(roles - {ADMIN}) or frozenset(roles)


def step_task(dossier: Dossier, law: LawData) -> str:
    if dossier.state in STEP_TASKS:
        return STEP_TASKS[dossier.state]
    try:
        return law.workflow.state(dossier.state).title
    except KeyError:
        return dossier.state


def waits_on(dossier: Dossier, law: LawData, user: User) -> bool:
    """Is this dossier's current step the user's: named, or (unassigned) by a role they hold?"""
    if dossier.step_assignee_id is not None:
        return dossier.step_assignee_id == user.id
    return bool({role.value for role in user.roles} & next_roles(dossier, law))
