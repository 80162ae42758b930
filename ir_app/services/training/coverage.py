"""Who must be trained on what, and where each person of a commune stands: the accounts of the
commune and the named people recorded at its sessions, against the role requirements. A fixed
number of statements for one commune or a whole province."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.config import load_config
from ir_app.datafiles.training import training_rules_in
from ir_app.domain.training import Coverage, Person, TrainingRules, coverage
from ir_app.models import User, UserRole
from ir_app.models.training import TrainingAttendance, TrainingCourse, TrainingSession


def configured_rules() -> TrainingRules:
    """The requirements of the configured level_dossiers folder (IR_LEVEL_DOSSIERS_DIR)."""
    return training_rules_in(str(Path(load_config()["IR_LEVEL_DOSSIERS_DIR"])))


def _ids_clause(column, commune_ids):
    """``commune_ids`` is a list of ids or a sub-select of them."""
    return column.in_(commune_ids if not isinstance(commune_ids, (list, tuple, set)) else list(commune_ids))


def people_by_commune(session: Session, commune_ids) -> dict[int, list[Person]]:
    """Active accounts with their roles (one statement, only the columns drawn) and the named people
    of the sessions (one statement; the latest record of a name gives their role and position)."""
    found: dict[int, dict[str, Person]] = defaultdict(dict)
    for commune_id, user_id, name, roles in _accounts(session, commune_ids):
        found[commune_id][f"user:{user_id}"] = Person(f"user:{user_id}", name, roles, user_id=user_id)
    rows = session.execute(
        select(TrainingAttendance.commune_id, TrainingAttendance.person_key, TrainingAttendance.person_name,
               TrainingAttendance.person_role, TrainingAttendance.position)
        .where(_ids_clause(TrainingAttendance.commune_id, commune_ids), TrainingAttendance.user_id.is_(None))
        .order_by(TrainingAttendance.recorded_at, TrainingAttendance.id))
    for commune_id, key, name, role, position in rows:
        found[commune_id][key] = Person(key, name, frozenset({role}), position=position)
    return {commune_id: sorted(people.values(), key=lambda person: (person.user_id is None, person.name.casefold()))
            for commune_id, people in found.items()}


def _accounts(session: Session, commune_ids) -> list[tuple[int, int, str, frozenset[str]]]:
    """(commune, user id, name, roles) of every active account, by name."""
    accounts: dict[int, tuple[int, int, str, set[str]]] = {}
    for commune_id, user_id, name, role in session.execute(
            select(User.organisation_id, User.id, User.name, UserRole.role)
            .outerjoin(UserRole, UserRole.user_id == User.id)
            .where(_ids_clause(User.organisation_id, commune_ids), User.is_active.is_(True))
            .order_by(User.name, User.id)):
        roles = accounts.setdefault(user_id, (commune_id, user_id, name, set()))[3]
        if role is not None:
            roles.add(role)
    return [(commune_id, user_id, name, frozenset(roles)) for commune_id, user_id, name, roles in accounts.values()]


def trained_by_commune(session: Session, commune_ids) -> dict[int, dict[tuple[str, str], list[date]]]:
    """Per commune: (person key, topic) → the days the person passed a session of that topic (one statement)."""
    found: dict[int, dict[tuple[str, str], list[date]]] = defaultdict(lambda: defaultdict(list))
    rows = session.execute(
        select(TrainingAttendance.commune_id, TrainingAttendance.person_key, TrainingSession.held_on,
               TrainingCourse.topics)
        .join(TrainingSession, TrainingSession.id == TrainingAttendance.session_id)
        .join(TrainingCourse, TrainingCourse.id == TrainingSession.course_id)
        .where(_ids_clause(TrainingAttendance.commune_id, commune_ids), TrainingAttendance.passed.is_(True)))
    for commune_id, key, held_on, topics in rows:
        for topic in topics or ():
            found[commune_id][(key, topic)].append(held_on)
    return found


def coverage_by_commune(session: Session, commune_ids, rules: TrainingRules, today: date) -> dict[int, Coverage]:
    """Every listed commune's coverage (three statements whatever the number of communes)."""
    people = people_by_commune(session, commune_ids)
    trained = trained_by_commune(session, commune_ids)
    return {commune_id: coverage(people.get(commune_id, []), rules, trained.get(commune_id, {}), today)
            for commune_id in set(people) | set(trained)}


def commune_coverage(session: Session, commune_id: int, rules: TrainingRules, today: date) -> Coverage:
    found = coverage_by_commune(session, [commune_id], rules, today)
    return found.get(commune_id) or coverage([], rules, {}, today)
