"""A synthetic province for scale tests and benchmarks: `ir-app seed-synthetic`.

Realistic (every table a province fills, dossiers in every state, incidents with the tasks,
timeline, reports and audit rows the app writes) and deterministic: the same spec gives the same
rows, because every random choice comes from a stream seeded by (seed, province, topic, commune)
and every moment is counted from the spec's fixed ``now``. Rows are written with bulk Core
inserts, commune by commune; the audit trail is sorted by time and chained at the end.

Accounts: ``<role>@mp<code>-<nnnn>.synth.vn`` per commune (officer, staff, staff2, appraiser,
approver, auditor), ``overseer@mp<code>.synth.vn`` and ``admin@mp<code>.synth.vn`` for the
province; every password is the one given.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.models import Organisation
from ir_app.seed.synthetic import advisories, dossiers, incidents, inventory, operations, people, registers, teams
from ir_app.seed.synthetic.seeder import BASE_TIME, Seeder, SyntheticSpec
from ir_app.services.accounts import hash_password
from ir_app.services.errors import ServiceError
from ir_app.services.incidents.data import ResponseData
from ir_app.services.lawdata import LawData

__all__ = ["BASE_TIME", "ProvinceExists", "SeedReport", "SyntheticSpec", "seed_province", "steps_for"]


class ProvinceExists(ServiceError):
    """The database already has an organisation with the province's code: nothing is written."""


@dataclass(frozen=True)
class SeedReport:
    province_id: int
    counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def steps_for(spec: SyntheticSpec) -> int:
    """Progress steps of one seed: one per commune, one for the audit chain."""
    return spec.communes + 1


def seed_province(session: Session, spec: SyntheticSpec, law: LawData, response: ResponseData, password: str,
                  progress: Callable[[int], None] = lambda _steps: None, trusted: bool = False) -> SeedReport:
    """Write the synthetic province; flushes, the caller commits once (all or nothing). ``trusted``
    skips PostgreSQL's foreign-key triggers while loading (see BulkWriter)."""
    _refuse_existing(session, spec.province_code)
    seed = Seeder(session, spec, law, response, hash_password(password), trusted)
    province_id, province_users = people.add_province(seed)
    communes = people.add_communes(seed, province_id)
    incident_counts = incidents.split_evenly(spec.incidents, spec.communes, seed.rng("incident-counts"))
    for commune, incident_count in zip(communes, incident_counts):
        people.populate_commune(seed, commune)
        inventory.add_systems(seed, commune)
        dossiers.add_dossiers(seed, commune)
        incidents.add_incidents(seed, commune, incident_count)
        operations.add_operations(seed, commune)
        registers.add_registers(seed, commune)
        teams.add_teams(seed, commune)
        progress(1)
    advisories.add_advisories(seed, province_id, province_users["overseer"], communes)
    seed.write_audit()
    seed.writer.flush()
    progress(1)
    return SeedReport(province_id, dict(seed.counts))


def _refuse_existing(session: Session, code: str) -> None:
    taken = (Organisation.code == code) | (Organisation.slug == people.province_slug(code))
    if session.scalar(select(Organisation.id).where(taken).limit(1)) is not None:
        raise ProvinceExists(f"đã có đơn vị mã «{code}» trong cơ sở dữ liệu; chọn mã tỉnh khác (--province-code) "
                             "hoặc dùng một cơ sở dữ liệu mới.")
