"""Legal regimes as data (package); the names the rest of the app imports."""

from ir_app.domain.regimes.build import (
    LEVELS,
    Deadline,
    InputField,
    Regime,
    RegimeError,
    Rule,
    article_sort_key,
    build_regime,
)

__all__ = [
    "LEVELS",
    "Deadline",
    "InputField",
    "Regime",
    "RegimeError",
    "Rule",
    "article_sort_key",
    "build_regime",
]
