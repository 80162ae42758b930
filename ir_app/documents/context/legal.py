"""Regime ids and the legal texts each regime cites ("Căn cứ …" lines, the regime's terms).

The texts live in the regime files (level_dossiers/regimes/*.yaml › legal_basis[].citation,
short_title, security_term), read through the one data loader; nothing here repeats them.
"""
from __future__ import annotations

from functools import lru_cache
from ir_app.config import level_dossiers_dir
from ir_app.datafiles.regimes import load_regimes
from ir_app.domain.regimes import Regime

DEFAULT_REGIME = "nd331-2026"
REGIMES = ("nd331-2026", "nd85-2016")


def regime_texts(regime: str) -> dict[str, str] | None:
    """What a document says of the regime (short title, law, decree, term); None if unknown."""
    found = _regimes(str(level_dossiers_dir() / "regimes")).get(regime)
    if found is None:
        return None
    return {"short_title": found.short_title, "law": found.citation_of("law"),
            "decree": found.citation_of("decree"), "security_term": found.security_term}


@lru_cache(maxsize=4)
def _regimes(folder: str) -> dict[str, Regime]:
    return load_regimes(folder)


# --------------------------------------------------------------------------- legal bases
def default_legal_bases(regime: str) -> tuple[str, ...]:
    """The "Căn cứ …" lines of the regime (the issuer adds its own competence basis first)."""
    found = _regimes(str(level_dossiers_dir() / "regimes"))[regime]
    return tuple(f"Căn cứ {document.citation}" for document in found.cited)
