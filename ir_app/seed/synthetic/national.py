"""A synthetic nation: many provinces in one database (34 provinces, about 3,321 communes since
July 2025), each written by `seed_province` and committed on its own, so several processes can
build different provinces at once (the audit chain's head lock orders their trails)."""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy.orm import Session, sessionmaker

from ir_app.seed.synthetic import SeedReport, SyntheticSpec, seed_province
from ir_app.seed.synthetic.incidents import split_by, split_evenly
from ir_app.services.incidents.data import ResponseData
from ir_app.services.lawdata import LawData

PROVINCES, COMMUNES, INCIDENTS = 34, 3321, 200_000


def national_specs(provinces: int = PROVINCES, communes: int = COMMUNES, incidents: int = INCIDENTS,
                   systems_per_commune: int = 10, seed: int = 1, base: SyntheticSpec | None = None
                   ) -> list[SyntheticSpec]:
    """One spec per province (codes Q01, Q02 …): communes spread unevenly like real provinces,
    incidents in proportion to communes; the same arguments always give the same nation."""
    if not 1 <= provinces <= communes:
        raise ValueError("each province needs at least one commune")
    rng = random.Random(f"{seed}:national")  # noqa: S311 - reproducible data, not a secret
    sizes = split_evenly(communes - provinces, provinces, rng)
    sizes = [size + 1 for size in sizes]
    incident_counts = split_by(incidents, sizes)
    base = base or SyntheticSpec()
    return [replace(base, province_code=f"Q{number:02d}", communes=size, systems_per_commune=systems_per_commune,
                    incidents=count, seed=seed)
            for number, (size, count) in enumerate(zip(sizes, incident_counts), start=1)]


def seed_provinces(session_factory: sessionmaker[Session], specs: list[SyntheticSpec], law: LawData,
                   response: ResponseData, password: str,
                   progress: Callable[[SeedReport, SyntheticSpec], None] = lambda _report, _spec: None,
                   trusted: bool = False) -> list[SeedReport]:
    """Each province in its own transaction (a failure keeps the provinces already written)."""
    reports = []
    for spec in specs:
        session = session_factory()
        try:
            report = seed_province(session, spec, law, response, password, trusted=trusted)
            session.commit()
        finally:
            session.close()
        reports.append(report)
        progress(report, spec)
    return reports
