"""A no-op marker for user-visible labels defined outside the web layer.

``N_("…")`` returns its argument unchanged; it only tells ``pybabel extract`` (keyword ``N_``)
that the string belongs in the translation catalogue. The web layer translates such labels when
it shows them (``gettext(label)`` in Python, the ``|t`` filter in templates). Models, services
and the like can use it without importing Flask or Flask-Babel.
"""
from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 - the conventional name of the marker
    return text
