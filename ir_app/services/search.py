"""One search box: systems, dossiers, incidents, measures, contacts and issued documents.

Scoped exactly like the lists (a commune sees its own records; an overseer the province's;
confidential incidents only for those who may read them), accent-insensitive ("mot cua" finds
"Một cửa", "25/qd-ubnd" finds "25/QĐ-UBND") and one statement per group whatever the data size.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import String, and_, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from ir_app.domain.folding import FOLD_FROM, FOLD_TO, fold
from ir_app.domain.text import whole_number
from ir_app.models import (
    Dossier,
    EmergencyContact,
    Incident,
    InformationSystem,
    IssuedDocument,
    Measure,
    Organisation,
    User,
)
from ir_app.services.authz import scope_query
from ir_app.services.incidents.queries import readable_filter

GROUP_LIMIT = 10          # hits shown per group; one more is read to say "there are more"
QUERY_MAX_LENGTH = 100
MIN_TERM_LENGTH = 2
GROUPS = ("system", "dossier", "incident", "measure", "contact", "document")


class folded(FunctionElement):  # noqa: N801 - reads as a SQL function: folded(column)
    """The column as ``domain.folding.fold`` would return it, computed by the database."""
    type = String()
    inherit_cache = True
    name = "ir_fold"


@compiles(folded)
def _fold_by_registered_function(element, compiler, **kw):  # SQLite: db.py registers ir_fold
    return f"ir_fold({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _fold_by_translate(element, compiler, **kw):
    # Both mapping strings are letters only (no quote), so they are safe to write inline.
    return f"translate(lower({compiler.process(element.clauses, **kw)}), '{FOLD_FROM}', '{FOLD_TO}')"


@dataclass(frozen=True)
class Hit:
    kind: str              # one of GROUPS
    target_id: int | None  # what the hit opens (a system, a dossier…); None: nothing to open
    title: str
    detail: str
    commune_code: str
    commune_name: str


@dataclass
class SearchResults:
    text: str
    groups: dict[str, list[Hit]] = field(default_factory=dict)
    more: set[str] = field(default_factory=set)  # groups with more hits than shown
    too_short: bool = False

    @property
    def total(self) -> int:
        return sum(len(hits) for hits in self.groups.values())


def search_terms(text: str) -> list[str]:
    """The folded words of what the user typed; every word must appear in a hit."""
    return [word for word in fold(text.strip()[:QUERY_MAX_LENGTH]).split() if word]


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matches(words: list[str], *columns):
    """Every word somewhere in the columns (joined by spaces, NULL as empty), accents ignored."""
    joined = columns[0]
    for column in columns[1:]:
        joined = joined.concat(literal(" ")).concat(column)
    haystack = folded(joined)
    return and_(*(haystack.like(_like(word), escape="\\") for word in words))


def search(session: Session, user: User, text: str) -> SearchResults:
    results = SearchResults(text=text.strip()[:QUERY_MAX_LENGTH])
    words = search_terms(text)
    if not words or sum(len(word) for word in words) < MIN_TERM_LENGTH:
        results.too_short = bool(results.text)
        return results
    for kind, finder in (("system", _systems), ("dossier", _dossiers), ("incident", _incidents),
                         ("measure", _measures), ("contact", _contacts), ("document", _documents)):
        hits = finder(session, user, words, text)
        if len(hits) > GROUP_LIMIT:
            results.more.add(kind)
        if hits:
            results.groups[kind] = hits[:GROUP_LIMIT]
    return results


def _commune_columns():
    return Organisation.code.label("commune_code"), Organisation.name.label("commune_name")


def _run(session: Session, user: User, query, commune_column) -> list:
    query = scope_query(query.join(Organisation, Organisation.id == commune_column), commune_column, user)
    return list(session.execute(query.limit(GROUP_LIMIT + 1)))


def _systems(session: Session, user: User, words: list[str], _text: str) -> list[Hit]:
    system = InformationSystem
    query = (select(system.id, system.code, system.name, *_commune_columns())
             .where(_matches(words, system.name, system.code, system.domains))
             .order_by(Organisation.name, system.name, system.id))
    return [Hit("system", row.id, row.name, row.code, row.commune_code, row.commune_name)
            for row in _run(session, user, query, system.commune_id)]


def _dossiers(session: Session, user: User, words: list[str], _text: str) -> list[Hit]:
    query = (select(Dossier.id, Dossier.version_no, Dossier.state, InformationSystem.name.label("system"),
                    *_commune_columns())
             .join(InformationSystem, InformationSystem.id == Dossier.system_id)
             .where(_matches(words, InformationSystem.name, InformationSystem.code))
             .order_by(Organisation.name, InformationSystem.name, Dossier.version_no.desc(), Dossier.id))
    return [Hit("dossier", row.id, row.system, row.state, row.commune_code, row.commune_name)
            for row in _run(session, user, query, Dossier.commune_id)]


def _incidents(session: Session, user: User, words: list[str], text: str) -> list[Hit]:
    wanted = _matches(words, Incident.title)
    number = _incident_number(text)
    if number is not None:
        code, year, serial = number
        same = and_(Incident.year == year, Incident.number == serial)
        wanted = or_(wanted, and_(same, Incident.commune_code == code) if code else same)
    query = (select(Incident, *_commune_columns()).where(wanted)
             .order_by(Incident.detected_at.desc(), Incident.id.desc()))
    readable = readable_filter(user)
    if readable is not None:
        query = query.where(readable)
    return [Hit("incident", row.Incident.id, row.Incident.title, row.Incident.code, row.commune_code, row.commune_name)
            for row in _run(session, user, query, Incident.commune_id)]


def _incident_number(text: str) -> tuple[str, int, int] | None:
    """'SC-11017-2026-0007' → ("11017", 2026, 7); 'SC-2026-0007' or '2026-7' → ("", 2026, 7)."""
    parts = text.strip().upper().removeprefix("SC-").split("-")
    code = parts.pop(0) if len(parts) == 3 and parts[0].isascii() and parts[0].isalnum() else ""
    numbers = [whole_number(part) for part in parts]
    if len(parts) == 2 and None not in numbers:
        return code, numbers[0], numbers[1]
    return None


def _measures(session: Session, user: User, words: list[str], _text: str) -> list[Hit]:
    query = (select(Measure.id, Measure.title, Measure.status, *_commune_columns())
             .where(_matches(words, Measure.title, Measure.provider_name))
             .order_by(Organisation.name, Measure.title, Measure.id))
    return [Hit("measure", row.id, row.title, row.status, row.commune_code, row.commune_name)
            for row in _run(session, user, query, Measure.commune_id)]


def _contacts(session: Session, user: User, words: list[str], _text: str) -> list[Hit]:
    contact = EmergencyContact
    query = (select(contact.id, contact.name, contact.organisation, contact.phone, *_commune_columns())
             .where(_matches(words, contact.name, contact.organisation, contact.role, contact.phone, contact.email))
             .order_by(Organisation.name, contact.sort_order, contact.name))
    return [Hit("contact", None, row.name, " · ".join(filter(None, [row.organisation, row.phone])),
                row.commune_code, row.commune_name) for row in _run(session, user, query, contact.commune_id)]


def _documents(session: Session, user: User, words: list[str], _text: str) -> list[Hit]:
    """Numbers as written on paper: the dossier's letters (request, appraisal, decision) and every
    document numbered later (IssuedDocument: number + symbol)."""
    letters = (select(Dossier.id, Dossier.request_number, Dossier.appraisal_number, Dossier.decision_number,
                      InformationSystem.name.label("system"), *_commune_columns())
               .join(InformationSystem, InformationSystem.id == Dossier.system_id)
               .where(or_(*(_matches(words, column) for column in
                            (Dossier.request_number, Dossier.appraisal_number, Dossier.decision_number))))
               .order_by(Organisation.name, InformationSystem.name, Dossier.id))
    hits = []
    for row in _run(session, user, letters, Dossier.commune_id):
        for number in (row.decision_number, row.appraisal_number, row.request_number):
            if number and all(word in fold(number) for word in words):
                hits.append(Hit("document", row.id, number, row.system, row.commune_code, row.commune_name))
    issued = (select(IssuedDocument.subject, IssuedDocument.number, IssuedDocument.symbol,
                     IssuedDocument.issued_on, *_commune_columns())
              .where(_matches(words, IssuedDocument.number.concat("/").concat(IssuedDocument.symbol)))
              .order_by(Organisation.name, IssuedDocument.issued_on.desc(), IssuedDocument.id))
    for row in _run(session, user, issued, IssuedDocument.commune_id):
        kind, _, subject_id = row.subject.partition(":")
        target = whole_number(subject_id) if kind == "dossier" else None
        hits.append(Hit("document", target, f"{row.number}/{row.symbol}", row.issued_on.strftime("%d/%m/%Y"),
                        row.commune_code, row.commune_name))
    return hits
